"""QR attendance rules (SPEC §5): one schema, one `record_checkin` for every path, counts, tickets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, bindparam, func, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.checkin.driver import DirectConnection, SessionConnection, StatementCache
from app.checkin.tokens import (
    InvalidToken,
    is_public_token,
    new_public_token,
    new_qr_nonce,
    read_activity_token,
    read_ticket_token,
    short_code,
    ticket_token,
)
from app.extensions import db
from app.formatting import fmt_time, local
from app.models import Activity, CheckIn, Commune, Registration, RetiredPublicToken
from app.models.checkins import BHYT_STATUSES
from app.models.types import as_utc
from app.models.voice import FollowUp, followup_values

SESSION = SessionConnection()  # statements run in the session's transaction unless a DirectConnection is given
Connection = SessionConnection | DirectConnection

FIELDS = ("full_name", "phone", "birth_year", "audience", "residence_code", "bhyt_status", "topics", "consent")
NAME_MAX = 120
TOPICS_MAX = 500
NONCE_MAX = 64
STAFF_SOURCES = ("staff", "import")  # staff entering a list afterwards are not bound by the window

REASON_MESSAGES = {
    "already_checked_in": "Người này đã điểm danh.",
    "outside_window": "Ngoài thời gian điểm danh của hoạt động.",
    "wrong_activity": "Mã này thuộc một hoạt động khác.",
    "revoked_token": "Mã QR này đã được thay bằng mã mới; vui lòng quét mã đang dán tại sự kiện.",
    "invalid_token": "Mã QR không hợp lệ hoặc đã bị sửa.",
    "consent_required": "Bạn cần đồng ý cho phép xử lý dữ liệu cá nhân để điểm danh.",
    "invalid_field": "Thông tin chưa hợp lệ, vui lòng kiểm tra lại.",
}
REASON_STATUS = {"already_checked_in": 409, "outside_window": 422, "wrong_activity": 422, "revoked_token": 410,
                 "invalid_token": 400, "consent_required": 422, "invalid_field": 422}


class CheckinRefused(Exception):
    """A refusal with its SPEC §5 reason code, a Vietnamese message and per-field messages."""

    def __init__(self, code: str, message: str | None = None, fields: dict | None = None):
        super().__init__(code)
        self.code = code
        self.message = message or REASON_MESSAGES[code]
        self.fields = fields or {}
        self.status = REASON_STATUS[code]


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredCheckin:
    """The values of a check-in row just inserted (the answer reads them; no ORM object on the hot path)."""

    id: int
    activity_id: int
    source: str
    nonce: str | None
    registration_id: int | None
    created_at: datetime
    created_by_id: int | None
    code: str
    full_name: str
    phone: str | None
    birth_year: int | None
    audience: int | None
    residence_commune_id: int | None
    bhyt_status: str | None
    topics: str
    consent: bool
    name_key: str


@dataclass
class Outcome:
    """The answer to a check-in: the stored row and whether it was already there."""

    checkin: StoredCheckin
    duplicate: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def first_time(self) -> str:
        """HH:MM (Asia/Ho_Chi_Minh) of the first check-in."""
        return fmt_time(self.checkin.created_at)

    @property
    def message(self) -> str:
        """The Vietnamese answer shown to the person or the staff."""
        if self.duplicate:
            return f"Đã điểm danh lúc {self.first_time}."
        return "Điểm danh thành công."


def name_key(name: str) -> str:
    """Lower-case, unaccented, single-spaced name for search (đ → d)."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.lower().split())[:NAME_MAX]


PHONE_JUNK = re.compile(r"[\s.\-()]")


def normalise_phone(raw) -> tuple[str | None, str | None]:
    """(10 digits starting with 0, None), (None, None) when empty, or (None, error message)."""
    if raw is None:
        return None, None
    text = PHONE_JUNK.sub("", str(raw))
    if not text:
        return None, None
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    if not text.isascii() or not text.isdigit() or len(text) != 10 or not text.startswith("0"):
        return None, "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0."
    return text, None


