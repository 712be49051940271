"""Staff pages as a commune officer (390×844 phone) and a city analyst (1366×768) meet them (issue 15).

Typing 01/07/2026 into each date field gives 1 July, in an English browser too; no page scrolls sideways;
with LANTOA_SCREENSHOTS=docs/screenshots the pages are also saved there, to be looked at.
"""

import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader
from sqlalchemy import select

from app.models import Activity
from tests.e2e.conftest import assert_no_page_problems
from tests.e2e.test_journeys import SLUG, held_fair

pytestmark = pytest.mark.chromium

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
SHOTS = os.environ.get("LANTOA_SCREENSHOTS")
# The width of the page, and of every box that scrolls sideways inside it (a table hidden half off-screen).
OVERFLOW = """() => {
  const doc = document.documentElement;
  const out = [];
  if (doc.scrollWidth > doc.clientWidth) out.push(`page ${doc.scrollWidth} > ${doc.clientWidth}`);
  for (const el of document.querySelectorAll('.table-responsive, .matrix-wrap, [data-scroll-x]')) {
    if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
      out.push(`${el.className} ${el.scrollWidth} > ${el.clientWidth}`);
  }
  return out;
}"""


def shot(page, name: str, most: int = 3000) -> None:
    """The whole page into SHOTS, its first `most` pixels of height (the phone matrix's 114 cards are 28,000)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width, height = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": width, "height": min(height, most)})


def open_page(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    page.wait_for_load_state("load")


@pytest.fixture
def season(db, make_user):
    """A commune officer with a held fair and a few planned activities, a city officer and an admin."""
    officer = make_user("commune", username="coso_hongbang", full_name="Nguyễn Thị Hoa")
    fair = held_fair(officer)
    for day, title in (("2026-07-02", "Hội nghị đối thoại chính sách BHXH tự nguyện cho tiểu thương chợ Sắt"),
                       ("2026-07-03", "Điểm truyền thông cộng đồng tại nhà văn hóa tổ dân phố 12")):
        held_fair(officer, title=title, day=day)
    return {"officer": officer, "fair": fair, "city": make_user("city", username="thanhpho_1"),
            "admin": make_user("admin", username="quantri_1")}


PHONE_PAGES = (("activity-list", "/activities"), ("calendar", "/activities/calendar?month=2026-07"),
               ("reports", "/reports/"), ("attendance", "/activities/{fair}/attendance"),
               ("commune-dashboard", "/dashboard/commune?campaign=" + SLUG + "&as_of=09/07/2026"))
DESKTOP_PAGES = (("matrix", f"/campaigns/{SLUG}/matrix?as_of=09/07/2026"), ("admin-users", "/admin/users"),
                 ("admin-user-form", "/admin/users/new"), ("admin-jobs", "/admin/jobs"),
                 ("admin-campaign", f"/campaigns/{SLUG}/edit"))


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_no_page_scrolls_sideways(new_page, browser_login, season, size):
    options = PHONE if size == "phone" else DESKTOP
    officer_tab = browser_login(new_page(**options), season["officer"])
    admin_tab = browser_login(new_page(**options), season["admin"])
    problems = []
    for name, url in PHONE_PAGES:
        url = url.format(fair=season["fair"].id)
        tab = officer_tab if name != "reports" or size == "phone" else admin_tab
        open_page(tab, url)
        for problem in tab.evaluate(OVERFLOW):
            problems.append(f"{url} at {size}: {problem}")
        shot(tab, f"{name}-{size}")
    for name, url in DESKTOP_PAGES:
        open_page(admin_tab, url)
        overflow = admin_tab.evaluate(OVERFLOW)
        if size == "phone" and name.startswith("admin"):  # the admin tables may scroll inside their box there
            overflow = [p for p in overflow if p.startswith("page")]
        problems += [f"{url} at {size}: {p}" for p in overflow]
        shot(admin_tab, f"{name}-{size}")
    assert not problems, "\n".join(problems)
    assert_no_page_problems(officer_tab)
    assert_no_page_problems(admin_tab)


def type_date(page, selector: str, text: str) -> None:
    field = page.locator(selector)
    field.fill("")
    field.type(text)


def test_typing_01_07_2026_into_every_date_field_gives_1_july(new_page, browser_login, db, season):
    """Matrix, activity form (start, end, document date) and reports page, in an English-language browser."""
    tab = browser_login(new_page(locale="en-US", **DESKTOP), season["city"])

    open_page(tab, f"/campaigns/{SLUG}/matrix")
    type_date(tab, "#as_of", "01/07/2026")
    tab.locator("form[role=search] button[type=submit]").click()
    tab.wait_for_load_state("load")
    assert tab.locator("[data-as-of]").get_attribute("data-as-of") == "2026-07-01"
    assert tab.locator("#as_of").input_value() == "01/07/2026"

    open_page(tab, "/activities/new?kind=advisory")
    tab.locator("#title").fill("Tờ trình triển khai Ngày BHYT Việt Nam")
    type_date(tab, "#start", "01/07/2026 08:00")
    type_date(tab, "#end", "01/07/2026 11:00")
    type_date(tab, "[name='r-advisory-doc_date']", "01/07/2026")
    tab.locator("[name='r-advisory-doc_number']").fill("15/TTr-BHXH")
    tab.locator("form[data-activity-form] button[type=submit]").click()
    tab.wait_for_url("**/activities/*")
    db.session.expire_all()
    activity = db.session.scalars(select(Activity).where(Activity.kind == "advisory")).one()
    from app.formatting import local

    assert local(activity.start_at).strftime("%d/%m/%Y %H:%M") == "01/07/2026 08:00"
    assert local(activity.end_at).strftime("%d/%m/%Y %H:%M") == "01/07/2026 11:00"
    assert activity.results["doc_date"] == "2026-07-01"

    open_page(tab, "/reports/")
    type_date(tab, "#from", "01/07/2026")
    type_date(tab, "#to", "01/07/2026")
    with tab.expect_response(lambda r: "/reports/period.pdf" in r.url) as info:
        tab.locator("form[data-form=period] button[type=submit]").click()
    assert "from=01%2F07%2F2026" in info.value.url
    pdf = tab.context.request.get(info.value.url).body()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "01/07/2026 – 01/07/2026" in " ".join(text.split())
    assert_no_page_problems(tab)


def test_calendar_picker_writes_dd_mm_yyyy(new_page, browser_login, season):
    tab = browser_login(new_page(locale="en-US", **PHONE), season["officer"])
    open_page(tab, "/activities")
    tab.locator("#from").fill("2026-07-01")  # ISO typed or pasted: shown back as dd/mm/yyyy
    tab.locator("#q").click()
    assert tab.locator("#from").input_value() == "01/07/2026"
    tab.locator("#from + button").click()  # the picker opens on the field's month, July 2026
    box = tab.locator(".dp-box")
    assert box.is_visible()
    box.locator("button[aria-label='15/07/2026']").click()
    assert tab.locator("#from").input_value() == "15/07/2026"
    assert tab.locator(".dp-box").count() == 0
    assert tab.locator("input[type=date], input[type=datetime-local]").count() == 0
    assert_no_page_problems(tab)


# Where each duty column of the matrix sits on the screen, and whether the page or the table's box scrolls.
COLUMNS = """() => [...document.querySelectorAll('.matrix thead th')].map(th => {
  const r = th.getBoundingClientRect(); return [th.dataset.duty || '', Math.round(r.left), Math.round(r.width)];
})"""


def test_matrix_shows_all_nine_duties_at_1366_in_compact_cells(new_page, browser_login, season):
    """Item 6: icon + short word in the cell, the full word in its title and the legend; an opened cell keeps
    its column's width and stays inside the table; evidence by title and date; a duty's text one click away."""
    tab = browser_login(new_page(**DESKTOP), season["city"])
    open_page(tab, f"/campaigns/{SLUG}/matrix?as_of=09/07/2026")
    assert tab.evaluate(OVERFLOW) == []
    columns = tab.evaluate(COLUMNS)
    assert [c[0] for c in columns[1:10]] == [str(n) for n in range(1, 10)]
    assert all(left + width <= 1366 for _, left, width in columns), columns  # no column off-screen

    cell = tab.locator("td[data-cell='11311-3']")  # the fair held on 01/7: duty 3 done
    assert cell.locator("summary").inner_text().strip() == "Xong"
    assert cell.get_attribute("title") == "NV 3: Đã hoàn thành"
    assert tab.locator("td[data-cell='11948-3'] summary").inner_text().strip() == "Quá hạn"
    legend = tab.locator("[data-legend]").inner_text()
    for word in ("Xong = Đã hoàn thành", "Trễ hạn = Hoàn thành trễ hạn", "Kế hoạch = Đã lên kế hoạch",
                 "Chưa làm = Chưa thực hiện", "Quá hạn"):
        assert word in legend, (word, legend)

    cell.locator("summary").click()
    pop = cell.locator(".cell-pop")
    assert pop.is_visible()
    assert "Ngày hội BHYT phường Hồng Bàng · 01/07/2026" in " ".join(pop.inner_text().split())
    assert "#" not in pop.inner_text()
    last = tab.locator("td[data-cell='11311-9']")
    last.locator("summary").click()
    assert tab.evaluate(COLUMNS) == columns  # opened cells lay over the rows below: no column moved or widened
    wrap = tab.locator(".matrix-wrap").bounding_box()
    for box in (pop.bounding_box(), last.locator(".cell-pop").bounding_box()):
        assert wrap["x"] <= box["x"] and box["x"] + box["width"] <= wrap["x"] + wrap["width"], (box, wrap)
    assert tab.evaluate(OVERFLOW) == []
    shot(tab, "matrix-open-desktop")

    head = tab.locator("th[data-duty='4']")
    head.locator("summary").click()  # the duty's text, one click from its column header
    text = head.locator("[data-duty-text]")
    assert text.is_visible() and len(text.inner_text()) > 20
    assert text.inner_text().strip().startswith(head.locator("summary").get_attribute("title")[:20])
    assert tab.evaluate(COLUMNS) == columns and tab.evaluate(OVERFLOW) == []

    open_page(tab, f"/campaigns/{SLUG}/matrix?as_of=09/07/2026&q=Hồng Bàng")  # one row: the cell opens past it
    columns = tab.evaluate(COLUMNS)
    tab.locator("td[data-cell='11311-9'] summary").click()
    pop, wrap = tab.locator("td[data-cell='11311-9'] .cell-pop").bounding_box(), tab.locator(".matrix-wrap").bounding_box()
    assert pop["y"] + pop["height"] <= wrap["y"] + wrap["height"], (pop, wrap)  # not clipped by the table's box
    assert tab.evaluate(COLUMNS) == columns and tab.evaluate(OVERFLOW) == []
    assert_no_page_problems(tab)


def test_matrix_on_a_phone_is_a_card_per_unit(new_page, browser_login, season):
    """Item 6 on a 390 px phone: no sideways scroll, the page's or the table's; each unit a card with its nine
    duties, a cell opening inside its card."""
    tab = browser_login(new_page(**PHONE), season["city"])
    open_page(tab, f"/campaigns/{SLUG}/matrix?as_of=09/07/2026&q=Hồng Bàng")
    assert tab.evaluate(OVERFLOW) == []
    card = tab.locator("tr[data-commune='11311']")
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    cells = card.locator("td[data-cell]")
    assert cells.count() == 9
    for i in range(9):
        cell = cells.nth(i).bounding_box()
        assert box["x"] <= cell["x"] and cell["x"] + cell["width"] <= box["x"] + box["width"] + 1
    cell = tab.locator("td[data-cell='11311-3']")
    assert cell.evaluate("el => getComputedStyle(el, '::before').content") == '"NV 3"'  # the duty, on the card
    assert cell.locator("summary").inner_text().strip() == "Xong"
    cell.locator("summary").click()
    assert "Ngày hội BHYT phường Hồng Bàng · 01/07/2026" in " ".join(cell.inner_text().split())
    assert tab.evaluate(OVERFLOW) == []
    shot(tab, "matrix-open-phone")
    assert_no_page_problems(tab)


def wait_for_activity_page(tab) -> None:
    """Until the tab shows an activity; a double tap aborts the first navigation (ERR_ABORTED), not the second."""
    for _ in range(40):
        try:
            tab.wait_for_url(re.compile(r"/activities/\d+$"), timeout=500)
            tab.wait_for_load_state("load")
            return
        except PlaywrightError:
            continue
    pytest.fail(f"no activity page after saving: {tab.url}")


@pytest.mark.wipe  # two POSTs at once: the live server on its own connections, committed rows only
def test_back_and_save_again_or_a_double_tap_stores_one_activity(new_page, browser_login, db, season):
    """Item 3: "Lưu", the back button, "Lưu" again; and two quick taps on "Lưu": one activity each time."""
    tab = browser_login(new_page(**PHONE), season["officer"])

    def activities() -> int:
        db.session.expire_all()
        return len(db.session.scalars(select(Activity)).all())

    def fill() -> None:
        tab.locator("#title").fill("Tờ trình gửi UBND phường về Ngày BHYT")
        type_date(tab, "#start", "01/07/2026 08:00")
        type_date(tab, "#end", "01/07/2026 11:00")
        tab.locator("[name='r-advisory-doc_number']").fill("16/TTr-BHXH")

    before = activities()
    open_page(tab, "/activities/new?kind=advisory")
    token = tab.locator("[name=form_token]").input_value()
    fill()
    save = tab.locator("form[data-activity-form] button[type=submit]")
    save.click()
    tab.wait_for_url(re.compile(r"/activities/\d+$"))
    first = tab.url
    tab.go_back()
    tab.wait_for_load_state("load")
    assert tab.locator("[name=form_token]").input_value() == token  # the page came again, with the token sent
    fill()  # whatever the browser kept of the form, filled again as the officer would
    save.click()
    tab.wait_for_url(re.compile(r"/activities/\d+$"))
    assert tab.url == first and activities() == before + 1  # sent where the first went
    assert "đã được gửi trước đó" in tab.locator("body").inner_text()

    open_page(tab, "/activities/new?kind=advisory")  # opened afresh (a link): a new form, a new activity
    assert tab.locator("[name=form_token]").input_value() != token
    fill()
    tab.locator("form[data-activity-form] button[type=submit]").dblclick()  # the double tap
    wait_for_activity_page(tab)
    assert tab.url != first and activities() == before + 2
    assert_no_page_problems(tab)


# Each menu entry of the navbar and the bar itself: one line of text each (no label wrapped onto a second).
NAVBAR = """() => {
  const bar = document.querySelector('nav.navbar');
  const links = [...bar.querySelectorAll('.navbar-nav > .nav-item > .nav-link, .navbar-brand')];
  const tall = links.filter(a => a.getClientRects().length > 1
    || a.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(a).lineHeight));
  return {height: Math.round(bar.getBoundingClientRect().height), wrapped: tall.map(a => a.textContent.trim())};
}"""


def test_navbar_fits_one_line_at_1366_and_the_home_greets_once(new_page, browser_login, season, make_user):
    """Item 9: no role's navbar wraps a label or goes onto a second line at 1366 px; the greeting is said once."""
    for user in (season["admin"], season["city"], season["officer"], make_user("viewer")):
        tab = browser_login(new_page(**DESKTOP), user)
        open_page(tab, "/")
        bar = tab.evaluate(NAVBAR)
        assert bar["wrapped"] == [] and bar["height"] < 70, (user.role, bar)  # one line: 56 px
        assert tab.evaluate(OVERFLOW) == [], user.role
        assert tab.locator("body").inner_text().count("Xin chào") == 1, user.role
        assert_no_page_problems(tab)
        tab.context.close()
