"""URL pieces that must never reach the database out of range: ids and page numbers."""

from flask import request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # INTEGER primary keys (PostgreSQL int4); SQLite overflows past 2**63 with a 500
MAX_PAGE = 100_000


class IdConverter(IntegerConverter):
    """`<int:…>` limited to what an INTEGER column holds: a larger number is simply not found (404)."""

    def to_python(self, value: str) -> int:
        """The number, or 404 (not a routing ValidationError, which would make Werkzeug answer 405)."""
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def requested_page() -> int:
    """`?page=` as a number in 1–MAX_PAGE (junk → 1, huge → MAX_PAGE), so the OFFSET stays in range."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values) -> bool:
    return any("\x00" in v for v in values if isinstance(v, str))


def refuse_nul_characters():
    """A NUL character in the path, query, form or JSON body is bad input (400): PostgreSQL text cannot store it."""
    from flask import abort

    # Only form bodies are parsed here: reading `request.form` of a JSON request costs a parser for nothing.
    form = request.mimetype in FORM_MIMETYPES and request.form.values()
    if _has_nul((request.view_args or {}).values()) or _has_nul(request.args.values()) or (form and _has_nul(form)):
        abort(400)
    if request.is_json and (b"\\u0000" in request.get_data() or b"\x00" in request.get_data()):
        abort(400)
