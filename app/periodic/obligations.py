"""The reporting calendar and each unit's periodic-report obligation as of a date (SPEC §15, seed 000 §VIII).

Pure, like `app/compliance/engine.py`: standard library and the engine only, frozen dataclasses, `as_of` an
argument. A period's obligation is one per commune and agency; its status is `engine.judge`'s, the rule of a
campaign duty and of a task instance (SPEC §4.3 + `upcoming`): the window opens on the data cut-off day
(the report can be written from then on) and closes on the due date; a report submitted by the due date is
`done`, after it `late`; none after the due date is `overdue`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from app.compliance.engine import TASK_STATUSES, judge

REMIND_DAYS_BEFORE = (7, 3, 1)  # the task register's reminders (SPEC §14)
OPEN_STATUSES = frozenset({"pending", "planned", "upcoming"})  # 7 days ahead the data window may still be open


@dataclass(frozen=True, slots=True)
class Window:
    """One period of the calendar: data cut-off window (inclusive) and due date."""

    key: str
    kind: str
    label: str
    data_start: date
    data_end: date
    due: date

    def __post_init__(self):
        """Refuse a window the calendar could not hold."""
        if self.data_start > self.data_end:
            raise ValueError("Ngày bắt đầu kỳ số liệu phải trước ngày kết thúc.")
        if self.due < self.data_end:
            raise ValueError("Hạn gửi báo cáo không được trước ngày chốt số liệu.")

    def contains(self, day: date) -> bool:
        """Whether a day is inside the data window."""
        return self.data_start <= day <= self.data_end


def _day(year: int, spec) -> date:
    """[years offset, month, day] of a calendar rule → a date of `year`."""
    offset, month, day = (int(x) for x in spec)
    return date(year + offset, month, day)


def windows_of_year(rules: Iterable[Mapping], year: int) -> tuple[Window, ...]:
    """The six-month and annual windows of a year from the calendar's rules (data, ND 09/2019 Điều 12)."""
    return tuple(Window(r["key"].format(year=year), r["kind"], r["label"].format(year=year),
                        _day(year, r["data_start"]), _day(year, r["data_end"]), _day(year, r["due"]))
                 for r in rules)


def status(window: Window, submitted_on: date | None, as_of: date) -> str:
    """The status of one unit's report for a window as of a date (a submission after `as_of` is not seen yet)."""
    seen = submitted_on is not None and submitted_on <= as_of
    on_time = 1 if seen and submitted_on <= window.due else 0
    return judge(on_time, 1 if seen else 0, 0, 1, window.data_end, window.due, as_of, upcoming=True)


@dataclass(frozen=True, slots=True)
class UnitStatus:
    """One unit's obligation for a window as of a date."""

    unit_type: str
    unit_code: str
    status: str
    submitted_on: date | None


@dataclass(frozen=True, slots=True)
class Consolidation:
    """Every unit's obligation for a window, with counts per status derived so they can never disagree."""

    window: Window
    as_of: date
    rows: tuple[UnitStatus, ...]
    counts: Mapping[str, int] = field(init=False, compare=False)

    def __post_init__(self):
        """Derive the counts from the rows."""
        counts = dict.fromkeys(TASK_STATUSES, 0)
        for row in self.rows:
            counts[row.status] += 1
        object.__setattr__(self, "counts", MappingProxyType(counts))

    @property
    def missing(self) -> tuple[UnitStatus, ...]:
        """Units without a report that counts yet."""
        return tuple(r for r in self.rows if r.status not in ("done", "late"))


def consolidate(window: Window, units: Iterable[tuple[str, str]], submitted: Mapping[tuple[str, str], date],
                as_of: date) -> Consolidation:
    """Judge every (unit type, code) of the city for a window; `submitted` maps units to their submission date."""
    rows = tuple(UnitStatus(t, c, status(window, submitted.get((t, c)), as_of), submitted.get((t, c)))
                 for t, c in units)
    return Consolidation(window, as_of, rows)


def alert_kind(window: Window, unit_status: str, as_of: date,
               days_before: tuple[int, ...] = REMIND_DAYS_BEFORE) -> str | None:
    """ "due" 7, 3 and 1 days before the due date for an open obligation, "overdue" the day after it; else None."""
    left = (window.due - as_of).days
    if unit_status in OPEN_STATUSES and left in days_before:
        return "due"
    if unit_status == "overdue" and window.due == as_of - timedelta(days=1):
        return "overdue"
    return None
