"""A duty edited after its campaign started (SPEC §18, issue 21): the days before the edit replay as they were — in
the matrix, the API, the Excel, the commune PDF and the dashboard trend — the days from the edit on read the new
values, and the editor shows what changed when."""

import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from app.campaigns.editing import evidence_counts
from app.compliance.loader import load_matrix
from app.dashboard.services import campaign_dashboard
from app.models import CityRequirementRevision, Duty, DutyRevision
from app.models.audit import AuditLog
from tests import factories
from tests.campaigns.helpers import build_season, duty_form
from tests.support import post_form

SLUG = "bhyt-day-2026"
HB = "11311"
EDIT_DAY = date(2026, 7, 8)  # duty 5's window 22/6–05/7 is moved to 22/6–10/7 on this day
BEFORE = (date(2026, 6, 25), date(2026, 7, 2), date(2026, 7, 6), date(2026, 7, 7))
AFTER = (EDIT_DAY, date(2026, 7, 9), date(2026, 7, 12))


@pytest.fixture
def edit_on(monkeypatch, client, make_user, login, db, campaign):
    """Edit a duty through its page as the city office, the clock at a given day."""
    login(make_user("admin"))

    def edit(day: date, no: int, **changes):
        monkeypatch.setattr("app.campaigns.routes.today_local", lambda: day)
        duty = db.session.scalar(select(Duty).where(Duty.campaign_id == campaign.id, Duty.no == no))
        response = post_form(client, f"/campaigns/{SLUG}/duties/{no}", duty_form(duty, **changes))
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    return edit


def _pdf_text(client, as_of: str) -> str:
    data = client.get(f"/campaigns/{SLUG}/communes/{HB}/report.pdf?as_of={as_of}").data
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages))


def test_moving_duty_5s_end_keeps_the_days_before_the_edit_cell_by_cell(campaign, edit_on, db):
    build_season(campaign)
    factories.activity("radio", date(2026, 7, 6), "held", commune_code=HB)
    before = {day: load_matrix(SLUG, day) for day in (*BEFORE, *AFTER)}
    assert before[date(2026, 7, 7)].cell(HB, 5).status == "late"

    edit_on(EDIT_DAY, 5, window_end="2026-07-10")

    for day in BEFORE:
        assert load_matrix(SLUG, day) == before[day], day  # every cell, the duties' windows and the totals
    after = load_matrix(SLUG, EDIT_DAY)
    assert after.campaign.duty(5).window_end == date(2026, 7, 10)
    assert after.cell(HB, 5).status == "done" and after.cell(HB, 5).deadline == date(2026, 7, 10)
    silent = [c.commune.code for c in before[EDIT_DAY].rows
              if before[EDIT_DAY].cell(c.commune.code, 5).status == "overdue"]  # no radio by 08/7
    assert silent and {after.cell(code, 5).status for code in silent} <= {"pending", "planned"}
    assert before[date(2026, 7, 7)].cell(silent[0], 5).status == load_matrix(SLUG, date(2026, 7, 7)).cell(
        silent[0], 5).status == "overdue"


def test_the_api_replays_the_old_window_before_the_edit_and_the_new_one_after(campaign, edit_on, client, make_user,
                                                                               api_token, db):
    factories.activity("radio", date(2026, 7, 6), "held", commune_code=HB)
    headers = api_token(make_user("city"))

    def compliance(as_of):
        return client.get(f"/api/v1/campaigns/{SLUG}/compliance?as_of={as_of}", headers=headers).get_json()

    old = compliance("2026-07-07")
    edit_on(EDIT_DAY, 5, window_end="2026-07-10")
    assert compliance("2026-07-07") == old
    row = next(c for c in compliance("2026-07-08")["communes"] if c["code"] == HB)
    assert next(d for d in row["duties"] if d["no"] == 5)["status"] == "done"


