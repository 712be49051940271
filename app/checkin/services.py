"""QR attendance rules (SPEC §5): one person schema, one `record_checkin` for every path, tickets, the JSON check-in.

`check_in` is the JSON check-in of the API and the scanner page: it returns an `Outcome` (stored, repeated or
refused) that thin responders turn into their answer. Its statements are those of `app/checkin/fastpath.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.checkin.fastpath import (  # noqa: F401 — SESSION, Connection, checkin_activity, direct_connection, insert_many re-exported
    SESSION,
    Connection,
    StoredCheckin,
    TicketHolder,
    checkin_activity,
    direct_connection,
    existing,
    insert_many,
    insert_once,
    ticket_holder,
)
from app.checkin.lists import (  # noqa: F401 — re-exported: the pages, the API and the reports count through here
    checkin_counts,
    checkins_with_residence,
    counts_by_audience,
    counts_by_residence,
    mask_phone,
    search_people,
)
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
from app.models.checkins import PERSON_COLUMNS
from app.models.voice import FollowUp, followup_values
from app.schemas.base import Invalid
from app.schemas.checkins import Person, RegistrationPick, Ticket, clean_nonce, name_key  # noqa: F401 — name_key

STAFF_SOURCES = ("staff", "import")  # staff entering a list afterwards are not bound by the window

REASON_MESSAGES = {
    "already_checked_in": "Người này đã điểm danh.",
    "outside_window": "Ngoài thời gian điểm danh của hoạt động.",
    "wrong_activity": "Mã này thuộc một hoạt động khác.",
    "revoked_token": "Mã QR này đã được thay bằng mã mới; vui lòng quét mã đang dán tại sự kiện.",
    "invalid_token": "Mã QR không hợp lệ hoặc đã bị sửa.",
    "consent_required": "Bạn cần đồng ý cho phép xử lý dữ liệu cá nhân để điểm danh.",
    "invalid_field": "Thông tin chưa hợp lệ, vui lòng kiểm tra lại.",
    "activity_cancelled": "Hoạt động này đã bị hủy: không nhận điểm danh.",
}
REASON_STATUS = {"already_checked_in": 409, "outside_window": 422, "wrong_activity": 422, "revoked_token": 410,
                 "invalid_token": 400, "consent_required": 422, "invalid_field": 422,
                 "activity_cancelled": 409}


class CheckinRefused(Exception):
    """A refusal with its SPEC §5 reason code, a Vietnamese message and per-field messages."""

    def __init__(self, code: str, message: str | None = None, fields: dict | None = None):
        super().__init__(code)
        self.code = code
        self.message = message or REASON_MESSAGES[code]
        self.fields = fields or {}
        self.status = REASON_STATUS[code]


@dataclass(frozen=True)
class Outcome:
    """The answer to a check-in: the stored row and whether it was already there, or the refusal."""

    checkin: StoredCheckin | None = None
    duplicate: bool = False
    refusal: CheckinRefused | None = None

    @property
    def status(self) -> int:
        """201 stored now, 200 already there (a repeat, a replayed nonce), else the refusal's 4xx."""
        if self.refusal is not None:
            return self.refusal.status
        return 200 if self.duplicate else 201

    @property
    def first_time(self) -> str:
        """HH:MM (Asia/Ho_Chi_Minh) of the first check-in."""
        return fmt_time(self.checkin.created_at)

    @property
    def message(self) -> str:
        """The Vietnamese answer shown to the person or the staff."""
        if self.refusal is not None:
            return self.refusal.message
        if self.duplicate:
            return f"Đã điểm danh lúc {self.first_time}."
        return "Điểm danh thành công."


