"""The OpenAPI 3.1 description of /api/v1 (SPEC §12), served at /api/v1/openapi.json.

Operations are declared with `operation(…)` beside the views, or here for the first wave's; the schemas of their
bodies and answers are generated from the payload declarations of `app/schemas/` (see its docstring, "How to
add an endpoint"), so what is validated and what is documented are one declaration.
"""

from __future__ import annotations

from flask import jsonify

from app.api import bp, openapi_tasks, periodic_docs, targets_docs, voice_docs  # noqa: F401 — their operations register on import
from app.api.docs import (
    BINARY,
    DATE_QUERY,
    ERRORS,
    IDEMPOTENCY_KEY,
    MODELS,
    ONE_OFS,
    PATHS,
    PDF,
    operation,
    path_id,
    path_slug,
    query,
)
from app.domain.kinds import KINDS, STATUSES
from app.params import MAX_PAGE, MAX_PER_PAGE
from app.schemas import OneOf, components, ref
from app.schemas.activities import Activity, ActivityInput, ActivityPage
from app.schemas.campaigns import Campaign, CampaignCopyIn, Compliance, Submission, SubmissionInput
from app.schemas.checkins import CHECKIN_INPUT, CheckIn
from app.schemas.common import Commune, Error, Notification

ACTIVITY_ID = [path_id("activity_id", "Mã hoạt động.")]
SLUG = path_slug("Mã chiến dịch, ví dụ `bhyt-day-2026`, `thang-van-dong-2026`.", "bhyt-day-2026")

PATHS["/openapi.json"] = {"get": {
    "operationId": "openapi", "summary": "Tài liệu OpenAPI 3.1 này (không cần mã truy cập).", "tags": ["meta"],
    "security": [], "responses": {"200": {"description": "Tài liệu OpenAPI.",
                                          "content": {"application/json": {"schema": {"type": "object"}}}}}}}
operation("/communes", "get", "list_communes", "Các đơn vị cấp xã của thành phố, theo mã.", "communes",
          (200, [Commune], "Danh sách."))
operation("/activities", "get", "list_activities", "Hoạt động người gọi được xem; lọc và phân trang.", "activities",
          (200, ActivityPage, "Một trang hoạt động."), ("403", "422"), parameters=[
              query("commune", {"type": "string"}, "Mã xã, hoặc `city` cho cấp thành phố."),
              query("kind", {"type": "string", "enum": sorted(KINDS)}, "Loại hoạt động."),
              query("status", {"type": "string", "enum": list(STATUSES)}, "Trạng thái."),
              query("from", DATE_QUERY, "Từ ngày (theo ngày minh chứng)."),
              query("to", DATE_QUERY, "Đến ngày."),
              query("campaign", {"type": "string"}, "Chỉ trong thời gian của chiến dịch này."),
              query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "Trang (từ 1)."),
              query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, "Số dòng mỗi trang.")])
operation("/activities", "post", "create_activity", "Tạo hoạt động; 201 kèm `id` và (loại có QR) `checkin_url`.",
          "activities", (201, Activity, "Hoạt động vừa tạo."), ("403", "422"), body=ActivityInput,
          required=("kind", "title", "start", "end"),
          extra_ok={200: (Activity, "Gửi lại với cùng `Idempotency-Key`: hoạt động đã tạo lần đầu.")},
          parameters=[IDEMPOTENCY_KEY])
PATHS["/activities/{activity_id}"] = {"parameters": ACTIVITY_ID}
operation("/activities/{activity_id}", "get", "get_activity", "Một hoạt động.", "activities",
          (200, Activity, "Hoạt động."), ("403", "404"))
operation("/activities/{activity_id}", "patch", "update_activity", "Sửa một số trường; mọi quy tắc được kiểm trên "
          "kết quả.", "activities", (200, Activity, "Hoạt động sau khi sửa."), ("403", "404", "422"),
          body=ActivityInput)
operation("/activities/{activity_id}", "delete", "delete_activity", "Xóa hoạt động và ảnh của nó; trả lại hoạt động "
          "đã xóa.", "activities", (200, Activity, "Hoạt động đã xóa."), ("403", "404"))
for name, op_id, summary, tag in (
        ("report", "activity_report_pdf", "Báo cáo hoạt động (PDF).", "reports"),
        ("poster", "activity_poster_pdf", "Áp phích QR điểm danh A4 (PDF); 404 với loại không có QR.", "reports"),
        ("attendance", "activity_attendance_pdf", "Danh sách người tham dự (PDF).", "checkins")):
    PATHS[f"/activities/{{activity_id}}/{name}.pdf"] = {"parameters": ACTIVITY_ID}
    operation(f"/activities/{{activity_id}}/{name}.pdf", "get", op_id, summary, tag, (200, PDF), ("403", "404"))
