"""The city office edits agencies, plans and tasks (SPEC §13, §14): schedule editor with a preview of the
instances, Vietnamese messages next to the field on bad input, every edit audited, evidence never silently lost."""

import re
from datetime import date

from sqlalchemy import func, select

from app.models import Agency, AuditLog, Plan, Task, TaskSubmission
from tests.support import csrf_token, post_form
from tests.tasks.helpers import HP_PLAN

NEW_TASK = f"/ke-hoach/{HP_PLAN}/nhiem-vu/moi"
QUARTERLY = {"section": "VI", "no": "3", "text": "Báo cáo quý về kết quả phát triển người tham gia BHXH tự nguyện",
             "lead": "SNV", "product": "Báo cáo", "time_text": "Hằng quý", "kind": "quarterly", "count": "1"}


def _errors(html: str) -> dict[str, str]:
    """The messages shown next to each field."""
    return dict(re.findall(r'data-error-for="([^"]+)">([^<]+)<', html))


def _audit(action: str, object_type: str) -> list[AuditLog]:
    from app.extensions import db

    return db.session.scalars(select(AuditLog).where(AuditLog.action == action,
                                                     AuditLog.object_type == object_type)).all()


def test_city_office_adds_edits_and_retires_an_agency(client, db, make_user, login):
    login(make_user("city"))
    assert 'data-agency="SNV"' in client.get("/co-quan/").get_data(as_text=True)
    bad = post_form(client, "/co-quan/moi", {"code": "sở lđ", "name": "", "kind": "state"})
    assert bad.status_code == 422
    assert set(_errors(bad.get_data(as_text=True))) == {"code", "name"}
    assert post_form(client, "/co-quan/moi", {"code": "sldtbxh", "name": "Sở Lao động", "kind": "state"}
                     ).status_code == 302
    agency = db.session.scalar(select(Agency).where(Agency.code == "SLDTBXH"))
    assert (agency.name, agency.active) == ("Sở Lao động", True)
    twice = post_form(client, "/co-quan/moi", {"code": "SLDTBXH", "name": "Sở Lao động", "kind": "state"})
    assert _errors(twice.get_data(as_text=True))["code"] == "Đã có cơ quan, đơn vị mã “SLDTBXH”."
    post_form(client, "/co-quan/SLDTBXH/sua", {"name": "Sở Lao động - Thương binh và Xã hội", "kind": "state"})
    db.session.expire_all()
    assert db.session.get(Agency, agency.id).name == "Sở Lao động - Thương binh và Xã hội"
    assert _audit("update", "agency")[0].details["changed"]["name"][0] == "Sở Lao động"
    token = csrf_token(client, "/co-quan/")
    refused = client.post("/co-quan/SNV/trang-thai", data={"csrf_token": token, "active": "0"}, follow_redirects=True)
    assert "Sở Nội vụ đang chủ trì" in refused.get_data(as_text=True)
    client.post("/co-quan/SLDTBXH/trang-thai", data={"csrf_token": token, "active": "0"})
    db.session.expire_all()
    assert db.session.get(Agency, agency.id).active is False
    assert "cq:SLDTBXH" not in client.get("/activities/new").get_data(as_text=True)  # no longer an owner to pick
    assert len(_audit("retire", "agency")) == 1


def test_schedule_editor_previews_a_quarterly_task_then_saves_it(client, db, make_user, login, api_token):
    admin = make_user("admin")
    login(admin)
    assert 'name="kind"' in client.get(NEW_TASK).get_data(as_text=True)
    shown = post_form(client, NEW_TASK, {**QUARTERLY, "action": "preview"})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'data-preview-count="20"' in html  # 4 quarters × 2026–2030
    assert re.search(r'data-period="2026-Q3">Quý III/2026: 01/07/2026 – 10/10/2026<', html)
    assert db.session.scalar(select(func.count(Task.id)).where(Task.section == "VI")) == 2  # nothing saved yet
    saved = post_form(client, NEW_TASK, {**QUARTERLY, "action": "save"})
    assert saved.status_code == 302
    api = client.get(f"/api/v1/plans/{HP_PLAN}/tasks?year=2026&as_of=2026-07-01", headers=api_token(admin)).get_json()
    vi3 = next(t for t in api if t["label"] == "VI.3")
    assert [(i["period"], i["window_end"], i["status"]) for i in vi3["instances"]] == [
        ("2026-Q1", "2026-04-10", "overdue"), ("2026-Q2", "2026-07-10", "pending"),
        ("2026-Q3", "2026-10-10", "pending"), ("2026-Q4", "2027-01-10", "upcoming")]
    assert vi3["lead_text"] == "Sở Nội vụ" and len(api) == 43
    created = _audit("create", "task")[0]
    assert created.details["task"] == "VI.3" and created.details["values"]["schedule"] == {"kind": "quarterly"}


def test_bad_schedule_input_gets_a_vietnamese_message_next_to_the_field(client, db, make_user, login):
    login(make_user("city"))
    cases = [({"kind": "month", "month": ""}, "month", "Chọn tháng."),
             ({"kind": "once", "end": "31/02/2026"}, "end", "Ngày không hợp lệ, dùng dạng dd/mm/yyyy."),
             ({"kind": "once", "start": "01/07/2026", "end": "30/06/2026"}, "end", "Hạn cuối phải sau ngày bắt đầu."),
             ({"kind": "half_yearly", "h1_due": "25/07"}, "h1_due",
              "Hạn sáu tháng đầu phải trong tháng 1–6, hạn cả năm trong tháng 7–12."),
             ({"kind": "yearly", "last_day": "30/02"}, "last_day", "Ngày trong năm không có thật."),
             ({"kind": "monthly", "count": "0"}, "count", "Số sản phẩm mỗi kỳ phải từ 1 đến 31."),
             ({"kind": "yearly", "years": "hai nghìn"}, "years",
              "Liệt kê các năm cách nhau bằng dấu phẩy, ví dụ 2026, 2027.")]
    for fields, field, message in cases:
        response = post_form(client, NEW_TASK, {**QUARTERLY, **fields, "action": "save"})
        assert response.status_code == 422, fields
        assert _errors(response.get_data(as_text=True)).get(field) == message, fields
    missing = post_form(client, NEW_TASK, {**QUARTERLY, "text": "", "lead": "", "action": "save"})
    assert {"text", "lead"} <= set(_errors(missing.get_data(as_text=True)))
    assert db.session.scalar(select(func.count(Task.id))) == 42  # the shipped register, nothing added


