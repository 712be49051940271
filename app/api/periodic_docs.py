"""The periodic-report operations of the OpenAPI document (SPEC §12 second wave, §15); their schemas come from
app/schemas/periodic.py."""

from app.api.docs import DATE_QUERY, PDF, operation, query
from app.schemas import periodic as schemas

PERIOD = {"name": "period", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 24},
          "description": "Kỳ báo cáo, ví dụ `2026-H1`, `2026-Y`.", "example": "2026-H1"}
CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 16},
        "description": "Mã đơn vị: mã xã hoặc mã cơ quan.", "example": "11311"}

operation("/periodic-reports", "get", "list_periodic_reports", "Mỗi đơn vị báo cáo (xã, cơ quan) của một kỳ, đã gửi "
          "hay chưa, với trạng thái tính đến `as_of`; xã và cơ quan chỉ thấy đơn vị mình.", "periodic",
          (200, [schemas.PeriodicReportRow], "Danh sách."), ("403", "404", "422"), parameters=[
              query("period", {"type": "string", "maxLength": 24}, "Kỳ báo cáo (mặc định: kỳ sắp đến hạn)."),
              query("unit", {"type": "string", "maxLength": 16}, "Mã một đơn vị."),
              query("as_of", DATE_QUERY, "Tính đến ngày (mặc định hôm nay).")])
operation("/periodic-reports", "post", "save_periodic_report", "Lưu nháp (`submit: false`) hoặc gửi báo cáo; 201 khi "
          "tạo mới, 200 khi cập nhật bản nháp; 409 khi kỳ này đã gửi (gửi lần hai không tạo báo cáo thứ hai). "
          "`submitted_on` chỉ dành cho admin/city (báo cáo nhận bản giấy).", "periodic",
          (201, schemas.PeriodicReportOut, "Báo cáo đã lưu (nháp hoặc đã gửi)."), ("403", "404", "409", "422"),
          body=schemas.PeriodicReportIn,
          extra_ok={200: (schemas.PeriodicReportOut, "Bản nháp đã cập nhật.")})
operation("/periodic-reports/{period}/{code}.pdf", "get", "periodic_report_pdf", "Bản PDF đã chốt khi gửi báo cáo; "
          "404 khi chưa gửi hoặc là báo cáo của đơn vị khác.", "periodic", (200, PDF), ("403", "404"),
          parameters=[PERIOD, CODE])