def _as_int(raw):
    """An int from JSON or form text; None when empty; ValueError when not a whole number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    raise ValueError


def _as_bool(raw) -> bool:
    """Consent: JSON true, or a ticked checkbox ("y", "on", "1", "true")."""
    if isinstance(raw, bool):
        return raw
    return isinstance(raw, (str, int)) and str(raw).strip().lower() in ("y", "yes", "on", "1", "true")


def clean_person(data: dict, activity: Activity, now: datetime) -> dict:
    """Validate the one schema of SPEC §5 (API field names); raise CheckinRefused with per-field messages."""
    if not isinstance(data, dict):
        raise CheckinRefused("invalid_field", fields={"_": "Dữ liệu phải là một đối tượng JSON."})
    errors: dict[str, str] = {}
    clean: dict = {}

    name = data.get("full_name")
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not name:
        errors["full_name"] = "Vui lòng nhập họ và tên."
    elif len(name) > NAME_MAX:
        errors["full_name"] = f"Họ và tên tối đa {NAME_MAX} ký tự."
    clean["full_name"] = unicodedata.normalize("NFC", name[:NAME_MAX])

    phone, error = normalise_phone(data.get("phone"))
    if error:
        errors["phone"] = error
    clean["phone"] = phone

    year_now = local(now).year
    try:
        year = _as_int(data.get("birth_year"))
        if year is not None and not 1900 <= year <= year_now:
            raise ValueError
        clean["birth_year"] = year
    except ValueError:
        errors["birth_year"] = f"Năm sinh là một năm từ 1900 đến {year_now}."

    try:
        audience = _as_int(data.get("audience"))
        if audience is not None and not 1 <= audience <= 6:
            raise ValueError
        clean["audience"] = audience
    except ValueError:
        errors["audience"] = "Nhóm đối tượng là một số từ 1 đến 6."

    code = data.get("residence_code")
    if code is None or (isinstance(code, str) and not code.strip()):
        clean["residence_commune_id"] = activity.commune_id
    else:
        commune = db.session.scalar(select(Commune.id).where(Commune.code == str(code).strip()[:5]))
        if commune is None:
            errors["residence_code"] = "Không có xã, phường, đặc khu với mã này."
        clean["residence_commune_id"] = commune

    status = data.get("bhyt_status") or None
    if status is not None and status not in BHYT_STATUSES:
        errors["bhyt_status"] = "Tình trạng thẻ BHYT: valid, none hoặc expired."
    clean["bhyt_status"] = status

    topics = data.get("topics") or ""
    if not isinstance(topics, str) or len(topics) > TOPICS_MAX:
        errors["topics"] = f"Nội dung cần tư vấn tối đa {TOPICS_MAX} ký tự."
        topics = ""
    clean["topics"] = topics.strip()

    clean["consent"] = _as_bool(data.get("consent"))
    if errors:
        raise CheckinRefused("invalid_field", fields=errors)
    if not clean["consent"]:
        raise CheckinRefused("consent_required", fields={"consent": REASON_MESSAGES["consent_required"]})
    clean["name_key"] = name_key(clean["full_name"])
    return clean


def window(activity: Activity) -> tuple[datetime, datetime]:
    """When residents and tickets may check in: per-activity minutes around start and end (SPEC §5 choice)."""
    return (activity.start_at - timedelta(minutes=activity.checkin_open_minutes_before or 0),
            activity.end_at + timedelta(minutes=activity.checkin_close_minutes_after or 0))


def window_state(activity: Activity, now: datetime) -> str:
    """ "not_yet", "open" or "closed": where `now` stands against the activity's check-in window."""
    opens, closes = window(activity)
    return "not_yet" if now < opens else "closed" if now > closes else "open"


def check_window(activity: Activity, now: datetime) -> None:
    """Refuse with `outside_window` before the opening or after the closing of check-in."""
    opens, closes = window(activity)
    if now < opens:
        raise CheckinRefused("outside_window", f"Chưa đến giờ điểm danh: mở từ {fmt_time(opens)} "
                                               f"ngày {local(opens):%d/%m/%Y}.")
    if now > closes:
        raise CheckinRefused("outside_window", f"Đã hết giờ điểm danh (đóng lúc {fmt_time(closes)} "
                                               f"ngày {local(closes):%d/%m/%Y}).")


