"""Check-in journeys (SPEC §5), written against the contract of the QR check-in feature.

They are skipped until that feature is merged (endpoint `checkin.self_checkin`); the lead enables them by merging.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from app.formatting import TZ
from app.models.types import utcnow
from tests.e2e.conftest import assert_no_page_problems


def _has_checkin() -> bool:
    from app import create_app

    return "checkin.self_checkin" in create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://").view_functions


has_checkin = _has_checkin()

pytestmark = [pytest.mark.chromium, pytest.mark.wipe,
              pytest.mark.skipif(not has_checkin, reason="check-in feature not merged yet")]

PHONE_VIEWPORT = {"width": 390, "height": 844}


def fair_happening_now(tab, live_server, api_token, officer) -> dict:
    """A fair of the officer's commune that started 30 minutes ago, created through POST /api/v1/activities."""
    start = utcnow().astimezone(TZ) - timedelta(minutes=30)
    response = tab.context.request.post(f"{live_server}/api/v1/activities", headers=api_token(officer), data={
        "commune_code": "11311", "kind": "fair", "title": "Ngày hội BHYT tại sân UBND phường",
        "start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat(),
        "venue": "Sân UBND phường Hồng Bàng", "status": "planned",
    })
    assert response.status == 201, response.text()
    body = response.json()
    assert urlsplit(body["checkin_url"]).path.startswith("/c/")
    return body


def test_resident_checks_in_from_the_poster_on_a_phone(tab, new_page, live_server, make_user, api_token):
    activity = fair_happening_now(tab, live_server, api_token, make_user("commune"))
    phone = new_page(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)

    phone.goto(urlsplit(activity["checkin_url"]).path)
    assert "Ngày hội BHYT tại sân UBND phường" in phone.locator("body").inner_text()
    phone.locator("input[name=full_name]").fill("Nguyễn Thị Lan")
    phone.locator("input[name=phone]").fill("0912345678")
    phone.locator("input[name=consent]").check()
    phone.locator("form button[type=submit]").click()

    thanks = phone.locator("[data-result=ok]")
    thanks.wait_for()
    assert "Cảm ơn" in thanks.inner_text() and "Nguyễn Thị Lan" in thanks.inner_text()
    # One screen on a phone: nothing wider than the 390 px viewport.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
    assert_no_page_problems(phone)


def test_staff_scan_a_ticket_with_the_usb_box_and_see_green(tab, db, live_server, app, make_user, api_token,
                                                            browser_login):
    from app.checkin import services as checkin_services
    from app.models import Activity

    officer = make_user("commune")
    body = fair_happening_now(tab, live_server, api_token, officer)
    activity = db.session.get(Activity, body["id"])
    activity.preregistration = True
    registration, _ = checkin_services.register(activity, {
        "full_name": "Trần Văn Minh", "phone": "0987654321", "consent": True}, utcnow())
    db.session.commit()
    ticket = checkin_services.ticket_for(registration, app.config["SECRET_KEY"])

    browser_login(tab, officer)
    tab.goto(f"/activities/{activity.id}/scanner")
    usb = tab.locator("#usb-input")
    usb.fill(ticket)
    usb.press("Enter")
    panel = tab.locator("#scan-panel")
    tab.wait_for_function("() => document.querySelector('#scan-panel').dataset.state === 'ok'")
    red, green, blue = (int(c) for c in panel.evaluate("el => getComputedStyle(el).backgroundColor")
                        .removeprefix("rgb(").removesuffix(")").split(","))
    assert green > 100 and green > red + 50 and green > blue + 30, "the answer panel is not green"
    assert "Trần Văn Minh" in panel.inner_text()
    assert_no_page_problems(tab)
