"""Reference data and demo data loaders (idempotent): communes, audiences, messages, demo users."""

from sqlalchemy import select

from app import data
from app.extensions import db
from app.models import Audience, City, Commune, Message, Target, User

DEMO_PASSWORD = "LanToa2026"
DEMO_USERS = (
    # username, role, full name, commune code (Phường Hồng Bàng, Hải Phòng / Phường Ba Đình, Hà Nội)
    ("admin", "admin", "Quản trị hệ thống", None),
    ("thanhpho", "city", "Nguyễn Văn Thành (BHXH thành phố)", None),
    ("coso", "commune", "Trần Thị Cơ Sở", "first"),
    ("xem", "viewer", "Phạm Văn Xem (Sở Y tế)", None),
)
DEMO_COMMUNE = {"haiphong": "11311", "hanoi": "00004"}  # Phường Hồng Bàng; Phường Ba Đình


def seed_city(city_key: str) -> City:
    """Create or update the city and its official commune list; returns the city."""
    info = data.city(city_key)
    city = db.session.scalar(select(City).where(City.key == city_key))
    if city is None:
        city = City(key=city_key)
        db.session.add(city)
    city.code, city.name, city.full_name, city.lead_office = (
        info["code"], info["name"], info["full_name"], info["lead_office"])
    db.session.flush()
    existing = {c.code: c for c in db.session.scalars(select(Commune))}
    for row in data.communes(city_key):
        commune = existing.get(row["code"])
        if commune is None:
            commune = Commune(code=row["code"])
            db.session.add(commune)
        commune.city_id, commune.name, commune.kind = city.id, row["name"], row["kind"]
    db.session.flush()
    return city


def seed_reference() -> None:
    """Audiences (SPEC §7) and the 19 official messages (SPEC §8), updated in place."""
    for model, rows in ((Audience, data.audiences()), (Message, data.messages())):
        for row in rows:
            obj = db.session.get(model, row["id"]) or model(id=row["id"])
            for key, value in row.items():
                setattr(obj, key, value)
            db.session.add(obj)
    db.session.flush()


def seed_targets(city_key: str) -> None:
    """The city's 2026–2030 targets (SPEC §9: Hải Phòng's; Hà Nội ships none); created when missing, never
    overwriting the city office's edits."""
    existing = {(t.year, t.metric) for t in db.session.scalars(select(Target))}
    for year, metric, value in data.targets()["targets"].get(city_key, ()):
        if (year, metric) not in existing:
            db.session.add(Target(year=year, metric=metric, value=value))
    db.session.flush()


def seed(city_key: str) -> dict:
    """Everything a fresh install needs; safe to run again. Returns counts."""
    city = seed_city(city_key)
    seed_reference()
    seed_targets(city_key)
    from app.campaigns.routine import seed_campaigns

    seed_campaigns(city_key)
    from app.tasks.seed import seed_agencies, seed_plans

    seed_agencies(city)
    seed_plans(city)
    from app.periodic.calendar import seed_calendar

    seed_calendar(city)
    count = db.session.scalar(select(db.func.count()).select_from(Commune).where(Commune.city_id == city.id))
    return {"city": city.full_name, "communes": count}


def seed_demo_users(city_key: str) -> list[tuple[str, str, str, str | None]]:
    """One demo user per role; returns the logins created now (none on a second run)."""
    from app.admin.services import create_user

    created = []
    for username, role, full_name, commune in DEMO_USERS:
        if db.session.scalar(select(User).where(User.username == username)):
            continue
        code = DEMO_COMMUNE[city_key] if commune else None
        user = create_user(username, role, DEMO_PASSWORD, code, full_name)
        created.append((username, DEMO_PASSWORD, role, f"{user.commune.name} ({code})" if code else None))
    return created
