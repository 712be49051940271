"""The demo season's agencies and task products (issue 17): one agency user per kind, products across 2026.

Deterministic and idempotent like the activities' demo season: on time, late and missing, so that every
page of the register shows something real.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from app.activities.demo import DEMO_NOTE
from app.checkin.tokens import new_qr_nonce
from app.compliance.schedules import Schedule, periods
from app.domain.kinds import QR_KINDS
from app.extensions import db
from app.formatting import TZ
from app.models import Activity, Agency, City, Commune, Plan, TaskSubmission, User

SEED = 17
DEMO_AGENCY_USERS = {  # one per kind of agency, where the city has one
    "state": ("cq_noivu", ("SNV", "SYT")),
    "mass": ("cq_phunu", ("HLHPN", "MTTQ")),
    "media": ("cq_baodai", ("BPTTH", "DPTTH")),
    "insurance": ("cq_bhxh", ("BHXHTP", "BHXHKV1")),
}
DEMO_DAY = date(2026, 12, 1)  # products dated up to here: the season as the office sees it on 01/12/2026
DEMO_COMMUNE_CODES = {"11311", "00004"}  # the demo commune user's own unit: left for them to submit


def seed_demo_agency_users(city_key: str, password: str) -> list[tuple[str, str, str, str]]:
    """One agency user per kind; returns (username, password, role, agency) created now."""
    from app.admin.services import create_user

    city = db.session.scalar(select(City).where(City.key == city_key))
    created = []
    for kind, (username, codes) in DEMO_AGENCY_USERS.items():
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        agency = db.session.scalar(select(Agency).where(Agency.city_id == city.id, Agency.code.in_(codes),
                                                        Agency.kind == kind).order_by(Agency.code))
        if agency is None:
            continue
        create_user(username, "agency", password, full_name=f"Cán bộ {agency.name}", agency_code=agency.code)
        created.append((username, password, "agency", f"{agency.name} ({agency.code})"))
    return created


def _when(rng, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max((hi - lo).days, 0)))


def seed_demo_products(city_key: str) -> str:
    """Products of 2026 for every task instance due by DEMO_DAY: ~70 % on time, ~15 % late, the rest missing."""
    city = db.session.scalar(select(City).where(City.key == city_key))
    if db.session.scalar(select(func.count()).select_from(TaskSubmission).where(TaskSubmission.note == DEMO_NOTE)):
        return "Sản phẩm nhiệm vụ demo đã có từ trước, không thêm gì."
    actor = db.session.scalar(select(User.id).where(User.role.in_(("city", "admin"))).order_by(User.id).limit(1))
    agencies = {a.code: a.id for a in db.session.scalars(select(Agency).where(Agency.city_id == city.id))}
    communes = [(c.id, c.code) for c in db.session.scalars(select(Commune).where(Commune.city_id == city.id)
                                                           .order_by(Commune.code))]
    rng = random.Random(SEED)
    rows, activities = [], []
    for plan in db.session.scalars(select(Plan).where(Plan.city_id == city.id)):
        year = plan.start_year
        for task in plan.tasks:
            spans = [p for p in periods(Schedule.from_dict(task.schedule), year, year)
                     if p.end is not None and p.start is not None and p.start <= DEMO_DAY and p.end.year == year]
            units = ([("commune", cid, code) for cid, code in communes if code not in DEMO_COMMUNE_CODES]
                     if task.lead_type == "communes" else [("agency", agencies[task.lead_codes[0]], None)])
            for period in spans:
                for kind, unit_id, _code in units:
                    draw = rng.random()
                    if draw < 0.7:
                        day = _when(rng, period.start, min(period.end, DEMO_DAY))
                    elif draw < 0.85 and period.end < DEMO_DAY:
                        day = _when(rng, period.end + timedelta(days=1), min(period.end + timedelta(days=20),
                                                                              DEMO_DAY))
                    else:
                        continue
                    if task.kinds and kind == "agency":
                        activities.append(_activity(task, unit_id, day, actor))
                        continue
                    for _ in range(task.schedule.get("count", 1)):
                        rows.append({"task_id": task.id, "period": period.key, "agency_id": unit_id
                                     if kind == "agency" else None, "commune_id": unit_id if kind == "commune"
                                     else None, "title": task.product[:300] or "Sản phẩm", "doc_number": "",
                                     "url": "", "note": DEMO_NOTE, "submitted_on": day, "source": "online",
                                     "submitted_by_id": actor, "original_name": "", "content_type": "", "size": 0,
                                     "submitted_at": datetime.combine(day, time(9), TZ).astimezone(UTC)})
    if rows:
        db.session.execute(insert(TaskSubmission), rows)
    if activities:
        db.session.execute(insert(Activity), activities)
    db.session.flush()
    return f"Sản phẩm nhiệm vụ demo: {len(rows)} sản phẩm, {len(activities)} hoạt động của cơ quan."


def _activity(task, agency_id: int, day: date, actor) -> dict:
    """A held activity of the lead agency: the product of an activity-type task."""
    start = datetime.combine(day, time(8), TZ)
    kind = sorted(task.kinds)[0] if "conference" not in task.kinds else "conference"
    return {"agency_id": agency_id, "commune_id": None, "kind": kind, "title": f"{task.product} ({task.label})",
            "start_at": start.astimezone(UTC), "end_at": (start + timedelta(hours=3)).astimezone(UTC),
            "evidence_date": day, "venue": "Hội trường cơ quan", "organiser": "", "partners": [], "audiences": [],
            "messages": [], "status": "held", "results": {"outlet": "Báo, đài thành phố"} if kind == "press" else {},
            "links": [], "notes": DEMO_NOTE,
            "created_by_id": actor, "updated_by_id": actor, "qr_nonce": new_qr_nonce() if kind in QR_KINDS else None}
