"""The submitted annual consolidated report is the product of plan task VI.1 (SPEC §15 → §14)."""

from datetime import date

from sqlalchemy import select

from app.models import TaskSubmission
from tests.support import post_form

PLAN = "phat-trien-bhxh-2026-2030"


def _task_vi_1(client, headers, as_of: str) -> dict:
    tasks = client.get(f"/api/v1/plans/{PLAN}/tasks?as_of={as_of}&year=2026", headers=headers).get_json()
    return next(t for t in tasks if (t["section"], t["no"]) == ("VI", "1"))


def _submit(client, monkeypatch, day: date, period="2026-Y"):
    monkeypatch.setattr("app.periodic.office_routes.today_local", lambda: day)
    url = f"/bao-cao-dinh-ky/{period}/tong-hop"
    return post_form(client, url, {"action": "submit", "ket_qua": "Kết quả năm 2026", "han_che": "", "kho_khan": "",
                                   "de_xuat": "Đề nghị bổ sung kinh phí"})


def test_annual_consolidated_report_is_the_product_of_task_vi_1(client, db, make_user, login, api_token, monkeypatch):
    city = make_user("city")
    headers = api_token(city)
    before = _task_vi_1(client, headers, "2026-12-26")
    assert [i["status"] for i in before["instances"] if i["period"] == "2026"] == ["overdue"]
    login(city)
    assert _submit(client, monkeypatch, date(2026, 12, 20)).status_code == 302
    after = _task_vi_1(client, headers, "2026-12-26")
    (instance,) = [i for i in after["instances"] if i["period"] == "2026"]
    assert instance["status"] == "done", instance  # 20/12 is before the task's "trước ngày 25/12"
    (saved,) = db.session.scalars(select(TaskSubmission).where(TaskSubmission.period == "2026")).all()
    assert saved.url == "/bao-cao-dinh-ky/2026-Y/tong-hop.pdf" and saved.agency.code == "SNV"
    assert "Năm 2026" in saved.title and saved.submitted_on == date(2026, 12, 20)


def test_six_month_consolidated_report_answers_no_task(client, db, make_user, login, monkeypatch):
    login(make_user("city"))
    assert _submit(client, monkeypatch, date(2026, 6, 25), "2026-H1").status_code == 302
    assert db.session.scalar(select(TaskSubmission.id)) is None
