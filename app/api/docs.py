"""How an API module documents its operations: `operation(…)` beside its views, schemas from its declarations.

Every operation is registered here, at import time of its module; `app/api/openapi.py` assembles the document.
The schemas of bodies and answers are never written by hand: `operation` names pydantic models
(`app/schemas/<feature>.py`) and `app.schemas.components` generates `components.schemas` from them.
"""

from __future__ import annotations

from app.routing import MAX_ID
from app.schemas import OneOf, component_name, ref

PENDING = "x-lantoa-pending"  # documented in SPEC §12 but served by a feature still being built (none today)

PATHS: dict = {}
MODELS: list = []  # every model an operation names (their components are generated)
ONE_OFS: dict[str, OneOf] = {}

ERRORS = {"400": ("BadRequest", "Nội dung không phải JSON hợp lệ hoặc tham số sai dạng."),
          "401": ("Unauthorized", "Thiếu, sai hoặc đã thu hồi mã truy cập."),
          "403": ("Forbidden", "Vai trò không được phép."),
          "404": ("NotFound", "Không có, hoặc thuộc đơn vị khác (trông như không có)."),
          "409": ("Conflict", "Xung đột với dữ liệu đã có."),
          "422": ("Unprocessable", "Dữ liệu không hợp lệ; `fields` chỉ ra từng trường.")}
BINARY = {"type": "string", "format": "binary"}
PDF = {"description": "Tệp PDF.", "content": {"application/pdf": {"schema": BINARY}}}
DATE_QUERY = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}
YEAR_QUERY = {"type": "integer", "minimum": 2000, "maximum": 2100}


def path_id(name: str, description: str = "") -> dict:
    """A whole-number id in the path (the `int` converter's range)."""
    return {"name": name, "in": "path", "required": True, "description": description or name,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


def path_slug(description: str, example: str) -> dict:
    """A slug in the path (a campaign's, a plan's)."""
    return {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64},
            "description": description, "example": example}


def query(name: str, schema: dict, description: str) -> dict:
    """An optional query parameter."""
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                   "description": "Khóa do máy khách chọn (ví dụ một UUID): gửi lại yêu cầu với cùng khóa (mất kết "
                                  "nối, thử lại) không tạo thêm bản ghi; câu trả lời 200 là bản ghi của lần đầu."}


def schema_of(shape) -> dict:
    """A JSON schema for a model (its component), `[Model]` (a list of it), a OneOf or a raw schema dict
    (only for what no payload declares: a path parameter, a file)."""
    if isinstance(shape, list):
        return {"type": "array", "items": schema_of(shape[0])}
    if isinstance(shape, OneOf):
        ONE_OFS[shape.name] = shape
        return ref(shape.name)
    if isinstance(shape, dict):
        return shape
    MODELS.append(shape)
    return ref(component_name(shape))


def _answer(shape, description: str) -> dict:
    """A response: a raw response object (PDF, PNG) or JSON of `shape`."""
    if isinstance(shape, dict) and "content" in shape:
        return shape
    return {"description": description, "content": {"application/json": {"schema": schema_of(shape)}}}


def operation(path: str, method: str, op_id: str, summary: str, tag: str, ok: tuple, errors=(), body=None,
              parameters=None, required=None, extra_ok: dict | None = None, public: bool = False,
              content: dict | None = None) -> None:
    """Document one operation: its success answer `ok=(status, shape[, description])`, the error statuses it
    may give (400 for a NUL character anywhere — app/routing.py — is always there, and 401 unless `public`),
    its JSON body (`required` lists fields required on top of the body's schema; `content` adds other media
    types, e.g. multipart) and its parameters."""
    status, shape, *description = ok
    answers = {str(status): _answer(shape, description[0] if description else "Kết quả.")}
    for code, (shape_, text) in (extra_ok or {}).items():
        answers[str(code)] = _answer(shape_, text)
    for code in ("400", *(() if public else ("401",)), *errors):
        answers[code] = {"$ref": f"#/components/responses/{ERRORS[code][0]}"}
    op = {"operationId": op_id, "summary": summary, "tags": [tag], "responses": answers}
    if parameters:
        op["parameters"] = parameters
    if public:
        op["security"] = []
    if body is not None:
        schema = schema_of(body)
        if required:
            schema = {"allOf": [schema], "required": list(required)}
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}, **(content or {})}}
    PATHS.setdefault(path, {})[method] = op
