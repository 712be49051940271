"""The register's pages (SPEC §14): they agree with the API and the Excel cell by cell, and take products."""

import io
import json
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.compliance.engine import TASK_STATUS_LABELS_VI
from app.models import TaskSubmission
from tests.support import csrf_token, dashboard_with_blocks
from tests.tasks.helpers import HP_PLAN

AS_OF = "2026-12-01"


def _demo(db):
    from app.activities.demo import seed_demo_season
    from app.tasks.demo import seed_demo_products

    seed_demo_season("haiphong")
    line = seed_demo_products("haiphong")
    db.session.commit()
    return line


def test_cli_api_pages_and_excel_agree_cell_by_cell_on_the_demo_season(client, db, make_user, api_token, login,
                                                                        runner):
    _demo(db)
    admin = make_user("admin")
    api = client.get(f"/api/v1/plans/{HP_PLAN}/tasks?as_of={AS_OF}&year=2026", headers=api_token(admin)).get_json()
    cli = runner.invoke(args=["tasks", HP_PLAN, "--as-of", AS_OF, "--year", "2026", "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output) == api
    expected = {(t["label"], i["period"], i["unit_code"]): i["status"] for t in api for i in t["instances"]}
    assert {"done", "late", "overdue", "pending"} <= set(expected.values())
    login(admin)
    seen = {}
    for task in api:
        html = client.get(f"/ke-hoach/{HP_PLAN}/nhiem-vu/{task['id']}?as_of={AS_OF}&year=2026").get_data(as_text=True)
        for unit, period, status in re.findall(r'data-instance="([^"]+?)-(\d{4}(?:-[^"]*)?|once)" '
                                               r'data-status="(\w+)"', html):
            seen[(task["label"], period, unit)] = status
    assert seen == expected
    body = client.get(f"/ke-hoach/{HP_PLAN}/danh-muc.xlsx?as_of={AS_OF}&year=2026").data
    sheet = load_workbook(io.BytesIO(body)).active
    labels = {(t["label"], i["label"], i["unit_code"]): i["status"] for t in api for i in t["instances"]}
    excel = {(f"{r[0]}.{r[1]}", r[6], r[7]): r[9] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert excel == {k: TASK_STATUS_LABELS_VI[v] for k, v in labels.items()}


def test_progress_table_counts_what_the_register_counts(client, db, make_user, api_token, login):
    _demo(db)
    admin = make_user("admin")
    api = client.get(f"/api/v1/plans/{HP_PLAN}/tasks?as_of={AS_OF}&year=2026", headers=api_token(admin)).get_json()
    i2 = next(t for t in api if t["label"] == "VI.1")
    login(admin)
    html = client.get(f"/ke-hoach/{HP_PLAN}/tien-do?as_of={AS_OF}&year=2026").get_data(as_text=True)
    done = sum(1 for t in api if "SNV" == t["lead"]["code"] for i in t["instances"] if i["status"] in ("done", "late"))
    due = sum(1 for t in api if "SNV" == t["lead"]["code"] for i in t["instances"] if i["status"] != "upcoming")
    # Sở Nội vụ also co-leads V.2 (listed first there) — the table counts every task it leads
    assert re.search(r'data-cell="SNV-VI.1"[^>]*>VI.1: (\d+)/(\d+)', html).groups() == (
        str(sum(i["status"] in ("done", "late") for i in i2["instances"])),
        str(sum(i["status"] != "upcoming" for i in i2["instances"])))
    assert done <= due


def test_agency_user_submits_on_its_page_and_the_instance_is_done(client, db, agency_user, login, task_of, app):
    user = agency_user("SNV")
    login(user)
    task = task_of("I.2")
    url = f"/ke-hoach/{HP_PLAN}/nhiem-vu/{task.id}"
    token = csrf_token(client, url)
    answer = client.post(url, data={"csrf_token": token, "period": "2026", "title": "Quyết định giao chỉ tiêu",
                                    "doc_number": "15/QĐ-UBND", "doc_date": "2026-01-20",
                                    "url": "https://haiphong.gov.vn/qd-15"})
    assert answer.status_code == 302
    html = client.get(f"{url}?year=2026").get_data(as_text=True)  # submitted today, judged as of today
    assert 'data-instance="SNV-2026" data-status="done"' in html and "Quyết định giao chỉ tiêu" in html


def test_page_refuses_an_html_file_named_pdf_with_a_message_and_stores_nothing(client, db, agency_user, login,
                                                                               task_of):
    login(agency_user("SNV"))
    task = task_of("I.2")
    url = f"/ke-hoach/{HP_PLAN}/nhiem-vu/{task.id}"
    data = {"csrf_token": csrf_token(client, url), "period": "2026", "title": "Quyết định",
            "file": (io.BytesIO(b"<html><body>trang web</body></html>"), "quyet-dinh.pdf")}
    answer = client.post(url, data=data, content_type="multipart/form-data")
    assert answer.status_code == 422
    assert "không phải PDF" in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TaskSubmission)) == 0


def test_city_withdraws_a_product_and_the_instance_is_judged_again(client, db, make_user, login, task_of):
    from app.models import Agency

    task = task_of("I.2")
    snv = db.session.scalar(select(Agency).where(Agency.code == "SNV"))
    row = TaskSubmission(task_id=task.id, period="2026", agency_id=snv.id, title="QĐ", submitted_on=date(2026, 2, 1))
    db.session.add(row)
    db.session.commit()
    login(make_user("city"))
    url = f"/ke-hoach/{HP_PLAN}/nhiem-vu/{task.id}"
    assert 'data-status="done"' in client.get(f"{url}?as_of=2026-03-01").get_data(as_text=True)
    client.post(f"/ke-hoach/san-pham/{row.id}/rut", data={"csrf_token": csrf_token(client, url)})
    assert 'data-status="pending"' in client.get(f"{url}?as_of=2026-03-01").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TaskSubmission, row.id).withdrawn_at is not None


