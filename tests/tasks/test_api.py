"""The task register's API (SPEC §12 second wave): agencies, plans, tasks with statuses, submissions."""

import json
import os
import re
from datetime import date

from sqlalchemy import func, select

from app.models import TaskSubmission
from tests.tasks.helpers import HP_PLAN

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post(client, task, headers, body):
    return client.post(f"/api/v1/tasks/{task.id}/submissions", json=body, headers=headers)


def test_agencies_and_plans_of_the_city(client, make_user, api_token):
    headers = api_token(make_user("viewer"))
    agencies = client.get("/api/v1/agencies", headers=headers).get_json()
    assert len(agencies) == 23 and {"code": "SNV", "name": "Sở Nội vụ", "kind": "state"} in agencies
    plans = client.get("/api/v1/plans", headers=headers).get_json()
    assert plans == [{"slug": HP_PLAN, "title": plans[0]["title"], "number": plans[0]["number"],
                      "start_year": 2026, "end_year": 2030, "tasks": 42}]


def test_an_agency_sees_only_the_tasks_it_leads(client, agency_user, api_token):
    headers = api_token(agency_user("SNV"))
    tasks = client.get(f"/api/v1/plans/{HP_PLAN}/tasks?year=2026&lead=SYT", headers=headers).get_json()
    assert [t["label"] for t in tasks] == ["I.2", "I.4", "V.2", "V.5", "VI.1", "VI.2"]
    # V.5 is led by Thanh tra thành phố with Sở Nội vụ beside it: its instances stand under the first lead.
    assert {t["label"]: {i["unit_code"] for i in t["instances"]} for t in tasks}["V.5"] == {"TTTP"}
    assert {i["unit_code"] for t in tasks if t["label"] != "V.5" for i in t["instances"]} == {"SNV"}


def test_a_product_on_24_december_makes_vi_1_done(client, agency_user, api_token, task_of, db):
    headers = api_token(agency_user("SNV"))
    task = task_of("VI.1")
    body = {"period": "2026", "title": "Dự thảo báo cáo", "url": "https://snv.haiphong.gov.vn/bc-403",
            "doc_number": "125/BC-SNV", "doc_date": "2026-12-20"}
    created = _post(client, task, headers, body)
    assert created.status_code == 201, created.get_json()
    sub = created.get_json()
    assert (sub["unit_code"], sub["source"], sub["period"]) == ("SNV", "online", "2026")
    row = db.session.get(TaskSubmission, sub["id"])
    row.submitted_on = date(2026, 12, 24)  # as if sent that day
    db.session.commit()
    tasks = client.get(f"/api/v1/plans/{HP_PLAN}/tasks?as_of=2026-12-31&year=2026", headers=headers).get_json()
    [vi1] = [t for t in tasks if t["label"] == "VI.1"]
    assert vi1["instances"][0]["status"] == "done" and vi1["instances"][0]["submissions"] == [sub["id"]]


def test_an_agency_gets_404_submitting_on_another_units_task(client, agency_user, api_token, task_of):
    headers = api_token(agency_user("SNV"))
    body = {"period": "2026-H1", "title": "Văn bản", "url": "https://example.org/x"}
    assert _post(client, task_of("III.4"), headers, body).status_code == 404  # Sở Y tế's task
    assert _post(client, task_of("I.1"), headers, {**body, "period": "2026-Q2"}).status_code == 404  # communes'
    assert _post(client, task_of("VI.1"), headers, {**body, "period": "2026", "unit_code": "BHXHTP"}).status_code \
        == 404
    assert client.post("/api/v1/tasks/999999/submissions", json=body, headers=headers).status_code == 404


