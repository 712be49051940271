"""Submitting the commune campaign report freezes a stored copy (SPEC §6.4, issue 6); duty 9 turns done."""

from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from app.models import ReportSubmission
from tests.support import csrf_token

URL = "/campaigns/bhyt-day-2026/communes/11311"


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_submitted_report_is_frozen_and_served_as_submitted(client, make_user, login, db, api_token):
    user = make_user("commune", commune_code="11311")
    login(user)
    response = client.post(f"{URL}/submit", data={"csrf_token": csrf_token(client, URL)})
    assert response.status_code == 302
    submission = db.session.scalar(select(ReportSubmission))
    assert submission.pdf is not None and len(submission.pdf_sha256) == 64

    page = client.get(f"{URL}/report.pdf")
    assert page.status_code == 200 and page.data == submission.pdf
    assert page.headers["X-Report-Submitted-At"] == submission.submitted_at.isoformat()
    text = _text(page.data)
    assert "Phường Hồng Bàng" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text

    api = client.get("/api/v1/campaigns/bhyt-day-2026/reports/11311.pdf", headers=api_token(user))
    assert api.status_code == 200 and api.data == submission.pdf
    other = client.get("/api/v1/campaigns/bhyt-day-2026/reports/11948.pdf", headers=api_token(user))
    assert other.status_code == 404


def test_unlocked_report_is_no_longer_served_frozen(client, make_user, login, db):
    from datetime import UTC, datetime

    from app.campaigns.services import unlock_submission

    user = make_user("commune", commune_code="11311")
    login(user)
    client.post(f"{URL}/submit", data={"csrf_token": csrf_token(client, URL)})
    submission = db.session.scalar(select(ReportSubmission))
    unlock_submission(submission, None, datetime.now(UTC))
    db.session.commit()
    response = client.get(f"{URL}/report.pdf")
    assert response.status_code == 200 and "X-Report-Submitted-At" not in response.headers
