"""Every page names campaigns from the data (SPEC §18, issue 15 item 5, issue 21): no slug or title in a template."""

from pathlib import Path

from tests.support import csrf_token

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_names_a_campaign():
    words = ("bhyt-day-", "thang-van-dong-", "Ngày BHYT Việt Nam 01/7", "Tháng vận động triển khai")
    found = [(p.name, w) for p in TEMPLATES.rglob("*.html") for w in words if w in p.read_text(encoding="utf-8")]
    assert found == []


def test_the_reports_page_lists_the_campaigns_the_user_may_see(campaign, runner, client, make_user, login):
    assert runner.invoke(args=["campaigns", "copy", "bhyt-day-2026", "bhyt-day-2027", "--years", "1"]).exit_code == 0
    login(make_user("city"))
    page = client.get("/reports/").get_data(as_text=True)
    assert 'data-campaign="bhyt-day-2027"' in page and 'data-campaign="bhyt-day-2026"' in page
    assert "/reports/city-summary.pdf?campaign=bhyt-day-2027" in page
    assert client.get("/reports/city-summary.pdf?campaign=bhyt-day-2027").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    login(make_user("commune"))
    page = client.get("/reports/").get_data(as_text=True)
    assert 'data-campaign="bhyt-day-2027"' not in page
    assert "/campaigns/bhyt-day-2026/communes/11311/report.pdf" in page


def test_the_dashboard_selector_offers_a_copied_campaign(campaign, runner, client, make_user, login):
    assert runner.invoke(args=["campaigns", "copy", "bhyt-day-2026", "bhyt-day-2027", "--years", "1",
                               "--publish"]).exit_code == 0
    login(make_user("city"))
    page = client.get("/dashboard?campaign=bhyt-day-2027").get_data(as_text=True)
    assert '<option value="bhyt-day-2027" selected>' in page and "01/07/2027" in page
