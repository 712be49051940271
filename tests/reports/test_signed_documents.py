"""The six documents as a civil servant receives them: one embedded serif face, the signer's printed name,
the unit's name in "Nơi nhận", codes that fit the document (ND 30/2020)."""

import datetime as dt
import io
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.campaigns.routine import seed_campaigns
from app.models import Activity, Commune
from tests.support import post_form, require_tool

SIGNER = "Trần Thị Ánh Tuyết"
POSITION = "Phó Giám đốc"


@pytest.fixture
def documents(app, client, db, login, make_user):
    """Every document's PDF bytes, downloaded by a commune officer whose profile has a name and a position."""
    seed_campaigns("haiphong")
    commune = db.session.scalars(select(Commune).where(Commune.code == "11311")).one()
    start = dt.datetime(2026, 7, 1, 1, 0, tzinfo=dt.UTC)
    activity = Activity(commune_id=commune.id, kind="fair", status="held", title="Ngày hội BHYT phường Hồng Bàng",
                        start_at=start, end_at=start + dt.timedelta(hours=3), evidence_date=start.date(),
                        venue="Nhà văn hóa", results={"consultations": 5}, partners=[], audiences=[4],
                        messages=[4], links=[])
    db.session.add(activity)
    db.session.commit()
    user = make_user("commune", full_name=SIGNER)
    user.position = POSITION
    db.session.commit()
    login(user)
    urls = {
        "activity_report": f"/activities/{activity.id}/report.pdf",
        "attendance_list": f"/activities/{activity.id}/attendance.pdf",
        "poster": f"/activities/{activity.id}/poster.pdf",
        "commune_report": "/campaigns/bhyt-day-2026/communes/11311/report.pdf?as_of=2026-07-09",
        "period_report": "/reports/period.pdf?from=01/01/2026&to=31/12/2026",
    }
    out = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        out[name] = response.data
    city = make_user("city", full_name="Lê Văn Bình")
    city.position = "Giám đốc"
    db.session.commit()
    city_client = app.test_client()
    assert post_form(city_client, "/login", {"username": city.username, "password": city.plain_password}).status_code == 302
    response = city_client.get("/reports/city-summary.pdf?campaign=bhyt-day-2026&as_of=09/07/2026")
    assert response.status_code == 200
    out["city_summary"] = response.data
    return out


def text(pdf: bytes) -> str:
    return " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()).split())
                    for p in PdfReader(io.BytesIO(pdf)).pages)


def test_pdffonts_lists_only_embedded_liberation_serif(documents, tmp_path):
    pdffonts = require_tool("pdffonts", "list the fonts of each document")
    for name, pdf in documents.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        lines = subprocess.run([pdffonts, str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
        fonts = [line.split() for line in lines[2:]]
        assert fonts, name
        for row in fonts:
            assert "LiberationSerif" in row[0], (name, row[0])  # the serif body face, never Helvetica
            assert row[-5] == "yes", (name, row[0], "not embedded")


def test_signed_documents_print_the_signers_name_and_position(documents):
    for name in ("activity_report", "attendance_list", "commune_report", "period_report"):
        body = text(documents[name])
        assert SIGNER in body, name
        assert POSITION.upper() in body, name
    assert "Lê Văn Bình" in text(documents["city_summary"])


def test_nơi_nhận_names_the_commune_and_codes_fit_the_document(documents):
    assert "UBND Phường Hồng Bàng" in text(documents["commune_report"])
    assert "- UBND xã, phường, đặc khu" not in text(documents["commune_report"])
    assert "/DS-BHXH" in text(documents["attendance_list"])
    for name in ("activity_report", "commune_report", "period_report", "city_summary"):
        assert "/BC-BHXH" in text(documents[name]), name


def test_period_footnote_says_attendees_are_checkins_plus_people_counted(documents):
    assert "số người điểm danh bằng mã QR cộng số người được ghi nhận không qua điểm danh" in text(
        documents["period_report"])
