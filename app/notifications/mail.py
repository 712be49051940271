"""E-mail for notifications when SMTP_HOST is set (SPEC §10): Vietnamese, plain text + HTML, retried, never fatal."""

import logging
import smtplib
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.models import Notification, User
from app.notifications.services import KIND_LABELS

log = logging.getLogger(__name__)

MAX_TRIES = 3
PENDING_WINDOW = timedelta(hours=48)  # a notification older than this is not e-mailed any more
SUBJECT_PREFIX = "[Lan Tỏa]"


def subject_for(notification: Notification) -> str:
    """The e-mail subject: the product's tag and the kind of reminder."""
    return f"{SUBJECT_PREFIX} {KIND_LABELS.get(notification.kind, 'Thông báo')}"


def build_message(config, notification: Notification, recipient: User) -> EmailMessage:
    """A Vietnamese e-mail for one notification, plain text with an HTML alternative."""
    base = (config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    link = f"{base}{notification.link}" if notification.link else ""
    message = EmailMessage()
    message["Subject"] = subject_for(notification)
    message["From"] = config["SMTP_FROM"]
    message["To"] = formataddr((recipient.full_name, recipient.email))
    message["Message-ID"] = make_msgid(domain="lantoa")
    greeting = f"Kính gửi {recipient.full_name},"
    footer = "Thư này được gửi tự động từ hệ thống Lan Tỏa. Vui lòng không trả lời thư này."
    plain = [greeting, "", notification.text]
    if link:
        plain += ["", f"Xem chi tiết: {link}"]
    plain += ["", "--", footer]
    message.set_content("\n".join(plain))
    html_link = f'<p><a href="{escape(link)}">Xem chi tiết</a></p>' if link else ""
    message.add_alternative(
        f'<!doctype html><html lang="vi"><body style="font-family: sans-serif">'
        f"<p>{escape(greeting)}</p><p>{escape(notification.text)}</p>{html_link}"
        f'<hr><p style="color:#666;font-size:small">{escape(footer)}</p></body></html>',
        subtype="html",
    )
    return message


def send(config, message: EmailMessage, tries: int = MAX_TRIES, sleep=time.sleep) -> bool:
    """Send through SMTP, retrying with backoff (1 s, 2 s, …); log and return False after the last failure."""
    delay = float(config.get("SMTP_RETRY_DELAY", 1.0))
    for attempt in range(1, tries + 1):
        try:
            with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=10) as smtp:
                if config.get("SMTP_TLS"):
                    smtp.starttls()
                if config.get("SMTP_USER"):
                    smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD", ""))
                smtp.send_message(message)
            return True
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("e-mail to %s failed (try %d of %d): %s", message["To"], attempt, tries, exc)
            if attempt < tries:
                sleep(delay * 2 ** (attempt - 1))
    log.error("e-mail to %s given up after %d tries", message["To"], tries)
    return False


def deliver_pending(config, now: datetime, sleep=time.sleep) -> dict:
    """E-mail the recent notifications not e-mailed yet to users with an address; stop at the first dead server."""
    if not config.get("SMTP_HOST"):
        return {"sent": 0, "failed": 0, "skipped": "no SMTP_HOST"}
    rows = db.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), Notification.created_at >= now - PENDING_WINDOW,
               User.active.is_(True), User.email.is_not(None), User.email != "")
        .order_by(Notification.id)
    ).all()
    sent = failed = 0
    for notification, user in rows:
        if send(config, build_message(config, notification, user), sleep=sleep):
            notification.emailed_at = now
            sent += 1
        else:
            failed += 1
            break  # the server is down: the rest wait for the next run instead of stalling this one
    db.session.flush()
    return {"sent": sent, "failed": failed}
