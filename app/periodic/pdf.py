"""The periodic report and the consolidated report as PDF (ND 30/2020 frame): data first, then drawing, bytes out."""

import datetime as dt
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from app.reports.common import section
from app.reports.frame import DocHeader, build_pdf, content_width, field, para, table
from app.reports.text import fmt_date, fmt_int
from app.schemas.periodic import SECTION_KEYS, SECTION_LABELS

RECIPIENTS = ("Sở Nội vụ", "BHXH thành phố", "Lưu: VT")  # seed 000 §VIII.1
CONSOLIDATED_RECIPIENTS = ("UBND thành phố (để b/c)", "Sở Nội vụ", "Lưu: VT")  # seed 000 §VIII.2
NUMBER_HEAD = ("Đã tổ chức", "Người tham dự", "Lượt tư vấn", "BHYT mới", "BHXH tự nguyện mới")
NUMBER_KEYS = ("held", "attendees", "consultations", "new_bhyt", "new_bhxh")
STATUS_WORDS = (("done", "đúng hạn"), ("late", "trễ hạn"), ("pending", "chưa thực hiện"),
                ("planned", "đã lên kế hoạch"), ("overdue", "quá hạn"))


@dataclass(frozen=True)
class ReportDocument:
    """What a unit's periodic report prints."""

    header: DocHeader
    unit_name: str
    period_label: str
    window: tuple[dt.date, dt.date]
    sections: dict
    figures: dict
    recipients: tuple[str, ...] = RECIPIENTS
    signer_title: str = "Thủ trưởng đơn vị"
    signer_name: str = ""


@dataclass(frozen=True)
class UnitLine:
    """One unit in the consolidated report: its name, status word and its gathered free sections."""

    name: str
    status_word: str
    kho_khan: str
    de_xuat: str


@dataclass(frozen=True)
class ConsolidatedDocument:
    """What the consolidated report for UBND thành phố prints."""

    header: DocHeader
    period_label: str
    window: tuple[dt.date, dt.date]
    sections: dict
    figures: dict
    reported: tuple[UnitLine, ...]
    missing: tuple[str, ...]
    recipients: tuple[str, ...] = CONSOLIDATED_RECIPIENTS
    signer_title: str = "Giám đốc"
    signer_name: str = ""


def _kind_grid(figures: dict, width: float) -> Flowable:
    rows = figures.get("by_kind") or []
    if not rows:
        return para("Không có hoạt động nào trong kỳ báo cáo.", "note")
    data = [["STT", "Loại hoạt động", *NUMBER_HEAD]]
    for i, r in enumerate(rows, 1):
        data.append([str(i), r["label"], *(fmt_int(r[k]) for k in NUMBER_KEYS)])
    total = figures["total"]
    data.append(["", para("Tổng cộng", "cell_bold"), *(para(fmt_int(total[k]), "cell_bold") for k in NUMBER_KEYS)])
    number_w = 22 * mm
    return table(data, [10 * mm, width - 10 * mm - 5 * number_w, *[number_w] * 5], zebra=True,
                 align=["CENTER", "LEFT", *["RIGHT"] * 5])


def figure_lines(figures: dict) -> list[str]:
    """Tasks, campaigns, targets and satisfaction as sentences (also shown on the form and in the DOCX)."""
    lines = []
    tasks = figures.get("tasks")
    if tasks:
        parts = ", ".join(f"{fmt_int(tasks[k])} {w}" for k, w in STATUS_WORDS if tasks.get(k))
        lines.append(f"Nhiệm vụ kế hoạch đến hạn trong kỳ: {fmt_int(tasks['total'])} ({parts}); "
                     f"tỷ lệ hoàn thành {_pct(tasks['rate'])}.")
    for c in figures.get("campaigns") or ():
        lines.append(f"Chiến dịch {c['name']}: hoàn thành {c['done']}/{c['total']} nhiệm vụ đúng hạn"
                     f"{', ' + str(c['late']) + ' trễ hạn' if c['late'] else ''}"
                     f"{', ' + str(c['overdue']) + ' quá hạn' if c['overdue'] else ''}.")
    targets = figures.get("targets")
    if targets and targets.get("target"):
        t, a = targets["target"], targets.get("actual") or {}
        lines.append(f"Chỉ tiêu năm {targets['year']}: BHXH bắt buộc {fmt_int(t['bhxh_bat_buoc'])}, BHXH tự nguyện "
                     f"{fmt_int(t['bhxh_tu_nguyen'])}, tỷ lệ bao phủ BHYT {t['bhyt_rate']}%"
                     + (f"; thực hiện đến tháng {targets['month']}: {fmt_int(a['bhxh_bat_buoc'])}, "
                        f"{fmt_int(a['bhxh_tu_nguyen'])}, {a['bhyt_rate']}%." if a else "; chưa có số thực hiện."))
    sat = figures.get("satisfaction")
    if sat:
        lines.append(f"Mức độ hài lòng của người dân: {fmt_int(sat['ratings'])} lượt đánh giá, "
                     f"{_pct(sat['share_satisfied'])} hài lòng trở lên.")
    return lines