def test_the_commune_pdf_and_the_excel_print_the_window_of_their_day(campaign, edit_on, client, db):
    factories.activity("radio", date(2026, 7, 6), "held", commune_code=HB)
    edit_on(EDIT_DAY, 5, window_end="2026-07-10")
    old = _pdf_text(client, "07/07/2026")
    assert "22/06/2026 – 05/07/2026" in old and "22/06/2026 – 10/07/2026" not in old
    assert "Hoàn thành trễ hạn" in old
    new = _pdf_text(client, "08/07/2026")
    assert "22/06/2026 – 10/07/2026" in new and "22/06/2026 – 05/07/2026" not in new

    def legend(as_of):
        book = load_workbook(BytesIO(client.get(f"/campaigns/{SLUG}/matrix.xlsx?as_of={as_of}").data))
        return next(row for row in book["Chú giải"].iter_rows(values_only=True) if row[0] == "Nhiệm vụ 5")

    assert legend("2026-07-07")[3] == "05/07/2026" and legend("2026-07-08")[3] == "10/07/2026"


def test_a_kinds_change_counts_the_new_kind_only_from_the_day_of_the_edit(campaign, edit_on, db):
    factories.activity("press", date(2026, 6, 25), "held", commune_code=HB)
    before = load_matrix(SLUG, date(2026, 6, 30))
    assert before.cell(HB, 6).status == "pending"
    edit_on(date(2026, 7, 1), 6, kinds=["online_post", "press"])
    assert load_matrix(SLUG, date(2026, 6, 30)) == before
    assert load_matrix(SLUG, date(2026, 7, 1)).cell(HB, 6).status == "done"


def test_the_editor_flags_an_edit_after_the_start_and_the_audit_keeps_both_values(campaign, edit_on, client, db):
    edit_on(EDIT_DAY, 5, window_end="2026-07-10")
    page = client.get(f"/campaigns/{SLUG}/edit").get_data(as_text=True)
    flag = "Sửa ngày 08/07/2026: thời gian 22/06/2026 – 05/07/2026 → 22/06/2026 – 10/07/2026"
    assert flag in re.sub(r"\s+", " ", page)
    assert flag in re.sub(r"\s+", " ", client.get(f"/campaigns/{SLUG}/duties/5").get_data(as_text=True))
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "update", AuditLog.object_type == "duty"))
    assert entry.details["changes"] == {"window_end": ["2026-07-05", "2026-07-10"]}
    assert entry.details["takes_effect"] == "2026-07-08"
    note = "Tình hình ngày 07/07/2026 được tính theo nội dung nhiệm vụ tại ngày đó; sau ngày này đã sửa: nhiệm vụ 5"
    assert note in re.sub(r"\s+", " ", client.get(f"/campaigns/{SLUG}/matrix?as_of=07/07/2026").get_data(as_text=True))
    assert note in re.sub(r"\s+", " ", client.get(f"/campaigns/{SLUG}/communes/{HB}?as_of=07/07/2026").get_data(
        as_text=True))
    assert "data-replay-note" not in client.get(f"/campaigns/{SLUG}/matrix?as_of=08/07/2026").get_data(as_text=True)


def test_editing_before_the_start_replaces_the_values_and_flags_nothing(campaign, edit_on, client, db):
    factories.activity("radio", date(2026, 7, 6), "held", commune_code=HB)
    edit_on(date(2026, 6, 15), 5, window_end="2026-07-10")
    assert db.session.scalar(select(func.count(DutyRevision.id))) == 0
    assert load_matrix(SLUG, date(2026, 7, 7)).cell(HB, 5).status == "done"
    assert "Sửa ngày" not in client.get(f"/campaigns/{SLUG}/edit").get_data(as_text=True)


def test_two_edits_on_one_day_keep_one_revision_and_an_undo_keeps_none(campaign, edit_on, client, db):
    edit_on(EDIT_DAY, 5, window_end="2026-07-10")
    edit_on(EDIT_DAY, 5, window_end="2026-07-11")
    revisions = db.session.scalars(select(DutyRevision)).all()
    assert [(r.replaced_on, r.window_end) for r in revisions] == [(EDIT_DAY, date(2026, 7, 5))]
    assert load_matrix(SLUG, EDIT_DAY).campaign.duty(5).window_end == date(2026, 7, 11)
    edit_on(EDIT_DAY, 5, window_end="2026-07-05")
    assert db.session.scalar(select(func.count(DutyRevision.id))) == 0
    assert "Sửa ngày" not in client.get(f"/campaigns/{SLUG}/edit").get_data(as_text=True)


