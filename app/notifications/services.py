"""Reminder services (SPEC §10): they take `as_of`/`now`, add notifications once per key, flush; the caller commits."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, tuple_, update

from app.campaigns.services import active_campaign_slugs
from app.compliance import loader
from app.domain.roles import CITY_OFFICE_ROLES
from app.extensions import db
from app.formatting import fmt_date, fmt_datetime
from app.models import Activity, Commune, ComplianceSnapshot, Notification, User
from app.notifications.rules import duty_alerts, snapshot_counts

ACTIVITY_SOON = timedelta(hours=24)
UNREPORTED_AFTER = timedelta(hours=24)
UNREPORTED_LOOKBACK = timedelta(days=14)  # older forgotten plans are not chased again at every deploy
CITY_SUMMARY_NAMES = 10

KIND_DUTY_DUE = "duty_due"
KIND_DUTY_OVERDUE = "duty_overdue"
KIND_OVERDUE_SUMMARY = "duty_overdue_summary"
KIND_ACTIVITY_SOON = "activity_soon"
KIND_ACTIVITY_UNREPORTED = "activity_unreported"
KIND_CAMPAIGN_REVIEW = "campaign_review"

# Stored texts are data shown as is (the bell, the list, the e-mail), so they are written here in Vietnamese.
KIND_LABELS = {
    KIND_DUTY_DUE: "Sắp đến hạn nhiệm vụ",
    KIND_DUTY_OVERDUE: "Nhiệm vụ quá hạn",
    KIND_OVERDUE_SUMMARY: "Tổng hợp đơn vị quá hạn",
    KIND_ACTIVITY_SOON: "Hoạt động sắp diễn ra",
    KIND_ACTIVITY_UNREPORTED: "Hoạt động chưa cập nhật kết quả",
    "question_assigned": "Câu hỏi được giao",  # residents' voice (SPEC §17)
    KIND_CAMPAIGN_REVIEW: "Chiến dịch mới cần rà soát, công bố",
    "task_due": "Sắp đến hạn nhiệm vụ kế hoạch",  # app.tasks.reminders
    "task_overdue": "Nhiệm vụ kế hoạch quá hạn",
    "task_overdue_digest": "Tổng hợp nhiệm vụ kế hoạch quá hạn",
    "periodic_due": "Sắp đến hạn báo cáo định kỳ",  # app.periodic.reminders
    "periodic_overdue": "Báo cáo định kỳ quá hạn",
    "periodic_asked": "Đề nghị gửi báo cáo định kỳ",
}


@dataclass(frozen=True, slots=True)
class NewNotification:
    """A notification to add unless the user already has one with this key."""

    user_id: int
    kind: str
    key: str
    text: str
    link: str = ""


def campaign_link(slug: str, commune_code: str | None = None) -> str:
    """Where a duty reminder points: the commune's duty page, or the campaign's matrix for the city office."""
    if commune_code:
        return f"/campaigns/{slug}/communes/{commune_code}"
    return f"/campaigns/{slug}/matrix"


def activity_link(activity_id: int) -> str:
    """Where an activity reminder points: the activity's page."""
    return f"/activities/{activity_id}"


def add_notifications(items: list[NewNotification], now: datetime) -> list[Notification]:
    """Add the notifications whose (user, key) is new — the idempotence of every job; return those added."""
    wanted = {(item.user_id, item.key): item for item in items}
    if not wanted:
        return []
    existing = set()
    pairs = list(wanted)
    for start in range(0, len(pairs), 400):
        chunk = pairs[start:start + 400]
        existing.update(db.session.execute(
            select(Notification.user_id, Notification.key).where(tuple_(Notification.user_id, Notification.key).in_(chunk))
        ).all())
    added = []
    for pair, item in wanted.items():
        if pair in existing:
            continue
        notification = Notification(user_id=item.user_id, kind=item.kind, key=item.key, text=item.text,
                                    link=item.link, created_at=now)
        db.session.add(notification)
        added.append(notification)
    db.session.flush()
    return added