def test_the_time_column_is_read_into_the_schedule(client, make_user, login):
    login(make_user("city"))
    read = post_form(client, NEW_TASK, {**QUARTERLY, "time_text": "Định kỳ, trước ngày 25/12 hằng năm",
                                        "product": "Báo cáo", "action": "parse"})
    html = read.get_data(as_text=True)
    assert '<option selected value="yearly">' in html and 'name="last_day" placeholder="dd/mm" type="text" value="24/12"' \
        in html
    assert re.search(r'data-period="2026">Năm 2026: 01/01/2026 – 24/12/2026<', html)


def test_a_schedule_that_drops_a_period_with_products_is_refused(client, db, make_user, login, task_of):
    task = task_of("VI.1")
    snv = db.session.scalar(select(Agency).where(Agency.code == "SNV"))
    db.session.add(TaskSubmission(task_id=task.id, period="2027", agency_id=snv.id, title="Báo cáo 2027",
                                  submitted_on=date(2027, 12, 1)))
    db.session.commit()
    login(make_user("admin"))
    url = f"/ke-hoach/{HP_PLAN}/nhiem-vu/{task.id}/sua"
    form = client.get(url).get_data(as_text=True)
    assert 'value="24/12"' in form and "Định kỳ, trước ngày 25/12 hằng năm" in form
    fields = {"section": "VI", "no": "1", "text": task.text, "lead": "SNV", "product": task.product,
              "time_text": task.time_text, "kind": "yearly", "last_day": "24/12", "count": "1", "action": "save"}
    refused = post_form(client, url, {**fields, "years": "2026"})
    assert refused.status_code == 422
    assert _errors(refused.get_data(as_text=True))["kind"].startswith("Lịch mới bỏ mất kỳ 2027 đã có sản phẩm nộp")
    assert post_form(client, url, {**fields, "last_day": "20/12"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task.id).schedule == {"kind": "yearly", "last_day": "12-20"}
    changed = _audit("update", "task")[0].details["changed"]["schedule"]
    assert changed == [{"kind": "yearly", "last_day": "12-24"}, {"kind": "yearly", "last_day": "12-20"}]


def test_a_retired_task_leaves_the_register_and_comes_back(client, db, make_user, login, api_token, task_of):
    admin = make_user("admin")
    login(admin)
    task = task_of("VI.1")
    state = f"/ke-hoach/{HP_PLAN}/nhiem-vu/{task.id}/trang-thai"
    client.post(state, data={"csrf_token": csrf_token(client, "/co-quan/"), "active": "0"})
    headers = api_token(admin)
    assert len(client.get(f"/api/v1/plans/{HP_PLAN}/tasks", headers=headers).get_json()) == 41
    assert client.get(f"/ke-hoach/{HP_PLAN}/nhiem-vu/{task.id}").status_code == 404
    assert 'data-task-retired' in client.get(f"/ke-hoach/{HP_PLAN}/nhiem-vu/{task.id}/sua").get_data(as_text=True)
    client.post(state, data={"csrf_token": csrf_token(client, "/co-quan/"), "active": "1"})
    assert len(client.get(f"/api/v1/plans/{HP_PLAN}/tasks", headers=headers).get_json()) == 42
    assert [e.action for e in db.session.scalars(select(AuditLog).where(AuditLog.object_type == "task"))] == [
        "retire", "restore"]


def test_city_office_adds_a_plan_and_keeps_sections_that_have_tasks(client, db, make_user, login):
    login(make_user("city"))
    plan = {"slug": "moi", "title": "Kế hoạch truyền thông năm 2027", "number": "15/KH-UBND", "start_year": "2027",
            "end_year": "2026", "sections": "I. Công tác chỉ đạo\nII"}
    bad = _errors(post_form(client, "/ke-hoach/moi", plan).get_data(as_text=True))
    assert set(bad) == {"slug", "end_year", "sections"}
    made = post_form(client, "/ke-hoach/moi", {**plan, "slug": "truyen-thong-2027", "end_year": "2027",
                                               "sections": "I. Công tác chỉ đạo\nII. Tuyên truyền"})
    assert made.status_code == 302 and made.headers["Location"].endswith("/ke-hoach/truyen-thong-2027/sua")
    created = db.session.scalar(select(Plan).where(Plan.slug == "truyen-thong-2027"))
    assert created.sections == [["I", "Công tác chỉ đạo"], ["II", "Tuyên truyền"]]
    edit = f"/ke-hoach/{HP_PLAN}/sua"
    shipped = db.session.scalar(select(Plan).where(Plan.slug == HP_PLAN))
    kept = "\n".join(f"{c}. {t}" for c, t in shipped.sections if c != "VI")
    refused = post_form(client, edit, {"title": shipped.title, "number": shipped.number, "start_year": "2026",
                                       "end_year": "2030", "sections": kept})
    assert _errors(refused.get_data(as_text=True))["sections"].startswith("Phần VI còn nhiệm vụ")
