"""Yearly satisfaction survey report (SPEC §17, seed 003 Phụ lục V.1 "Báo cáo khảo sát mức độ hài lòng"):
the distribution of 1–5 ratings, the KPI (share of 4–5) by commune and by kind, and a sample of comments."""

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.formatting import fmt_percent
from app.reports.common import section
from app.reports.frame import DocHeader, build_pdf, content_width, field, para, table
from app.reports.text import fmt_int

SCORE_LABELS = {5: "Rất hài lòng", 4: "Hài lòng", 3: "Bình thường", 2: "Không hài lòng", 1: "Rất không hài lòng"}


@dataclass(frozen=True)
class KpiRow:
    """Ratings of one group (a commune, a kind, or all): how many, the mean score, the share of 4–5."""

    label: str
    ratings: int
    mean: float | None
    share_satisfied: float | None


@dataclass(frozen=True)
class SatisfactionSurveyData:
    """Everything the survey report prints (plain rows; no database, no Flask)."""

    header: DocHeader
    year: int
    unit_name: str
    total: KpiRow
    distribution: tuple[tuple[int, int], ...]  # (score, count), 5 → 1
    by_commune: tuple[KpiRow, ...]
    by_kind: tuple[KpiRow, ...]
    comments: tuple[tuple[int, str, str], ...]  # (score, comment, activity title)
    recipients: tuple[str, ...] = ("Ban Chỉ đạo thành phố (để b/c)", "Lưu: VT")
    signer_title: str = "Giám đốc"
    signer_name: str = ""


def _mean(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def _share(value: float | None) -> str:
    return "—" if value is None else fmt_percent(value)


def _kpi_table(first: str, rows: Sequence[KpiRow], total: KpiRow, width: float):
    """A KPI grid (STT, group, ratings, mean, share of 4–5) with its total line."""
    data = [["STT", first, "Số lượt đánh giá", "Điểm trung bình", "Tỷ lệ hài lòng (4–5)"]]
    for i, r in enumerate(rows, 1):
        data.append([str(i), r.label, fmt_int(r.ratings), _mean(r.mean), _share(r.share_satisfied)])
    data.append(["", para("Tổng cộng", "cell_bold"), para(fmt_int(total.ratings), "cell_bold"),
                 para(_mean(total.mean), "cell_bold"), para(_share(total.share_satisfied), "cell_bold")])
    n = 30 * mm
    return table(data, [10 * mm, width - 10 * mm - 3 * n, n, n, n], zebra=True,
                 align=["CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT"])


def build_satisfaction_survey(data: SatisfactionSurveyData) -> bytes:
    """Draw the survey report in the ND 30/2020 frame and return the PDF bytes."""
    width = content_width()
    total = data.total
    body: list[Flowable] = [
        field("Đơn vị", data.unit_name),
        field("Năm khảo sát", str(data.year)),
        field("Hình thức", "Người dân tự đánh giá sau khi điểm danh tại hoạt động (thang 1–5, mỗi lượt điểm danh "
                           "một lần)"),
        field("Số lượt đánh giá", fmt_int(total.ratings)),
        field("Tỷ lệ hài lòng (4–5 điểm)", _share(total.share_satisfied)),
        *section("I. PHÂN BỐ MỨC ĐỘ HÀI LÒNG"),
    ]
    rows = [["Mức", "Số lượt", "Tỷ lệ"]]
    for score, n in data.distribution:
        rows.append([f"{score} — {SCORE_LABELS[score]}", fmt_int(n),
                     _share(n / total.ratings if total.ratings else None)])
    body.append(table(rows, [width - 60 * mm, 30 * mm, 30 * mm], align=["LEFT", "RIGHT", "RIGHT"]))
    body.extend(section("II. MỨC ĐỘ HÀI LÒNG THEO ĐƠN VỊ"))
    body.append(_kpi_table("Đơn vị", data.by_commune, total, width) if data.by_commune
                else para("Chưa có lượt đánh giá nào trong năm.", "note"))
    body.extend(section("III. MỨC ĐỘ HÀI LÒNG THEO LOẠI HOẠT ĐỘNG"))
    if data.by_kind:
        body.append(_kpi_table("Loại hoạt động", data.by_kind, total, width))
    body.extend(section("IV. MỘT SỐ Ý KIẾN CỦA NGƯỜI DÂN"))
    if data.comments:
        rows = [["Điểm", "Ý kiến", "Hoạt động"]]
        rows += [[str(score), comment, title] for score, comment, title in data.comments]
        body.append(table(rows, [15 * mm, width - 75 * mm, 60 * mm], align=["CENTER", "LEFT", "LEFT"]))
    else:
        body.append(para("Không có ý kiến nào.", "note"))
    return build_pdf(data.header, "Báo cáo khảo sát mức độ hài lòng", body,
                     subtitle=f"của người dân đối với hoạt động tuyên truyền chính sách BHXH, BHYT năm {data.year}",
                     recipients=data.recipients, signer_title=data.signer_title, signer_name=data.signer_name)
