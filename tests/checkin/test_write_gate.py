"""The SQLite write gate (issue 5): writers of the check-in path queue for the one write slot, and always leave it."""

import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from app.checkin import services as svc
from app.models.types import utcnow
from app.write_gate import WriteGate, gate_for, hold_until_transaction_end
from tests.checkin.conftest import PERSON, count
from tests.checkin.gate_helpers import ThreadContender, assert_gate_free
from tests.support import csrf_token

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

ROOT = Path(__file__).resolve().parents[2]
HELD = 0.3  # how long a contender must have been kept out while the gate is held
PROMPT = 2.0  # generous: the machine is shared with benchmarks and these tests run at nice 19

CHILD = """
import sys, time
from app.write_gate import WriteGate

gate = WriteGate(sys.argv[1])
print("trying", flush=True)
gate.acquire()
print(time.monotonic(), flush=True)
if sys.argv[2] == "hold":
    time.sleep(120)
gate.release()
"""


class Child:
    """Another process on the same database file, running CHILD; its lines are read as they come."""

    def __init__(self, database: Path, mode: str = "leave"):
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, str(database), mode], cwd=ROOT, text=True,
                                     stdout=subprocess.PIPE)
        self.lines: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def line(self, within: float) -> str | None:
        """The child's next line if it prints one within `within` seconds."""
        try:
            return self.lines.get(timeout=within)
        except queue.Empty:
            return None

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.reader.join(5)
        self.proc.stdout.close()


@pytest.fixture
def app_gate(db):
    """The gate of the test database; the tests that need it make sense on SQLite only."""
    gate = gate_for(db.engine)
    if gate is None:
        pytest.skip("the write gate exists on a SQLite file only (PostgreSQL uses row locks)")
    return gate


def test_second_process_waits_for_the_first_to_release_then_gets_in_at_once(tmp_path):
    gate = WriteGate(str(tmp_path / "app.db"))
    gate.acquire()
    child = Child(tmp_path / "app.db")
    try:
        assert child.line(30) == "trying"
        assert child.line(HELD) is None, "the other process got in while this one held the gate"
        released_at = time.monotonic()
        gate.release()
        got = child.line(30)
        assert got is not None
        got_at = float(got)  # CLOCK_MONOTONIC is one clock for every process on the machine
        assert released_at <= got_at < released_at + PROMPT
        assert child.proc.wait(30) == 0
    finally:
        child.stop()


def test_gate_of_a_killed_process_is_free_again(tmp_path):
    gate = WriteGate(str(tmp_path / "app.db"))
    child = Child(tmp_path / "app.db", "hold")
    try:
        assert child.line(30) == "trying"
        assert child.line(30) is not None  # the child holds the gate
        contender = ThreadContender(gate)
        assert not contender.got.wait(HELD)
        child.proc.kill()
        assert contender.got.wait(PROMPT), "a dead worker left the gate shut"
        contender.join()
    finally:
        child.stop()


def test_second_thread_waits_for_the_first_to_release_then_proceeds(tmp_path):
    gate = WriteGate(str(tmp_path / "app.db"))
    gate.acquire()
    contender = ThreadContender(gate)
    assert not contender.got.wait(HELD), "another thread got in while the gate was held"
    released_at = time.monotonic()
    gate.release()
    assert contender.got.wait(PROMPT)
    assert released_at <= contender.got_at < released_at + PROMPT
    contender.join()


def test_same_thread_enters_twice_and_others_wait_until_it_left_twice(tmp_path):
    gate = WriteGate(str(tmp_path / "app.db"))
    gate.acquire()
    gate.acquire()  # would deadlock if the gate were not re-entrant
    contender = ThreadContender(gate)
    gate.release()
    assert not contender.got.wait(HELD), "one release of two let another thread in"
    gate.release()
    assert contender.got.wait(PROMPT)
    contender.join()


def test_gate_is_none_for_postgresql_and_in_memory_sqlite():
    assert gate_for(create_engine("postgresql+psycopg://app@127.0.0.1:1/none")) is None
    assert gate_for(create_engine("sqlite:///:memory:")) is None
    assert gate_for(create_engine("sqlite://")) is None


