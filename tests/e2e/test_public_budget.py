"""The resident's check-in page on a phone, as Chromium's own network log sees it (issue 16): ≤ 60 KB on the wire
and ≤ 4 requests on a first visit, and only the HTML again on a repeat visit (everything else cached)."""

import pytest

from app.checkin import services as svc
from bench.pages import CHECKIN_BYTES, CHECKIN_REQUESTS, network_log
from tests.e2e.conftest import assert_no_page_problems

pytestmark = pytest.mark.chromium


def test_checkin_page_first_visit_fits_the_budget_and_a_repeat_visit_loads_only_the_html(app, db, new_page,
                                                                                          make_activity):
    activity = make_activity()
    url = f"/c/{svc.poster_token(activity, app.config['SECRET_KEY'])}"
    db.session.commit()
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    first = network_log(phone, url)
    total = sum(r["bytes"] for r in first)
    assert total <= CHECKIN_BYTES and len(first) <= CHECKIN_REQUESTS, first
    assert all(r["encoding"] in ("br", "gzip") for r in first), first  # HTML and CSS compressed on the wire
    assert not any(r["url"].endswith(".js") for r in first)  # no script at all on the resident's page
    # Its small stylesheet is in the page: one round trip renders it (no render-blocking request).
    assert [r["url"].split("?")[0] for r in first] == [phone.url.split("?")[0]], first
    assert phone.evaluate("getComputedStyle(document.querySelector('header.bar')).display") == "flex"  # styled
    repeat = network_log(phone.context.new_page(), url)
    assert [r["url"].split("?")[0] for r in repeat] == [phone.url.split("?")[0]], repeat
    assert_no_page_problems(phone)
