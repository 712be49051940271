"""SPEC §17 questions: asked at check-in, on the thank-you page and at the stall; a scoped queue; the FAQ."""

from datetime import timedelta

from sqlalchemy import select

from app.models import Notification, Question
from app.models.types import utcnow
from tests.support import post_form
from tests.voice.helpers import rows


def _ask(client, token, **data):
    payload = {"question_text": "Con tôi học lớp 10 thì mua BHYT học sinh ở đâu?", "question_topic": "bhyt"}
    payload.update(data)
    return post_form(client, f"/cam-on/{token}/cau-hoi", payload, form_url=f"/cam-on/{token}")


def test_question_on_thank_you_page_is_in_its_communes_queue_only(client, db, app, make_activity, make_user, login,
                                                                 api_token, check_in):
    activity = make_activity()  # Phường Hồng Bàng
    resident = app.test_client()
    _, token = check_in(resident, activity)
    response = _ask(resident, token, question_callback="y")
    assert response.status_code == 302
    assert "Đã gửi câu hỏi" in resident.get(response.headers["Location"]).get_data(as_text=True)
    question = db.session.scalar(select(Question))
    assert (question.status, question.topic, question.phone, question.callback) == ("new", "bhyt", "0987654321", True)

    own, other = make_user("commune"), make_user("commune", commune_code="11948")
    login(own)
    assert "Con tôi học lớp 10" in client.get("/questions").get_data(as_text=True)
    assert client.get(f"/questions/{question.id}").status_code == 200
    headers = api_token(other)
    assert client.get("/api/v1/questions", headers=headers).get_json() == []
    assert client.patch(f"/api/v1/questions/{question.id}", json={"answer": "x"}, headers=headers).status_code == 404
    client.post("/logout", data={"csrf_token": ""})
    other_client = app.test_client()
    post_form(other_client, "/login", {"username": other.username, "password": other.plain_password})
    assert "Con tôi học lớp 10" not in other_client.get("/questions").get_data(as_text=True)
    assert other_client.get(f"/questions/{question.id}").status_code == 404
    assert post_form(other_client, f"/questions/{question.id}", {"answer": "x"}, form_url="/questions").status_code == 404


def test_question_asked_on_the_checkin_form_is_stored_with_the_checkin(db, app, make_activity, check_in):
    activity = make_activity()
    html, _ = check_in(app.test_client(), activity, question_text="Đóng BHXH tự nguyện mức thấp nhất bao nhiêu?",
                       question_topic="bhxh_tu_nguyen")
    assert "Đã gửi câu hỏi" in html
    question = db.session.scalar(select(Question))
    assert question.checkin_id is not None and question.topic == "bhxh_tu_nguyen"
    assert question.phone is None and not question.callback  # no consent to be called back: no phone kept


def test_empty_question_and_closed_activity_get_a_message_and_store_nothing(db, app, make_activity, check_in):
    activity = make_activity()
    resident = app.test_client()
    _, token = check_in(resident, activity)
    response = _ask(resident, token, question_text="   ")
    assert response.status_code == 422
    assert "Vui lòng nhập câu hỏi." in response.get_data(as_text=True)
    response = _ask(resident, token, question_text="x" * 2001)
    assert response.status_code == 422 and "tối đa 2.000 ký tự" in response.get_data(as_text=True)
    activity.status, activity.cancel_reason = "cancelled", "Mưa bão"
    db.session.commit()
    response = _ask(resident, token)
    assert response.status_code == 422 and "đã bị hủy" in response.get_data(as_text=True)
    assert rows(db, Question) == 0


def test_resident_cannot_ask_a_week_after_checkin_closed(db, app, make_activity, check_in):
    activity = make_activity()
    resident = app.test_client()
    _, token = check_in(resident, activity)
    activity.start_at -= timedelta(days=9)
    activity.end_at -= timedelta(days=9)
    db.session.commit()
    response = _ask(resident, token)
    assert response.status_code == 422 and "đã kết thúc" in response.get_data(as_text=True)
    assert rows(db, Question) == 0


def test_staff_log_a_question_at_the_stall_from_the_scanner_page(client, db, make_activity, make_user, login):
    activity = make_activity()
    login(make_user("commune"))
    page = client.get(f"/activities/{activity.id}/scanner").get_data(as_text=True)
    assert f'action="/activities/{activity.id}/questions"' in page
    response = post_form(client, f"/activities/{activity.id}/questions",
                         {"text": "Hưu trí có được cấp thẻ BHYT không?", "topic": "che_do", "phone": "0911222333",
                          "consent": "y", "next": f"/activities/{activity.id}/scanner"},
                         form_url=f"/activities/{activity.id}/scanner")
    assert response.headers["Location"].endswith(f"/activities/{activity.id}/scanner")
    question = db.session.scalar(select(Question))
    assert (question.source, question.callback, question.phone) == ("staff", True, "0911222333")
    assert f'action="/activities/{activity.id}/questions"' in client.get(f"/activities/{activity.id}").get_data(
        as_text=True)


