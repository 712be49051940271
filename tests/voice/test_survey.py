"""SPEC §17 yearly survey report "Báo cáo khảo sát mức độ hài lòng": distribution, KPI by commune and by kind."""

import io
import unicodedata

from pypdf import PdfReader

from app.checkin.services import record_checkin
from app.models.types import utcnow
from app.voice import ratings


def _rate(db, activity, admin, scores):
    for n, score in enumerate(scores):
        outcome = record_checkin(activity, {"full_name": f"Người {n}", "phone": f"09120000{activity.id % 10}{n}",
                                            "consent": True}, "staff", admin, utcnow())
        ratings.rate(db.session.get(ratings.CheckIn, outcome.checkin.id), score, "Rất bổ ích" if n == 0 else "",
                     utcnow())
    db.session.commit()


def _text(pdf: bytes) -> str:
    return unicodedata.normalize("NFC", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_survey_pdf_has_the_kpi_by_commune_and_a_commune_user_gets_their_own(client, db, make_activity, make_user,
                                                                           login):
    admin = make_user("admin")
    _rate(db, make_activity(commune_code="11311"), admin, [5, 4, 2])       # 2 of 3 satisfied
    _rate(db, make_activity(commune_code="11948", kind="conference"), admin, [5])
    year = utcnow().year
    login(make_user("city"))
    response = client.get(f"/reports/satisfaction.pdf?year={year}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    assert "BÁO CÁO KHẢO SÁT MỨC ĐỘ HÀI LÒNG" in text.upper()
    assert "Phường Hồng Bàng" in text and "66,7 %" in text and "100,0 %" in text and "75,0 %" in text
    assert "Rất bổ ích" in text and "Hội nghị" in text
    client.post("/logout")
    officer_client = client.application.test_client()
    from tests.support import post_form

    officer = make_user("commune")
    post_form(officer_client, "/login", {"username": officer.username, "password": officer.plain_password})
    own = _text(officer_client.get(f"/reports/satisfaction.pdf?year={year}&commune=11948").data)
    assert "Phường Hồng Bàng" in own and "100,0 %" not in own
