"""City summary for the Steering Committee (SPEC §6.5): completion, duties × status, overdue communes, city needs."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.compliance.engine import STATUS_LABELS_VI, STATUSES, Matrix
from app.formatting import fmt_percent
from app.reports.common import KindTotal, city_header, section
from app.reports.frame import DocHeader, build_pdf, content_width, field, para, table
from app.reports.text import fmt_date, fmt_int


@dataclass(frozen=True)
class DutyStatusLine:
    """One duty with how many communes are in each status."""

    no: int
    text: str
    counts: tuple[int, ...]  # in STATUSES order
    completed: int
    communes: int


@dataclass(frozen=True)
class OverdueLine:
    """A commune with at least one overdue duty."""

    commune: str
    duties: tuple[int, ...]


@dataclass(frozen=True)
class RequirementLine:
    """A city-level requirement: met or not, actual against required."""

    label: str
    required: int
    actual: int
    met: bool


@dataclass(frozen=True)
class CitySummaryData:
    """Everything the city summary prints."""

    header: DocHeader
    campaign_name: str
    as_of: dt.date
    communes: int
    communes_all_done: int
    completed_cells: int
    cells: int
    done_cells: int
    duties: tuple[DutyStatusLine, ...]
    overdue: tuple[OverdueLine, ...]
    requirements: tuple[RequirementLine, ...]
    kind_totals: tuple[KindTotal, ...] = ()
    recipients: tuple[str, ...] = ("Ban Chỉ đạo thành phố (để b/c)", "Các thành viên Ban Chỉ đạo",
                                   "Bảo hiểm xã hội cơ sở", "Lưu: VT")
    signer_title: str = "Giám đốc"
    signer_name: str = ""


def city_summary_data(
    matrix: Matrix,
    kind_totals: Sequence[KindTotal] = (),
    *,
    lead_office: str,
    place: str,
    issued_on: dt.date | None = None,
    number: str = "Số:      /BC-BHXH",
) -> CitySummaryData:
    """Rows of the city summary from the engine's Matrix (one pass over its rows)."""
    overdue = []
    for row in matrix.rows:
        late = tuple(c.duty_no for c in row.cells if c.status == "overdue")
        if late:
            overdue.append(OverdueLine(row.commune.name, late))
    communes = len(matrix.rows)
    duties = []
    for duty in matrix.campaign.duties:
        totals = matrix.duty_totals[duty.no]
        counts = tuple(totals[s] for s in STATUSES)
        duties.append(DutyStatusLine(duty.no, duty.text, counts, totals["done"] + totals["late"], communes))
    s = matrix.summary
    return CitySummaryData(
        header=city_header(lead_office, place, issued_on or matrix.as_of, number),
        campaign_name=matrix.campaign.name,
        as_of=matrix.as_of,
        communes=communes,
        communes_all_done=s["communes_all_done"],
        completed_cells=s["completed"],
        cells=s["cells"],
        done_cells=s["done"],
        duties=tuple(duties),
        overdue=tuple(overdue),
        requirements=tuple(RequirementLine(r.label, r.required, r.actual, r.met) for r in matrix.city_requirements),
        kind_totals=tuple(kind_totals),
    )


def _rate(part: int, whole: int) -> str:
    """A share as "95,5 %"."""
    return fmt_percent(part / whole) if whole else "—"


