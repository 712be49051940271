"""The OpenAPI 3.1 description of /api/v1 (SPEC §12), written as data and served at /api/v1/openapi.json."""

from flask import jsonify

from app.activities.kinds import KINDS, STATUSES
from app.activities.services import (
    MAX_LINKS,
    MAX_NOTES,
    MAX_ORGANISER,
    MAX_PARTNERS,
    MAX_REASON,
    MAX_TITLE,
    MAX_VENUE,
)
from app.api import bp, targets_docs, voice_docs
from app.api.activities import MAX_PER_PAGE
from app.compliance.engine import STATUSES as DUTY_STATUSES
from app.routing import MAX_ID, MAX_PAGE
from app.schemas.campaigns import CampaignCopyIn

PENDING = "x-lantoa-pending"  # documented in SPEC §12 but served by a feature still being built


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(type_: str, **extra) -> dict:
    return {"type": [type_, "null"], **extra}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


PDF = {"description": "Tệp PDF.", "content": {"application/pdf": {"schema": {"type": "string",
                                                                            "format": "binary"}}}}
PNG = {"description": "Ảnh PNG.", "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}

ACTIVITY_ID = {"name": "activity_id", "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "description": "Mã hoạt động."}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64},
        "description": "Mã chiến dịch, ví dụ `bhyt-day-2026`, `thang-van-dong-2026`.", "example": "bhyt-day-2026"}
DATE_QUERY = {"type": "string", "format": "date", "description": "YYYY-MM-DD"}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


SCHEMAS: dict = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "examples": ["invalid", "not_found", "already_submitted"]},
                "message": {"type": "string", "description": "Thông báo tiếng Việt."},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "Lỗi theo từng trường (tên trường → thông báo)."},
            },
        }},
    },
    "Commune": {
        "type": "object",
        "required": ["code", "name", "kind"],
        "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"}},
    },
    "Results": {
        "type": "object",
        "description": "Kết quả theo loại hoạt động (SPEC §3): số đếm ≥ 0, đường dẫn http(s), văn bản, ngày.",
        "additionalProperties": {"type": ["integer", "string", "array", "null"],
                                 "items": {"type": "string"}},
    },
    "ActivityInput": {
        "type": "object",
        "description": "Tạo: `kind`, `title`, `start`, `end` bắt buộc. Sửa (PATCH): chỉ các trường cần đổi.",
        "additionalProperties": False,
        "properties": {
            "commune_code": _nullable("string", maxLength=10, description="null = cấp thành phố."),
            "kind": {"type": "string", "enum": sorted(KINDS)},
            "title": {"type": "string", "maxLength": MAX_TITLE},
            "start": {"type": "string", "description": "ISO 8601; giờ không có múi = Asia/Ho_Chi_Minh.",
                      "examples": ["2026-07-01T08:00:00+07:00"]},
            "end": {"type": "string", "examples": ["2026-07-01T11:00:00+07:00"]},
            "venue": _nullable("string", maxLength=MAX_VENUE),
            "organiser": _nullable("string", maxLength=MAX_ORGANISER),
            "status": {"type": "string", "enum": list(STATUSES)},
            "cancel_reason": _nullable("string", maxLength=MAX_REASON),
            "partners": {"type": "array", "maxItems": MAX_PARTNERS, "items": {"type": "string"}},
            "audiences": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 6}},
            "messages": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 19}},
            "results": _ref("Results"),
            "links": {"type": "array", "maxItems": MAX_LINKS, "items": {"type": "string", "format": "uri"}},
            "notes": _nullable("string", maxLength=MAX_NOTES),
        },
    },
    "Activity": {
        "type": "object",
        "required": ["id", "commune_code", "commune_name", "kind", "kind_label", "title", "start", "end",
                     "evidence_date", "status", "partners", "audiences", "messages", "results", "links",
                     "created_at", "updated_at"],
        "properties": {
            "id": {"type": "integer"},
            "commune_code": _nullable("string"),
            "commune_name": _nullable("string"),
            "kind": {"type": "string", "enum": sorted(KINDS)},
            "kind_label": {"type": "string"},
            "title": {"type": "string"},
            "start": {"type": "string", "format": "date-time"},
            "end": {"type": "string", "format": "date-time"},
            "evidence_date": {"type": "string", "format": "date"},
            "venue": _nullable("string"),
            "organiser": _nullable("string"),
            "status": {"type": "string", "enum": list(STATUSES)},
            "cancel_reason": _nullable("string"),
            "partners": {"type": "array", "items": {"type": "string"}},
            "audiences": {"type": "array", "items": {"type": "integer"}},
            "messages": {"type": "array", "items": {"type": "integer"}},
            "results": _ref("Results"),
            "links": {"type": "array", "items": {"type": "string"}},
            "notes": _nullable("string"),
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "checkin_url": {"type": "string", "description": "Chỉ với các loại có điểm danh QR."},
        },
    },
    "ActivityPage": {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages"],
        "properties": {"items": {"type": "array", "items": _ref("Activity")}, "page": {"type": "integer"},
                       "per_page": {"type": "integer"}, "total": {"type": "integer"},
                       "pages": {"type": "integer"}},
    },
    "Duty": {
        "type": "object",
        "required": ["no", "text", "evidence", "kinds", "min_count", "window_start", "window_end", "hint"],
        "properties": {"no": {"type": "integer"}, "text": {"type": "string"}, "evidence": {"type": "string"},
                       "kinds": {"type": "array", "items": {"type": "string"}}, "min_count": {"type": "integer"},
                       "window_start": _nullable("string", format="date"),
                       "window_end": _nullable("string", format="date"), "hint": _nullable("string")},
    },
    "Campaign": {
        "type": "object",
        "required": ["slug", "name", "start", "end", "active", "duties"],
        "properties": {"slug": {"type": "string"}, "name": {"type": "string"},
                       "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"},
                       "active": {"type": "boolean"}, "state": {"type": "string", "enum": ["draft", "published"]},
                       "duties": {"type": "array", "items": _ref("Duty")}},
    },
    "Compliance": {
        "type": "object",
        "required": ["campaign", "as_of", "communes", "city_requirements", "summary"],
        "properties": {
            "campaign": {"type": "string"},
            "as_of": {"type": "string", "format": "date"},
            "communes": {"type": "array", "items": {
                "type": "object", "required": ["code", "name", "duties", "done", "total"],
                "properties": {
                    "code": {"type": "string"}, "name": {"type": "string"},
                    "duties": {"type": "array", "items": {
                        "type": "object", "required": ["no", "status", "evidence"],
                        "properties": {"no": {"type": "integer"},
                                       "status": {"type": "string", "enum": list(DUTY_STATUSES)},
                                       "evidence": {"type": "array", "items": {"type": "integer"},
                                                    "description": "Mã các hoạt động làm minh chứng."}}}},
                    "done": {"type": "integer"}, "total": {"type": "integer"}}}},
            "city_requirements": {"type": "array", "items": {
                "type": "object", "required": ["key", "label", "required", "actual", "met"],
                "properties": {"key": {"type": "string"}, "label": {"type": "string"},
                               "required": {"type": "integer"}, "actual": {"type": "integer"},
                               "met": {"type": "boolean"}}}},
            "summary": {"type": "object", "description": "Tổng hợp: số xã, số ô theo trạng thái, tỉ lệ đúng hạn…"},
        },
    },
    "SubmissionInput": {
        "type": "object",
        "required": ["commune_code"],
        "properties": {
            "commune_code": {"type": "string", "maxLength": 5},
            "submitted_on": _nullable("string", format="date",
                                      description="Chỉ admin/city: ngày nhận báo cáo giấy (không sau hôm nay)."),
            "note": {"type": "string", "maxLength": 1000},
        },
    },
    "Submission": {
        "type": "object",
        "required": ["id", "campaign", "commune_code", "submitted_on", "submitted_at", "source", "submitted_by",
                     "note", "unlocked_at"],
        "properties": {"id": {"type": "integer"}, "campaign": {"type": "string"},
                       "commune_code": {"type": "string"}, "submitted_on": {"type": "string", "format": "date"},
                       "submitted_at": {"type": "string", "format": "date-time"},
                       "source": {"type": "string", "enum": ["online", "paper"]},
                       "submitted_by": _nullable("string"), "note": {"type": "string"},
                       "unlocked_at": _nullable("string", format="date-time")},
    },
    "Notification": {
        "type": "object",
        "required": ["id", "kind", "text", "link", "created_at", "read_at"],
        "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}, "text": {"type": "string"},
                       "link": _nullable("string"), "created_at": {"type": "string", "format": "date-time"},
                       "read_at": _nullable("string", format="date-time")},
    },
    "CheckInInput": {
        "description": "Một người tự khai (SPEC §5) hoặc một vé cá nhân đã quét (`ticket`); `nonce` chống gửi lặp.",
        "oneOf": [
            {"type": "object", "required": ["full_name", "consent"], "additionalProperties": False,
             "properties": {
                 "full_name": {"type": "string", "minLength": 1, "maxLength": 200},
                 "phone": _nullable("string", pattern="^0[0-9]{9}$"),
                 "birth_year": _nullable("integer", minimum=1900, maximum=2100),
                 "audience": _nullable("integer", minimum=1, maximum=6),
                 "residence_code": _nullable("string", maxLength=10),
                 "bhyt_status": _nullable("string", enum=["valid", "none", "expired", None]),
                 "topics": _nullable("string", maxLength=500),
                 "consent": {"type": "boolean", "const": True,
                             "description": "Đồng ý xử lý dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP)."},
                 "nonce": {"type": "string", "maxLength": 64}}},
            {"type": "object", "required": ["ticket"], "additionalProperties": False,
             "properties": {"ticket": {"type": "string"}, "nonce": {"type": "string", "maxLength": 64}}},
            {"type": "object", "required": ["registration_id"], "additionalProperties": False,
             "properties": {"registration_id": {"type": "integer", "minimum": 1},
                            "nonce": {"type": "string", "maxLength": 64}}},
        ],
    },
    "CheckIn": {
        "description": "Một lượt điểm danh. Người xem (viewer) không thấy dữ liệu cá nhân: chỉ id, giờ, nhóm, nơi cư trú.",
        "type": "object",
        "required": ["id", "checked_in_at"],
        "properties": {"id": {"type": "integer"}, "full_name": {"type": "string"},
                       "phone": _nullable("string", description="Che số (09xx xxx 123) trừ xã tổ chức và thành phố."),
                       "birth_year": _nullable("integer"), "audience": _nullable("integer"),
                       "residence_code": _nullable("string"), "bhyt_status": _nullable("string"),
                       "checked_in_at": {"type": "string", "format": "date-time"},
                       "source": {"type": "string", "enum": ["self", "ticket", "staff", "import"]},
                       "code": {"type": "string", "description": "Mã ngắn in trên trang cảm ơn."},
                       "first_time": {"type": "string", "description": "HH:MM lần điểm danh đầu tiên."},
                       "message": {"type": "string"},
                       "duplicate": {"type": "boolean", "description": "true khi đã điểm danh trước đó."}},
    },
}

