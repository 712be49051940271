"""Which duties to remind about on a day, read off a compliance Matrix (SPEC §10).

Pure like the engine: stdlib only, `as_of` comes with the matrix, so a rule is tested without a database.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from app.compliance.engine import Matrix

REMIND_DAYS_BEFORE = (3, 1)  # SPEC §10: duties due in 3 days and in 1 day
OPEN_STATUSES = frozenset({"pending", "planned"})  # not met yet, window still open


@dataclass(frozen=True, slots=True)
class DutyAlert:
    """One commune × duty that needs a reminder today: `due` (days_left 3 or 1) or newly `overdue`."""

    kind: str  # "due" | "overdue"
    campaign_slug: str
    commune_code: str
    commune_name: str
    duty_no: int
    duty_text: str
    deadline: date
    days_left: int  # negative when overdue (-1: the deadline was yesterday)


def duty_alerts(matrix: Matrix, days_before: tuple[int, ...] = REMIND_DAYS_BEFORE) -> list[DutyAlert]:
    """Duties not met whose deadline is `days_before` days ahead, and those that became overdue yesterday."""
    as_of = matrix.as_of
    texts = {duty.no: duty.text for duty in matrix.campaign.duties}
    alerts = []
    for row in matrix.rows:
        for cell in row.cells:
            if cell.deadline is None:
                continue
            days_left = (cell.deadline - as_of).days
            if cell.status in OPEN_STATUSES and days_left in days_before:
                kind = "due"
            elif cell.status == "overdue" and cell.deadline == as_of - timedelta(days=1):
                kind = "overdue"  # only on the first day: "newly" overdue
            else:
                continue
            alerts.append(DutyAlert(kind, matrix.campaign.slug, row.commune.code, row.commune.name,
                                    cell.duty_no, texts[cell.duty_no], cell.deadline, days_left))
    return alerts


def snapshot_counts(matrix: Matrix) -> tuple[dict, dict]:
    """The matrix's duty × status counts and its summary, as JSON-ready dicts (nightly snapshot)."""
    counts = {str(no): dict(per_status) for no, per_status in matrix.duty_totals.items()}
    summary = {}
    for key, value in matrix.summary.items():
        summary[key] = value.isoformat() if isinstance(value, date) else value
    return counts, summary