def build_city_summary(data: CitySummaryData) -> bytes:
    """Draw the city summary in the ND 30/2020 frame and return the PDF bytes."""
    width = content_width()
    body: list[Flowable] = [
        para("Kính gửi: Ban Chỉ đạo thành phố", "body_center"),
        para(f"{data.header.issuer} báo cáo tình hình thực hiện {data.campaign_name} "
             f"tại {fmt_int(data.communes)} đơn vị cấp xã, tính đến ngày {fmt_date(data.as_of)}:"),
        *section("I. TỶ LỆ HOÀN THÀNH"),
        field("Nhiệm vụ đã hoàn thành", f"{fmt_int(data.completed_cells)}/{fmt_int(data.cells)} "
              f"({_rate(data.completed_cells, data.cells)})"),
        field("Hoàn thành đúng hạn", f"{fmt_int(data.done_cells)} ({_rate(data.done_cells, data.cells)})"),
        field("Đơn vị hoàn thành tất cả nhiệm vụ", f"{fmt_int(data.communes_all_done)}/{fmt_int(data.communes)}"),
        *section("II. TÌNH HÌNH THỰC HIỆN TỪNG NHIỆM VỤ (SỐ ĐƠN VỊ)"),
    ]
    status_w = 15 * mm
    rows = [["TT", "Nhiệm vụ", *(STATUS_LABELS_VI[s] for s in STATUSES), "Tỷ lệ hoàn thành"]]
    for d in data.duties:
        rows.append([str(d.no), d.text, *(fmt_int(n) for n in d.counts), _rate(d.completed, d.communes)])
    body.append(table(rows, [8 * mm, width - 8 * mm - 5 * status_w - 18 * mm, *[status_w] * 5, 18 * mm],
                      zebra=True, align=["CENTER", "LEFT", *["RIGHT"] * 5, "RIGHT"]))
    body.extend(section("III. ĐƠN VỊ CÓ NHIỆM VỤ QUÁ HẠN"))
    if data.overdue:
        rows = [["STT", "Đơn vị", "Nhiệm vụ quá hạn (số thứ tự tại mục II)"]]
        rows += [[str(i), o.commune, ", ".join(str(n) for n in o.duties)] for i, o in enumerate(data.overdue, 1)]
        body.append(table(rows, [11 * mm, 70 * mm, width - 81 * mm], zebra=True, align=["CENTER", "LEFT", "LEFT"]))
    else:
        body.append(para("Không có đơn vị nào có nhiệm vụ quá hạn.", "note"))
    body.extend(section("IV. YÊU CẦU CẤP THÀNH PHỐ"))
    if data.requirements:
        rows = [["STT", "Yêu cầu", "Yêu cầu tối thiểu", "Thực hiện", "Đánh giá"]]
        rows += [[str(i), r.label, fmt_int(r.required), fmt_int(r.actual), "Đạt" if r.met else "Chưa đạt"]
                 for i, r in enumerate(data.requirements, 1)]
        body.append(table(rows, [11 * mm, width - 81 * mm, 24 * mm, 22 * mm, 24 * mm],
                          align=["CENTER", "LEFT", "RIGHT", "RIGHT", "CENTER"]))
    else:
        body.append(para("Chiến dịch không có yêu cầu cấp thành phố.", "note"))
    body.extend(section("V. HOẠT ĐỘNG ĐÃ TỔ CHỨC THEO LOẠI HÌNH"))
    if data.kind_totals:
        rows = [["STT", "Loại hoạt động", "Số hoạt động", "Số người tham dự"]]
        rows += [[str(i), k.label, fmt_int(k.held), fmt_int(k.attendees)] for i, k in enumerate(data.kind_totals, 1)]
        rows.append(["", para("Tổng cộng", "cell_bold"), para(fmt_int(sum(k.held for k in data.kind_totals)), "cell_bold"),
                     para(fmt_int(sum(k.attendees for k in data.kind_totals)), "cell_bold")])
        body.append(table(rows, [11 * mm, width - 71 * mm, 28 * mm, 32 * mm], align=["CENTER", "LEFT", "RIGHT", "RIGHT"]))
    else:
        body.append(para("Chưa có hoạt động nào được tổ chức.", "note"))
    return build_pdf(
        data.header,
        "Báo cáo tổng hợp",
        body,
        subtitle=f"Tình hình thực hiện {data.campaign_name}",
        recipients=data.recipients,
        signer_title=data.signer_title,
        signer_name=data.signer_name,
    )
