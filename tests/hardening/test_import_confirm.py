"""Issue 22 items 5 and 7: an attendee list is read once at upload and kept as parsed rows; confirming it twice —
a double click, two tabs, two gunicorn workers at once — writes its rows once and answers every request; a
cancelled, confirmed or day-old upload is forgotten."""

import http.client
import io
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.checkin import attendee_import, import_reading
from app.models import AuditLog, CheckIn, ImportUpload
from app.models.types import utcnow
from tests.support import csrf_token, post_form

ROWS = 150  # two batches of the confirmation


def _csv(n: int = ROWS) -> bytes:
    return ("Họ và tên,Số điện thoại\n" + "".join(f"Người Thứ {i},09{i:08d}\n" for i in range(n))).encode()


def _upload(client, activity_id: int, data: bytes, name: str = "ds.csv"):
    url = f"/activities/{activity_id}/import"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _count(db, model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


class _Browser:
    """One signed-in browser against the session's gunicorn: a cookie and the CSRF token of the page last read."""

    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, body: str = "") -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded"}
        conn.request(method, path, body or None, headers)
        response = conn.getresponse()
        text = response.read().decode()
        if response.getheader("Set-Cookie"):
            self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        conn.close()
        return response.status, text

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.request("GET", path)[1]).group(1)

    def login(self, user) -> None:
        body = f"csrf_token={self.token('/login')}&username={user.username}&password={user.plain_password}"
        assert self.request("POST", "/login", body)[0] == 302


@pytest.mark.slow
@pytest.mark.wipe  # gunicorn's workers see committed rows only
def test_four_concurrent_confirms_of_one_import_store_the_rows_once_and_answer_each(
        db, client, make_user, login, make_activity, gunicorn_port):
    activity, user = make_activity(), make_user("commune")
    db.session.commit()
    login(user)
    preview = _upload(client, activity.id, _csv()).headers["Location"]
    browser = _Browser(gunicorn_port)
    browser.login(user)
    body = f"csrf_token={browser.token(preview)}"
    start, answers = threading.Barrier(4), []

    def confirm():
        start.wait()
        answers.append(browser.request("POST", preview, body))

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(status for status, _ in answers) == [302] * 4, answers
    assert _count(db, CheckIn, CheckIn.activity_id == activity.id) == ROWS
    assert _count(db, AuditLog, AuditLog.action == "checkin.import") == 1  # one request wrote, the others were told
    kept = db.session.scalar(select(ImportUpload))
    assert (kept.state, kept.rows, kept.created) == ("done", None, ROWS)  # the parsed rows are forgotten


def test_a_second_confirm_is_told_what_the_first_wrote(client, db, make_user, login, make_activity):
    activity = make_activity()
    login(make_user("commune"))
    preview = _upload(client, activity.id, _csv(3)).headers["Location"]
    first = post_form(client, preview, {})
    again = post_form(client, preview, {}, form_url=f"/activities/{activity.id}/import", follow_redirects=True)
    assert first.status_code == 302 and again.status_code == 200
    assert "Danh sách này đã được nhập: 3 người" in again.get_data(as_text=True)
    assert _count(db, CheckIn, CheckIn.activity_id == activity.id) == 3


def test_the_list_is_read_once_at_upload_never_again(client, db, make_user, login, make_activity, monkeypatch):
    reads = []
    real = import_reading.read_upload
    monkeypatch.setattr(attendee_import, "read_upload", lambda data, ext: reads.append(ext) or real(data, ext))
    activity = make_activity()
    login(make_user("commune"))
    preview = _upload(client, activity.id, _csv(5)).headers["Location"]
    client.get(preview)
    client.get(preview + "?map_full_name=0&map_phone=1")
    post_form(client, preview, {"map_full_name": "0", "map_phone": "1"})
    assert reads == [".csv"] and _count(db, CheckIn, CheckIn.activity_id == activity.id) == 5


def test_cancel_forgets_the_list_and_imports_nobody(client, db, make_user, login, make_activity):
    activity = make_activity()
    login(make_user("commune"))
    preview = _upload(client, activity.id, _csv(3)).headers["Location"]
    assert 'action="' + preview + '/cancel"' in client.get(preview).get_data(as_text=True)
    assert post_form(client, preview + "/cancel", {}, form_url=preview).status_code == 302
    assert client.get(preview).status_code == 404
    assert post_form(client, preview, {}, form_url=f"/activities/{activity.id}/import").status_code == 404
    assert _count(db, ImportUpload) == 0 and _count(db, CheckIn, CheckIn.activity_id == activity.id) == 0


def test_an_upload_is_forgotten_after_24_hours_by_the_job_and_on_access(client, db, make_user, login,
                                                                       make_activity, app, runner):
    activity = make_activity()
    login(make_user("commune"))
    preview = _upload(client, activity.id, _csv(3)).headers["Location"]
    kept = db.session.scalar(select(ImportUpload))
    kept.created_at = utcnow() - timedelta(hours=24, minutes=1)
    db.session.commit()
    assert client.get(preview).status_code == 404  # expired on access, even before the job runs
    old_file = app.config["UPLOAD_DIR"] + "/imports/1-" + "a" * 32 + ".csv"  # what an older version kept
    import os

    os.makedirs(os.path.dirname(old_file), exist_ok=True)
    with open(old_file, "wb") as fh:
        fh.write(_csv(1))
    os.utime(old_file, (0, 0))
    result = runner.invoke(args=["jobs", "run", "import_cleanup"])
    assert result.exit_code == 0, result.output
    assert _count(db, ImportUpload) == 0 and not os.path.exists(old_file)