def test_edits_on_two_days_replay_three_windows(campaign, edit_on, db):
    edit_on(date(2026, 7, 1), 5, window_end="2026-07-08")
    edit_on(date(2026, 7, 3), 5, window_end="2026-07-10")
    ends = [load_matrix(SLUG, day).campaign.duty(5).window_end
            for day in (date(2026, 6, 30), date(2026, 7, 1), date(2026, 7, 2), date(2026, 7, 3))]
    assert ends == [date(2026, 7, 5), date(2026, 7, 8), date(2026, 7, 8), date(2026, 7, 10)]


def test_a_city_requirements_window_replays_as_it_was(campaign, monkeypatch, client, make_user, login, db):
    factories.activity("livestream", date(2026, 6, 25), "held", commune_code=None)
    login(make_user("admin"))
    before = load_matrix(SLUG, date(2026, 7, 1))
    assert {r.key: r.met for r in before.city_requirements}["livestream"]
    monkeypatch.setattr("app.campaigns.routes.today_local", lambda: date(2026, 7, 2))
    response = post_form(client, f"/campaigns/{SLUG}/requirements/livestream",
                         {"label": "Tối thiểu 01 livestream", "kinds": ["livestream"], "min_count": "1",
                          "window_start": "2026-06-26", "window_end": "2026-07-11"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(CityRequirementRevision.id))) == 1
    assert load_matrix(SLUG, date(2026, 7, 1)) == before
    assert not {r.key: r.met for r in load_matrix(SLUG, date(2026, 7, 2)).city_requirements}["livestream"]


def test_the_dashboard_trend_replays_each_day_with_the_window_of_that_day(campaign, edit_on, db):
    build_season(campaign)
    edit_on(date(2026, 7, 3), 5, window_end="2026-07-10")
    edit_on(date(2026, 7, 3), 6, kinds=["online_post", "press"])
    points = campaign_dashboard(SLUG, date(2026, 7, 8)).trend
    assert len(points) == 17
    for point in points:
        m = load_matrix(SLUG, point.day)
        assert point.completed_rate == m.summary["completed"] / m.summary["cells"], point.day
        assert point.on_time_rate == m.summary["on_time_rate"], point.day


def test_evidence_that_counted_under_the_old_kinds_still_blocks_a_removal(campaign, edit_on, db):
    factories.activity("online_post", date(2026, 6, 25), "held", commune_code=HB)
    edit_on(date(2026, 7, 1), 6, kinds=["press"])
    assert load_matrix(SLUG, date(2026, 7, 2)).cell(HB, 6).status == "pending"
    duties, _ = evidence_counts(campaign, date(2026, 7, 2))
    assert duties[6] == 1


def test_reminders_name_the_deadline_of_their_day(campaign, edit_on, make_user, db):
    from app.models import Notification
    from app.scheduler.jobs import run_job

    commune_user = make_user("commune")  # Phường Hồng Bàng, no radio broadcast
    edit_on(date(2026, 7, 3), 5, window_end="2026-07-10")
    for day in (date(2026, 7, 2), date(2026, 7, 7)):  # 02/7: a catch-up run for a day before the edit
        assert run_job("deadline_reminders", as_of=day).error is None
    texts = [n.text for n in db.session.scalars(select(Notification).where(
        Notification.user_id == commune_user.id, Notification.kind == "duty_due").order_by(Notification.id))
        if "nhiệm vụ 5" in n.text]
    assert len(texts) == 2 and "05/07/2026" in texts[0] and "10/07/2026" in texts[1], texts


def test_a_duty_retired_and_brought_back_replays_without_it_on_the_days_between(campaign, monkeypatch, client,
                                                                                 make_user, login, db):
    login(make_user("admin"))
    for day, action in ((date(2026, 7, 1), "retire"), (date(2026, 7, 5), "restore")):
        monkeypatch.setattr("app.campaigns.editor.today_local", lambda day=day: day)
        response = post_form(client, f"/campaigns/{SLUG}/duties/5/{action}", {}, form_url=f"/campaigns/{SLUG}/edit")
        assert response.status_code == 302
    duties = {day: [d.no for d in load_matrix(SLUG, day).campaign.duties]
              for day in (date(2026, 6, 30), date(2026, 7, 1), date(2026, 7, 4), date(2026, 7, 5))}
    assert [5 in nos for nos in duties.values()] == [True, False, False, True]
    page = re.sub(r"\s+", " ", client.get(f"/campaigns/{SLUG}/edit").get_data(as_text=True))
    assert "Đã thôi áp dụng 01/07/2026 – 04/07/2026" in page
