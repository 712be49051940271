"""Residents' questions (SPEC §17): asked at check-in, on the thank-you page or logged by staff; answered in a queue.

Services take `now` and the actor as arguments, flush, and leave the commit to the caller.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.auth.access import scope
from app.checkin.services import window
from app.collation import vi_sorted
from app.domain.roles import CITY_OFFICE_ROLES
from app.extensions import db
from app.formatting import fmt_int
from app.models import Activity, User
from app.models.audit import record
from app.models.voice import QUESTION_STATUSES, TOPICS, Question
from app.notifications.services import NewNotification, add_notifications
from app.schemas.checkins import normalise_phone

TEXT_MAX = 2000
ANSWER_MAX = 5000
NAME_MAX = 120
# (choice) Residents may still ask from the thank-you page for a week after the check-in window closes.
RESIDENT_GRACE = timedelta(days=7)
OPEN_STATUSES = ("new", "assigned")
STATUS_LABELS = {"new": "Mới", "assigned": "Đã giao", "answered": "Đã trả lời", "closed": "Đã đóng"}
# Which status may follow which (SPEC §17: new → assigned → answered → closed; a spam question may be closed early).
NEXT = {"new": {"assigned", "answered", "closed"}, "assigned": {"assigned", "answered", "closed"},
        "answered": {"answered", "closed"}, "closed": {"closed"}}
KIND_QUESTION_ASSIGNED = "question_assigned"


class VoiceError(Exception):
    """Refused input: a Vietnamese message, per-field messages and the HTTP status the API answers."""

    def __init__(self, message: str, fields: dict | None = None, status: int = 422, code: str = "invalid"):
        super().__init__(message)
        self.message, self.fields, self.status, self.code = message, fields or {}, status, code


def _text(raw) -> str:
    """Trimmed NFC text, or '' when not a string."""
    return unicodedata.normalize("NFC", raw.strip()) if isinstance(raw, str) else ""


def _flag(raw) -> bool:
    """JSON true or a ticked checkbox."""
    if isinstance(raw, bool):
        return raw
    return isinstance(raw, str) and raw.strip().lower() in ("y", "yes", "on", "1", "true")


def clean_question(data) -> dict:
    """Validate a question `{text, topic, full_name?, phone?, consent?}`; VoiceError with per-field messages."""
    if not isinstance(data, dict):
        raise VoiceError("Dữ liệu phải là một đối tượng JSON.", {"_": "Cần một đối tượng JSON."})
    errors: dict[str, str] = {}
    text = _text(data.get("text"))
    if not text:
        errors["text"] = "Vui lòng nhập câu hỏi."
    elif len(text) > TEXT_MAX:
        errors["text"] = f"Câu hỏi tối đa {fmt_int(TEXT_MAX)} ký tự."
    topic = data.get("topic") or "khac"
    if topic not in TOPICS:
        errors["topic"] = "Chủ đề: " + ", ".join(TOPICS) + "."
    name = " ".join(_text(data.get("full_name")).split())
    if len(name) > NAME_MAX:
        errors["full_name"] = f"Họ và tên tối đa {NAME_MAX} ký tự."
    phone, error = normalise_phone(data.get("phone"))
    if error:
        errors["phone"] = error
    consent = _flag(data.get("consent"))
    if phone and not consent and "phone" not in errors:
        errors["consent"] = "Đánh dấu đồng ý để cán bộ được gọi lại số điện thoại này (hoặc bỏ trống số điện thoại)."
    if errors:
        raise VoiceError("Câu hỏi chưa hợp lệ, vui lòng kiểm tra lại.", errors)
    return {"text": text, "topic": topic, "full_name": name or None, "phone": phone, "callback": bool(phone)}


def check_open(activity: Activity, now: datetime, by_staff: bool) -> None:
    """Refuse questions on a cancelled activity, and residents' questions a week after check-in closed."""
    if activity.status == "cancelled":
        raise VoiceError("Hoạt động này đã bị hủy, không nhận câu hỏi.", {"text": "Hoạt động đã bị hủy."},
                         code="activity_closed")
    if not by_staff and now > window(activity)[1] + RESIDENT_GRACE:
        raise VoiceError("Hoạt động này đã kết thúc, không còn nhận câu hỏi. Vui lòng liên hệ cơ quan BHXH.",
                         {"text": "Hoạt động đã kết thúc."}, code="activity_closed")