def commune_user_ids(commune_codes) -> dict[str, list[int]]:
    """Active commune users by commune code."""
    codes = set(commune_codes)
    if not codes:
        return {}
    rows = db.session.execute(
        select(Commune.code, User.id).join(User, User.commune_id == Commune.id)
        .where(Commune.code.in_(codes), User.role == "commune", User.active.is_(True))
        .order_by(User.id)
    ).all()
    users = defaultdict(list)
    for code, user_id in rows:
        users[code].append(user_id)
    return users


def city_office_ids() -> list[int]:
    """Active admin and city users: the city office."""
    return list(db.session.scalars(
        select(User.id).where(User.role.in_(CITY_OFFICE_ROLES), User.active.is_(True)).order_by(User.id)
    ))


def deadline_reminders(as_of: date, now: datetime) -> dict:
    """Daily (SPEC §10): duties due in 3 and 1 days, and newly overdue → commune users; overdue → city office too."""
    items: list[NewNotification] = []
    alerts_total = 0
    for slug in active_campaign_slugs(as_of):
        matrix = loader.load_matrix(slug, as_of)
        alerts = duty_alerts(matrix)
        alerts_total += len(alerts)
        users = commune_user_ids(alert.commune_code for alert in alerts)
        campaign_name = matrix.campaign.name
        overdue_by_duty = defaultdict(list)
        for alert in alerts:
            duty = f"nhiệm vụ {alert.duty_no} — {alert.duty_text}"
            if alert.kind == "due":
                kind = KIND_DUTY_DUE
                key = f"duty-due:{slug}:{alert.commune_code}:{alert.duty_no}:{alert.deadline}:{alert.days_left}"
                text = (f"Còn {alert.days_left} ngày đến hạn {fmt_date(alert.deadline)}: {alert.commune_name} "
                        f"chưa hoàn thành {duty} ({campaign_name}).")
            else:
                overdue_by_duty[(alert.duty_no, alert.duty_text, alert.deadline)].append(alert.commune_name)
                kind = KIND_DUTY_OVERDUE
                key = f"duty-overdue:{slug}:{alert.commune_code}:{alert.duty_no}:{alert.deadline}"
                text = (f"Quá hạn {fmt_date(alert.deadline)}: {alert.commune_name} chưa hoàn thành {duty} "
                        f"({campaign_name}). Vui lòng cập nhật kết quả ngay.")
            for user_id in users.get(alert.commune_code, ()):
                items.append(NewNotification(user_id, kind, key, text, campaign_link(slug, alert.commune_code)))
        city = city_office_ids()
        for (duty_no, duty_text, deadline), names in sorted(overdue_by_duty.items()):
            shown = ", ".join(names[:CITY_SUMMARY_NAMES])
            more = f" và {len(names) - CITY_SUMMARY_NAMES} đơn vị khác" if len(names) > CITY_SUMMARY_NAMES else ""
            text = (f"{len(names)} đơn vị cấp xã quá hạn {fmt_date(deadline)} nhiệm vụ {duty_no} — {duty_text} "
                    f"({campaign_name}): {shown}{more}.")
            key = f"duty-overdue-city:{slug}:{duty_no}:{deadline}"
            for user_id in city:
                items.append(NewNotification(user_id, KIND_OVERDUE_SUMMARY, key, text, campaign_link(slug)))
    added = add_notifications(items, now)
    return {"alerts": alerts_total, "notifications": len(added)}


def _organisers(activities) -> dict[int, list[int]]:
    """Who is told about each activity: its creator if still active, else its commune's users (city level: the city office)."""
    creator_ids = {a.created_by_id for a in activities if a.created_by_id}
    active_creators = set()
    if creator_ids:
        active_creators = set(db.session.scalars(
            select(User.id).where(User.id.in_(creator_ids), User.active.is_(True))
        ))
    codes = {a.commune.code for a in activities if a.commune is not None}
    by_commune = commune_user_ids(codes)
    city = None
    recipients = {}
    for activity in activities:
        if activity.created_by_id in active_creators:
            recipients[activity.id] = [activity.created_by_id]
        elif activity.commune is not None:
            recipients[activity.id] = by_commune.get(activity.commune.code, [])
        else:
            city = city if city is not None else city_office_ids()
            recipients[activity.id] = city
    return recipients