STORED_COLUMNS = tuple(StoredCheckin.__dataclass_fields__)


def _existing(activity_id: int, nonce: str | None, phone: str | None, registration_id: int | None,
              conn: Connection = SESSION):
    """The row already stored for this nonce, phone or ticket, first by nonce (a replay gets its own answer)."""
    for name, value in (("nonce", nonce), ("phone", phone), ("registration_id", registration_id)):
        if value is not None:
            stmt = _STATEMENTS.get(("existing", name), conn.dialect, lambda name=name: _existing_statement(name))
            row = stmt.first(conn, {"activity_id": activity_id, "value": value})
            if row is not None:
                return StoredCheckin(**dict(zip(STORED_COLUMNS, row, strict=True)))
    return None


def _existing_statement(name: str):
    """SELECT the stored check-in of an activity by one of its unique keys (nonce, phone, ticket)."""
    table = CheckIn.__table__
    return select(*(table.c[c] for c in STORED_COLUMNS)).where(
        table.c.activity_id == bindparam("activity_id"), table.c[name] == bindparam("value"))


def _clean_nonce(nonce) -> str | None:
    """A client nonce is an opaque string of at most 64 characters."""
    if nonce is None or nonce == "":
        return None
    if not isinstance(nonce, str) or len(nonce) > NONCE_MAX:
        raise CheckinRefused("invalid_field", fields={"nonce": f"nonce là chuỗi tối đa {NONCE_MAX} ký tự."})
    return nonce


_STATEMENTS = StatementCache()


def _insert_once(model, values: dict, conn: Connection = SESSION) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the id, or None when a unique constraint already holds the row.

    The unique constraints (activity, phone), (activity, nonce), (activity, ticket) decide, so concurrent
    requests in any number of processes store one row; one statement, no savepoint round trips. Compiled once
    per dialect and run on the driver (app/checkin/driver.py); on SQLite the write gate is entered first and
    held until the transaction ends (or the statement, in autocommit), so writers queue instead of polling
    SQLite's lock (app/write_gate.py).
    """
    stmt = _STATEMENTS.get(("insert", model.__tablename__, tuple(values)), conn.dialect,
                           lambda: _insert_statement(model, values, conn.dialect.name))
    row = stmt.first(conn, values, write=True)
    return row[0] if row is not None else None


def _insert_statement(model, values: dict, dialect: str):
    """The dialect's INSERT … ON CONFLICT DO NOTHING RETURNING id over exactly these columns."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = model.__table__
    columns = {name: bindparam(name, type_=table.c[name].type) for name in values}
    return insert(table).values(columns).on_conflict_do_nothing().returning(table.c.id)


# The two times come back as the driver gives them (SQLite: 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC text, parsed by the
# C fromisoformat, several times faster than SQLAlchemy's regex; PostgreSQL: already an aware datetime), as the
# compliance loader does for dates.
CHECKIN_ACTIVITY_COLUMNS = (Activity.id, Activity.commune_id, Activity.kind, Activity.status,
                            type_coerce(Activity.start_at, String), type_coerce(Activity.end_at, String),
                            Activity.checkin_open_minutes_before, Activity.checkin_close_minutes_after)


def _utc(value) -> datetime:
    """An aware UTC datetime from the driver's value of a UTCDateTime column (SQLite gives text)."""
    return as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


@dataclass(frozen=True, slots=True)
class CheckinActivity:
    """The columns of an activity a check-in needs (same names as Activity's, so `record_checkin` takes either)."""

    id: int
    commune_id: int | None
    kind: str
    status: str
    start_at: datetime
    end_at: datetime
    checkin_open_minutes_before: int | None
    checkin_close_minutes_after: int | None


