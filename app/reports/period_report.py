"""Period report (SPEC §6.6, seed 000 §VIII): activities and results by kind and by commune for a date range."""

import datetime as dt
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.collation import vi_sorted
from app.domain.kinds import KINDS
from app.reports.common import CITY_LEVEL, city_header, commune_header, kind_label, section
from app.reports.frame import DocHeader, build_pdf, content_width, field, para, table
from app.reports.text import fmt_date, fmt_int

WHOLE_CITY = "Toàn thành phố"


@dataclass(frozen=True)
class PeriodRow:
    """Activities of one kind or one commune in the period, and their main results."""

    label: str
    held: int = 0
    planned: int = 0
    cancelled: int = 0
    attendees: int = 0
    consultations: int = 0
    new_bhyt: int = 0
    new_bhxh: int = 0

    def __add__(self, other: "PeriodRow") -> "PeriodRow":
        """Add two rows' numbers (for the total line)."""
        return PeriodRow(self.label, *(getattr(self, f) + getattr(other, f) for f in NUMBERS))


NUMBERS = ("held", "planned", "cancelled", "attendees", "consultations", "new_bhyt", "new_bhxh")


@dataclass(frozen=True)
class PeriodReportData:
    """Everything the period report prints."""

    header: DocHeader
    start: dt.date
    end: dt.date
    unit_name: str
    by_kind: tuple[PeriodRow, ...]
    by_commune: tuple[PeriodRow, ...]
    recipients: tuple[str, ...] = ("Ban Chỉ đạo thành phố (để b/c)", "Lưu: VT")
    signer_title: str = "Giám đốc"
    signer_name: str = ""

    @property
    def total(self) -> PeriodRow:
        """The sum of the rows by kind."""
        total = PeriodRow("Tổng cộng")
        for row in self.by_kind:
            total = total + row
        return PeriodRow("Tổng cộng", *(getattr(total, f) for f in NUMBERS))


def period_title(start: dt.date, end: dt.date) -> str:
    """ "6 tháng đầu năm 2026", "năm 2026", or "từ ngày … đến ngày …"."""
    if start.year == end.year and (start.month, start.day) == (1, 1):
        if (end.month, end.day) == (12, 31):
            return f"năm {start.year}"
        if (end.month, end.day) == (6, 30):
            return f"6 tháng đầu năm {start.year}"
    if start.year == end.year and (start.month, start.day) == (7, 1) and (end.month, end.day) == (12, 31):
        return f"6 tháng cuối năm {start.year}"
    return f"từ ngày {fmt_date(start)} đến ngày {fmt_date(end)}"


def period_report_data(session, start: dt.date, end: dt.date, commune_id: int | None = None, *,
                       issued_on: dt.date | None = None) -> PeriodReportData:
    """Rows by kind and by commune from the Activity table: four queries whatever the range (GROUP BY).

    The aggregate is the dashboards' own (app.activities.totals.activity_totals), so the two never disagree.
    """
    from sqlalchemy import select

    from app.activities.totals import TOTAL_FIELDS, activity_totals
    from app.formatting import today_local
    from app.models import City, Commune

    def row(label, values):
        return PeriodRow(label, *(values[f] for f in TOTAL_FIELDS))

    by_kind_raw = {k: row(kind_label(k), v)
                   for k, v in activity_totals(start, end, by="kind", commune_id=commune_id, session=session).items()}
    by_kind = tuple(by_kind_raw[k] for k in KINDS if k in by_kind_raw)
    by_kind += tuple(v for k, v in by_kind_raw.items() if k not in KINDS)
    per_commune = activity_totals(start, end, by="commune", commune_id=commune_id, session=session)
    empty = dict.fromkeys(TOTAL_FIELDS, 0)
    units = select(Commune.id, Commune.name)
    if commune_id is not None:
        units = units.where(Commune.id == commune_id)
    by_commune = [row(name, per_commune.get(cid, empty))
                  for cid, name in vi_sorted(session.execute(units).all(), key=lambda u: u.name)]
    if commune_id is None and None in per_commune:
        by_commune.append(row(CITY_LEVEL, per_commune[None]))
    city = session.scalars(select(City).limit(1)).one()
    issued_on = issued_on or today_local()
    if commune_id is not None:
        name = by_commune[0].label if by_commune else ""
        header, unit = commune_header(city.lead_office, name, city.name, issued_on), name
    else:
        header, unit = city_header(city.lead_office, city.name, issued_on), WHOLE_CITY
    return PeriodReportData(header, start, end, unit, by_kind, tuple(by_commune))


HEAD = ["STT", "{first}", "Đã tổ chức", "Kế hoạch", "Đã hủy", "Người tham dự*", "Lượt tư vấn", "BHYT mới",
        "BHXH tự nguyện mới"]


def _grid(first: str, rows: tuple[PeriodRow, ...], total: PeriodRow, width: float):
    """A by-kind or by-commune grid with its total line."""
    data = [[h.format(first=first) for h in HEAD]]
    for i, r in enumerate(rows, 1):
        data.append([str(i), r.label, *(fmt_int(getattr(r, f)) for f in NUMBERS)])
    data.append(["", para("Tổng cộng", "cell_bold"), *(para(fmt_int(getattr(total, f)), "cell_bold") for f in NUMBERS)])
    number_w = 22 * mm
    return table(data, [11 * mm, width - 11 * mm - 7 * number_w, *[number_w] * 7], zebra=True,
                 align=["CENTER", "LEFT", *["RIGHT"] * 7])


def build_period_report(data: PeriodReportData) -> bytes:
    """Draw the period report (landscape: nine columns) in the ND 30/2020 frame and return the PDF bytes."""
    width = content_width(landscape=True)
    period = period_title(data.start, data.end)
    total = data.total
    body: list[Flowable] = [
        field("Đơn vị", data.unit_name),
        field("Kỳ báo cáo", f"{period} ({fmt_date(data.start)} – {fmt_date(data.end)})"),
        field("Tổng số hoạt động đã tổ chức", fmt_int(total.held)),
        *section("I. HOẠT ĐỘNG VÀ KẾT QUẢ THEO LOẠI HÌNH"),
    ]
    if data.by_kind:
        body.append(_grid("Loại hoạt động", data.by_kind, total, width))
    else:
        body.append(para("Không có hoạt động nào trong kỳ báo cáo.", "note"))
    body.extend(section("II. HOẠT ĐỘNG VÀ KẾT QUẢ THEO ĐƠN VỊ"))
    commune_total = PeriodRow("Tổng cộng")
    for r in data.by_commune:
        commune_total = commune_total + r
    body.append(_grid("Đơn vị", data.by_commune, commune_total, width))
    body.append(para("* Người tham dự: số người điểm danh bằng mã QR cộng số người được ghi nhận không qua điểm danh; "
                     "kết quả chỉ tính các hoạt động đã tổ chức.", "note"))
    return build_pdf(
        data.header,
        "Báo cáo kết quả công tác tuyên truyền",
        body,
        subtitle=period[0].upper() + period[1:],
        recipients=data.recipients,
        signer_title=data.signer_title,
        signer_name=data.signer_name,
        landscape=True,
    )