def test_commune_viewer_and_paper_rules(client, make_user, api_token, task_of):
    body = {"period": "2026", "title": "Văn bản", "url": "https://example.org/x"}
    commune = api_token(make_user("commune"))
    assert _post(client, task_of("VI.1"), commune, body).status_code == 404
    own = _post(client, task_of("I.1"), commune, {**body, "period": "2026-Q2"})
    assert own.status_code == 201 and own.get_json()["unit_code"] == "11311"
    assert _post(client, task_of("I.1"), commune, {**body, "period": "2026-Q2", "unit_code": "11948"}).status_code \
        == 404
    assert _post(client, task_of("VI.1"), api_token(make_user("viewer")), body).status_code == 403
    paper = {"period": "2026", "title": "Báo cáo giấy", "submitted_on": "2026-03-02"}
    assert _post(client, task_of("I.1"), commune, {**paper, "period": "2026-Q2"}).status_code == 403
    city = _post(client, task_of("VI.1"), api_token(make_user("city")), paper)
    assert city.status_code == 201 and city.get_json()["source"] == "paper"


def test_bad_input_gets_422_with_vietnamese_fields(client, agency_user, api_token, task_of):
    headers = api_token(agency_user("SNV"))
    task = task_of("VI.1")
    answer = _post(client, task, headers, {"period": "2031", "title": "x", "url": "https://example.org"})
    assert answer.status_code == 422 and "period" in answer.get_json()["error"]["fields"]
    answer = _post(client, task, headers, {"period": "2026", "title": "", "doc_date": "31/02/2026", "x": 1})
    fields = answer.get_json()["error"]["fields"]
    assert answer.status_code == 422 and set(fields) == {"title", "doc_date", "x"}
    assert _post(client, task, headers, {"period": "2026", "title": "Không có tệp"}).status_code == 422
    assert client.post(f"/api/v1/tasks/{task.id}/submissions", data="[1]", headers={
        **headers, "Content-Type": "application/json"}).status_code == 400


def _multipart(client, task, headers, name, content, **fields):
    from io import BytesIO

    data = {"period": "2026", "title": "Dự thảo báo cáo", **fields, "file": (BytesIO(content), name)}
    return client.post(f"/api/v1/tasks/{task.id}/submissions", data=data, headers=headers,
                       content_type="multipart/form-data")


def test_an_html_page_named_pdf_is_refused_and_nothing_is_stored(app, client, agency_user, api_token, task_of, db):
    headers = api_token(agency_user("SNV"))
    folder = os.path.join(app.config["UPLOAD_DIR"], "tasks")
    # The upload folder is shared by the session's tests (the route × role test stores files there too).
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    answer = _multipart(client, task_of("VI.1"), headers, "bao-cao.pdf", b"<!doctype html><html><body>x</body></html>")
    assert answer.status_code == 422
    assert "PDF" in answer.get_json()["error"]["fields"]["file"]
    assert db.session.scalar(select(func.count()).select_from(TaskSubmission)) == 0
    after = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    assert after == before


def test_a_real_pdf_is_stored_under_a_random_name(app, client, agency_user, api_token, task_of, db):
    headers = api_token(agency_user("SNV"))
    answer = _multipart(client, task_of("VI.1"), headers, "Báo cáo 403.pdf", PDF, doc_number="12/BC")
    assert answer.status_code == 201, answer.get_json()
    row = db.session.get(TaskSubmission, answer.get_json()["id"])
    assert row.original_name == "Báo cáo 403.pdf" and row.stored_name.endswith(".pdf")
    # A random hex name (it may well contain "403"): nothing of the sender's name, no path to guess.
    assert re.fullmatch(r"[0-9a-f]{16,}\.pdf", row.stored_name) and row.content_type == "application/pdf"
    with open(os.path.join(app.config["UPLOAD_DIR"], "tasks", row.stored_name), "rb") as fh:
        assert fh.read() == PDF


def test_cli_json_is_the_api_answer(client, runner, make_user, api_token):
    headers = api_token(make_user("admin"))
    api = client.get(f"/api/v1/plans/{HP_PLAN}/tasks?as_of=2026-08-01&year=2026", headers=headers).get_json()
    result = runner.invoke(args=["tasks", HP_PLAN, "--as-of", "2026-08-01", "--year", "2026", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == api
    assert len(api) == 42 and sum(len(t["instances"]) for t in api if t["label"] == "I.1") == 114