PATHS["/activities/{activity_id}/qr.{fmt}"] = {"parameters": [*ACTIVITY_ID, {
    "name": "fmt", "in": "path", "required": True, "schema": {"type": "string", "enum": ["png", "svg"]}}]}
operation("/activities/{activity_id}/qr.{fmt}", "get", "activity_qr", "Ảnh mã QR điểm danh của hoạt động (PNG hoặc "
          "SVG).", "checkins", (200, {"description": "Ảnh mã QR.", "content": {
              "image/png": {"schema": BINARY}, "image/svg+xml": {"schema": {"type": "string"}}}}), ("403", "404"))
PATHS["/activities/{activity_id}/checkins"] = {"parameters": ACTIVITY_ID}
operation("/activities/{activity_id}/checkins", "get", "list_checkins", "Người đã điểm danh (số điện thoại che theo "
          "vai trò).", "checkins", (200, [CheckIn], "Danh sách."), ("403", "404"))
operation("/activities/{activity_id}/checkins", "post", "create_checkin", "Điểm danh; 201 mới, 200 `duplicate: true` "
          "khi lặp; 4xx kèm mã lý do (§5).", "checkins", (201, CheckIn, "Đã điểm danh."),
          ("403", "404", "409", "422"), body=OneOf(*CHECKIN_INPUT),
          extra_ok={200: (CheckIn, "Đã điểm danh trước đó (hoặc nonce gửi lại).")})
operation("/notifications", "get", "list_notifications", "Thông báo của người gọi, mới nhất trước (tối đa 200).",
          "notifications", (200, [Notification], "Danh sách."), ("422",),
          parameters=[query("unread", {"type": "string", "enum": ["1", "0", "true", "false", "yes", "no"]},
                            "1 = chỉ thông báo chưa đọc.")])
operation("/notifications/{notification_id}/read", "post", "read_notification", "Đánh dấu đã đọc một thông báo của "
          "người gọi.", "notifications", (200, Notification, "Thông báo."), ("404",),
          parameters=[path_id("notification_id")])
operation("/campaigns", "get", "list_campaigns", "Các chiến dịch, mới nhất trước, kèm nhiệm vụ; bản nháp chỉ BHXH "
          "thành phố thấy.", "campaigns", (200, [Campaign], "Danh sách."))
operation("/campaigns", "post", "create_campaign", "Sao chép một chiến dịch, mọi ngày dời đúng số năm (quản trị); bản "
          "nháp trừ khi `publish`.", "campaigns", (201, Campaign, "Chiến dịch mới."), ("403", "409", "422"),
          body=CampaignCopyIn)
operation("/campaigns/{slug}/compliance", "get", "campaign_compliance", "Ma trận xã × nhiệm vụ tại một ngày; người "
          "dùng cấp xã chỉ thấy dòng của mình.", "campaigns", (200, Compliance, "Ma trận."), ("404", "422"),
          parameters=[SLUG, query("as_of", DATE_QUERY, "Tính đến ngày (mặc định hôm nay, giờ Việt Nam).")])
operation("/campaigns/{slug}/reports", "post", "submit_report", "Nộp báo cáo chiến dịch của một xã; 409 nếu đã nộp.",
          "campaigns", (201, Submission, "Báo cáo đã nộp."), ("403", "404", "409", "422"), body=SubmissionInput,
          parameters=[SLUG])
operation("/campaigns/{slug}/reports/{code}.pdf", "get", "commune_report_pdf", "Báo cáo chiến dịch của xã (PDF): bản "
          "đã nộp, nếu không thì tính đến hôm nay.", "reports", (200, PDF), ("403", "404", "422"),
          parameters=[SLUG, {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
                             "description": "Mã xã.", "example": "11311"},
                      query("as_of", DATE_QUERY, "Tính đến ngày này (bỏ qua bản đã nộp).")])


def build_document(server_url: str = "/api/v1") -> dict:
    """The OpenAPI 3.1 document of the API (SPEC §12)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Lan Tỏa API", "version": "1.0.0",
                 "description": "API của Lan Tỏa (truyền thông BHXH, BHYT). Mọi lời gọi cần "
                                "`Authorization: Bearer <token>` (lệnh `flask create-token`); phạm vi theo vai trò "
                                "và đơn vị như trên trang web. Lỗi: `{\"error\": {\"code\", \"message\", \"fields\"}}`."},
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "Mã truy cập từ `flask create-token USERNAME`."}},
            "schemas": components([Error, *MODELS], ONE_OFS.values()),
            "responses": {name: {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
                          for name, text in ERRORS.values()},
        },
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of /api/v1, public (no token)."""
    return jsonify(build_document())