def test_agency_home_shows_next_deadline_and_overdue(client, db, agency_user, login):
    _demo(db)
    login(agency_user("SXD"))
    html = client.get("/").get_data(as_text=True)
    assert "data-agency-home" in html and "data-next-deadline" in html and "data-overdue-count" in html


def test_city_dashboard_shows_task_completion_per_agency_and_section(client, db, make_user, login):
    _demo(db)
    login(make_user("city"))
    html = dashboard_with_blocks(client, "/dashboard?as_of=2026-12-01")
    assert 'data-task-dashboard="phat-trien-bhxh-2026-2030"' in html
    assert 'data-agency-rate="SNV"' in html and 'data-section-rate="VI"' in html


def test_progress_report_pdf_in_the_nd30_frame(client, db, make_user, login, tmp_path):
    import subprocess

    from tests.support import require_tool

    _demo(db)
    login(make_user("city"))
    answer = client.get(f"/ke-hoach/{HP_PLAN}/tien-do.pdf?year=2026&as_of={AS_OF}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    path = tmp_path / "tien-do.pdf"
    path.write_bytes(answer.data)
    text = subprocess.run([require_tool("pdftotext", "PDF text"), "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "BÁO CÁO" in text and "Tiến độ thực hiện nhiệm vụ" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Sở Nội vụ" in text and "UBND xã, phường, đặc khu" in text and "NHIỆM VỤ QUÁ HẠN" in text


def test_product_form_takes_the_document_date_as_dd_mm_yyyy(client, db, agency_user, login, task_of):
    login(agency_user("SNV"))
    url = f"/ke-hoach/{HP_PLAN}/nhiem-vu/{task_of('I.2').id}"
    page = client.get(url).get_data(as_text=True)
    assert 'type="date"' not in page and 'data-date' in page  # the one dd/mm/yyyy input, not the browser's
    answer = client.post(url, data={"csrf_token": csrf_token(client, url), "period": "2026", "title": "Quyết định",
                                    "doc_number": "15/QĐ-UBND", "doc_date": "20/01/2026",
                                    "url": "https://haiphong.gov.vn/qd-15"})
    assert answer.status_code == 302, re.findall(r'data-error-for="(\w+)">([^<]*)', answer.get_data(as_text=True))
    stored = db.session.scalars(select(TaskSubmission).where(TaskSubmission.title == "Quyết định")).one()
    assert stored.doc_date.isoformat() == "2026-01-20"


def test_product_form_sent_twice_stores_one_product(client, db, agency_user, login, task_of):
    """Issue 22 item 7: the double click on "Nộp" (or a second tab with the same form) records the product once."""
    login(agency_user("SNV"))
    task = task_of("I.2")
    url = f"/ke-hoach/{HP_PLAN}/nhiem-vu/{task.id}"
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1),
            "form_token": re.search(r'name="form_token"[^>]*value="([^"]+)"', page).group(1),
            "period": "2026", "title": "Quyết định giao chỉ tiêu", "url": "https://haiphong.gov.vn/qd-15"}
    first, second = client.post(url, data=data), client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert "đã được gửi trước đó" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TaskSubmission)
                             .where(TaskSubmission.task_id == task.id)) == 1
