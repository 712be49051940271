"""Compliance engine: the status of each obligation as of a date (SPEC §4.3, §14).

One rule, `judge`, for every obligation: a campaign's commune × duty cells here, the plans'
task instances in `tasks.py` (their windows from `schedules.py`), so "done" means one thing.

Pure by design: standard library only, frozen dataclasses in and out, and the
date of evaluation (`as_of`) is always an argument, so any past day can be
replayed and the rules are tested without an app or a database.
"""

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

STATUSES = ("done", "late", "planned", "pending", "overdue")
STATUS_LABELS_VI = {
    "done": "Đã hoàn thành",
    "late": "Hoàn thành trễ hạn",
    "planned": "Đã lên kế hoạch",
    "pending": "Chưa thực hiện",
    "overdue": "Quá hạn",
}
# Task instances (SPEC §14) add "upcoming" for a window that has not opened; it counts in no rate.
UPCOMING = "upcoming"
TASK_STATUSES = (*STATUSES, UPCOMING)
TASK_STATUS_LABELS_VI = {**STATUS_LABELS_VI, UPCOMING: "Chưa đến kỳ"}
COMPLETED_STATUSES = frozenset({"done", "late"})

EVIDENCE_ACTIVITY = "activity"
EVIDENCE_REPORT = "report"
EVIDENCE_TYPES = (EVIDENCE_ACTIVITY, EVIDENCE_REPORT)

ACTIVITY_HELD = "held"
ACTIVITY_PLANNED = "planned"


@dataclass(frozen=True, slots=True)
class DutySpec:
    """One duty every commune must meet (e.g. Appendix II, duty 5)."""

    no: int
    text: str
    evidence: str
    kinds: frozenset[str]
    min_count: int = 1
    window_start: date | None = None  # None: deadline only, anything before window_end counts
    window_end: date | None = None  # inclusive last day; None: no deadline
    hint: str = ""

    def __post_init__(self):
        """Accept any iterable of kinds; reject a duty the engine could not judge."""
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        if self.evidence not in EVIDENCE_TYPES:
            raise ValueError(f"duty {self.no}: evidence must be one of {EVIDENCE_TYPES}")
        if self.evidence == EVIDENCE_ACTIVITY and not self.kinds:
            raise ValueError(f"duty {self.no}: an activity duty needs at least one kind")
        if self.min_count < 1:
            raise ValueError(f"duty {self.no}: min_count must be at least 1")
        if self.window_start and self.window_end and self.window_start > self.window_end:
            raise ValueError(f"duty {self.no}: window opens after it closes")


@dataclass(frozen=True, slots=True)
class CityRequirementSpec:
    """A city-wide requirement, met by activities from any commune or the city itself."""

    key: str
    label: str
    kinds: frozenset[str]
    min_count: int
    window_start: date | None
    window_end: date | None

    def __post_init__(self):
        """Accept any iterable of kinds."""
        object.__setattr__(self, "kinds", frozenset(self.kinds))


@dataclass(frozen=True, slots=True)
class CampaignSpec:
    """A campaign: its period, the duties of every commune and the city requirements."""

    slug: str
    name: str
    start: date
    end: date
    duties: tuple[DutySpec, ...]
    city_requirements: tuple[CityRequirementSpec, ...] = ()

    def __post_init__(self):
        """Accept lists for duties and requirements; reject duties that cannot be told apart."""
        object.__setattr__(self, "duties", tuple(self.duties))
        object.__setattr__(self, "city_requirements", tuple(self.city_requirements))
        numbers = [duty.no for duty in self.duties]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"campaign {self.slug}: duty numbers must be unique")

    def duty(self, no: int) -> DutySpec:
        """The duty with this number; KeyError if there is none."""
        for duty in self.duties:
            if duty.no == no:
                return duty
        raise KeyError(no)


@dataclass(frozen=True, slots=True)
class CommuneFact:
    """A commune-level unit (phường, xã, đặc khu)."""

    code: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class ActivityFact:
    """An activity as the engine sees it; commune_code None means city level."""

    id: int
    commune_code: str | None
    kind: str
    status: str
    evidence_date: date


@dataclass(frozen=True, slots=True)
class SubmissionFact:
    """A commune's campaign report, submitted on a date."""

    id: int
    commune_code: str
    submitted_on: date


@dataclass(frozen=True, slots=True)
class Cell:
    """The status of one commune × duty, with the ids behind it."""

    commune_code: str
    duty_no: int
    status: str
    evidence: tuple[int, ...]  # held activities / submissions counted: on time if done, all if not
    planned: tuple[int, ...]  # not met yet: planned (or held after as_of) activities in the window
    deadline: date | None
    opens: date | None

    @property
    def completed(self) -> bool:
        """Done or late: the duty has been met."""
        return self.status in COMPLETED_STATUSES