def checkin_activity(activity_id: int, user, conn: Connection = SESSION) -> CheckinActivity | None:
    """The columns a check-in needs of the activity in `user`'s scope (no JSON columns, no ORM object), or None.

    The statement goes through `scope` once per (authenticated, role, commune) — everything `scope` reads of
    the user — and is reused with the activity id as a bound parameter.
    """
    from app.auth.access import scope

    key = ("activity", bool(getattr(user, "is_authenticated", False)), getattr(user, "role", None),
           getattr(user, "commune_id", None))
    stmt = _STATEMENTS.get(key, conn.dialect, lambda: scope(select(*CHECKIN_ACTIVITY_COLUMNS)
                                                           .where(Activity.id == bindparam("activity_id")),
                                                           Activity, user))
    row = stmt.first(conn, {"activity_id": activity_id})
    if row is None:
        return None
    id_, commune_id, kind, status, start_at, end_at, before, after = row
    return CheckinActivity(id_, commune_id, kind, status, _utc(start_at), _utc(end_at), before, after)


def direct_connection() -> DirectConnection:
    """The thread's autocommit connection, no Session, for one check-in (the API hot path); use it in a `with`."""
    return DirectConnection(db.engine)


def record_checkin(activity: Activity, data: dict | None, source: str, actor, now: datetime,
                   nonce: str | None = None, via_ticket: Registration | None = None,
                   conn: Connection = SESSION) -> Outcome:
    """Record one attendance (every path: form, API, scanner, walk-in, import); the same nonce or phone is stored once.

    The row is written in the session's transaction (the caller commits), or on `conn` (a DirectConnection),
    where the INSERT commits by itself.
    """
    nonce = _clean_nonce(nonce)
    if via_ticket is not None:
        person = {k: getattr(via_ticket, k) for k in ("full_name", "phone", "birth_year", "audience",
                                                       "residence_commune_id", "bhyt_status", "topics",
                                                       "consent", "name_key")}
    else:
        person = clean_person(data or {}, activity, now)
    registration_id = via_ticket.id if via_ticket is not None else None
    if source not in STAFF_SOURCES:
        try:
            check_window(activity, now)
        except CheckinRefused:
            # A replay after a dropped connection gets the first answer, even if the window has since closed.
            replay = _existing(activity.id, nonce, None, None, conn)
            if replay is not None:
                return Outcome(replay, duplicate=True)
            raise
    values = dict(activity_id=activity.id, source=source, nonce=nonce, registration_id=registration_id,
                  created_at=now, created_by_id=getattr(actor, "id", None),
                  code=short_code(), **person)
    new_id = _insert_once(CheckIn, values, conn)
    if new_id is None:
        found = _existing(activity.id, nonce, person["phone"], registration_id, conn)
        if found is None:  # the conflicting row vanished in between (deleted): a plain retry is correct
            return record_checkin(activity, data, source, actor, now, nonce, via_ticket, conn)
        return Outcome(found, duplicate=True)
    stored = StoredCheckin(id=new_id, **values)  # what was stored, without reloading it or an ORM object
    followup = followup_values(stored, activity.commune_id)
    if followup is not None:  # no or an expired card: a follow-up item, one per person and activity (SPEC §17)
        _insert_once(FollowUp, followup, conn)
    return Outcome(stored)


def checkin_counts(activity_ids) -> dict[int, int]:
    """Number of check-ins per activity, in one query (attendees = check-ins + extra_attendees, SPEC §3)."""
    ids = list(activity_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(CheckIn.activity_id, func.count()).where(CheckIn.activity_id.in_(ids))
                              .group_by(CheckIn.activity_id)).all()
    counts = dict.fromkeys(ids, 0)
    counts.update({a: n for a, n in rows})
    return counts


def checkins_with_residence(activity_id: int) -> list:
    """(CheckIn, residence commune name) of an activity, in check-in order — one query (lists, exports, PDFs)."""
    from app.models import Commune

    return db.session.execute(
        select(CheckIn, Commune.name).outerjoin(Commune, Commune.id == CheckIn.residence_commune_id)
        .where(CheckIn.activity_id == activity_id).order_by(CheckIn.created_at, CheckIn.id)).all()


def counts_by_audience(activity_id: int) -> dict[int | None, int]:
    """Check-ins of an activity per audience group 1–6 (None = not given)."""
    rows = db.session.execute(select(CheckIn.audience, func.count()).where(CheckIn.activity_id == activity_id)
                              .group_by(CheckIn.audience)).all()
    return {a: n for a, n in rows}


