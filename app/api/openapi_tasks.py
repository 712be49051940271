"""The OpenAPI paths of the agencies and task-register endpoints (SPEC §12 second wave); their payload
schemas come from the pydantic declarations in `app/schemas/tasks.py`."""

from app.api.openapi import DATE_QUERY, _json, _op, _query, _ref, _responses
from app.compliance.engine import TASK_STATUSES
from app.schemas.tasks import openapi_components

_array = {"type": "array"}
PLAN_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64},
             "description": "Mã kế hoạch, ví dụ `phat-trien-bhxh-2026-2030`.", "example": "phat-trien-bhxh-2026-2030"}
TASK_ID = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1},
           "description": "Mã nhiệm vụ."}
MULTIPART = {"allOf": [_ref("TaskSubmissionInput"), {"type": "object", "properties": {
    "file": {"type": "string", "format": "binary",
             "description": "PDF, DOCX, XLSX, JPG hoặc PNG, tối đa 20 MB; loại tệp đọc từ nội dung."}}}]}

TASK_PATHS: dict = {
    "/agencies": {"get": _op("list_agencies", "Các cơ quan, đơn vị của thành phố (chủ trì, phối hợp).", "tasks",
                             _responses("200", _json({**_array, "items": _ref("Agency")}, "Danh sách."), "403"))},
    "/plans": {"get": _op("list_plans", "Các kế hoạch của thành phố; `tasks`: số nhiệm vụ.", "tasks",
                          _responses("200", _json({**_array, "items": _ref("Plan")}, "Danh sách."), "403"))},
    "/plans/{slug}/tasks": {"get": _op(
        "plan_tasks", "Danh mục nhiệm vụ với trạng thái từng kỳ tính đến một ngày (cơ quan: nhiệm vụ của mình).",
        "tasks", _responses("200", _json({**_array, "items": _ref("Task")}, "Nhiệm vụ và các kỳ."), "403", "404"),
        parameters=[PLAN_SLUG, _query("as_of", DATE_QUERY, "Tính đến ngày (mặc định hôm nay)."),
                    _query("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, "Chỉ các kỳ của năm."),
                    _query("lead", {"type": "string", "maxLength": 16},
                           "Mã cơ quan chủ trì, hoặc `communes` (UBND xã, phường, đặc khu).")])},
    "/tasks/{task_id}/submissions": {"post": {
        **_op("submit_task_product", "Nộp sản phẩm của một kỳ (JSON hoặc multipart kèm `file`); 201.", "tasks",
              _responses("201", _json(_ref("TaskSubmission"), "Sản phẩm đã ghi nhận."), "403", "404", "422"),
              parameters=[TASK_ID]),
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": _ref("TaskSubmissionInput")},
            "multipart/form-data": {"schema": MULTIPART}}}}},
}


def task_schemas() -> dict:
    """Component schemas of these endpoints (from the pydantic models)."""
    schemas = openapi_components()
    schemas["InstanceOut"]["properties"]["status"]["enum"] = list(TASK_STATUSES)
    return schemas
