"""The plans' task register as of a date (SPEC §14): every task × period × unit, judged by the engine's rule.

Pure, like `engine.py`: frozen dataclasses in and out, `as_of` an argument. A task's schedule gives its
periods (`schedules.periods`); a task led by an agency has one instance per period, a task led by every
commune one per commune and period. Evidence is the lead unit's submissions for that period and, for
tasks whose product is an activity, the lead unit's held activities of those kinds inside the window.
Each instance's status comes from `engine.judge`, the same rule as a campaign duty's cell.
"""

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import NamedTuple

from app.compliance.engine import (
    ACTIVITY_HELD,
    ACTIVITY_PLANNED,
    COMPLETED_STATUSES,
    TASK_STATUSES,
    UPCOMING,
    _sorted,
    collector_paused,
    judge,
)
from app.compliance.schedules import Period, Schedule, periods

LEAD_AGENCY = "agency"
LEAD_COMMUNES = "communes"  # "UBND xã, phường, đặc khu": every commune-level unit
LEAD_TYPES = (LEAD_AGENCY, LEAD_COMMUNES)


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """One row of a plan's appendix as the engine needs it."""

    id: int
    section: str
    no: str
    text: str
    schedule: Schedule
    lead_type: str
    lead_codes: tuple[str, ...] = ()  # agencies that lead (first: the one named first); empty for communes
    kinds: frozenset[str] = frozenset()  # held activities of these kinds by the lead unit count as products

    def __post_init__(self):
        """Reject a task the engine could not expand."""
        object.__setattr__(self, "lead_codes", tuple(self.lead_codes))
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        if self.lead_type not in LEAD_TYPES:
            raise ValueError(f"task {self.section}.{self.no}: lead must be one of {LEAD_TYPES}")
        if self.lead_type == LEAD_AGENCY and not self.lead_codes:
            raise ValueError(f"task {self.section}.{self.no}: an agency task needs a lead agency")

    @property
    def label(self) -> str:
        """The plan's numbering: "III.12"."""
        return f"{self.section}.{self.no}" if self.no else self.section


class TaskSubmissionFact(NamedTuple):
    """A product submitted (or received on paper) for one task, period and unit, on a date.

    Immutable like the dataclasses here, but a named tuple: the loader builds tens of thousands of them, 0.7 µs
    each instead of 2.1 µs for a frozen dataclass (47,814 products: 0.036 s against 0.100 s, bench/tasks.py).
    """

    id: int
    task_id: int
    period: str
    unit_code: str
    submitted_on: date


class UnitActivityFact(NamedTuple):
    """An activity owned by a commune (its code) or an agency (its code); a named tuple like TaskSubmissionFact."""

    id: int
    unit_code: str
    kind: str
    status: str
    evidence_date: date


@dataclass(frozen=True, slots=True)
class Instance:
    """One task × period × unit and its status as of the register's date."""

    task_id: int
    period: Period
    unit_code: str
    status: str
    need: int
    submissions: tuple[int, ...]  # counted: on time if done, all if not
    activities: tuple[int, ...]
    planned: tuple[int, ...]

    @property
    def completed(self) -> bool:
        """Done or late."""
        return self.status in COMPLETED_STATUSES

    @property
    def found(self) -> int:
        """How many products count so far (on time or late)."""
        return len(self.submissions) + len(self.activities)


def counts_of(instances: Iterable[Instance]) -> dict:
    """Counts per status, with the rates over the instances that are due at all (`upcoming` counts in no rate)."""
    counts = dict.fromkeys(TASK_STATUSES, 0)
    for instance in instances:
        counts[instance.status] += 1
    return _with_rates(counts)


def _with_rates(counts: dict) -> dict:
    rated = sum(counts[s] for s in TASK_STATUSES) - counts[UPCOMING]
    completed = counts["done"] + counts["late"]
    return {**counts, "total": rated + counts[UPCOMING], "rated": rated, "completed": completed,
            "on_time_rate": counts["done"] / rated if rated else 0.0,
            "completed_rate": completed / rated if rated else 0.0}


