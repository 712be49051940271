"""SPEC §10: e-mail when SMTP is configured — to a real SMTP server on loopback; failures retried, never fatal."""

import logging
import socket
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.models import Notification
from app.scheduler.jobs import run_job
from tests.notifications.test_deadline_reminders import on


class Inbox:
    """An aiosmtpd handler keeping every envelope it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on 127.0.0.1, with the app configured to use it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
    monkeypatch.setitem(app.config, "SMTP_FROM", "lantoa@bhxh.local")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://lantoa.example")
    yield inbox
    controller.stop()


def test_reminder_reaches_the_smtp_server_with_subject_and_recipient(db, campaigns, smtp_server, make_user):
    user = make_user("commune", "hongbang")
    user.email = "hongbang@bhxh.local"
    make_user("commune", "khongmail")  # no address: nothing sent
    db.session.commit()
    run = run_job("deadline_reminders", as_of=on("26/6"))
    assert run.error is None and run.result["emails"] == {"sent": 1, "failed": 0}
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["hongbang@bhxh.local"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "[Lan Tỏa] Sắp đến hạn nhiệm vụ"
    assert message["From"] == "lantoa@bhxh.local"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Còn 3 ngày đến hạn 29/06/2026" in plain and "https://lantoa.example/campaigns/bhyt-day-2026/communes/11311" in plain
    assert "Còn 3 ngày" in html and 'href="https://lantoa.example/campaigns/bhyt-day-2026/communes/11311"' in html
    note = db.session.scalar(select(Notification).where(Notification.user_id == user.id))
    assert note.emailed_at is not None
    again = run_job("deadline_reminders", as_of=on("26/6"))
    assert again.result["emails"]["sent"] == 0 and len(smtp_server.envelopes) == 1


def test_a_dead_smtp_server_is_retried_three_times_and_never_breaks_the_job(db, app, campaigns, make_user,
                                                                          monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nobody listens there
    monkeypatch.setitem(app.config, "SMTP_RETRY_DELAY", 0.05)
    user = make_user("commune")
    user.email = "hongbang@bhxh.local"
    db.session.commit()
    # Alembic's fileConfig (the session's `upgrade()`) disables loggers that existed before it; not in production.
    monkeypatch.setattr(logging.getLogger("app.notifications.mail"), "disabled", False)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="app.notifications.mail"):
        run = run_job("deadline_reminders", as_of=on("26/6"))
    assert run.error is None and run.result["notifications"] == 1
    assert run.result["emails"] == {"sent": 0, "failed": 1}
    tries = [r for r in caplog.records if "failed (try" in r.getMessage()]
    assert [r.getMessage().split("(try ")[1][:6] for r in tries] == ["1 of 3", "2 of 3", "3 of 3"]
    assert any("given up after 3 tries" in r.getMessage() for r in caplog.records)
    assert time.monotonic() - started >= 0.15  # backoff: 0.05 s then 0.1 s
    note = db.session.scalar(select(Notification).where(Notification.user_id == user.id))
    assert note.emailed_at is None  # a later run tries again
