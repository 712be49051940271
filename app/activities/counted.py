"""Results an activity never types twice because they are counted from other records (SPEC §3, §17).

`new_bhyt` / `new_bhxh` of an activity = its follow-ups whose outcome is `enrolled_bhyt` / `enrolled_bhxh`
(residents' voice) + the number typed in the results form, which means "others enrolled on the spot".
Every surface (activity page and form, API, dashboards, period report) asks this module, so they agree.
Add a result key here to count it for more kinds (issue 19).
"""

from collections import defaultdict

from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity
from app.models.voice import FollowUp

# result key → the follow-up outcome that counts for it
COUNTED = {"new_bhyt": "enrolled_bhyt", "new_bhxh": "enrolled_bhxh"}


def counted_column(key: str):
    """A correlated scalar subquery: the counted part of `key` for the enclosing query's Activity row (0 if none)."""
    if key not in COUNTED:
        return 0
    return (select(func.count(FollowUp.id)).where(FollowUp.activity_id == Activity.id, FollowUp.outcome == COUNTED[key])
            .correlate(Activity).scalar_subquery())


def counted_results(activity_ids=None) -> dict[int, dict[str, int]]:
    """{activity id: {key: counted number}} for the given activities, or (None) every activity with a counted
    result — a defaultdict then, zeros for the others (one GROUP BY either way)."""
    ids = None if activity_ids is None else list(activity_ids)
    out = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    out.update({i: dict.fromkeys(COUNTED, 0) for i in ids or ()})
    if ids == []:
        return out
    by_outcome = {v: k for k, v in COUNTED.items()}
    stmt = select(FollowUp.activity_id, FollowUp.outcome, func.count()).where(FollowUp.outcome.in_(by_outcome))
    if ids is not None:
        stmt = stmt.where(FollowUp.activity_id.in_(ids))
    for activity_id, outcome, n in db.session.execute(stmt.group_by(FollowUp.activity_id, FollowUp.outcome)).all():
        out[activity_id][by_outcome[outcome]] = n
    return out


def total_results(results: dict | None, counted: dict[str, int]) -> dict:
    """The activity's results with each counted key = counted + typed ("others on the spot")."""
    total = dict(results or {})
    for key, n in counted.items():
        if n or key in total:
            total[key] = n + int(total.get(key) or 0)
    return total
