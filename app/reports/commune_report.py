"""Commune campaign report (SPEC §6.4): the duty table with status and evidence, totals by kind, results."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.compliance.engine import EVIDENCE_REPORT, STATUS_LABELS_VI, Matrix
from app.reports.common import KindTotal, ResultTotal, commune_header, one_line, section
from app.reports.frame import DocHeader, build_pdf, content_width, field, para, table
from app.reports.text import fmt_date, fmt_int, fmt_time


@dataclass(frozen=True)
class ActivitySummary:
    """An activity as the duty table cites it."""

    id: int
    title: str
    date: dt.date
    kind: str = ""
    status: str = "held"


@dataclass(frozen=True)
class DutyLine:
    """One row of the duty table."""

    no: int
    text: str
    status: str
    status_label: str
    evidence: tuple[str, ...]
    deadline: str


@dataclass(frozen=True)
class CommuneReportData:
    """Everything the commune campaign report prints."""

    header: DocHeader
    campaign_name: str
    commune_name: str
    as_of: dt.date
    duties: tuple[DutyLine, ...]
    completed: int
    total: int
    kind_totals: tuple[KindTotal, ...] = ()
    results: tuple[ResultTotal, ...] = ()
    submitted_at: dt.datetime | None = None
    recipients: tuple[str, ...] = ("Bảo hiểm xã hội thành phố (để b/c)", "UBND xã, phường, đặc khu", "Lưu: VT")
    signer_title: str = "Giám đốc"
    signer_name: str = ""


def deadline_text(opens: dt.date | None, deadline: dt.date | None) -> str:
    """ "22/06/2026 – 11/07/2026", "01/07/2026" for a single day, "Đến hết 29/06/2026" for a deadline alone."""
    if deadline is None:
        return "Không thời hạn" if opens is None else f"Từ {fmt_date(opens)}"
    if opens is None:
        return f"Đến hết {fmt_date(deadline)}"
    if opens == deadline:
        return fmt_date(deadline)
    return f"{fmt_date(opens)} – {fmt_date(deadline)}"


def _cite(a: ActivitySummary, planned: bool = False) -> str:
    """ "Ngày hội BHYT (01/07/2026)", marked when it is only planned."""
    text = f"{one_line(a.title)} ({fmt_date(a.date)})"
    return f"Kế hoạch: {text}" if planned else text


def commune_report_data(
    matrix: Matrix,
    commune_code: str,
    activities: Mapping[int, ActivitySummary],
    *,
    lead_office: str,
    place: str,
    issued_on: dt.date | None = None,
    kind_totals: Sequence[KindTotal] = (),
    results: Sequence[ResultTotal] = (),
    submitted_at: dt.datetime | None = None,
    number: str = "Số:      /BC-BHXH",
) -> CommuneReportData:
    """Rows of one commune's report from the engine's Matrix; `activities` maps the cells' ids to titles and dates."""
    row = matrix.row(commune_code)
    duties = []
    for duty, cell in zip(matrix.campaign.duties, row.cells, strict=True):
        if duty.evidence == EVIDENCE_REPORT:
            evidence = [f"Đã gửi báo cáo ngày {fmt_date(submitted_at)}"] if submitted_at and cell.evidence else []
            if cell.evidence and not evidence:
                evidence = ["Đã gửi báo cáo"]
        else:
            evidence = [_cite(activities[i]) for i in cell.evidence if i in activities]
            evidence += [_cite(activities[i], planned=True) for i in cell.planned if i in activities]
        duties.append(DutyLine(duty.no, duty.text, cell.status, STATUS_LABELS_VI[cell.status], tuple(evidence),
                               deadline_text(cell.opens, cell.deadline)))
    header = commune_header(lead_office, row.commune.name, place, issued_on or matrix.as_of, number)
    return CommuneReportData(
        header=header,
        campaign_name=matrix.campaign.name,
        commune_name=row.commune.name,
        as_of=matrix.as_of,
        duties=tuple(duties),
        completed=row.completed,
        total=row.total,
        kind_totals=tuple(kind_totals),
        results=tuple(results),
        submitted_at=submitted_at,
    )


def build_commune_report(data: CommuneReportData) -> bytes:
    """Draw the commune campaign report in the ND 30/2020 frame and return the PDF bytes."""
    width = content_width()
    body: list[Flowable] = [
        para(f"Kính gửi: {data.header.issuer_parent}", "body_center"),
        para(f"Thực hiện {data.campaign_name}, {data.header.issuer} báo cáo kết quả thực hiện "
             f"tính đến ngày {fmt_date(data.as_of)} như sau:"),
        *section("I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ"),
        field("Số nhiệm vụ đã hoàn thành", f"{data.completed}/{data.total}"),
    ]
    rows = [["STT", "Nhiệm vụ", "Trạng thái", "Minh chứng", "Thời hạn"]]
    for d in data.duties:
        rows.append([str(d.no), d.text, d.status_label, "\n".join(d.evidence) or "—", d.deadline])
    body.append(table(rows, [11 * mm, 64 * mm, 23 * mm, width - 122 * mm, 24 * mm], zebra=True,
                      align=["CENTER", "LEFT", "CENTER", "LEFT", "CENTER"]))
    body.extend(section("II. HOẠT ĐỘNG ĐÃ TỔ CHỨC THEO LOẠI HÌNH"))
    if data.kind_totals:
        rows = [["STT", "Loại hoạt động", "Số hoạt động", "Số người tham dự"]]
        rows += [[str(i), k.label, fmt_int(k.held), fmt_int(k.attendees)] for i, k in enumerate(data.kind_totals, 1)]
        rows.append(["", para("Tổng cộng", "cell_bold"), para(fmt_int(sum(k.held for k in data.kind_totals)), "cell_bold"),
                     para(fmt_int(sum(k.attendees for k in data.kind_totals)), "cell_bold")])
        body.append(table(rows, [11 * mm, width - 71 * mm, 28 * mm, 32 * mm], align=["CENTER", "LEFT", "RIGHT", "RIGHT"]))
    else:
        body.append(para("Chưa có hoạt động nào được tổ chức.", "note"))
    body.extend(section("III. KẾT QUẢ CỤ THỂ"))
    if data.results:
        rows = [["STT", "Chỉ tiêu", "Kết quả"]]
        rows += [[str(i), r.label, fmt_int(r.value)] for i, r in enumerate(data.results, 1)]
        body.append(table(rows, [11 * mm, width - 51 * mm, 40 * mm], align=["CENTER", "LEFT", "RIGHT"]))
    else:
        body.append(para("Chưa có kết quả được ghi nhận.", "note"))
    if data.submitted_at:
        body.append(para(f"Báo cáo đã gửi lúc {fmt_time(data.submitted_at)} ngày {fmt_date(data.submitted_at)}; "
                         "số liệu trên được chốt tại thời điểm gửi.", "note"))
    return build_pdf(
        data.header,
        "Báo cáo kết quả thực hiện",
        body,
        subtitle=data.campaign_name,
        recipients=data.recipients,
        signer_title=data.signer_title,
        signer_name=data.signer_name,
    )
