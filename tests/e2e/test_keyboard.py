"""The scanner and the campaign matrix used with the keyboard alone (issue 16): no mouse, no touch."""

import pytest

from app.checkin import services as svc
from app.models.types import utcnow
from tests.checkin.conftest import PERSON
from tests.e2e.conftest import assert_no_page_problems
from tests.e2e.test_journeys import SLUG, held_fair

pytestmark = pytest.mark.chromium


def test_the_scanner_works_from_the_keyboard(app, db, tab, make_user, make_activity, browser_login):
    activity = make_activity(preregistration=True)
    first, _ = svc.register(activity, {**PERSON, "full_name": "Trần Thị Bàn Phím"}, utcnow())
    svc.register(activity, {**PERSON, "full_name": "Lê Văn Tìm Kiếm", "phone": "0987000111"}, utcnow())
    db.session.commit()
    ticket = svc.ticket_for(first, app.config["SECRET_KEY"])
    browser_login(tab, make_user("commune"))
    tab.goto(f"/activities/{activity.id}/scanner")
    assert tab.evaluate("document.activeElement.id") == "usb-input"  # ready for a USB scanner at once
    tab.keyboard.type(ticket)
    tab.keyboard.press("Enter")
    tab.locator("#scan-panel[data-state=ok]").wait_for()
    assert "Trần Thị Bàn Phím" in tab.inner_text("#scan-panel")

    tab.keyboard.press("Tab")  # from the ticket field to the search field
    assert tab.evaluate("document.activeElement.id") == "search-input"
    tab.keyboard.type("Tìm")
    tab.locator("#search-results button").first.wait_for()
    tab.keyboard.press("Tab")  # the first result is a button
    assert "Lê Văn Tìm Kiếm" in tab.evaluate("document.activeElement.textContent")
    tab.keyboard.press("Enter")
    tab.locator("#scan-panel[data-state=ok]").filter(has_text="Lê Văn Tìm Kiếm").wait_for()
    assert_no_page_problems(tab)


def test_the_matrix_cells_open_from_the_keyboard(db, tab, make_user, browser_login):
    fair = held_fair(make_user("commune"))
    browser_login(tab, make_user("city"))
    tab.goto(f"/campaigns/{SLUG}/matrix?as_of=2026-07-08&q=Hồng Bàng")
    summary = tab.locator("td[data-cell='11311-3'] summary")
    for _ in range(120):  # Tab through the page (menu, filters, earlier cells) until the cell's toggle has the focus
        tab.keyboard.press("Tab")
        if summary.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the matrix cell is not reachable with Tab")
    tab.keyboard.press("Enter")
    assert tab.locator("td[data-cell='11311-3'] details").evaluate("el => el.open")
    tab.keyboard.press("Tab")  # into the opened cell: its evidence link
    assert tab.evaluate("document.activeElement.dataset.evidence") == str(fair.id)
    tab.keyboard.press("Enter")
    tab.wait_for_url(f"**/activities/{fair.id}")
