"""SPEC §17 journey: a resident checks in on a phone (390×844), rates and asks; a commune officer answers and
publishes; the answer shows on `/hoi-dap` without the resident's name or phone."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from app.formatting import TZ
from app.models.types import utcnow
from tests.e2e.conftest import assert_no_page_problems

pytestmark = pytest.mark.chromium
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
QUESTION = "Mẹ tôi 70 tuổi, thẻ BHYT hết hạn thì gia hạn ở đâu?"
ANSWER = "Gia hạn tại đại lý thu BHXH, BHYT của phường, bưu điện hoặc trên ứng dụng VssID."


def test_resident_rates_and_asks_officer_answers_and_it_shows_on_the_faq(tab, new_page, live_server, make_user,
                                                                        api_token, browser_login):
    officer = make_user("commune", full_name="Đỗ Văn Cán")
    start = utcnow().astimezone(TZ) - timedelta(minutes=30)
    created = tab.context.request.post(f"{live_server}/api/v1/activities", headers=api_token(officer), data={
        "commune_code": "11311", "kind": "fair", "title": "Ngày hội BHYT tại nhà văn hóa",
        "start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat(), "status": "planned"})
    assert created.status == 201, created.text()

    phone = new_page(**PHONE)
    phone.goto(urlsplit(created.json()["checkin_url"]).path)
    phone.locator("input[name=full_name]").fill("Vương Thị Nhàn")
    phone.locator("input[name=phone]").fill("0934567890")
    phone.locator("input[name=bhyt_status][value=expired]").check()
    phone.locator("input[name=consent]").check()
    phone.locator("form.checkin-form button[type=submit]").click()
    phone.locator("[data-result=ok]").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.locator("#score-5").check()
    phone.locator("#rating-comment").fill("Cán bộ hướng dẫn tận tình")
    phone.locator("[data-rating-form] button[type=submit]").click()
    phone.locator("[data-done=rated]").wait_for()
    assert phone.locator("[data-rating-form]").count() == 0  # one rating per check-in

    phone.locator("#question_text").fill(QUESTION)
    phone.locator("#question_topic").select_option("bhyt")
    phone.locator("#question_callback").check()
    phone.locator("[data-question-form] button[type=submit]").click()
    phone.locator("[data-done=asked]").wait_for()
    assert_no_page_problems(phone)

    browser_login(tab, officer)
    tab.goto("/questions")
    tab.get_by_role("link", name=QUESTION).click()
    assert "0934567890" in tab.locator("[data-callback]").inner_text()
    tab.locator("textarea[name=answer]").fill(ANSWER)
    tab.locator("input[name=public]").check()
    tab.locator("textarea[name=public_text]").fill("Thẻ BHYT của người cao tuổi hết hạn thì gia hạn ở đâu?")
    tab.locator("[data-answer-form] button[type=submit]").click()
    assert tab.locator("[data-status]").first.get_attribute("data-status") == "answered"
    assert tab.locator("[data-public]").get_attribute("data-public") == "yes"
    tab.goto(f"/activities/{created.json()['id']}")
    assert "100,0\u00a0%" in tab.locator("[data-satisfaction]").inner_text()
    assert_no_page_problems(tab)

    phone.goto("/hoi-dap?q=gia han")
    item = phone.locator("[data-faq-item]").first
    item.locator("summary").click()
    text = phone.locator("main").inner_text()
    assert ANSWER in text and "người cao tuổi" in text
    assert "Vương Thị Nhàn" not in text and "0934567890" not in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_page_problems(phone)
