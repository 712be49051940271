"""The residents' voice part of the OpenAPI document, from the pydantic declarations of app/schemas/voice.py."""

from app.schemas import voice as schemas

MODELS = (schemas.QuestionInput, schemas.QuestionPatch, schemas.Question, schemas.RatingInput, schemas.Rating,
          schemas.Satisfaction, schemas.FollowUpPatch, schemas.FollowUp)
SCHEMAS = {model.__name__: model.model_json_schema(ref_template="#/components/schemas/{model}") for model in MODELS}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


ERRORS = {"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound", "409": "Conflict",
          "422": "Unprocessable"}


def _op(op_id, summary, ok_status, ok, errors, parameters=None, body=None, public=False) -> dict:
    responses = {ok_status: ok, **{s: _error(ERRORS[s]) for s in ("400", *errors)}}
    if not public:
        responses["401"] = _error("Unauthorized")
    op = {"operationId": op_id, "summary": summary, "tags": ["voice"], "responses": responses}
    if parameters:
        op["parameters"] = parameters
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    if public:
        op["security"] = []
    return op


def _id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1,
                                                                    "maximum": 2**31 - 1}, "description": description}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


COUNTED = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
           "description": "Phần kết quả được đếm, không nhập: `new_bhyt`/`new_bhxh` = người trong danh sách theo dõi "
                          "đã tham gia (đã gộp vào `results`); số ghi trong `results` khi gửi lên là số người khác "
                          "tham gia tại chỗ."}
COMMUNE = _query("commune", {"type": "string"}, "Mã xã, hoặc `city` cho cấp thành phố.")
PATHS = {
    "/activities/{activity_id}/questions": {"post": _op(
        "create_question", "Cán bộ ghi câu hỏi của người dân tại hoạt động.", "201",
        _json(_ref("Question"), "Câu hỏi vừa ghi."), ("403", "404", "422"),
        parameters=[_id("activity_id", "Mã hoạt động.")], body="QuestionInput")},
    "/questions": {"get": _op(
        "list_questions", "Câu hỏi trong phạm vi người gọi, mới nhất trước (tối đa 500).", "200",
        _json({"type": "array", "items": _ref("Question")}, "Danh sách."), ("403", "422"),
        parameters=[_query("status", {"type": "string", "enum": ["new", "assigned", "answered", "closed", "open"]},
                           "Trạng thái; `open` = mới hoặc đã giao."),
                    COMMUNE, _query("topic", {"type": "string", "enum": list(schemas.TOPICS)}, "Chủ đề.")])},
    "/questions/{question_id}": {"patch": _op(
        "update_question", "Giao, trả lời, đóng, công khai một câu hỏi; 404 với câu hỏi của đơn vị khác.", "200",
        _json(_ref("Question"), "Câu hỏi sau khi sửa."), ("403", "404", "409", "422"),
        parameters=[_id("question_id", "Mã câu hỏi.")], body="QuestionPatch")},
    "/ratings": {"post": _op(
        "create_rating", "Người dân đánh giá 1–5 bằng mã đánh giá của lượt điểm danh (không cần mã truy cập).",
        "201", _json(_ref("Rating"), "Đã ghi đánh giá."), ("409", "422"), body="RatingInput", public=True)},
    "/activities/{activity_id}/follow-ups": {"get": _op(
        "list_followups", "Người tham dự chưa có thẻ BHYT hoặc thẻ hết hạn (đã đồng ý) cần theo dõi.", "200",
        _json({"type": "array", "items": _ref("FollowUp")}, "Danh sách."), ("403", "404"),
        parameters=[_id("activity_id", "Mã hoạt động.")])},
    "/follow-ups/{followup_id}": {"patch": _op(
        "update_followup", "Ghi kết quả theo dõi và ngày; 409 nếu người này đã được tính tham gia ở hoạt động khác.",
        "200", _json(_ref("FollowUp"), "Sau khi ghi."), ("403", "404", "409", "422"),
        parameters=[_id("followup_id", "Mã theo dõi.")], body="FollowUpPatch")},
    "/satisfaction": {"get": _op(
        "satisfaction", "Chỉ số hài lòng: số lượt, điểm trung bình, tỷ lệ 4–5.", "200",
        _json(_ref("Satisfaction"), "Chỉ số."), ("403", "404", "422"),
        parameters=[_query("campaign", {"type": "string"}, "Mã chiến dịch."), COMMUNE,
                    _query("activity", {"type": "integer", "minimum": 1}, "Mã hoạt động."),
                    _query("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, "Năm.")])},
}