@dataclass(frozen=True, slots=True)
class TaskRow:
    """A task with its instances (in period, then unit order) and their counts.

    Kept compact: most units have no product yet, so each period stores the status of a unit with none
    (`blank`) and only the units with evidence get an Instance; `instances` builds the others on demand.
    """

    task: TaskSpec
    periods: tuple[Period, ...]
    units: tuple[str, ...]
    blank: tuple[str, ...]  # per period: the status of a unit with no evidence
    # (period index, unit) -> (status, products, activities, planned) of a unit with evidence
    found: Mapping[tuple[int, str], tuple[str, tuple[int, ...], tuple[int, ...], tuple[int, ...]]]
    counts: Mapping[str, object] = field(init=False, compare=False)

    def __post_init__(self):
        """Derive the counts from the blanks and the units with evidence, so they can never disagree."""
        counts = dict.fromkeys(TASK_STATUSES, 0)
        n = len(self.units)
        for status in self.blank:
            counts[status] += n
        for (index, _unit), judged in self.found.items():
            counts[self.blank[index]] -= 1
            counts[judged[0]] += 1
        object.__setattr__(self, "counts", MappingProxyType(_with_rates(counts)))

    def statuses_by_unit(self) -> dict[str, Counter]:
        """How many instances of each status every unit has across the periods, without building them (the
        emulation's task part counts 114 communes × every period; `instances` would build each one)."""
        base = Counter(self.blank)
        counts = {unit: base.copy() for unit in self.units}
        for (index, unit), judged in self.found.items():
            counts[unit][self.blank[index]] -= 1
            counts[unit][judged[0]] += 1
        return counts

    @property
    def instances(self) -> tuple[Instance, ...]:
        """Every instance, period by period, units in order."""
        need, task_id, found, blank = self.task.schedule.count, self.task.id, self.found, self.blank
        return tuple(Instance(task_id, period, unit, found[(index, unit)][0], need, *found[(index, unit)][1:])
                     if (index, unit) in found else Instance(task_id, period, unit, blank[index], need, (), (), ())
                     for index, period in enumerate(self.periods) for unit in self.units)


@dataclass(frozen=True, slots=True)
class Register:
    """Every task's instances as of a date, with the totals."""

    as_of: date
    rows: tuple[TaskRow, ...]
    summary: Mapping[str, object] = field(init=False, compare=False)

    def __post_init__(self):
        """Derive the summary from the rows."""
        counts = dict.fromkeys(TASK_STATUSES, 0)
        for row in self.rows:
            for status in TASK_STATUSES:
                counts[status] += row.counts[status]
        object.__setattr__(self, "summary", MappingProxyType(_with_rates(counts)))

    def row(self, task_id: int) -> TaskRow:
        """The row of one task; KeyError if it is not in the register."""
        for row in self.rows:
            if row.task.id == task_id:
                return row
        raise KeyError(task_id)


def evaluate_tasks(tasks: Iterable[TaskSpec], commune_codes: Iterable[str],
                   submissions: Iterable[TaskSubmissionFact], activities: Iterable[UnitActivityFact],
                   as_of: date, first_year: int, last_year: int, year: int | None = None) -> Register:
    """Judge every instance of every task as of a date (SPEC §14); `year` keeps the periods touching it."""
    with collector_paused():
        return _evaluate_tasks(tasks, tuple(commune_codes), submissions, activities, as_of, first_year,
                               last_year, year)


def _evaluate_tasks(tasks, communes, submissions, activities, as_of, first_year, last_year, year):
    tasks = list(tasks)
    agency_task = {t.id for t in tasks if t.lead_type == LEAD_AGENCY}
    filed = defaultdict(lambda: defaultdict(list))  # task id -> (period, unit) -> [(date, id)]
    for s in submissions:
        if s.submitted_on <= as_of:
            filed[s.task_id][(s.period, None if s.task_id in agency_task else s.unit_code)].append(
                (s.submitted_on, s.id))
    by_unit = _activities_by_unit(activities, {k for t in tasks for k in t.kinds})

    rows = []
    for task in tasks:
        spans = periods(task.schedule, first_year, last_year)
        if year is not None:
            spans = tuple(p for p in spans if p.overlaps(year))
        need = task.schedule.count
        blank = tuple(judge(0, 0, 0, need, p.start, p.end, as_of, upcoming=True) for p in spans)
        index_of = {p.key: i for i, p in enumerate(spans)}
        agency = task.lead_type == LEAD_AGENCY
        units = (task.lead_codes[0],) if agency else communes
        unit_set = None if agency else set(communes)
        found = {}
        own = filed.get(task.id, {})
        if task.kinds:
            _judge_with_activities(task, own, spans, index_of, blank, need, as_of, by_unit,
                                   units[0] if agency else None, unit_set, found)
        else:
            _judge_products(own, spans, index_of, blank, need, as_of, units[0] if agency else None, unit_set, found)
        rows.append(TaskRow(task, spans, units, blank, found))
    return Register(as_of, tuple(rows))


