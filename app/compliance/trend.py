"""The matrix's completion day by day, in one pass over the facts (SPEC §4.3, dashboard trend).

Pure, like `engine.py`, whose windows and evidence rules it shares.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.compliance.engine import (
    ACTIVITY_HELD,
    ActivityFact,
    CampaignSpec,
    CommuneFact,
    SubmissionFact,
    _activity_duties_by_kind,
    _bounds,
    _report_duties,
)


@dataclass(frozen=True, slots=True)
class DaySummary:
    """The counts of the whole matrix at the end of one day, as `evaluate(..., day).summary` gives them."""

    day: date
    cells: int
    done: int  # on time
    completed: int  # done or late

    @property
    def late(self) -> int:
        """Cells met, but only after their window closed."""
        return self.completed - self.done

    @property
    def completed_rate(self) -> float:
        """Share of cells done or late (0.0 for an empty matrix)."""
        return self.completed / self.cells if self.cells else 0.0

    @property
    def on_time_rate(self) -> float:
        """Share of cells done on time, as in `Matrix.summary` (0.0 for an empty matrix)."""
        return self.done / self.cells if self.cells else 0.0



def completion_by_day(
    campaign: CampaignSpec,
    communes: Iterable[CommuneFact],
    activities: Iterable[ActivityFact],
    submissions: Iterable[SubmissionFact],
    days: Iterable[date],
) -> list[DaySummary]:
    """The cells done and completed on each of `days`, in one pass over the facts (SPEC §4.3).

    Equal, day by day, to the counts of `evaluate(campaign, communes, activities, submissions, day).summary`,
    without building a matrix per day. A commune × duty is met on the date of its `min_count`-th evidence
    (held activities of its kinds and the commune's reports, anything before the window opens ignored): from
    that day on it is done if that date is inside the window, late if after it. A day then counts the cells
    met on or before it.
    """
    communes = list(communes)
    duties = campaign.duties
    # Per duty index: commune code -> evidence dates on or after the window opens (on time or late).
    dates = [defaultdict(list) for _ in duties]
    duties_by_kind = _activity_duties_by_kind(duties)
    for activity in activities:
        # Planned and cancelled activities never complete a cell; a held one counts from its evidence date.
        if activity.status != ACTIVITY_HELD or activity.commune_code is None:
            continue
        when = activity.evidence_date
        for index, lo, _hi in duties_by_kind.get(activity.kind, ()):
            if when >= lo:
                dates[index][activity.commune_code].append(when)
    report_duties = _report_duties(duties)
    for submission in submissions:
        when = submission.submitted_on
        for index, lo, _hi in report_duties:
            if when >= lo:
                dates[index][submission.commune_code].append(when)

    done_days, completed_days = [], []
    for index, duty in enumerate(duties):
        need = duty.min_count
        hi = _bounds(duty.window_start, duty.window_end)[1]
        filed = dates[index]
        for commune in communes:
            evidence = filed.get(commune.code)
            if evidence is None or len(evidence) < need:
                continue
            evidence.sort()
            met = evidence[need - 1]
            completed_days.append(met)
            if met <= hi:  # on-time evidence is a prefix of the sorted dates: met in the window means done
                done_days.append(met)
    done_days.sort()
    completed_days.sort()
    cells = len(communes) * len(duties)
    return [DaySummary(day, cells, bisect_right(done_days, day), bisect_right(completed_days, day)) for day in days]


