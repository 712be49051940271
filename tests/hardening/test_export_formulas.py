"""Every export of the app (CSV and XLSX) neutralises a cell starting with =, +, -, @, tab or CR (CSV injection):
one test per export, each with text a user typed reaching it."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.checkin import services as svc
from app.models import Campaign, Duty
from app.models.types import utcnow

EVIL = ("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)")
STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def campaign(db):
    """The seeded campaign bhyt-day-2026 (SPEC §4.1)."""
    from app.campaigns.routine import seed_campaigns

    seed_campaigns("haiphong")
    db.session.commit()
    return db.session.scalar(select(Campaign).where(Campaign.slug == "bhyt-day-2026"))


def _cells(response) -> list:
    """Every cell of a CSV or XLSX answer; an XLSX formula cell fails the test at once."""
    assert response.status_code == 200, response.status_code
    if response.mimetype.startswith("text/csv"):
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset (issue 15 item 11)
        return [v for row in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))) for v in row]
    book = load_workbook(io.BytesIO(response.data))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(STARTS):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    cells.append("'" + cell.value)  # shown as typed, but text: count it as neutralised
                else:
                    cells.append(cell.value)
    return cells


def assert_neutralised(response, *texts):
    """Each typed text is in the file, neutralised, and no cell at all starts like a formula."""
    cells = _cells(response)
    for text in texts:
        assert "'" + text in cells, text
    assert not [c for c in cells if isinstance(c, str) and c.startswith(STARTS)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_attendance_export_neutralises_formulas(client, db, make_user, login, make_activity, fmt):
    activity = make_activity()
    for i, text in enumerate(EVIL):
        svc.record_checkin(activity, {"full_name": text, "phone": f"091234567{i}", "topics": text, "consent": True},
                           "staff", None, utcnow())
    db.session.commit()
    login(make_user("commune"))
    assert_neutralised(client.get(f"/activities/{activity.id}/attendance.{fmt}"), *EVIL)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_activities_export_neutralises_formulas(client, db, make_user, login, make_activity, fmt):
    activity = make_activity(title=EVIL[0], organiser=EVIL[2], partners=[EVIL[3]])
    activity.venue = EVIL[1]
    db.session.commit()
    login(make_user("city"))
    assert_neutralised(client.get(f"/activities/export.{fmt}"), *EVIL)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_campaign_matrix_export_neutralises_formulas(client, db, make_user, login, campaign, fmt):
    campaign.name = EVIL[0]
    db.session.scalar(select(Duty).where(Duty.campaign_id == campaign.id, Duty.no == 1)).text = EVIL[3]
    db.session.commit()
    login(make_user("city"))
    response = client.get(f"/campaigns/{campaign.slug}/matrix.{fmt}?as_of=2026-07-08")
    if fmt == "xlsx":  # the CSV holds the matrix only; the workbook has the title line and the duties' legend
        assert_neutralised(response, EVIL[0] + " — tình hình tại ngày 08/07/2026", EVIL[3])
    else:
        assert_neutralised(response)


def test_city_dashboard_export_neutralises_formulas(client, db, make_user, login, campaign):
    campaign.name = EVIL[1]
    db.session.scalar(select(Duty).where(Duty.campaign_id == campaign.id, Duty.no == 2)).text = EVIL[2]
    db.session.commit()
    login(make_user("city"))
    assert_neutralised(client.get(f"/dashboard.xlsx?campaign={campaign.slug}&as_of=08/07/2026"), EVIL[1], EVIL[2])


def test_targets_export_neutralises_formulas(client, db, make_user, login, monkeypatch):
    """The targets' labels are the app's own; a label that looked like a formula would be neutralised too."""
    from app.dashboard import routes

    real = routes.targets_table
    monkeypatch.setattr(routes, "targets_table", lambda: [{**r, "label": EVIL[3]} for r in real()])
    login(make_user("city"))
    assert_neutralised(client.get("/targets.xlsx"), EVIL[3])


def test_followups_export_neutralises_formulas(client, db, make_user, login, make_activity):
    """A resident's name and the officer's note on the follow-up list (SPEC §17)."""
    from app.models import FollowUp

    activity = make_activity()
    svc.record_checkin(activity, {"full_name": EVIL[0], "phone": "0912345670", "bhyt_status": "none",
                                  "consent": True}, "staff", None, utcnow())
    db.session.scalar(select(FollowUp).where(FollowUp.activity_id == activity.id)).note = EVIL[2]
    db.session.commit()
    login(make_user("commune"))
    assert_neutralised(client.get(f"/activities/{activity.id}/follow-ups.csv"), EVIL[0], EVIL[2])


@pytest.fixture
def plan(db):
    """The shipped Hải Phòng plan, its title and its first task's text typed like formulas."""
    from app.models import Plan, Task

    plan = db.session.scalar(select(Plan).where(Plan.slug == "phat-trien-bhxh-2026-2030"))
    plan.title = EVIL[1]
    task = db.session.scalar(select(Task).where(Task.plan_id == plan.id).order_by(Task.id))
    task.text = EVIL[0]
    db.session.commit()
    return plan, task