def test_one_sqlite_file_has_one_gate_whatever_the_url_spelling(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    absolute = gate_for(create_engine(f"sqlite:///{tmp_path / 'app.db'}"))
    relative = gate_for(create_engine("sqlite:///app.db"))
    assert absolute is relative and absolute.path == str(tmp_path / "app.db") + ".write-gate"


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_transaction_end_lets_the_next_writer_in(db, app_gate, end):
    hold_until_transaction_end(db.session())
    contender = ThreadContender(app_gate)
    assert not contender.got.wait(HELD), "another writer got in during the transaction"
    getattr(db.session, end)()
    assert contender.got.wait(PROMPT), f"{end} did not leave the gate"
    contender.join()
    assert_gate_free(app_gate)


def test_holding_twice_in_one_transaction_is_left_fully_at_its_end(db, app_gate):
    hold_until_transaction_end(db.session())
    hold_until_transaction_end(db.session())
    contender = ThreadContender(app_gate)
    assert not contender.got.wait(HELD)
    db.session.commit()
    assert contender.got.wait(PROMPT), "entered twice, left once"
    contender.join()
    assert_gate_free(app_gate)


def test_session_checkin_holds_the_gate_until_commit(db, app_gate, make_activity):
    activity = make_activity()
    svc.record_checkin(activity, PERSON, "staff", None, utcnow())
    contender = ThreadContender(app_gate)
    assert not contender.got.wait(HELD), "the INSERT ran outside the gate"
    db.session.commit()
    assert contender.got.wait(PROMPT)
    contender.join()
    assert_gate_free(app_gate)
    assert count(db, activity.id) == 1


def test_session_checkin_given_up_leaves_the_gate(db, app_gate, make_activity):
    activity = make_activity()
    svc.record_checkin(activity, PERSON, "staff", None, utcnow())
    db.session.rollback()
    assert_gate_free(app_gate)
    assert count(db, activity.id) == 0


def _api_checkin(client, headers, activity, **change):
    return client.post(f"/api/v1/activities/{activity.id}/checkins", json={**PERSON, **change}, headers=headers)


def test_refused_new_and_repeated_api_checkins_all_leave_the_gate(client, db, app_gate, make_user, api_token,
                                                                   make_activity):
    activity = make_activity()
    headers = api_token(make_user("commune"))
    assert _api_checkin(client, headers, activity, consent=False).status_code == 422
    assert_gate_free(app_gate)
    assert _api_checkin(client, headers, activity).status_code == 201
    assert_gate_free(app_gate)
    assert _api_checkin(client, headers, activity).status_code == 200  # the INSERT found the phone there
    assert_gate_free(app_gate)
    assert count(db, activity.id) == 1


def test_api_checkin_of_another_commune_and_of_a_viewer_leave_the_gate(client, db, app_gate, make_user, api_token,
                                                                       make_activity):
    activity = make_activity(commune_code="11948")
    assert _api_checkin(client, api_token(make_user("commune")), activity).status_code == 404
    assert _api_checkin(client, api_token(make_user("viewer")), activity).status_code == 403
    assert_gate_free(app_gate)
    assert count(db) == 0


def test_scanner_checkins_leave_the_gate(client, db, app_gate, make_user, login, make_activity):
    activity = make_activity()
    login(make_user("commune"))
    url = f"/activities/{activity.id}/scanner/checkins"
    headers = {"X-CSRFToken": csrf_token(client, f"/activities/{activity.id}/scanner")}
    body = {"full_name": "Lê Thị Hoa", "phone": "0911222333", "consent": True}
    assert [client.post(url, json=body, headers=headers).status_code for _ in range(2)] == [201, 200]
    assert_gate_free(app_gate)
    assert client.post(url, json={**body, "consent": False}, headers=headers).status_code == 422
    assert_gate_free(app_gate)
    assert count(db, activity.id) == 1


def test_a_child_forked_while_the_parent_holds_the_gate_waits_for_the_parent(tmp_path):
    """gunicorn forks workers: a child must never inherit the parent's place in the gate."""
    import os

    gate = WriteGate(str(tmp_path / "forked.db"))
    gate.acquire()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report how long it waited for the gate
        started = time.monotonic()
        gate.acquire()
        os.write(write, f"{time.monotonic() - started:.3f}".encode())
        gate.release()
        os._exit(0)
    try:
        time.sleep(HELD)
    finally:
        gate.release()
    waited = float(os.read(read, 64).decode())
    os.waitpid(pid, 0)
    assert waited >= HELD * 0.9  # it queued behind the parent instead of walking in beside it


def test_the_kept_connection_checkpoints_every_few_writes_outside_the_gate(db, app_gate, make_activity, monkeypatch):
    # SQLite's own checkpoint runs in the commit that fills the log: inside the gate every other worker queues
    # for. The kept connection turns it off and runs a passive one after its write instead (app/checkin/driver.py).
    from app.checkin import driver

    monkeypatch.setattr(driver, "CHECKPOINT_EVERY", 3)
    driver.drop_kept_connection()
    activity = make_activity()
    seen = []
    with svc.direct_connection() as conn:
        sqlite = conn._dbapi
        assert sqlite.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        sqlite.set_trace_callback(lambda sql: seen.append((sql, app_gate._depth)))
        for n in range(7):
            svc.record_checkin(activity, {**PERSON, "phone": f"091000000{n}"}, "staff", None, utcnow(), conn=conn)
        sqlite.set_trace_callback(None)
    checkpoints = [depth for sql, depth in seen if "wal_checkpoint" in sql]
    assert checkpoints == [0, 0], seen  # after the 3rd and the 6th write, the gate free both times
    assert count(db, activity.id) == 7
    driver.drop_kept_connection()  # back to its pool: SQLite's automatic checkpoint is on again for sessions
    assert sqlite.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == driver.SQLITE_AUTOCHECKPOINT