def clean_person(data: dict, activity: Activity, now: datetime, residences: dict[str, int] | None = None) -> dict:
    """The person's columns from the one schema of SPEC §5 (`app.schemas.checkins.Person`); CheckinRefused with
    per-field messages otherwise. The commune of residence defaults to the activity's.

    `residences` (commune id by code) saves the lookup of the commune of residence when many rows are checked.
    """
    if not isinstance(data, dict):
        raise CheckinRefused("invalid_field", fields={"_": "Dữ liệu phải là một đối tượng JSON."})
    person, errors = Person.errors_of(data, year=local(now).year)
    code = person.residence_code if person is not None else None
    residence_id = activity.commune_id
    if code is not None:
        residence_id = (residences.get(code) if residences is not None
                        else db.session.scalar(select(Commune.id).where(Commune.code == code)))
        if residence_id is None:
            errors["residence_code"] = "Không có xã, phường, đặc khu với mã này."
    if errors:
        raise CheckinRefused("invalid_field", fields=errors)
    if not person.consent:
        raise CheckinRefused("consent_required", fields={"consent": REASON_MESSAGES["consent_required"]})
    return person.values(residence_id)


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


def _clean_nonce(nonce) -> str | None:
    """The client nonce by the schema's rule (`app.schemas.checkins.clean_nonce`), or `invalid_field`."""
    try:
        return clean_nonce(nonce)
    except ValueError as error:
        raise CheckinRefused("invalid_field", fields={"nonce": str(error)}) from None


def record_checkin(activity: Activity, data: dict | None, source: str, actor, now: datetime,
                   nonce: str | None = None, via_ticket: Registration | TicketHolder | None = None,
                   conn: Connection = SESSION, guard: tuple = ()) -> Outcome:
    """Record one attendance (every path: form, API, scanner, walk-in, import); the same nonce or phone is stored once.

    The row is written in the session's transaction (the caller commits), or on `conn` (a DirectConnection),
    where the INSERT commits by itself; `guard`: as for `insert_once` (the check-in door's remembered reads).
    """
    nonce = _clean_nonce(nonce)
    if activity.status == "cancelled":  # every path, as the public form (whose token then stops working)
        raise CheckinRefused("activity_cancelled")
    if via_ticket is not None:
        person = {k: getattr(via_ticket, k) for k in PERSON_COLUMNS}
    else:
        person = clean_person(data or {}, activity, now)
    registration_id = via_ticket.id if via_ticket is not None else None
    if source not in STAFF_SOURCES:
        try:
            check_window(activity, now)
        except CheckinRefused:
            # A replay after a dropped connection gets the first answer, even if the window has since closed.
            replay = existing(activity.id, nonce, None, None, conn)
            if replay is not None:
                return Outcome(replay, duplicate=True)
            raise
    values = dict(activity_id=activity.id, source=source, nonce=nonce, registration_id=registration_id,
                  created_at=now, created_by_id=getattr(actor, "id", None),
                  code=short_code(), **person)
    new_id = insert_once(CheckIn, values, conn, guard)
    if new_id is None:
        found = existing(activity.id, nonce, person["phone"], registration_id, conn)
        if found is None:  # the conflicting row vanished in between (deleted): a plain retry is correct
            return record_checkin(activity, data, source, actor, now, nonce, via_ticket, conn)
        return Outcome(found, duplicate=True)
    stored = StoredCheckin(id=new_id, **values)  # what was stored, without reloading it or an ORM object
    followup = followup_values(stored, activity.commune_id)
    if followup is not None:  # no or an expired card: a follow-up item, one per person and activity (SPEC §17)
        insert_once(FollowUp, followup, conn)
    return Outcome(stored)


def check_in(activity, body, actor, now: datetime, secret_key: str, conn: Connection = SESSION,
             read: tuple | None = None, guard: tuple = ()) -> Outcome:
    """One JSON check-in — a person's fields, `{ticket}` (a scanned ticket) or `{registration_id}` (a pick from
    the scanner's search), each with an optional nonce — as an Outcome; nothing is written when it is refused.
    `read`: a short ticket's (ticket, TicketHolder or None) the caller read already; `guard`: its reads'
    versions (`insert_once`). Both from the check-in door."""
    try:
        if not isinstance(body, dict):
            raise CheckinRefused("invalid_field", fields={"_": "Cần một đối tượng JSON."})
        holder, source = None, "staff"
        if body.get("ticket"):
            ticket = _payload(Ticket, body)
            holder, source = registration_for_ticket(activity, ticket.ticket, secret_key, conn, read), "ticket"
        elif body.get("registration_id") is not None:
            holder = _picked(activity, body, conn)
        return record_checkin(activity, None if holder else body, source, actor, now, nonce=body.get("nonce"),
                              via_ticket=holder, conn=conn, guard=guard)
    except CheckinRefused as refusal:
        return Outcome(refusal=refusal)


