"""Đề xuất khen thưởng (SPEC §16; seed 000 §VI.1, seed 001 §IV.11): the communes at the top of the emulation
ranking with the parts of their score, in the ND 30/2020 frame — data first (rows), then drawing."""

import datetime as dt
from dataclasses import dataclass

from reportlab.lib.units import mm

from app.formatting import fmt_percent
from app.reports.common import city_header, section
from app.reports.frame import DocHeader, build_pdf, content_width, para, table
from app.reports.text import fmt_date


@dataclass(frozen=True)
class CommendedLine:
    """One proposed commune: rank, name, score, and the three parts (percentages or None) with their counts."""

    rank: int
    name: str
    score: float
    duties: float | None
    duties_counts: tuple[int, int]
    tasks: float | None
    tasks_counts: tuple[int, int]
    targets: float | None


@dataclass(frozen=True)
class CommendationData:
    """Everything the document prints."""

    header: DocHeader
    year: int
    as_of: dt.date
    weights: dict
    lines: tuple[CommendedLine, ...]
    ranked: int
    recipients: tuple[str, ...] = ("Hội đồng Thi đua - Khen thưởng thành phố", "Ban Chỉ đạo thành phố (để b/c)",
                                   "Lưu: VT")


def commendation_data(rows, *, lead_office: str, place: str, year: int, as_of: dt.date, weights: dict,
                      top: int) -> CommendationData:
    """The first `top` communes of the ranking rows (app.targets.ranking.RankedRow), in rank order."""
    chosen = [r for r in rows if r.standing.rank <= top]
    lines = tuple(CommendedLine(r.standing.rank, r.standing.name, r.standing.score, r.standing.parts["duties"],
                                r.detail.duties, r.standing.parts["tasks"], r.detail.tasks,
                                r.standing.parts["targets"]) for r in chosen)
    return CommendationData(city_header(lead_office, place, as_of, number="Số:      /TTr-BHXH"), year, as_of,
                            dict(weights), lines, len(rows))


def _part(value: float | None, counts: tuple[int, int] | None = None) -> str:
    if value is None:
        return "—"
    text = fmt_percent(value / 100)
    return f"{text} ({counts[0]}/{counts[1]})" if counts else text


def _score(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def build_commendation(data: CommendationData) -> bytes:
    """Draw the proposal and return the PDF bytes."""
    width = content_width()
    w = data.weights
    body = [
        para("Kính gửi: Hội đồng Thi đua - Khen thưởng thành phố", "body_center"),
        para(f"Căn cứ kết quả thực hiện nhiệm vụ tuyên truyền và chỉ tiêu phát triển người tham gia BHXH, BHYT năm "
             f"{data.year} (số liệu đến ngày {fmt_date(data.as_of)}), {data.header.issuer} đề xuất khen thưởng "
             f"các đơn vị cấp xã dẫn đầu bảng xếp hạng thi đua sau:"),
        *section("I. CÁCH TÍNH ĐIỂM"),
        para(f"Điểm (0–100) = {fmt_percent(w['duties'], 0)} tỷ lệ nhiệm vụ chiến dịch hoàn thành đúng hạn + "
             f"{fmt_percent(w['tasks'], 0)} tỷ lệ nhiệm vụ kế hoạch hoàn thành + {fmt_percent(w['targets'], 0)} "
             f"mức đạt chỉ tiêu (trung bình của thực hiện / chỉ tiêu, tối đa 100 %). Phần chưa đo được không tính, "
             f"các phần còn lại chia lại theo tỷ trọng. Điểm bằng nhau đồng hạng. Điểm do hệ thống tính từ số liệu, "
             f"không nhập tay."),
        *section(f"II. DANH SÁCH ĐỀ XUẤT ({len(data.lines)} trong {data.ranked} đơn vị)"),
    ]
    rows = [["Hạng", "Đơn vị", "Điểm", "Nhiệm vụ chiến dịch đúng hạn", "Nhiệm vụ kế hoạch hoàn thành",
             "Đạt chỉ tiêu"]]
    rows += [[str(ln.rank), ln.name, _score(ln.score), _part(ln.duties, ln.duties_counts),
              _part(ln.tasks, ln.tasks_counts), _part(ln.targets)] for ln in data.lines]
    body.append(table(rows, [13 * mm, width - 121 * mm, 16 * mm, 32 * mm, 32 * mm, 28 * mm], zebra=True,
                      align=["CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"]))
    if not data.lines:
        body.append(para("Chưa có đơn vị nào được xếp hạng.", "note"))
    return build_pdf(data.header, "Tờ trình", body, subtitle="Đề xuất khen thưởng",
                     recipients=data.recipients, signer_title="Giám đốc")