def ask(activity: Activity, data, source: str, actor, now: datetime, checkin_id: int | None = None) -> Question:
    """Store a question of an activity (`self` from a resident, `staff` logged at a stall); status `new`."""
    check_open(activity, now, by_staff=source == "staff")
    clean = clean_question(data)
    question = Question(activity_id=activity.id, commune_id=activity.commune_id, checkin_id=checkin_id,
                        source=source, status="new", created_at=now, created_by_id=getattr(actor, "id", None),
                        answer="", public=False, public_text="", **clean)
    db.session.add(question)
    db.session.flush()
    return question


def _assignable(question: Question, user_id) -> User:
    """An active staff user who sees this question: its commune's users, or the city office."""
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise VoiceError("Người được giao không hợp lệ.", {"assignee_id": "Chọn một cán bộ."})
    user = db.session.get(User, user_id)
    ok = user is not None and user.active and (
        user.role in CITY_OFFICE_ROLES or (user.role == "commune" and user.commune_id == question.commune_id))
    if not ok:
        raise VoiceError("Người được giao không hợp lệ.",
                         {"assignee_id": "Chỉ giao cho cán bộ của đơn vị tổ chức hoặc BHXH thành phố."})
    return user


def _move(question: Question, status: str) -> None:
    if status not in QUESTION_STATUSES:
        raise VoiceError("Trạng thái không hợp lệ.", {"status": "Trạng thái: " + ", ".join(QUESTION_STATUSES) + "."})
    if status not in NEXT[question.status]:
        raise VoiceError(f"Không thể chuyển từ “{STATUS_LABELS[question.status]}” sang “{STATUS_LABELS[status]}”.",
                         {"status": "Chuyển trạng thái không hợp lệ."}, status=409, code="invalid_transition")
    question.status = status


def update_question(question: Question, patch, actor, now: datetime) -> Question:
    """Apply `{status?, answer?, public?, public_text?, assignee_id?}` (the page and the API alike), audited.

    Assigning notifies the assignee; an answer moves the question to `answered` and records who and when;
    only an answered question may be public.
    """
    if not isinstance(patch, dict):
        raise VoiceError("Dữ liệu phải là một đối tượng JSON.", {"_": "Cần một đối tượng JSON."})
    unknown = set(patch) - {"status", "answer", "public", "public_text", "assignee_id"}
    if unknown:
        raise VoiceError("Có trường không được phép sửa.", dict.fromkeys(sorted(unknown), "Trường không được phép sửa."))
    before = (question.status, question.assignee_id, question.answer, question.public)
    if "assignee_id" in patch and patch["assignee_id"] is not None:
        assignee = _assignable(question, patch["assignee_id"])
        if question.status in ("new", "assigned"):
            _move(question, "assigned")
        question.assignee_id, question.assigned_at = assignee.id, now
        _notify(question, assignee, now)
    if "answer" in patch:
        answer = _text(patch["answer"])
        if not answer:
            raise VoiceError("Vui lòng nhập câu trả lời.", {"answer": "Vui lòng nhập câu trả lời."})
        if len(answer) > ANSWER_MAX:
            raise VoiceError("Câu trả lời quá dài.", {"answer": f"Tối đa {ANSWER_MAX} ký tự."})
        if question.status == "closed":
            raise VoiceError("Câu hỏi đã đóng.", {"answer": "Câu hỏi đã đóng."}, status=409, code="invalid_transition")
        question.answer, question.answered_by_id, question.answered_at = answer, getattr(actor, "id", None), now
        if question.status != "answered" and patch.get("status") != "closed":
            _move(question, "answered")
    if "status" in patch and patch["status"] != question.status:
        status = patch["status"]
        if status == "answered" and not question.answer:
            raise VoiceError("Cần câu trả lời trước khi đánh dấu đã trả lời.", {"answer": "Vui lòng nhập câu trả lời."})
        if status == "assigned" and question.assignee_id is None:
            raise VoiceError("Cần chọn người được giao.", {"assignee_id": "Chọn một cán bộ."})
        _move(question, status)
        if status == "closed":
            question.closed_at = now
    if "public_text" in patch:
        public_text = _text(patch["public_text"])
        if len(public_text) > TEXT_MAX:
            raise VoiceError("Nội dung công khai quá dài.", {"public_text": f"Tối đa {TEXT_MAX} ký tự."})
        question.public_text = public_text
    if "public" in patch:
        if not isinstance(patch["public"], bool):
            raise VoiceError("public phải là true hoặc false.", {"public": "Giá trị true hoặc false."})
        if patch["public"] and not question.answer:
            raise VoiceError("Chỉ công khai câu hỏi đã có câu trả lời.", {"public": "Câu hỏi chưa được trả lời."})
        question.public = patch["public"]
    after = (question.status, question.assignee_id, question.answer, question.public)
    changed = [name for name, b, a in zip(("status", "assignee_id", "answer", "public"), before, after, strict=True)
               if b != a]
    record(getattr(actor, "id", None), "question.update", "question", question.id, changed=changed,
           status=question.status)
    db.session.flush()
    return question