def activity_reminders(as_of: date, now: datetime) -> dict:
    """Hourly (SPEC §10): planned activities starting within 24 h → their organiser."""
    activities = db.session.scalars(
        select(Activity).where(Activity.status == "planned", Activity.start_at > now,
                               Activity.start_at <= now + ACTIVITY_SOON).order_by(Activity.start_at)
    ).all()
    recipients = _organisers(activities)
    items = []
    for activity in activities:
        venue = f" tại {activity.venue}" if activity.venue else ""
        text = f"Hoạt động “{activity.title}” bắt đầu lúc {fmt_datetime(activity.start_at)}{venue}."
        key = f"activity-soon:{activity.id}:{activity.start_at:%Y%m%dT%H%M}"
        for user_id in recipients[activity.id]:
            items.append(NewNotification(user_id, KIND_ACTIVITY_SOON, key, text, activity_link(activity.id)))
    added = add_notifications(items, now)
    return {"activities": len(activities), "notifications": len(added)}


def unreported_activities(as_of: date, now: datetime) -> dict:
    """Hourly (SPEC §10): activities ended more than 24 h ago and still `planned` → their organiser."""
    activities = db.session.scalars(
        select(Activity).where(Activity.status == "planned", Activity.end_at <= now - UNREPORTED_AFTER,
                               Activity.end_at > now - UNREPORTED_LOOKBACK).order_by(Activity.end_at)
    ).all()
    recipients = _organisers(activities)
    items = []
    for activity in activities:
        text = (f"Hoạt động “{activity.title}” đã kết thúc lúc {fmt_datetime(activity.end_at)} nhưng chưa cập nhật "
                "kết quả. Vui lòng đánh dấu “Đã tổ chức” và nhập kết quả, hoặc hủy nếu không tổ chức.")
        key = f"activity-unreported:{activity.id}:{activity.end_at:%Y%m%dT%H%M}"
        for user_id in recipients[activity.id]:
            items.append(NewNotification(user_id, KIND_ACTIVITY_UNREPORTED, key, text, activity_link(activity.id)))
    added = add_notifications(items, now)
    return {"activities": len(activities), "notifications": len(added)}


def compliance_snapshot(as_of: date, now: datetime) -> dict:
    """Nightly (SPEC §10): store each active campaign's duty × status counts for the day; a rerun updates the row."""
    created = updated = 0
    for slug in active_campaign_slugs(as_of):
        counts, summary = snapshot_counts(loader.load_matrix(slug, as_of))
        snapshot = db.session.scalar(
            select(ComplianceSnapshot).where(ComplianceSnapshot.campaign_slug == slug, ComplianceSnapshot.day == as_of)
        )
        if snapshot is None:
            db.session.add(ComplianceSnapshot(campaign_slug=slug, day=as_of, counts=counts, summary=summary,
                                              created_at=now))
            created += 1
        elif snapshot.counts != counts or snapshot.summary != summary:
            snapshot.counts, snapshot.summary, snapshot.created_at = counts, summary, now
            updated += 1
    db.session.flush()
    return {"created": created, "updated": updated}


def notifications_for(user_id: int, unread_only: bool = False):
    """The SELECT of one user's notifications, newest first (scoped by user: nobody sees another's)."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.created_at.desc(), Notification.id.desc())


def unread_count(user_id: int) -> int:
    """How many unread notifications the user has (one COUNT query, for the bell)."""
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def mark_read(notification: Notification, now: datetime) -> None:
    """Mark one notification read (once: the first reading time is kept)."""
    if notification.read_at is None:
        notification.read_at = now
    db.session.flush()


def mark_all_read(user_id: int, now: datetime) -> int:
    """Mark every unread notification of the user read; return how many."""
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return result.rowcount or 0