@pytest.mark.parametrize("page", ["danh-muc", "tien-do", "nhiem-vu"])
def test_task_register_exports_neutralise_formulas(client, db, make_user, login, plan, page):
    plan, task = plan
    login(make_user("city"))
    if page == "nhiem-vu":  # the task's matrix: its caption starts with the task's label, set to look like one
        task.section = EVIL[3]
        db.session.commit()
        url, texts = f"/ke-hoach/{plan.slug}/nhiem-vu/{task.id}.xlsx", ()
        cells = _cells(client.get(url + "?as_of=2026-12-01"))
        assert any(isinstance(c, str) and c.startswith("'" + EVIL[3]) for c in cells)
        assert not [c for c in cells if isinstance(c, str) and c.startswith(STARTS)]
        return
    url = f"/ke-hoach/{plan.slug}/{page}.xlsx?as_of=2026-12-01&year=2026"
    texts = (EVIL[0],) if page == "danh-muc" else ()
    caption = next(c for c in _cells(client.get(url)) if isinstance(c, str) and c.startswith("'" + EVIL[1]))
    assert caption.startswith("'" + EVIL[1] + " — ")
    assert_neutralised(client.get(url), *texts)


def test_periodic_figures_export_neutralises_formulas(client, db, make_user, login):
    """The period's figures of every unit: a unit's name the city office typed reaches the sheet as text."""
    from app.models import Agency

    agency = db.session.scalar(select(Agency).where(Agency.code == "SNV"))
    agency.name = EVIL[0]
    db.session.commit()
    login(make_user("city"))
    assert_neutralised(client.get("/bao-cao-dinh-ky/2026-H1/so-lieu.xlsx"), EVIL[0])


def test_targets_and_emulation_exports_neutralise_formulas(client, db, make_user, login):
    """The city office's cause, responsibility and remedy of a shortfall, and a commune's name, reach the targets
    table and the commendation proposal as text (issue 19)."""
    from app.models import Commune, CommuneTarget, Shortfall

    commune = db.session.scalar(select(Commune).where(Commune.code == "11311"))
    commune.name = EVIL[0]
    db.session.add(CommuneTarget(commune_id=commune.id, year=2026, bhxh_bat_buoc=10, bhxh_tu_nguyen=1, bhyt_rate=90))
    db.session.add(Shortfall(commune_id=commune.id, year=2026, cause=EVIL[1], responsibility=EVIL[2], remedy=EVIL[3]))
    db.session.commit()
    login(make_user("city"))
    assert_neutralised(client.get("/chi-tieu/xa.xlsx?year=2026&as_of=2026-06-30"), *EVIL)
    assert_neutralised(client.get("/chi-tieu/thi-dua.xlsx?year=2026&as_of=2026-06-30&top=114"), EVIL[0])


def test_every_export_route_is_covered_here(app):
    """A new CSV/XLSX route must get its test in this file (and go through app/tabular.py): found by its URL, and
    by its view sending a spreadsheet through `app.tabular.download` whatever its URL says."""
    import inspect

    by_url = {rule.endpoint for rule in app.url_map.iter_rules()
              if rule.rule.endswith((".csv", ".xlsx", "attendance.<fmt>"))}
    by_view = {endpoint for endpoint, view in app.view_functions.items()
               if "download(" in inspect.getsource(inspect.unwrap(view))}
    assert by_view <= by_url, by_view - by_url  # a spreadsheet served under another URL
    exports = sorted(by_url | by_view)
    assert exports == ["activities.export_csv", "activities.export_xlsx", "campaigns.export_csv",
                       "campaigns.export_xlsx", "checkin.export_attendance",
                       "dashboard.city_xlsx", "dashboard.targets_xlsx", "periodic.figures_xlsx", "targets.communes_xlsx",
                       "targets.emulation_xlsx", "tasks.progress_xlsx", "tasks.register_xlsx",
                       "tasks.task_xlsx", "voice.export_followups"], exports
