"""URL pieces that must never reach the database out of range (ids; page numbers are app/params.py's), safe local
redirects, and bad Unicode refused at the door (issue 22)."""

import re
from urllib.parse import urlsplit

from flask import jsonify, request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # INTEGER primary keys (PostgreSQL int4); SQLite overflows past 2**63 with a 500


class IdConverter(IntegerConverter):
    """`<int:…>` limited to what an INTEGER column holds: a larger number is simply not found (404)."""

    def to_python(self, value: str) -> int:
        """The number, or 404 (not a routing ValidationError, which would make Werkzeug answer 405)."""
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


def ascii_int(raw: str | None, maximum: int = MAX_ID) -> int | None:
    """A plain ASCII number in 0–`maximum`, else None: `"²".isdigit()` is True but `int("²")` raises, and a
    30-digit id overflows SQLite's INTEGER."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return None
    number = int(raw)
    return number if number <= maximum else None


def safe_local_url(target: str | None) -> str | None:
    """`target` when it is a path of this site, else None (login's `next`, the language switch's `next`).

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so `/%09/evil.example` and
    `/\\evil.example` are `//evil.example` to them: any control character, space or backslash refuses the target.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(c < " " or c in "\\\x7f " for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# What no text field may hold: C0/C1 control characters but tab, newline and carriage return; lone surrogates
# (`"\ud83d"` is valid JSON but not encodable: PostgreSQL, UTF-8 exports and PDFs fail on it); U+FFFE/U+FFFF.
BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A JSON body can carry those only as \u escapes, a raw DEL or a raw C1 character (UTF-8 lead byte 0xC2): a body
# with none of these bytes needs no walk (the check-in hot path).
_JSON_SUSPECT = (b"\\u", b"\x7f", b"\xc2")


def bad_text_message(text: str) -> str | None:
    """The Vietnamese refusal for a text holding a forbidden character, or None."""
    found = BAD_TEXT.search(text)
    if found is None:
        return None
    return (f"Có ký tự không hợp lệ (U+{ord(found.group()):04X}, ký tự điều khiển hoặc mã hóa hỏng) trong trường "
            "này; hãy xóa ký tự đó rồi gửi lại.")


def bad_text_in_json(value, path: str = "") -> dict[str, str]:
    """{dotted path: message} of the first string (value or key) holding a forbidden character, else {}."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            message = bad_text_message(item)
            if message:
                return {where or "_": message}
        elif isinstance(item, dict):
            for key, child in item.items():
                name = f"{where}.{key}" if where else str(key)
                if bad_text_message(str(key)):
                    return {name: bad_text_message(str(key))}
                stack.append((name, child))
        elif isinstance(item, list):
            stack.extend((f"{where}.{i}" if where else str(i), child) for i, child in enumerate(item))
    return {}


def bad_text_in_json_body(body: bytes, parsed) -> dict[str, str]:
    """`bad_text_in_json` of a JSON body (`parsed()` gives it parsed), {} without parsing when its raw bytes
    cannot hold a forbidden character."""
    return bad_text_in_json(parsed()) if any(s in body for s in _JSON_SUSPECT) else {}


def bad_text_in_form(req) -> dict[str, str]:
    """{field name: message} for every form field (name, value or uploaded file name) with a forbidden character."""
    found = {}
    for key, value in req.form.items(multi=True):
        message = bad_text_message(key) or bad_text_message(value)
        if message:
            found.setdefault(key, message)
    for key, upload in req.files.items(multi=True):
        message = bad_text_message(upload.filename or "")
        if message:
            found.setdefault(key, message)
    return found


def refuse_bad_text():
    """Bad Unicode refused at the door (issue 22): NUL in the path or query → 400; a forbidden character in any
    JSON string → 422 naming the field; in a form → the field's message, shown by the form (`BaseForm`), 422."""
    from flask import abort, g

    req = request._get_current_object()  # one proxy lookup: this runs before every request
    query = req.environ.get("QUERY_STRING", "")
    # The raw query string says it without parsing it: a NUL can only arrive there as %00.
    if "%00" in query or "\x00" in query or (req.view_args and _has_nul(req.view_args.values())):
        abort(400)
    mimetype = req.mimetype
    # Only form bodies are parsed here: reading `request.form` of a JSON request costs a parser for nothing.
    if mimetype in FORM_MIMETYPES:
        bad = bad_text_in_form(req)
        if bad:
            g.bad_text_fields = bad
    elif req.is_json:
        bad = bad_text_in_json_body(req.get_data(), lambda: req.get_json(silent=True))
        if bad:
            # The API's error shape (app/errors.py json_error), built here: app.errors imports app.params,
            # which imports this module.
            return jsonify({"error": {"code": "invalid_field", "message": "Dữ liệu có ký tự không hợp lệ.",
                                      "fields": bad}}), 422
    return None


def mark_refused_form(response):
    """A form refused for bad characters answers 422, whatever status its view chose for the re-shown form."""
    from flask import g

    if g.get("bad_text_fields") and response.status_code < 300:
        response.status_code = 422
    return response


def _has_nul(values) -> bool:
    return any("\x00" in v for v in values if isinstance(v, str))
