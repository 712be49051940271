"""Pieces every document shares: the issuing bodies of the header, and kind/result totals (pure, no Flask)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.domain.kinds import COUNT, KINDS
from app.reports.frame import DocHeader
from app.reports.text import nfc

COMMUNE_ISSUER = "Bảo hiểm xã hội cơ sở {name}"
DEFAULT_NUMBER = "Số:      /BC-BHXH"
CITY_LEVEL = "Cấp thành phố"


def commune_header(lead_office: str, commune_name: str, place: str, date: dt.date,
                   number: str = DEFAULT_NUMBER) -> DocHeader:
    """A commune office's header: the city's lead office above "BẢO HIỂM XÃ HỘI CƠ SỞ <commune>"."""
    return DocHeader(lead_office, COMMUNE_ISSUER.format(name=commune_name), number=number, place=place, date=date)


def city_header(lead_office: str, place: str, date: dt.date, number: str = DEFAULT_NUMBER,
                parent: str = "Bảo hiểm xã hội Việt Nam") -> DocHeader:
    """The city office's header: BHXH Việt Nam above the city's lead office (City.lead_office)."""
    return DocHeader(parent, lead_office, number=number, place=place, date=date)


@dataclass(frozen=True)
class KindTotal:
    """Activities of one kind: how many were held and how many people took part."""

    kind: str
    label: str
    held: int
    attendees: int = 0


@dataclass(frozen=True)
class ResultTotal:
    """One summed result (e.g. "Số lượt tư vấn": 1.234)."""

    label: str
    value: int


# Results added up across kinds, in the order the reports print them.
SUMMED_RESULTS = (
    ("extra_attendees", "Số người tham dự không điểm danh"),
    ("consultations", "Số lượt tư vấn"),
    ("new_bhyt", "Số người tham gia BHYT mới"),
    ("new_bhxh", "Số người tham gia BHXH tự nguyện mới"),
    ("leaflets", "Số tờ rơi, tờ gấp phát ra"),
    ("households", "Số hộ gia đình được tư vấn"),
    ("questions", "Số câu hỏi được giải đáp"),
    ("broadcasts", "Số lần phát thanh"),
    ("minutes", "Thời lượng phát thanh (phút)"),
    ("views", "Lượt xem"),
    ("shares", "Lượt chia sẻ"),
    ("interactions", "Lượt tương tác"),
    ("count", "Số băng rôn, khẩu hiệu"),
    ("at_risk", "Số người có nguy cơ gián đoạn tham gia BHYT"),
    ("state_supported", "Số người được ngân sách hỗ trợ mức đóng"),
    ("potential", "Số người tiềm năng tham gia BHYT"),
    ("donated_books", "Số sổ BHXH trao tặng"),
    ("donated_cards", "Số thẻ BHYT trao tặng"),
)


def kind_label(kind: str) -> str:
    """The Vietnamese label of a kind (the code itself for an unknown one)."""
    spec = KINDS.get(kind)
    return spec.label if spec else kind


def totals_by_kind(activities: Iterable[tuple[str, Mapping, int]]) -> tuple[list[KindTotal], list[ResultTotal]]:
    """From (kind, results, check-ins) of held activities: totals per kind (SPEC §3 order) and summed results."""
    held: dict[str, int] = {}
    people: dict[str, int] = {}
    sums = dict.fromkeys((key for key, _ in SUMMED_RESULTS), 0)
    for kind, results, checkins in activities:
        held[kind] = held.get(kind, 0) + 1
        results = results or {}
        people[kind] = people.get(kind, 0) + int(checkins or 0) + _count(results.get("extra_attendees"))
        for key in sums:
            sums[key] += _count(results.get(key)) if _is_count(kind, key) else 0
    kinds = [KindTotal(k, kind_label(k), held[k], people[k]) for k in KINDS if k in held]
    kinds += [KindTotal(k, kind_label(k), held[k], people[k]) for k in held if k not in KINDS]
    labels = dict(SUMMED_RESULTS)
    return kinds, [ResultTotal(labels[key], value) for key, value in sums.items() if value]


def _is_count(kind: str, key: str) -> bool:
    """Whether `key` is a whole-number result of `kind` (URLs and texts are never summed)."""
    spec = KINDS.get(kind)
    return bool(spec) and any(f.key == key and f.type == COUNT for f in spec.results)


def _count(value) -> int:
    """A stored count as an int; anything else counts as 0."""
    if isinstance(value, bool):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def one_line(value: object) -> str:
    """NFC text with runs of whitespace collapsed (titles typed with line breaks)."""
    return " ".join(nfc(value).split())


def section(text: str) -> list:
    """A section heading that never drags a long table after it onto the next page.

    The frame's "heading" keeps with the next flowable, which moves a table taller than the rest of
    the page to a new page and leaves a blank half page; here a heading only needs 30 mm below it.
    """
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak

    from app.reports.frame import para, styles

    style = ParagraphStyle("section", parent=styles()["heading"], keepWithNext=0)
    return [CondPageBreak(30 * mm), para(text, style)]
