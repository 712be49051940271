"""Test data, one builder per thing of the domain: commune, user of a role, activity, check-in, report submission.

Each builder writes straight to the database through the session of the current app context and commits (inside
a test's rolled-back transaction, a commit only releases a savepoint), so that what it made is visible to the
requests of the test client. Defaults are the plainest valid row; tests name only what matters to them
(`activity("radio", on=date(2026, 7, 6), status="held")`).
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.checkin.tokens import new_public_token, new_qr_nonce
from app.domain.kinds import KINDS
from app.extensions import db
from app.formatting import TZ, local
from app.models import Activity, Campaign, CheckIn, Commune, ReportSubmission, User
from app.models.types import utcnow
from config import TestingConfig

PASSWORD = "Matkhau123"
HONG_BANG = "11311"  # Phường Hồng Bàng, the default commune of every builder
SLUG = "bhyt-day-2026"
_serial = iter(range(1, 10**9))


@cache
def _password_hash(password: str) -> str:
    """One hash per password for the whole run: hashing is slow on purpose, and the same hash checks the same."""
    return generate_password_hash(password, method=TestingConfig.PASSWORD_HASH_METHOD)


def commune(code: str = HONG_BANG) -> Commune:
    """A seeded commune-level unit by its code."""
    return db.session.scalars(select(Commune).where(Commune.code == code)).one()


def user(role: str = "commune", username: str | None = None, commune_code: str | None = None,
         password: str = PASSWORD, full_name: str | None = None, **columns) -> User:
    """A user of a role with a known password (`plain_password`); a commune user belongs to Phường Hồng Bàng unless
    `commune_code` says otherwise. Other columns pass through (an agency user: `user("agency", agency_id=…)`)."""
    if role == "commune" and commune_code is None:
        commune_code = HONG_BANG
    username = username or f"{role}{next(_serial)}"
    person = User(username=username, role=role, full_name=full_name or f"Cán bộ {username}", active=True,
                  commune_id=commune(commune_code).id if commune_code else None, **columns)
    person.password_hash = _password_hash(password)
    db.session.add(person)
    db.session.commit()
    person.plain_password = password
    return person


def activity(kind: str = "fair", on: date | None = None, status: str = "planned", *,
             commune_code: str | None = HONG_BANG, start: datetime | None = None, hours: float = 3,
             title: str | None = None, results: dict | None = None, qr_ready: bool = True, commit: bool = True,
             **columns) -> Activity:
    """An activity of a kind whose evidence date is `on` (starting 08:00 local that day), or, without `on` or
    `start`, one that started an hour ago (a fair people can check in to now). `commune_code=None` is city level
    (or give `commune_id`). A QR kind gets its QR nonce unless `qr_ready=False`; `commit=False` only flushes
    (thousands of rows in one go)."""
    if start is None:
        start = (datetime.combine(on, time(8, 0), tzinfo=TZ).astimezone(UTC) if on is not None
                 else utcnow() - timedelta(hours=1))
    if status == "cancelled":
        columns.setdefault("cancel_reason", "Mưa bão")
    if "commune_id" not in columns:
        columns["commune_id"] = commune(commune_code).id if commune_code else None
    row = Activity(
        kind=kind, status=status, title=title or f"{kind} {commune_code or 'thành phố'} {local(start):%d/%m}",
        start_at=start, end_at=start + timedelta(hours=hours), evidence_date=on or local(start).date(),
        results=results or {}, **{"venue": "Nhà văn hóa", **columns},
    )
    db.session.add(row)
    if qr_ready and KINDS[kind].qr:  # its QR nonce and short poster token, as create_activity gives them
        row.qr_nonce, row.public_token = new_qr_nonce(), new_public_token()
    db.session.flush()
    if commit:
        db.session.commit()
    return row


def checkin(of: Activity, *, full_name: str = "Nguyễn Văn An", phone: str | None = None, source: str = "staff",
            at: datetime | None = None, **columns) -> CheckIn:
    """A check-in stored for an activity (written straight to the table; the services are tested elsewhere)."""
    n = next(_serial)
    row = CheckIn(activity_id=of.id, full_name=full_name, phone=phone or f"09{n:08d}"[-10:], source=source,
                  created_at=at or utcnow(), code=f"T{n:07d}"[-8:], consent=True, **columns)
    db.session.add(row)
    db.session.commit()
    return row


def campaign(slug: str = SLUG) -> Campaign:
    """A shipped campaign, seeded if it is not yet there (bhyt-day-2026, SPEC §4.1)."""
    from app.campaigns.routine import seed_campaigns

    found = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).first()
    if found is None:
        seed_campaigns("haiphong")
        db.session.commit()
        found = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
    return found


def submission(of: Campaign | int, commune_code: str = HONG_BANG, on: date = date(2026, 7, 6), *,
               source: str = "paper", commit: bool = True, **columns) -> ReportSubmission:
    """A commune's campaign report received on paper on `on` (written straight to the table, no frozen PDF);
    `of` is the campaign or its id, `commune_id` may replace the code."""
    if "commune_id" not in columns:
        columns["commune_id"] = commune(commune_code).id
    row = ReportSubmission(campaign_id=getattr(of, "id", of), submitted_on=on,
                           submitted_at=datetime.combine(on, time(9), tzinfo=TZ), source=source,
                           **{"note": "", **columns})
    db.session.add(row)
    db.session.flush()
    if commit:
        db.session.commit()
    return row


def api_headers(of: User) -> dict[str, str]:
    """The Authorization header of a fresh API token of a user."""
    from app.auth.services import issue_token

    raw = issue_token(of)
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}
