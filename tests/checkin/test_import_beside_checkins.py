"""An attendee import never stalls the check-ins at the door (issue 14): it writes in batches, one transaction
each, and lets a waiting writer in between them."""

import threading
import time

import pytest

from app.checkin import attendee_import as imp
from app.models import Activity
from app.models.types import utcnow
from tests.checkin.conftest import count

pytestmark = pytest.mark.wipe  # the import's thread and the API check-in's own connection: the full wipe


def test_a_checkin_during_a_5000_row_import_is_answered_within_a_second(app, client, db, make_user, api_token,
                                                                         make_activity):
    activity, door = make_activity(), make_activity()
    headers = api_token(make_user("commune"))
    table = [["Họ và tên", "Số điện thoại"]] + [[f"Người {i}", f"08{i:08d}"] for i in range(5000)]
    writing, done = threading.Event(), threading.Event()

    def run_import():
        with app.app_context():
            target = db.session.get(Activity, activity.id)
            batches = imp.confirm(target, table, imp.guess_mapping(table[0]), None, utcnow(), "d" * 32)
            for _ in batches:
                writing.set()  # a batch is written and not committed yet: the write slot is held now
                db.session.commit()
            db.session.remove()
        done.set()

    importer = threading.Thread(target=run_import)
    importer.start()
    assert writing.wait(120), "the import never started writing"
    answered, n = [], 0
    while not done.is_set() or not answered:
        started = time.monotonic()
        response = client.post(f"/api/v1/activities/{door.id}/checkins", headers=headers,
                               json={"full_name": f"Khách {n}", "phone": f"07{n:08d}", "consent": True})
        answered.append((time.monotonic() - started, response.status_code, done.is_set()))
        n += 1
    importer.join(120)
    during = [a for a in answered if not a[2]]
    assert during, "no check-in was sent while the import was writing"
    assert {status for _, status, _ in answered} == {201}
    assert max(seconds for seconds, _, _ in during) < 1.0, sorted(round(s, 3) for s, _, _ in during)[-3:]
    assert count(db, activity.id) == 5000 and count(db, door.id) == len(answered)