def _text_blocks(text: str) -> list[Flowable]:
    paragraphs = [p for p in (text or "").split("\n") if p.strip()]
    return [para(p) for p in paragraphs] or [para("(Không có nội dung.)", "note")]


def build_unit_report(doc: ReportDocument) -> bytes:
    """Draw a unit's six-month / annual report in the ND 30/2020 frame and return the PDF bytes."""
    width = content_width()
    start, end = doc.window
    body: list[Flowable] = [
        field("Đơn vị", doc.unit_name),
        field("Kỳ báo cáo", f"{doc.period_label} (số liệu từ {fmt_date(start)} đến {fmt_date(end)})"),
        field("Nơi gửi", f"Sở Nội vụ, đồng gửi {doc.recipients[1] if len(doc.recipients) > 2 else 'BHXH thành phố'}"),
        *section("I. SỐ LIỆU HOẠT ĐỘNG TUYÊN TRUYỀN TRONG KỲ"),
        _kind_grid(doc.figures, width),
        *[para(line) for line in figure_lines(doc.figures)],
    ]
    for n, key in enumerate(SECTION_KEYS, 2):
        body.extend(section(f"{_roman(n)}. {SECTION_LABELS[key].upper()}"))
        body.extend(_text_blocks(doc.sections.get(key, "")))
    return build_pdf(doc.header, "Báo cáo kết quả thực hiện công tác tuyên truyền chính sách BHXH, BHYT", body,
                     subtitle=doc.period_label, recipients=doc.recipients, signer_title=doc.signer_title,
                     signer_name=doc.signer_name)


def build_consolidated(doc: ConsolidatedDocument) -> bytes:
    """Draw the consolidated report for UBND thành phố and return the PDF bytes."""
    width = content_width()
    start, end = doc.window
    body: list[Flowable] = [
        field("Kỳ báo cáo", f"{doc.period_label} (số liệu từ {fmt_date(start)} đến {fmt_date(end)})"),
        field("Số đơn vị đã báo cáo", fmt_int(len(doc.reported))),
        field("Số đơn vị chưa báo cáo", fmt_int(len(doc.missing))),
        *section("I. SỐ LIỆU TOÀN THÀNH PHỐ"),
        _kind_grid(doc.figures, width),
    ]
    for n, key in enumerate(SECTION_KEYS, 2):
        body.extend(section(f"{_roman(n)}. {SECTION_LABELS[key].upper()}"))
        body.extend(_text_blocks(doc.sections.get(key, "")))
    body.extend(section("VI. ĐƠN VỊ ĐÃ BÁO CÁO: KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ"))
    for i, line in enumerate(doc.reported, 1):
        body.append(para(f"{i}. {line.name} ({line.status_word})", "body_bold"))
        body.append(field("Khó khăn, vướng mắc", line.kho_khan or "Không có."))
        body.append(field("Đề xuất, kiến nghị", line.de_xuat or "Không có."))
    body.extend(section("VII. ĐƠN VỊ CHƯA BÁO CÁO"))
    body.append(para("; ".join(doc.missing) + "." if doc.missing else "Tất cả các đơn vị đã báo cáo."))
    return build_pdf(doc.header, "Báo cáo tổng hợp kết quả thực hiện công tác tuyên truyền chính sách BHXH, BHYT",
                     body, subtitle=doc.period_label, recipients=doc.recipients, signer_title=doc.signer_title,
                     signer_name=doc.signer_name)


def _pct(share: float) -> str:
    """0.8734 → "87,3%" (Vietnamese decimal comma)."""
    return f"{share * 100:.1f}%".replace(".", ",")


def _roman(n: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI", "VII")[n - 1]
