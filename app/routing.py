"""URL pieces that must never reach the database out of range: ids (page numbers: app/params.py); NUL refused."""

from flask import request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # INTEGER primary keys (PostgreSQL int4); SQLite overflows past 2**63 with a 500
MAX_PAGE = 100_000  # the highest page number a list accepts (app/params.py), so the OFFSET stays in range


class IdConverter(IntegerConverter):
    """`<int:…>` limited to what an INTEGER column holds: a larger number is simply not found (404)."""

    def to_python(self, value: str) -> int:
        """The number, or 404 (not a routing ValidationError, which would make Werkzeug answer 405)."""
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values) -> bool:
    return any("\x00" in v for v in values if isinstance(v, str))


def refuse_nul_characters():
    """A NUL character in the path, query, form or JSON body is bad input (400): PostgreSQL text cannot store it."""
    from flask import abort

    req = request._get_current_object()  # one proxy lookup: this runs before every request
    query = req.environ.get("QUERY_STRING", "")
    # The raw query string says it without parsing it: a NUL can only arrive there as %00.
    if "%00" in query or "\x00" in query or (req.view_args and _has_nul(req.view_args.values())):
        abort(400)
    mimetype = req.mimetype
    # Only form bodies are parsed here: reading `request.form` of a JSON request costs a parser for nothing.
    if mimetype in FORM_MIMETYPES and _has_nul(req.form.values()):
        abort(400)
    if req.is_json:
        body = req.get_data()
        if b"\\u0000" in body or b"\x00" in body:
            abort(400)
