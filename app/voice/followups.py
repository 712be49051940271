"""Follow-up of attendees without a valid BHYT card (SPEC §17): call them, record the outcome, count enrolments.

The rows are opened by the check-in itself (`app.checkin.services.record_checkin`, one per person and activity);
an enrolled outcome is the activity's new enrolment (`app/activities/counted.py`), and a person is enrolled once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select

from app.auth.access import scope
from app.domain.dates import parse_date
from app.extensions import db
from app.formatting import fmt_date, local
from app.models import Activity, CheckIn, Commune
from app.models.audit import record
from app.models.voice import ENROLLED, FOLLOWUP_OUTCOMES, FollowUp
from app.voice.questions import VoiceError

OUTCOME_LABELS = {"enrolled_bhyt": "Đã tham gia BHYT", "enrolled_bhxh": "Đã tham gia BHXH tự nguyện",
                  "declined": "Từ chối", "unreachable": "Không liên lạc được"}
NOTE_MAX = 500


@dataclass(frozen=True)
class FollowUpRow:
    """A follow-up with the attendee's check-in and, when they enrolled at another activity, where."""

    followup: FollowUp
    checkin: CheckIn | None
    enrolled_elsewhere: tuple[str, int, date] | None  # (outcome, activity id, date)


def followup_rows(activity_id: int) -> list[FollowUpRow]:
    """The follow-up list of an activity in check-in order, with enrolments recorded elsewhere (two queries)."""
    pairs = db.session.execute(select(FollowUp, CheckIn).outerjoin(CheckIn, CheckIn.id == FollowUp.checkin_id)
                               .where(FollowUp.activity_id == activity_id).order_by(FollowUp.id)).all()
    keys = [f.person_key for f, _ in pairs]
    elsewhere = {}
    if keys:
        for key, outcome, other, on in db.session.execute(
                select(FollowUp.person_key, FollowUp.outcome, FollowUp.activity_id, FollowUp.outcome_on)
                .where(FollowUp.person_key.in_(keys), FollowUp.outcome.in_(ENROLLED),
                       FollowUp.activity_id != activity_id)).all():
            elsewhere[key] = (outcome, other, on)
    return [FollowUpRow(f, c, elsewhere.get(f.person_key)) for f, c in pairs]


def _day(raw, today: date) -> date:
    """The outcome's date: ISO or dd/mm/yyyy text, or a date; today when empty."""
    if raw is None or raw == "":
        return today
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    day = parse_date(raw[:20]) if isinstance(raw, str) else None
    if day is None:
        raise VoiceError("Ngày không hợp lệ.", {"on": "Ngày không hợp lệ (dd/mm/yyyy)."})
    return day


def record_outcome(followup: FollowUp, data, actor, now: datetime) -> FollowUp:
    """Record `{outcome, on?, note?}` (outcome null clears it); the date is not in the future nor before the
    activity; a person is enrolled once (409 if already enrolled through another activity's follow-up). Audited."""
    if not isinstance(data, dict):
        raise VoiceError("Dữ liệu phải là một đối tượng JSON.", {"_": "Cần một đối tượng JSON."})
    outcome = data.get("outcome") or None
    if outcome is not None and outcome not in FOLLOWUP_OUTCOMES:
        raise VoiceError("Kết quả không hợp lệ.", {"outcome": "Kết quả: " + ", ".join(FOLLOWUP_OUTCOMES) + "."})
    note = data.get("note")
    if note is not None and (not isinstance(note, str) or len(note.strip()) > NOTE_MAX):
        raise VoiceError("Ghi chú quá dài.", {"note": f"Ghi chú tối đa {NOTE_MAX} ký tự."})
    today = local(now).date()
    on = None
    if outcome is not None:
        on = _day(data.get("on"), today)
        activity_day = local(db.session.get(Activity, followup.activity_id).start_at).date()
        if on > today:
            raise VoiceError("Ngày chưa đến.", {"on": "Ngày ghi nhận không được sau hôm nay."})
        if on < activity_day:
            raise VoiceError("Ngày trước hoạt động.", {"on": f"Ngày ghi nhận từ {fmt_date(activity_day)} trở đi."})
    if outcome in ENROLLED:
        other = db.session.scalar(select(FollowUp).where(FollowUp.person_key == followup.person_key,
                                                         FollowUp.outcome == outcome, FollowUp.id != followup.id))
        if other is not None:
            raise VoiceError(f"Người này đã được ghi nhận {OUTCOME_LABELS[outcome].lower()} ngày "
                             f"{fmt_date(other.outcome_on)} (hoạt động #{other.activity_id}); mỗi người chỉ tính "
                             f"một lần.", {"outcome": "Đã ghi nhận ở hoạt động khác."}, status=409,
                             code="already_enrolled")
    before = (followup.outcome, followup.outcome_on)
    followup.outcome, followup.outcome_on = outcome, on
    if note is not None:
        followup.note = unicodedata.normalize("NFC", note.strip())
    followup.recorded_by_id, followup.updated_at = getattr(actor, "id", None), now
    record(getattr(actor, "id", None), "followup.outcome", "followup", followup.id, activity_id=followup.activity_id,
           old=before[0], new=outcome, on=on.isoformat() if on else None)
    db.session.flush()
    return followup


@dataclass(frozen=True)
class Conversion:
    """Follow-ups, how many were reached with an outcome, and how many enrolled; rate = enrolled ÷ followed-up."""

    followed: int
    called: int
    enrolled: int

    @property
    def rate(self) -> float | None:
        return self.enrolled / self.followed if self.followed else None


CONVERSION_COLUMNS = (func.count(FollowUp.id),
                      func.coalesce(func.sum(case((FollowUp.outcome.is_not(None), 1), else_=0)), 0),
                      func.coalesce(func.sum(case((FollowUp.outcome.in_(ENROLLED), 1), else_=0)), 0))


def conversion(user=None, group: str | None = None, activity_id=None, start: date | None = None,
               end: date | None = None, commune_id=None):
    """The conversion rate of the follow-ups in `user`'s scope: one total, or per `activity` / `commune`
    ({key: Conversion}); `start`/`end` bound the activities' evidence dates (a campaign's period)."""
    keys = {"activity": (FollowUp.activity_id,), "commune": (Commune.code,), None: ()}[group]
    stmt = (select(*keys, *CONVERSION_COLUMNS).select_from(FollowUp)
            .join(Activity, Activity.id == FollowUp.activity_id).outerjoin(Commune, Commune.id == FollowUp.commune_id))
    if user is not None:
        stmt = scope(stmt, FollowUp, user)
    if activity_id is not None:
        stmt = stmt.where(FollowUp.activity_id == activity_id)
    if commune_id is not None:
        stmt = stmt.where(FollowUp.commune_id == commune_id)
    if start is not None:
        stmt = stmt.where(Activity.evidence_date >= start)
    if end is not None:
        stmt = stmt.where(Activity.evidence_date <= end)
    if not keys:
        return Conversion(*(int(v or 0) for v in db.session.execute(stmt).one()))
    return {row[0]: Conversion(*(int(v or 0) for v in row[1:]))
            for row in db.session.execute(stmt.group_by(*keys)).all()}