def _payload(schema, body):
    """The body by its declaration (app/schemas/checkins.py), or `invalid_field` with its messages."""
    try:
        return schema.parse(body)
    except Invalid as invalid:
        raise CheckinRefused("invalid_field", fields=invalid.fields) from None


def _picked(activity, body, conn: Connection) -> TicketHolder:
    """The registration staff picked on the scanner page, if it is this activity's and not revoked."""
    try:
        holder = ticket_holder(RegistrationPick.parse(body).registration_id, conn)
    except Invalid:
        holder = None
    if holder is None or holder.activity_id != activity.id or holder.revoked:
        raise CheckinRefused("wrong_activity", "Người này không đăng ký hoạt động này.")
    return holder


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


def _ticket_parts(token, secret_key: str, conn: Connection = SESSION, read: tuple | None = None) -> tuple:
    """(registration, activity id, nonce) a ticket names — short: looked up, unless `read` (ticket, TicketHolder or
    None) has it; signed: verified; InvalidToken otherwise."""
    if is_public_token(token):
        found = read[1] if read is not None and read[0] == token else ticket_holder(token, conn, by="ticket_nonce")
        if found is None:
            raise InvalidToken("unknown ticket")
        return found, found.activity_id, token
    registration_id, activity_id, nonce = read_ticket_token(secret_key, token)
    return ticket_holder(registration_id, conn), activity_id, nonce


def registration_of_ticket(token, secret_key: str) -> TicketHolder | None:
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


def registration_for_ticket(activity, token, secret_key: str, conn: Connection = SESSION,
                            read: tuple | None = None) -> TicketHolder:
    """The registration behind a scanned ticket for this activity (`read` as for `_ticket_parts`), or a refusal."""
    token = token.strip() if isinstance(token, str) else token  # USB scanners type a trailing Enter
    try:
        registration, activity_id, nonce = _ticket_parts(token, secret_key, conn, read)
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
    """Pre-register a person (SPEC §5) once per phone and once per form (its nonce). Returns (row, mine): `mine`
    when this form stored it — now, or on an earlier send of the same form (a double tap: its ticket is shown
    again); not when the phone registered before from another form (issue 22: no one else's ticket)."""
    person = clean_person(data, activity, now)
    nonce = _clean_nonce(data.get("nonce"))
    # The ticket is a short random token stored in `ticket_nonce` (issue 16): 13 characters in the QR, not ~45.
    values = dict(activity_id=activity.id, ticket_nonce=new_public_token(), revoked=False, created_at=now,
                  nonce=nonce, **person)
    new_id = insert_once(Registration, values)
    if new_id is None:  # unique (activity, nonce) or (activity, phone): this form or this person registered before
        same_form = nonce is not None and db.session.scalar(select(Registration).where(
            Registration.activity_id == activity.id, Registration.nonce == nonce))
        if same_form:
            return same_form, True
        found = db.session.scalar(select(Registration).where(Registration.activity_id == activity.id,
                                                             Registration.phone == person["phone"]))
        return found, False
    return Registration(id=new_id, **values), True


def ticket_for(registration: Registration, secret_key: str) -> str:
    """The personal ticket of a registration: its short token; older registrations keep their signed ticket."""
    if is_public_token(registration.ticket_nonce):
        return registration.ticket_nonce
    return ticket_token(secret_key, registration.id, registration.activity_id, registration.ticket_nonce)


def can_see_phones(user, activity: Activity) -> bool:
    """Full phones for the organising commune's users and the city office (SPEC §5)."""
    if user.role in ("admin", "city"):
        return True
    return user.role == "commune" and activity.commune_id is not None and user.commune_id == activity.commune_id


def can_see_people(user) -> bool:
    """Viewers (partner departments) see counts only, no personal data (SPEC §1)."""
    return user.role in ("admin", "city", "commune")