@dataclass(frozen=True, slots=True)
class CommuneRow:
    """One commune's cells, in duty order, with its counts per status."""

    commune: CommuneFact
    cells: tuple[Cell, ...]
    counts: Mapping[str, int] = field(init=False, compare=False)
    completed: int = field(init=False)
    total: int = field(init=False)

    def __post_init__(self):
        """Derive the counts from the cells so they can never disagree."""
        counts = dict.fromkeys(STATUSES, 0)
        for cell in self.cells:
            counts[cell.status] += 1
        object.__setattr__(self, "counts", MappingProxyType(counts))
        object.__setattr__(self, "completed", counts["done"] + counts["late"])
        object.__setattr__(self, "total", len(self.cells))


@dataclass(frozen=True, slots=True)
class RequirementResult:
    """How far the city is from one city-wide requirement."""

    key: str
    label: str
    required: int
    actual: int
    met: bool
    evidence: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Matrix:
    """The whole commune × duty matrix of a campaign as of a date, with its totals."""

    campaign: CampaignSpec
    as_of: date
    rows: tuple[CommuneRow, ...]
    city_requirements: tuple[RequirementResult, ...] = ()
    duty_totals: Mapping[int, Mapping[str, int]] = field(init=False, compare=False)
    summary: Mapping[str, object] = field(init=False, compare=False)
    _rows_by_code: Mapping[str, CommuneRow] = field(init=False, repr=False, compare=False)
    _duty_index: Mapping[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        """Derive the per-duty totals and the summary from the rows."""
        duty_nos = [duty.no for duty in self.campaign.duties]
        totals = {no: dict.fromkeys(STATUSES, 0) for no in duty_nos}
        for row in self.rows:
            for cell in row.cells:
                totals[cell.duty_no][cell.status] += 1
        counts = dict.fromkeys(STATUSES, 0)
        for per_duty in totals.values():
            for status, n in per_duty.items():
                counts[status] += n
        cells = sum(counts.values())
        upcoming = [d.window_end for d in self.campaign.duties if d.window_end and d.window_end >= self.as_of]
        summary = {
            "communes": len(self.rows),
            "cells": cells,
            **counts,
            "completed": counts["done"] + counts["late"],
            "communes_all_done": sum(1 for row in self.rows if row.completed == row.total),
            "on_time_rate": counts["done"] / cells if cells else 0.0,
            "next_deadline": min(upcoming, default=None),
        }
        frozen_totals = {no: MappingProxyType(per_duty) for no, per_duty in totals.items()}
        object.__setattr__(self, "duty_totals", MappingProxyType(frozen_totals))
        object.__setattr__(self, "summary", MappingProxyType(summary))
        object.__setattr__(self, "_rows_by_code", {row.commune.code: row for row in self.rows})
        object.__setattr__(self, "_duty_index", {no: i for i, no in enumerate(duty_nos)})

    def row(self, commune_code: str) -> CommuneRow:
        """The row of one commune; KeyError if it is not in the matrix."""
        return self._rows_by_code[commune_code]

    def cell(self, commune_code: str, duty_no: int) -> Cell:
        """The cell of one commune × duty; KeyError if either is unknown."""
        return self._rows_by_code[commune_code].cells[self._duty_index[duty_no]]


def evaluate(campaign: CampaignSpec, communes: Iterable[CommuneFact], activities: Iterable[ActivityFact],
             submissions: Iterable[SubmissionFact], as_of: date) -> Matrix:
    """Judge every commune × duty of a campaign as of a date (SPEC §4.3)."""
    with collector_paused():
        return _evaluate(campaign, communes, activities, submissions, as_of)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the matrix is built.

    Evaluation allocates tens of thousands of acyclic objects (cells, id lists); on 200,000 activities that
    triggers a full collection which rescans every fact and costs a third of the run. A mere pause would defer
    it: all of it would be scanned by the first collection after (0.45 s of the task register's 1 s, cProfile)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:  # freeze + unfreeze (public): what was allocated goes to the oldest generation unscanned
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _evaluate(campaign, communes, activities, submissions, as_of):
    """Build the matrix: file every activity and submission once, then judge each cell."""
    duties = campaign.duties
    # Per duty index: commune code -> ids on time, late, or planned (filed once, never rescanned).
    on_time = [{} for _ in duties]
    late = [{} for _ in duties]
    planned = [{} for _ in duties]
    requirement_ids = _file_activities(campaign, activities, as_of, on_time, late, planned)
    _file_submissions(duties, submissions, as_of, on_time, late)

    rows = []
    for commune in communes:
        code = commune.code
        cells = tuple(_judge(code, duty, on_time[index].get(code, ()), late[index].get(code, ()),
                             planned[index].get(code, ()), as_of) for index, duty in enumerate(duties))
        rows.append(CommuneRow(commune, cells))
    requirements = tuple(_requirement(spec, ids)
                         for spec, ids in zip(campaign.city_requirements, requirement_ids, strict=True))
    return Matrix(campaign, as_of, tuple(rows), requirements)


def _bounds(start, end):
    """A window as comparable dates: open ends become date.min / date.max."""
    return start or date.min, end or date.max


def _activity_duties_by_kind(duties):
    """Activity kind -> (duty index, window start, window end) of every activity duty it can serve."""
    by_kind = defaultdict(list)
    for index, duty in enumerate(duties):
        if duty.evidence == EVIDENCE_ACTIVITY:
            for kind in duty.kinds:
                by_kind[kind].append((index, *_bounds(duty.window_start, duty.window_end)))
    return by_kind


def _report_duties(duties):
    """(duty index, window start, window end) of every duty met by the commune report."""
    return [(index, *_bounds(duty.window_start, duty.window_end))
            for index, duty in enumerate(duties) if duty.evidence == EVIDENCE_REPORT]


def _file_activities(campaign, activities, as_of, on_time, late, planned):
    """One pass over the activities: file each id under the duties and city requirements it serves."""
    duties_by_kind = _activity_duties_by_kind(campaign.duties)
    requirement_ids = [[] for _ in campaign.city_requirements]
    requirements_by_kind = defaultdict(list)
    for spec, ids in zip(campaign.city_requirements, requirement_ids, strict=True):
        for kind in spec.kinds:
            requirements_by_kind[kind].append((ids, *_bounds(spec.window_start, spec.window_end)))

    for activity in activities:
        status = activity.status
        when = activity.evidence_date
        if status == ACTIVITY_HELD and when <= as_of:
            kind = activity.kind
            for ids, lo, hi in requirements_by_kind.get(kind, ()):
                if lo <= when <= hi:
                    ids.append(activity.id)
            code = activity.commune_code
            if code is None:
                continue  # city level: serves city requirements, never a commune's duty
            for index, lo, hi in duties_by_kind.get(kind, ()):
                if when < lo:
                    continue  # a duty with a window ignores anything before it opens
                filed = on_time[index] if when <= hi else late[index]
                ids = filed.get(code)
                if ids is None:
                    filed[code] = [activity.id]
                else:
                    ids.append(activity.id)
        elif status in (ACTIVITY_PLANNED, ACTIVITY_HELD):
            # In a replay, an activity held after as_of was still only planned on that day.
            code = activity.commune_code
            if code is None:
                continue
            for index, lo, hi in duties_by_kind.get(activity.kind, ()):
                if lo <= when <= hi:
                    planned[index].setdefault(code, []).append(activity.id)
        # Anything else (cancelled) never counts for anything.
    return requirement_ids


def _file_submissions(duties, submissions, as_of, on_time, late):
    """File each report already submitted as of the date under the report duties."""
    report_duties = _report_duties(duties)
    if not report_duties:
        return
    for submission in submissions:
        when = submission.submitted_on
        if when > as_of:
            continue
        for index, lo, hi in report_duties:
            if when >= lo:
                filed = on_time[index] if when <= hi else late[index]
                filed.setdefault(submission.commune_code, []).append(submission.id)


def judge(on_time: int, evidence: int, planned: int, need: int, opens: date | None, closes: date | None,
          as_of: date, upcoming: bool = False) -> str:
    """The status of one obligation from its counts (SPEC §4.3 table; §14 adds `upcoming`).

    `on_time`: evidence inside the window; `evidence`: on time plus late; `planned`: plans in the window.
    """
    if on_time >= need:
        return "done"
    if evidence >= need:
        return "late"
    if closes is not None and as_of > closes:
        return "overdue"
    if upcoming and opens is not None and as_of < opens:
        return UPCOMING
    if planned and evidence + planned >= need:
        return "planned"
    return "pending"


def _judge(code, duty, on_time, late, planned, as_of):
    """Turn the ids filed for one commune × duty into its cell."""
    status = judge(len(on_time), len(on_time) + len(late), len(planned), duty.min_count, duty.window_start,
                   duty.window_end, as_of)
    evidence = _sorted(on_time) if status == "done" or not late else _sorted([*on_time, *late])
    kept = () if status in COMPLETED_STATUSES else _sorted(planned)  # overdue keeps plans that were never marked held
    return Cell(code, duty.no, status, evidence, kept, duty.window_end, duty.window_start)


def _sorted(ids):
    """Ids as a sorted tuple (most cells have none or one)."""
    return tuple(ids) if len(ids) < 2 else tuple(sorted(ids))


def _requirement(spec, ids):
    """The result of one city requirement from the ids filed under it."""
    ids.sort()
    return RequirementResult(spec.key, spec.label, spec.min_count, len(ids), len(ids) >= spec.min_count, tuple(ids))