def _judge_with_activities(task, own, spans, index_of, blank, need, as_of, by_unit, agency_unit, unit_set, found):
    """The instances of a task whose product may be an activity, unit by unit: the periods where the unit has a
    product, or that opened on or before its last activity (an agency's task: its lead agencies' activities)."""
    if agency_unit is not None:
        activity_sets = {agency_unit: [by_unit[c] for c in task.lead_codes if c in by_unit]}
    else:
        activity_sets = {code: [indexed] for code, indexed in by_unit.items() if code in unit_set}
    products_of: dict = defaultdict(dict)  # unit -> period index -> [(date, id)]
    for (key, unit), products in own.items():
        index = index_of.get(key)
        if index is not None and (agency_unit is not None or unit in unit_set):
            products_of[agency_unit or unit][index] = products
    bounds = [(p.start or date.min, p.end or date.max) for p in spans]
    for unit in activity_sets.keys() | products_of.keys():
        sets = activity_sets.get(unit, ())
        last = max((indexed[0][-1] for indexed in sets), default=None)
        mine = products_of.get(unit, {})
        for index, period in enumerate(spans):
            products = mine.get(index, ())
            if not products and (last is None or (period.start is not None and period.start > last)):
                continue
            lo, hi = bounds[index]
            judged = _judged(task, period, need, lo, hi, products, sets, as_of)
            if judged[0] != blank[index] or judged[1] or judged[2] or judged[3]:
                found[(index, unit)] = judged


def _judge_products(own, spans, index_of, blank, need, as_of, agency_unit, unit_set, found):
    """The instances of a task without activity evidence: its products only, most units with one (SPEC §4.3 rules).

    The usual instance has a single product, on time or late; its status depends only on the period and on which
    of the two it is, so it is judged once per period and kind of product, not once per unit (bench/tasks.py).
    """
    judged_once: dict = {}
    for (key, unit), products in own.items():
        index = index_of.get(key)
        if index is None or (agency_unit is None and unit not in unit_set):
            continue
        period = spans[index]
        lo, hi = period.start or date.min, period.end or date.max
        if len(products) != 1:
            judged = _judged(None, period, need, lo, hi, products, (), as_of)
        else:
            when, ident = products[0]
            if when < lo:  # before the window opens: ignored, the instance stays as a unit with none
                continue
            on = 1 if when <= hi else 0
            status = judged_once.get((index, on))
            if status is None:
                status = judged_once[(index, on)] = judge(on, 1, 0, need, period.start, period.end, as_of,
                                                          upcoming=True)
            judged = (status, (ident,), (), ())
        if judged[0] != blank[index] or judged[1]:
            found[(index, agency_unit or unit)] = judged


def _activities_by_unit(activities, kinds):
    """unit code -> (sorted dates, [(date, id, kind, status)]) of the activities whose kind any task counts."""
    grouped = defaultdict(list)
    for a in activities:
        if a.kind in kinds and a.status in (ACTIVITY_HELD, ACTIVITY_PLANNED):
            grouped[a.unit_code].append((a.evidence_date, a.id, a.kind, a.status))
    out = {}
    for code, rows in grouped.items():
        rows.sort()
        out[code] = ([r[0] for r in rows], rows)
    return out


def _judged(task, period, need, lo, hi, found, activity_sets, as_of):
    """File the evidence of one instance and judge it (SPEC §4.3 rules; a window ignores what came before):
    (status, products counted, activities counted, plans)."""
    if not activity_sets and len(found) == 1:  # the usual case: one product, no activity evidence
        when, ident = found[0]
        if when < lo:
            return judge(0, 0, 0, need, period.start, period.end, as_of, upcoming=True), (), (), ()
        on = 1 if when <= hi else 0
        return judge(on, 1, 0, need, period.start, period.end, as_of, upcoming=True), (ident,), (), ()
    on_time, late = [], []
    for when, ident in found:
        if when >= lo:
            (on_time if when <= hi else late).append(ident)
    act_on, act_late, planned = [], [], []
    kinds = task.kinds if task is not None else frozenset()
    for indexed in activity_sets:
        if indexed is None:
            continue
        dates, rows = indexed
        # In the window: held on or before as_of count on time; planned ones (or held after as_of) are plans.
        start, stop = bisect_left(dates, lo), bisect_right(dates, hi)
        for when, ident, kind, status in rows[start:stop]:
            if kind in kinds:
                (act_on if status == ACTIVITY_HELD and when <= as_of else planned).append(ident)
        if len(on_time) + len(act_on) < need:  # late evidence matters only while the window's is not enough
            for _when, ident, kind, status in rows[stop:bisect_right(dates, as_of)]:
                if kind in kinds and status == ACTIVITY_HELD:
                    act_late.append(ident)
    n_on = len(on_time) + len(act_on)
    status = judge(n_on, n_on + len(late) + len(act_late), len(planned), need, period.start, period.end, as_of,
                   upcoming=True)
    if status != "done":
        on_time += late
        act_on += act_late
    kept = () if status in COMPLETED_STATUSES else _sorted(planned)
    return status, _sorted(on_time), _sorted(act_on), kept
