"""The change history of an activity in words (issue 15 item 7): field labels and values as people read them.

"Thời gian bắt đầu: 08:00 01/07/2026 → 09:00 01/07/2026", never `start_at` or `commune_id`. Pure: the audit
log's JSON in, (label, old, new) texts out; the caller passes the commune names.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.kinds import KINDS, STATUS_LABELS
from app.formatting import fmt_date, local

FIELD_LABELS = {
    "commune_id": "Đơn vị",
    "agency_id": "Cơ quan, đơn vị",
    "kind": "Loại hoạt động",
    "title": "Tiêu đề",
    "start_at": "Thời gian bắt đầu",
    "end_at": "Thời gian kết thúc",
    "venue": "Địa điểm",
    "organiser": "Đơn vị chủ trì",
    "status": "Trạng thái",
    "cancel_reason": "Lý do hủy",
    "partners": "Đơn vị phối hợp",
    "audiences": "Đối tượng tuyên truyền",
    "messages": "Thông điệp sử dụng",
    "links": "Đường dẫn liên quan",
    "notes": "Ghi chú",
    "evidence_date": "Ngày tính minh chứng",
    "preregistration": "Đăng ký trước",
}
CITY_LEVEL = "Cấp thành phố"
EMPTY = "—"


@dataclass(frozen=True)
class Change:
    """One changed field: its label and its old and new values, as text (the label is translated by the page)."""

    label: str
    old: str
    new: str
    detail: str = ""  # e.g. the result's own label, after "Kết quả"


def _moment(value: str) -> str:
    """ "08:00 01/07/2026" from the audit log's ISO text."""
    try:
        moment = local(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)
    return moment.strftime("%H:%M %d/%m/%Y")


def _day(value: str) -> str:
    try:
        return fmt_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def _text(field: str, value, communes: Mapping[int, str], agencies: Mapping[int, str]) -> str:
    """A field's value as a person reads it."""
    if value is None or value == "" or value == []:
        return CITY_LEVEL if field == "commune_id" else EMPTY
    if field == "commune_id":
        return communes.get(value, str(value))
    if field == "agency_id":
        return agencies.get(value, str(value))
    if field == "kind":
        return KINDS[value].label if value in KINDS else str(value)
    if field == "status":
        return STATUS_LABELS.get(value, str(value))
    if field in ("start_at", "end_at"):
        return _moment(value)
    if field == "evidence_date":
        return _day(value)
    if field == "preregistration":
        return "Bật" if value else "Tắt"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _result_label(kinds: tuple[str, ...], key: str) -> str:
    for kind in kinds:
        for field in KINDS[kind].results if kind in KINDS else ():
            if field.key == key:
                return field.label
    return key


def _result_text(value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        return _day(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    return str(value)


def describe(changed: Mapping | None, communes: Mapping[int, str], kind: str | None = None,
             agencies: Mapping[int, str] | None = None) -> list[Change]:
    """The changes of one audit entry ({field: [old, new]}) in words, results one line per result."""
    out = []
    kinds = tuple(k for k in (kind, *((changed or {}).get("kind") or [])) if k)
    for field, pair in (changed or {}).items():
        old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
        if field == "results":
            old, new = old or {}, new or {}
            for key in dict.fromkeys([*old, *new]):
                if old.get(key) != new.get(key):
                    out.append(Change("Kết quả", _result_text(old.get(key)), _result_text(new.get(key)),
                                      _result_label(kinds, key)))
            continue
        names = agencies or {}
        out.append(Change(FIELD_LABELS.get(field, field), _text(field, old, communes, names),
                          _text(field, new, communes, names)))
    return [c for c in out if c.old != c.new]  # None → [] is no change a person can see