def _notify(question: Question, assignee: User, now: datetime) -> None:
    """The assignee's bell (SPEC §10 notifications service): one per question and assignment."""
    text = f"Bạn được giao trả lời câu hỏi #{question.id} ({TOPICS[question.topic]}): {question.text[:120]}"
    key = f"question:{question.id}:assigned:{assignee.id}:{now.isoformat()}"
    add_notifications([NewNotification(assignee.id, KIND_QUESTION_ASSIGNED, key, text, f"/questions/{question.id}")],
                      now)


def queue_statement(user, status=None, commune_id=None, topic=None, activity_id=None, text=None):
    """The questions `user` may see, newest first, filtered (the page and the API share it)."""
    stmt = scope(select(Question), Question, user)
    if status == "open":
        stmt = stmt.where(Question.status.in_(OPEN_STATUSES))
    elif status:
        stmt = stmt.where(Question.status == status)
    if commune_id == "city":
        stmt = stmt.where(Question.commune_id.is_(None))
    elif commune_id is not None:
        stmt = stmt.where(Question.commune_id == commune_id)
    if topic:
        stmt = stmt.where(Question.topic == topic)
    if activity_id is not None:
        stmt = stmt.where(Question.activity_id == activity_id)
    if text:
        stmt = stmt.where(Question.text.contains(text, autoescape=True))
    return stmt.order_by(Question.created_at.desc(), Question.id.desc())


def status_counts(user, commune_id=None, activity_id=None) -> dict[str, int]:
    """Questions per status in `user`'s scope (one GROUP BY)."""
    stmt = scope(select(Question.status, func.count()).select_from(Question), Question, user)
    if commune_id is not None:
        stmt = stmt.where(Question.commune_id == commune_id)
    if activity_id is not None:
        stmt = stmt.where(Question.activity_id == activity_id)
    counts = dict.fromkeys(QUESTION_STATUSES, 0)
    counts.update(dict(db.session.execute(stmt.group_by(Question.status)).all()))
    return counts


def open_by_commune(user) -> list[dict]:
    """For the city office: open questions per commune with the oldest one's time (one GROUP BY)."""
    from app.models import Commune

    stmt = scope(select(Question.commune_id, Commune.code, Commune.name, func.count(), func.min(Question.created_at))
                 .select_from(Question).outerjoin(Commune, Commune.id == Question.commune_id)
                 .where(Question.status.in_(OPEN_STATUSES)), Question, user)
    rows = db.session.execute(stmt.group_by(Question.commune_id, Commune.code, Commune.name)
                              .order_by(func.min(Question.created_at))).all()
    return [{"commune_id": cid, "code": code, "name": name or "Cấp thành phố", "open": n, "oldest": oldest}
            for cid, code, name, n, oldest in rows]


def age_days(question: Question, now: datetime) -> int:
    """Whole days since the question was asked."""
    return max(0, (now - question.created_at).days)


def public_questions(topic=None, text=None, limit: int = 500) -> list[Question]:
    """Answered questions marked public, newest first (the FAQ, SPEC §17); `text` matches every word, accents and
    case ignored, in the public wording and the answer only (never in what staff removed)."""
    stmt = select(Question).where(Question.public.is_(True), Question.answer != "")
    if topic:
        stmt = stmt.where(Question.topic == topic)
    rows = list(db.session.scalars(stmt.order_by(Question.answered_at.desc(), Question.id.desc()).limit(limit)))
    words = fold(text or "").split()
    if not words:
        return rows
    return [q for q in rows if all(w in fold(f"{public_wording(q)} {q.answer}") for w in words)]


def fold(text: str) -> str:
    """Lower-case and unaccented (đ → d), for searching Vietnamese as people type it."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def public_wording(question: Question) -> str:
    """The question as the FAQ shows it: the wording staff edited, else the text."""
    return question.public_text or question.text


def assignable_users(question: Question) -> list[User]:
    """Who may be given this question: its commune's staff and the city office."""
    cond = User.role.in_(CITY_OFFICE_ROLES)
    if question.commune_id is not None:
        cond = cond | ((User.role == "commune") & (User.commune_id == question.commune_id))
    return vi_sorted(db.session.scalars(select(User).where(User.active.is_(True), cond)).all(),
                     key=lambda u: u.full_name)  # Vietnamese order (issue 15 item 8)