def counts_by_residence(activity_id: int) -> list[tuple[str | None, str, int]]:
    """Check-ins of an activity per commune of residence: (code, name, count), largest first."""
    rows = db.session.execute(
        select(Commune.code, Commune.name, func.count(CheckIn.id))
        .select_from(CheckIn).outerjoin(Commune, Commune.id == CheckIn.residence_commune_id)
        .where(CheckIn.activity_id == activity_id)
        .group_by(Commune.code, Commune.name).order_by(func.count(CheckIn.id).desc())).all()
    return [(c, n or "Không rõ", k) for c, n, k in rows]


def ensure_qr_nonce(activity: Activity) -> str:
    """The activity's poster nonce, created on first use."""
    if not activity.qr_nonce:
        activity.qr_nonce = new_qr_nonce()
        db.session.flush()
    return activity.qr_nonce


def poster_token(activity: Activity, secret_key: str) -> str:
    """The token printed in the activity's poster QR: its short stored random one (issue 16), made on first use."""
    ensure_qr_nonce(activity)  # old signed links carry the nonce: they stay valid until "regenerate QR"
    if not activity.public_token:
        activity.public_token = new_public_token()
        db.session.flush()
    return activity.public_token


def regenerate_qr(activity: Activity, actor, now: datetime) -> str:
    """A new poster token and nonce; every printed QR of the old ones, short or signed, answers `revoked_token`."""
    from app.models.audit import record

    if activity.public_token:
        db.session.add(RetiredPublicToken(token=activity.public_token, activity_id=activity.id, retired_at=now))
    activity.qr_nonce, activity.public_token = new_qr_nonce(), new_public_token()
    record(getattr(actor, "id", None), "checkin.regenerate_qr", "activity", activity.id, at=now.isoformat())
    db.session.flush()
    return activity.public_token


def _activity_of_token(token: str, secret_key: str) -> tuple[Activity | None, bool]:
    """The activity a poster token names (short: looked up; signed: verified) and whether the token is its current one."""
    if is_public_token(token):
        activity = db.session.scalar(select(Activity).where(Activity.public_token == token))
        if activity is not None:
            return activity, True
        retired = db.session.get(RetiredPublicToken, token)
        return (db.session.get(Activity, retired.activity_id) if retired else None), False
    try:
        activity_id, nonce = read_activity_token(secret_key, token)
    except InvalidToken as exc:
        raise CheckinRefused("invalid_token") from exc
    activity = db.session.get(Activity, activity_id)
    return activity, activity is not None and activity.qr_nonce == nonce


def activity_for_token(token: str, secret_key: str) -> Activity:
    """The activity of a poster token; `invalid_token` when unknown or forged, `revoked_token` when regenerated."""
    activity, current = _activity_of_token(token, secret_key)
    if activity is None or not activity.qr_capable or activity.status == "cancelled":
        raise CheckinRefused("invalid_token")
    if not current:
        raise CheckinRefused("revoked_token")
    return activity


def _ticket_parts(token, secret_key: str) -> tuple[Registration | None, int, str]:
    """(registration, activity id, nonce) a ticket names — short: looked up; signed: verified; InvalidToken otherwise."""
    if is_public_token(token):
        found = db.session.scalar(select(Registration).where(Registration.ticket_nonce == token))
        if found is None:
            raise InvalidToken("unknown ticket")
        return found, found.activity_id, token
    registration_id, activity_id, nonce = read_ticket_token(secret_key, token)
    return db.session.get(Registration, registration_id), activity_id, nonce


def registration_of_ticket(token, secret_key: str) -> Registration | None:
    """The registration whose current, unrevoked ticket this is, else None (the ticket image's route)."""
    try:
        found, activity_id, nonce = _ticket_parts(token, secret_key)
    except InvalidToken:
        return None
    if found is None or found.revoked or found.activity_id != activity_id or found.ticket_nonce != nonce:
        return None
    return found


def _is_poster(text, secret_key: str) -> bool:
    """Whether a scanned text is an event's poster QR (its URL or bare token) rather than a personal ticket."""
    token = text.rstrip("/").rsplit("/c/", 1)[-1] if isinstance(text, str) else text
    try:
        return _activity_of_token(token, secret_key)[0] is not None
    except CheckinRefused:
        return False


