"""The city dashboard as an Excel workbook: one sheet per chart or table, the same numbers as the page
(written by `app.tabular`, which guards every cell against formulas)."""

from app.activities.totals import TOTAL_FIELDS
from app.compliance.engine import STATUS_LABELS_VI, STATUSES
from app.dashboard.services import CampaignDashboard
from app.tabular import Sheet, xlsx_bytes

TOTAL_HEADS = ("Đã tổ chức", "Kế hoạch", "Đã hủy", "Người tham dự", "Lượt tư vấn", "BHYT mới", "BHXH tự nguyện mới")


def dashboard_workbook(board: CampaignDashboard) -> bytes:
    """Build the workbook: overview, duties (stacked bar), city requirements, kinds, timeline, trend, laggards."""
    k = board.kpis
    m = board.matrix
    percent = "0.0%"
    return xlsx_bytes([
        Sheet("Tổng quan", ("Chỉ số", "Giá trị"), [
            ("Chiến dịch", board.campaign.name),
            ("Số liệu tính đến ngày", m.as_of),
            ("Số đơn vị cấp xã", k["communes"]),
            ("Đơn vị hoàn thành mọi nhiệm vụ đúng hạn", k["communes_all_on_time"]),
            ("Đơn vị hoàn thành mọi nhiệm vụ (kể cả trễ hạn)", k["communes_all_done"]),
            ("Tỷ lệ nhiệm vụ hoàn thành đúng hạn", k["on_time_rate"]),
            ("Số nhiệm vụ quá hạn", k["overdue"]),
            ("Hạn chót kế tiếp", k["next_deadline"]),
            ("Số ngày đến hạn kế tiếp", k["days_to_deadline"]),
        ], (48, 40), cell_formats={"B7": percent}),
        Sheet("Nhiệm vụ", ("STT", "Nhiệm vụ", *(STATUS_LABELS_VI[s] for s in STATUSES)),
              [(d["no"], d["text"], *(d[s] for s in STATUSES)) for d in board.duties], (6, 70, 14, 14, 14, 14, 14)),
        Sheet("Yêu cầu thành phố", ("Yêu cầu", "Yêu cầu tối thiểu", "Thực hiện", "Đạt"),
              [(r.label, r.required, r.actual, "Đạt" if r.met else "Chưa đạt") for r in m.city_requirements],
              (70, 16, 12, 10)),
        Sheet("Theo loại hình", ("Loại hoạt động", *TOTAL_HEADS),
              [*([r["label"], *(r[f] for f in TOTAL_FIELDS)] for r in board.kinds),
               ["Tổng cộng", *(board.kinds_total[f] for f in TOTAL_FIELDS)]], (60, 12, 12, 12, 14, 12, 12, 18)),
        Sheet("Theo ngày", ("Ngày", "Đã tổ chức", "Kế hoạch"),
              [(d["day"], d["held"], d["planned"]) for d in board.timeline], (14, 12, 12)),
        Sheet("Tiến độ", ("Ngày", "Tỷ lệ hoàn thành", "Tỷ lệ đúng hạn", "Nguồn"),
              [(p.day, p.completed_rate, p.on_time_rate, "Ảnh chụp hằng đêm" if p.source == "snapshot" else
                "Tính lại") for p in board.trend], (14, 18, 16, 20), column_formats={1: percent, 2: percent}),
        Sheet("Chậm tiến độ", ("Mã", "Đơn vị", "Đã hoàn thành", "Tổng nhiệm vụ", "Quá hạn"),
              [(r.commune.code, r.commune.name, r.completed, r.total, r.counts["overdue"]) for r in board.laggards()],
              (8, 36, 14, 14, 10)),
    ])