RESPONSES = {
    "BadRequest": _json(_ref("Error"), "Nội dung không phải JSON hợp lệ hoặc tham số sai dạng."),
    "Unauthorized": _json(_ref("Error"), "Thiếu, sai hoặc đã thu hồi mã truy cập."),
    "Forbidden": _json(_ref("Error"), "Vai trò không được phép."),
    "NotFound": _json(_ref("Error"), "Không có, hoặc thuộc đơn vị khác (trông như không có)."),
    "Conflict": _json(_ref("Error"), "Xung đột với dữ liệu đã có."),
    "Unprocessable": _json(_ref("Error"), "Dữ liệu không hợp lệ; `fields` chỉ ra từng trường."),
}


def _responses(ok_status: str, ok: dict, *errors: str) -> dict:
    """An operation's responses: its success answer plus 401 (every call needs a token) and the given errors."""
    codes = {"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound",
             "409": "Conflict", "422": "Unprocessable"}
    # 400 everywhere: a NUL character in any path, query or body is refused before the view (app/routing.py)
    answer = {ok_status: ok, "400": _error("BadRequest"), "401": _error("Unauthorized")}
    for status in errors:
        answer[status] = _error(codes[status])
    return answer


def _op(op_id: str, summary: str, tag: str, responses: dict, parameters=None, body=None, pending=False) -> dict:
    operation = {"operationId": op_id, "summary": summary, "tags": [tag], "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if pending:
        operation[PENDING] = True
    return operation


PATHS: dict = {
    "/openapi.json": {"get": {
        "operationId": "openapi", "summary": "Tài liệu OpenAPI 3.1 này (không cần mã truy cập).", "tags": ["meta"],
        "security": [], "responses": {"200": {"description": "Tài liệu OpenAPI.",
                                              "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/communes": {"get": _op("list_communes", "Các đơn vị cấp xã của thành phố, theo mã.", "communes",
                             _responses("200", _json({"type": "array", "items": _ref("Commune")}, "Danh sách.")))},
    "/activities": {
        "get": _op("list_activities", "Hoạt động người gọi được xem; lọc và phân trang.", "activities",
                   _responses("200", _json(_ref("ActivityPage"), "Một trang hoạt động."), "403", "422"),
                   parameters=[
                       _query("commune", {"type": "string"}, "Mã xã, hoặc `city` cho cấp thành phố."),
                       _query("kind", {"type": "string", "enum": sorted(KINDS)}, "Loại hoạt động."),
                       _query("status", {"type": "string", "enum": list(STATUSES)}, "Trạng thái."),
                       _query("from", DATE_QUERY, "Từ ngày (theo ngày minh chứng)."),
                       _query("to", DATE_QUERY, "Đến ngày."),
                       _query("campaign", {"type": "string"}, "Chỉ trong thời gian của chiến dịch này."),
                       _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Trang (từ 1)."),
                       _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                              "Số dòng mỗi trang."),
                   ]),
        "post": _op("create_activity", "Tạo hoạt động; 201 kèm `id` và (loại có QR) `checkin_url`.", "activities",
                    _responses("201", _json(_ref("Activity"), "Hoạt động vừa tạo."), "400", "403", "422"),
                    body={"allOf": [_ref("ActivityInput")], "required": ["kind", "title", "start", "end"]}),
    },
    "/activities/{activity_id}": {
        "parameters": [ACTIVITY_ID],
        "get": _op("get_activity", "Một hoạt động.", "activities",
                   _responses("200", _json(_ref("Activity"), "Hoạt động."), "403", "404")),
        "patch": _op("update_activity", "Sửa một số trường; mọi quy tắc được kiểm trên kết quả.", "activities",
                     _responses("200", _json(_ref("Activity"), "Hoạt động sau khi sửa."), "400", "403", "404",
                                "422"),
                     body=_ref("ActivityInput")),
        "delete": _op("delete_activity", "Xóa hoạt động và ảnh của nó; trả lại hoạt động đã xóa.", "activities",
                      _responses("200", _json(_ref("Activity"), "Hoạt động đã xóa."), "403", "404")),
    },
    "/activities/{activity_id}/report.pdf": {
        "parameters": [ACTIVITY_ID],
        "get": _op("activity_report_pdf", "Báo cáo hoạt động (PDF).", "reports",
                   _responses("200", PDF, "403", "404")),
    },
    "/activities/{activity_id}/poster.pdf": {
        "parameters": [ACTIVITY_ID],
        "get": _op("activity_poster_pdf", "Áp phích QR điểm danh A4 (PDF); 404 với loại không có QR.", "reports",
                   _responses("200", PDF, "403", "404")),
    },
    "/activities/{activity_id}/qr.{fmt}": {
        "parameters": [ACTIVITY_ID, {"name": "fmt", "in": "path", "required": True,
                                     "schema": {"type": "string", "enum": ["png", "svg"]}}],
        "get": _op("activity_qr", "Ảnh mã QR điểm danh của hoạt động (PNG hoặc SVG).", "checkins",
                   _responses("200", {"description": "Ảnh mã QR.", "content": {
                       "image/png": {"schema": {"type": "string", "format": "binary"}},
                       "image/svg+xml": {"schema": {"type": "string"}}}}, "403", "404")),
    },
    "/activities/{activity_id}/attendance.pdf": {
        "parameters": [ACTIVITY_ID],
        "get": _op("activity_attendance_pdf", "Danh sách người tham dự (PDF).", "checkins",
                   _responses("200", PDF, "403", "404")),
    },
    "/activities/{activity_id}/checkins": {
        "parameters": [ACTIVITY_ID],
        "get": _op("list_checkins", "Người đã điểm danh (số điện thoại che theo vai trò).", "checkins",
                   _responses("200", _json({"type": "array", "items": _ref("CheckIn")}, "Danh sách."),
                              "403", "404")),
        "post": _op("create_checkin", "Điểm danh; 201 mới, 200 `duplicate: true` khi lặp; 4xx kèm mã lý do (§5).",
                    "checkins",
                    _responses("201", _json(_ref("CheckIn"), "Đã điểm danh."), "400", "403", "404", "409", "422")
                    | {"200": _json(_ref("CheckIn"), "Đã điểm danh trước đó (hoặc nonce gửi lại).")},
                    body=_ref("CheckInInput")),
    },
    "/notifications": {"get": _op(
        "list_notifications", "Thông báo của người gọi, mới nhất trước (tối đa 200).", "notifications",
        _responses("200", _json({"type": "array", "items": _ref("Notification")}, "Danh sách."), "422"),
        parameters=[_query("unread", {"type": "string", "enum": ["1", "0", "true", "false", "yes", "no"]},
                           "1 = chỉ thông báo chưa đọc.")])},
    "/notifications/{notification_id}/read": {"post": _op(
        "read_notification", "Đánh dấu đã đọc một thông báo của người gọi.", "notifications",
        _responses("200", _json(_ref("Notification"), "Thông báo."), "404"),
        parameters=[{"name": "notification_id", "in": "path", "required": True,
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}])},
    "/campaigns": {"get": _op("list_campaigns", "Các chiến dịch, mới nhất trước, kèm nhiệm vụ; bản nháp chỉ "
                                                "BHXH thành phố thấy.", "campaigns",
                              _responses("200", _json({"type": "array", "items": _ref("Campaign")},
                                                      "Danh sách."))),
                   "post": _op("create_campaign", "Sao chép một chiến dịch, mọi ngày dời đúng số năm (quản trị); "
                                                  "bản nháp trừ khi `publish`.", "campaigns",
                               _responses("201", _json(_ref("Campaign"), "Chiến dịch mới."), "400", "403", "409",
                                          "422"), body=CampaignCopyIn.model_json_schema())},
    "/campaigns/{slug}/compliance": {"get": _op(
        "campaign_compliance", "Ma trận xã × nhiệm vụ tại một ngày; người dùng cấp xã chỉ thấy dòng của mình.",
        "campaigns", _responses("200", _json(_ref("Compliance"), "Ma trận."), "400", "404"),
        parameters=[SLUG, _query("as_of", DATE_QUERY, "Tính đến ngày (mặc định hôm nay, giờ Việt Nam).")])},
    "/campaigns/{slug}/reports": {"post": _op(
        "submit_report", "Nộp báo cáo chiến dịch của một xã; 409 nếu đã nộp.", "campaigns",
        _responses("201", _json(_ref("Submission"), "Báo cáo đã nộp."), "400", "403", "404", "409", "422"),
        parameters=[SLUG], body=_ref("SubmissionInput"))},
    "/campaigns/{slug}/reports/{code}.pdf": {"get": _op(
        "commune_report_pdf", "Báo cáo chiến dịch của xã (PDF): bản đã nộp, nếu không thì tính đến hôm nay.",
        "reports", _responses("200", PDF, "403", "404", "422"),
        parameters=[SLUG, {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
                           "description": "Mã xã.", "example": "11311"},
                    _query("as_of", DATE_QUERY, "Tính đến ngày này (bỏ qua bản đã nộp).")])},
}


PATHS.update(voice_docs.PATHS)  # residents' voice, from its pydantic declarations
SCHEMAS.update(voice_docs.SCHEMAS)
SCHEMAS["Activity"]["properties"]["counted"] = voice_docs.COUNTED
PATHS.update(targets_docs.PATHS)  # commune targets and actuals (SPEC §16)
SCHEMAS.update(targets_docs.SCHEMAS)


def build_document(server_url: str = "/api/v1") -> dict:
    """The OpenAPI 3.1 document of the API (SPEC §12)."""
    from app.api.openapi_tasks import TASK_PATHS, task_schemas

    return {
        "openapi": "3.1.0",
        "info": {"title": "Lan Tỏa API", "version": "1.0.0",
                 "description": "API của Lan Tỏa (truyền thông BHXH, BHYT). Mọi lời gọi cần "
                                "`Authorization: Bearer <token>` (lệnh `flask create-token`); phạm vi theo vai trò "
                                "và đơn vị như trên trang web. Lỗi: `{\"error\": {\"code\", \"message\", \"fields\"}}`."},
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "paths": {**PATHS, **TASK_PATHS},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "Mã truy cập từ `flask create-token USERNAME`."}},
            "schemas": {**SCHEMAS, **task_schemas()},
            "responses": RESPONSES,
        },
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of /api/v1, public (no token)."""
    return jsonify(build_document())