def registration_for_ticket(activity: Activity, token, secret_key: str) -> Registration:
    """The registration behind a scanned ticket for this activity, or a refusal (bad, revoked, other event)."""
    token = token.strip() if isinstance(token, str) else token  # USB scanners type a trailing Enter
    try:
        registration, activity_id, nonce = _ticket_parts(token, secret_key)
    except InvalidToken as exc:
        if _is_poster(token, secret_key):  # a poster QR scanned at the door: say so plainly
            raise CheckinRefused("invalid_token", "Đây là mã QR dán tại sự kiện, không phải vé cá nhân.") from exc
        raise CheckinRefused("invalid_token", "Mã vé không hợp lệ hoặc đã bị sửa.") from exc
    if activity_id != activity.id:
        raise CheckinRefused("wrong_activity", "Vé này thuộc một hoạt động khác.")
    if registration is None or registration.activity_id != activity.id:
        raise CheckinRefused("invalid_token", "Không tìm thấy đăng ký của vé này.")
    if registration.revoked or registration.ticket_nonce != nonce:
        raise CheckinRefused("revoked_token", "Vé này đã bị thu hồi.")
    return registration


def register(activity: Activity, data: dict, now: datetime) -> tuple[Registration, bool]:
    """Pre-register a person (SPEC §5); the same phone gets the same ticket back. Returns (row, created)."""
    person = clean_person(data, activity, now)
    # The ticket is a short random token stored in `ticket_nonce` (issue 16): 13 characters in the QR, not ~45.
    values = dict(activity_id=activity.id, ticket_nonce=new_public_token(), revoked=False, created_at=now, **person)
    new_id = _insert_once(Registration, values)
    if new_id is None:  # unique (activity, phone): this person registered before
        found = db.session.scalar(select(Registration).where(Registration.activity_id == activity.id,
                                                             Registration.phone == person["phone"]))
        return found, False
    return Registration(id=new_id, **values), True


def ticket_for(registration: Registration, secret_key: str) -> str:
    """The personal ticket of a registration: its short token; older registrations keep their signed ticket."""
    if is_public_token(registration.ticket_nonce):
        return registration.ticket_nonce
    return ticket_token(secret_key, registration.id, registration.activity_id, registration.ticket_nonce)


def search_people(activity_id: int, query: str, limit: int = 20) -> list[dict]:
    """Registrations matching a name prefix (any word) or the start or end of a phone, with whether they checked in (scanner)."""
    query = (query or "").strip()
    if not query:
        return []
    digits = PHONE_JUNK.sub("", query)
    if digits.isdigit():
        # Staff read out either the start or the last digits of a phone number.
        cond = or_(Registration.phone.startswith(digits, autoescape=True),
                   Registration.phone.endswith(digits, autoescape=True))
    else:
        key = name_key(query)
        if not key:
            return []
        cond = or_(Registration.name_key.startswith(key, autoescape=True),
                   Registration.name_key.contains(" " + key, autoescape=True))
    rows = db.session.execute(
        select(Registration, CheckIn.created_at)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.activity_id == activity_id, Registration.revoked.is_(False), cond)
        .order_by(Registration.name_key).limit(limit)).all()
    return [{"registration_id": r.id, "full_name": r.full_name, "phone": mask_phone(r.phone),
             "birth_year": r.birth_year, "checked_in_at": fmt_time(at) if at else None} for r, at in rows]


def mask_phone(phone: str | None) -> str:
    """`09xx xxx 123` (SPEC §5)."""
    if not phone:
        return ""
    return f"{phone[:2]}xx xxx {phone[-3:]}"


def can_see_phones(user, activity: Activity) -> bool:
    """Full phones for the organising commune's users and the city office (SPEC §5)."""
    if user.role in ("admin", "city"):
        return True
    return user.role == "commune" and activity.commune_id is not None and user.commune_id == activity.commune_id


def can_see_people(user) -> bool:
    """Viewers (partner departments) see counts only, no personal data (SPEC §1)."""
    return user.role in ("admin", "city", "commune")
