"""The commune officer's home page: what to do next in the campaign nearest to today (issue 15 item 9).

Read from the same matrix as the campaign pages and the dashboard (one engine), for the user's own commune.
"""

from dataclasses import dataclass
from datetime import date

from app.compliance.loader import load_matrix, nearest_campaign_slug
from app.dashboard.services import commune_next_deadline, list_campaigns


@dataclass(frozen=True)
class CommuneHome:
    campaign: object
    completed: int
    total: int
    next_deadline: date | None
    due_next: list  # (duty, cell) of the duties due on next_deadline
    overdue: list  # (duty, cell) of the duties overdue as of today


def commune_home(code: str, today: date) -> CommuneHome | None:
    """The published campaign nearest to today, seen from one commune; None when the city has none."""
    campaigns = [c for c in list_campaigns() if c.published]
    slug = nearest_campaign_slug(campaigns, today)
    if slug is None:
        return None
    m = load_matrix(slug, today)
    try:
        row = m.row(code)
    except KeyError:
        return None
    cells = [(m.campaign.duty(c.duty_no), c) for c in row.cells]
    deadline = commune_next_deadline(m, code)
    return CommuneHome(
        campaign=next(c for c in campaigns if c.slug == slug), completed=row.completed, total=row.total,
        next_deadline=deadline,
        due_next=[(d, c) for d, c in cells if deadline and not c.completed and c.deadline == deadline],
        overdue=[(d, c) for d, c in cells if c.status == "overdue"])