def test_api_question_assign_notifies_answer_publish_then_faq_hides_name_and_phone(client, db, make_activity,
                                                                                 make_user, api_token):
    activity = make_activity()
    officer, colleague = make_user("commune", full_name="Lê Văn Cán"), make_user("commune")
    headers = api_token(officer)
    created = client.post(f"/api/v1/activities/{activity.id}/questions", headers=headers,
                          json={"text": "Anh Phạm Văn Hùng hỏi: thẻ BHYT hết hạn gia hạn ở đâu?", "topic": "bhyt",
                                "full_name": "Phạm Văn Hùng", "phone": "0909123456", "consent": True})
    assert created.status_code == 201, created.get_json()
    qid = created.get_json()["id"]
    assigned = client.patch(f"/api/v1/questions/{qid}", headers=headers, json={"assignee_id": colleague.id})
    assert assigned.get_json()["status"] == "assigned"
    assert db.session.scalar(select(Notification.link).where(Notification.user_id == colleague.id)) == f"/questions/{qid}"
    answer = "Gia hạn tại UBND phường hoặc đại lý thu BHXH gần nhất."
    answered = client.patch(f"/api/v1/questions/{qid}", headers=api_token(colleague),
                            json={"answer": answer, "public": True, "public_text": "Thẻ BHYT hết hạn gia hạn ở đâu?"})
    body = answered.get_json()
    assert (body["status"], body["answered_by_id"], body["public"]) == ("answered", colleague.id, True)
    faq = client.get("/hoi-dap").get_data(as_text=True)
    assert answer in faq and "Thẻ BHYT hết hạn gia hạn ở đâu?" in faq
    assert "Phạm Văn Hùng" not in faq and "0909123456" not in faq
    assert "gia han" in client.get("/hoi-dap?q=GIA+HAN").get_data(as_text=True).lower()
    assert "Chưa có câu hỏi nào phù hợp" in client.get("/hoi-dap?q=hung").get_data(as_text=True)
    closed = client.patch(f"/api/v1/questions/{qid}", headers=headers, json={"status": "closed"})
    assert closed.get_json()["closed_at"] is not None
    reopened = client.patch(f"/api/v1/questions/{qid}", headers=headers, json={"status": "new"})
    assert reopened.status_code == 409


def test_api_bad_question_input_is_422_and_stores_nothing(client, db, make_activity, make_user, api_token):
    activity = make_activity()
    headers = api_token(make_user("commune"))
    for body in ({"text": "", "topic": "bhyt"}, {"text": "Hỏi", "topic": "thue"}, {"text": "Hỏi", "phone": "123"},
                 {"text": "Hỏi", "phone": "0909123456"}, [1, 2]):
        response = client.post(f"/api/v1/activities/{activity.id}/questions", headers=headers, json=body)
        assert response.status_code == 422, body
        assert response.get_json()["error"]["fields"]
    assert rows(db, Question) == 0
    other = make_activity(commune_code="11948")
    assert client.post(f"/api/v1/activities/{other.id}/questions", headers=headers,
                       json={"text": "Hỏi"}).status_code == 404


def test_city_queue_shows_every_communes_open_questions_and_their_age(client, db, make_activity, make_user, login):
    from app.voice.questions import ask

    admin = make_user("admin")
    for code in ("11311", "11948"):
        question = ask(make_activity(commune_code=code), {"text": f"Câu hỏi của {code}"}, "staff", admin, utcnow())
        question.created_at = utcnow() - timedelta(days=5)
    db.session.commit()
    login(make_user("city"))
    html = client.get("/questions").get_data(as_text=True)
    assert "Câu hỏi của 11311" in html and "Câu hỏi của 11948" in html
    assert 'data-commune="11948"' in html
    assert "11948" in client.get("/questions?commune=11948").get_data(as_text=True)
    assert "Câu hỏi của 11311" not in client.get("/questions?commune=11948").get_data(as_text=True)


def test_a_residents_question_sent_twice_is_stored_once(db, app, make_activity, check_in):
    """Issue 22 item 7: a double tap on "Gửi câu hỏi" (a slow phone) stores one question."""
    import re

    from tests.support import csrf_from

    resident = app.test_client()
    _, token = check_in(resident, make_activity())
    page = resident.get(f"/cam-on/{token}").get_data(as_text=True)
    form = page[page.index(f'action="/cam-on/{token}/cau-hoi"'):]
    data = {"csrf_token": csrf_from(page), "form_token": re.search(r'name="form_token" value="([^"]+)"', form).group(1),
            "question_text": "Thẻ BHYT hết hạn thì gia hạn ở đâu?", "question_topic": "bhyt"}
    assert [resident.post(f"/cam-on/{token}/cau-hoi", data=data).status_code for _ in range(2)] == [302, 302]
    db.session.expire_all()
    assert len(db.session.scalars(select(Question)).all()) == 1
