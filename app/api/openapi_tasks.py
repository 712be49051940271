"""The agencies and task-register operations of the OpenAPI document (SPEC §12 second wave); their schemas come
from the pydantic declarations in `app/schemas/tasks.py`."""

from app.api.docs import BINARY, DATE_QUERY, YEAR_QUERY, operation, path_id, path_slug, query
from app.schemas import ref
from app.schemas import tasks as schemas

PLAN_SLUG = path_slug("Mã kế hoạch, ví dụ `phat-trien-bhxh-2026-2030`.", "phat-trien-bhxh-2026-2030")
MULTIPART = {"multipart/form-data": {"schema": {"allOf": [ref("TaskSubmissionInput"), {"type": "object", "properties": {
    "file": {**BINARY, "description": "PDF, DOCX, XLSX, JPG hoặc PNG, tối đa 20 MB; loại tệp đọc từ nội dung."}}}]}}}

operation("/agencies", "get", "list_agencies", "Các cơ quan, đơn vị của thành phố (chủ trì, phối hợp).", "tasks",
          (200, [schemas.AgencyOut], "Danh sách."), ("403",))
operation("/plans", "get", "list_plans", "Các kế hoạch của thành phố; `tasks`: số nhiệm vụ.", "tasks",
          (200, [schemas.PlanOut], "Danh sách."), ("403",))
operation("/plans/{slug}/tasks", "get", "plan_tasks", "Danh mục nhiệm vụ với trạng thái từng kỳ tính đến một ngày (cơ "
          "quan: nhiệm vụ của mình).", "tasks", (200, [schemas.TaskOut], "Nhiệm vụ và các kỳ."), ("403", "404"),
          parameters=[PLAN_SLUG, query("as_of", DATE_QUERY, "Tính đến ngày (mặc định hôm nay)."),
                      query("year", YEAR_QUERY, "Chỉ các kỳ của năm."),
                      query("lead", {"type": "string", "maxLength": 16},
                            "Mã cơ quan chủ trì, hoặc `communes` (UBND xã, phường, đặc khu).")])
operation("/tasks/{task_id}/submissions", "post", "submit_task_product", "Nộp sản phẩm của một kỳ (JSON hoặc multipart "
          "kèm `file`); 201.", "tasks", (201, schemas.TaskSubmissionOut, "Sản phẩm đã ghi nhận."),
          ("403", "404", "422"), body=schemas.TaskSubmissionIn, content=MULTIPART,
          parameters=[path_id("task_id", "Mã nhiệm vụ.")])
