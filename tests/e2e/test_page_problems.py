"""Every page the journeys visit, as the roles that visit it: no CSP violation, no console error, no JS exception.

The CSP is 'self' only (app/security.py): an inline <style>, a style attribute set from markup or an inline
handler is blocked by the browser and reported here, on whatever page brings it.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from app.formatting import TZ
from app.models.types import utcnow
from tests.e2e.conftest import assert_no_page_problems
from tests.e2e.test_checkin_journeys import has_checkin
from tests.e2e.test_journeys import SLUG, held_fair

pytestmark = [pytest.mark.chromium, pytest.mark.wipe]  # a live server: the full wipe


def visit(tab, url: str) -> None:
    """Open a page, expect a 200, and let its scripts run."""
    response = tab.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    tab.wait_for_load_state("load")


def test_journey_pages_have_no_csp_violation_or_console_error(tab, new_page, app, db, make_user, browser_login):
    officer = make_user("commune")
    fair = held_fair(officer)

    tab.goto("/login")  # before logging in
    browser_login(tab, officer)
    for url in ("/", "/activities", "/activities/new", f"/activities/{fair.id}", f"/activities/{fair.id}/held",
                "/reports/", "/campaigns/", f"/campaigns/{SLUG}/communes/11311"):
        visit(tab, url)
    visit(tab, "/activities/new")
    tab.get_by_label("Loại hoạt động").select_option("radio")  # the form's script swaps the result fields
    assert tab.locator("[data-kind-results=radio]").is_visible()
    assert_no_page_problems(tab)

    city = new_page()
    browser_login(city, make_user("city"))
    for url in (f"/campaigns/{SLUG}/matrix", f"/campaigns/{SLUG}/matrix?as_of=2026-07-08&status=overdue&duty=3",
                f"/campaigns/{SLUG}/matrix?as_of=2026-07-08&status=done"):
        visit(city, url)
    city.locator("td[data-cell='11311-3'] summary").click()  # opening a cell
    city.locator(f"td[data-cell='11311-3'] a[data-evidence='{fair.id}']").click()
    city.wait_for_url(f"**/activities/{fair.id}")
    visit(city, "/activities")
    assert_no_page_problems(city)

    if has_checkin:
        from app.activities.services import create_activity
        from app.checkin.links import checkin_url

        start = utcnow().astimezone(TZ) - timedelta(minutes=30)
        now_fair = create_activity({"commune_code": "11311", "kind": "fair", "title": "Ngày hội đang diễn ra",
                                    "start": start.isoformat(), "end": (start + timedelta(hours=3)).isoformat(),
                                    "status": "planned"}, officer, utcnow())
        db.session.commit()
        phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        visit(phone, urlsplit(checkin_url(now_fair, "http://x", app.config["SECRET_KEY"])).path)
        assert_no_page_problems(phone)
        visit(tab, f"/activities/{now_fair.id}/scanner")
        assert_no_page_problems(tab)
