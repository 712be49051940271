"""The commune officer's home says what to do next (issue 15 item 9): "Thêm hoạt động" first, then the nearest
campaign's overdue duties and next deadline, as the matrix has them."""

import re
from datetime import date

from app.compliance.loader import load_matrix
from tests import factories
from tests.factories import SLUG


def _home(client, monkeypatch, day):
    monkeypatch.setattr("app.main.routes.today_local", lambda: day)
    return client.get("/").get_data(as_text=True)


def test_home_lists_overdue_duties_and_the_next_deadline_of_the_officers_commune(client, db, campaign, make_user,
                                                                                   login, monkeypatch):
    factories.activity("fair", on=date(2026, 7, 1), status="held")  # duty 3 (the 01/7 fair) done: not listed
    login(make_user("commune", commune_code="11311"))
    day = date(2026, 7, 2)
    html = _home(client, monkeypatch, day)
    row = load_matrix(SLUG, day).row("11311")
    overdue = [c.duty_no for c in row.cells if c.status == "overdue"]
    assert overdue, "as of 02/07 a commune with one fair has overdue duties"
    listed = re.search(r"<ul class=\"small mb-2\" data-overdue>(.*?)</ul>", html, re.S).group(1)
    assert [int(n) for n in re.findall(r"Nhiệm vụ (\d+):", listed)] == overdue
    assert f"{row.completed}/{row.total}" in html
    first = re.search(r'<a class="btn [^"]*"[^>]*>', html).group(0)
    assert "data-first-action" in first and 'href="/activities/new"' in first  # "Thêm hoạt động" comes first
    pending = sorted(c.deadline for c in row.cells if not c.completed and c.deadline and c.deadline >= day)
    if pending:
        assert f'data-next-deadline="{pending[0].isoformat()}"' in html


def test_home_of_another_role_has_no_commune_todo(client, db, campaign, make_user, login, monkeypatch):
    login(make_user("city"))
    assert "data-todo" not in _home(client, monkeypatch, date(2026, 7, 2))


def test_commune_page_links_its_activities_and_its_status_in_each_campaign(client, db, campaign, make_user, login):
    login(make_user("city"))
    html = client.get("/communes/11311").get_data(as_text=True)
    assert 'href="/activities?commune=11311"' in html
    assert f'href="/campaigns/{SLUG}/communes/11311"' in html
