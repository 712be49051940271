"""Check-ins on the driver (app/checkin/driver.py): what the API stores is what the ORM reads, errors are SQLAlchemy's."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, exc, insert, select
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

from app.auth.services import Principal
from app.checkin import services as svc
from app.checkin.driver import DriverStatement
from app.models import Agency, CheckIn, Commune
from app.models.types import utcnow
from app.write_gate import gate_for
from tests.checkin.conftest import PERSON, count
from tests.checkin.gate_helpers import assert_gate_free

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

BODY = {"full_name": "Phạm Thị Thu Hà", "phone": "0987001122", "birth_year": 1975, "audience": 2,
        "residence_code": "11948", "bhyt_status": "expired", "consent": True}


def _post(client, headers, activity, body):
    return client.post(f"/api/v1/activities/{activity.id}/checkins", json=body, headers=headers)


def _principal(user) -> Principal:
    return Principal(user.id, user.role, user.commune_id, user.username)


def _is_utc(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


def test_api_checkin_reads_back_through_the_orm_exactly_as_answered(client, db, make_user, api_token,
                                                                    make_activity):
    activity = make_activity()
    user = make_user("commune")
    headers = api_token(user)
    answer = _post(client, headers, activity, BODY)
    assert answer.status_code == 201, answer.json

    db.session.rollback()
    row = db.session.get(CheckIn, answer.json["id"])
    assert _is_utc(row.created_at)
    assert row.created_at.isoformat() == answer.json["checked_in_at"]
    assert (row.full_name, row.phone, row.audience, row.birth_year, row.bhyt_status, row.consent) == \
        ("Phạm Thị Thu Hà", "0987001122", 2, 1975, "expired", True)
    assert row.residence_commune_id == db.session.scalar(select(Commune.id).where(Commune.code == "11948"))
    assert (row.activity_id, row.source, row.created_by_id, row.code) == \
        (activity.id, "staff", user.id, answer.json["code"])
    assert row.name_key == "pham thi thu ha"

    listed = client.get(f"/api/v1/activities/{activity.id}/checkins", headers=headers).json
    assert [(c["id"], c["checked_in_at"], c["full_name"], c["phone"], c["residence_code"]) for c in listed] == \
        [(row.id, answer.json["checked_in_at"], "Phạm Thị Thu Hà", "0987001122", "11948")]


def test_same_phone_twice_on_the_api_answers_the_stored_first_time_and_keeps_one_row(client, db, make_user,
                                                                                    api_token, make_activity):
    activity = make_activity()
    headers = api_token(make_user("commune"))
    first = _post(client, headers, activity, BODY)
    again = _post(client, headers, activity, {**BODY, "full_name": "Người khác", "nonce": "n-2"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["duplicate"] is True
    assert again.json["id"] == first.json["id"] and again.json["full_name"] == "Phạm Thị Thu Hà"
    assert again.json["first_time"] == first.json["first_time"]
    # The repeat's answer is read back from the database through the column types: the same aware UTC time.
    assert again.json["checked_in_at"] == first.json["checked_in_at"]
    assert count(db, activity.id) == 1


def test_checkin_activity_gives_aware_utc_times_equal_to_the_orm(db, make_user, make_activity):
    activity = make_activity()
    found = svc.checkin_activity(activity.id, _principal(make_user("commune")))
    assert found is not None and found.id == activity.id
    assert (found.start_at, found.end_at) == (activity.start_at, activity.end_at)
    assert _is_utc(found.start_at) and _is_utc(found.end_at)
    assert (found.commune_id, found.kind, found.status) == (activity.commune_id, "fair", "planned")
    with svc.direct_connection() as conn:
        direct = svc.checkin_activity(activity.id, _principal(make_user("city")), conn)
    assert direct == found


def test_checkin_activity_of_another_commune_is_none_for_a_commune_user(db, make_user, make_activity):
    mine, theirs = make_activity(), make_activity(commune_code="11948")
    hong_bang = _principal(make_user("commune"))
    other = _principal(make_user("commune", commune_code="11948"))
    assert svc.checkin_activity(theirs.id, hong_bang) is None
    assert svc.checkin_activity(mine.id, hong_bang).id == mine.id  # the same compiled statement, another id
    assert svc.checkin_activity(theirs.id, other).id == theirs.id  # another commune: not the first one's scope
    assert svc.checkin_activity(mine.id, other) is None
    with svc.direct_connection() as conn:
        assert svc.checkin_activity(theirs.id, hong_bang, conn) is None
    assert svc.checkin_activity(theirs.id, _principal(make_user("viewer"))).id == theirs.id


def test_direct_connection_stores_the_row_when_the_insert_returns(db, make_activity):
    """Autocommit: the one INSERT is the transaction, durable before the answer is even built; a failure after it
    loses nothing (the client's retry with its nonce is answered with this row)."""
    activity = make_activity()
    now = utcnow()
    with pytest.raises(RuntimeError, match="mất điện"):
        with svc.direct_connection() as conn:
            outcome = svc.record_checkin(activity, PERSON, "staff", None, now, conn=conn,
                                         nonce="n-1")
            raise RuntimeError("mất điện")
    db.session.rollback()
    row = db.session.get(CheckIn, outcome.checkin.id)
    assert row.activity_id == activity.id and row.full_name == "Nguyễn Văn An" and row.created_at == now
    assert count(db, activity.id) == 1
    gate = gate_for(db.engine)
    if gate is not None:
        assert_gate_free(gate)
    with svc.direct_connection() as conn:
        again = svc.record_checkin(activity, PERSON, "staff", None, utcnow(), conn=conn, nonce="n-1")
    assert again.duplicate and again.checkin.id == row.id
    assert count(db, activity.id) == 1


def test_direct_connection_is_in_autocommit_and_goes_back_to_the_pool_without_it(app, db):
    from sqlalchemy import create_engine

    from app.checkin import driver

    dialect = db.engine.dialect
    with svc.direct_connection():
        kept = driver._KEPT.raw
        kept_driver = kept.driver_connection
        assert dialect.detect_autocommit_setting(kept_driver) is True
    assert driver._KEPT.raw is kept  # kept for the next check-in of this thread
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with driver.DirectConnection(other):  # another engine (a test's, a reloaded app's): the old one goes back
            assert driver._KEPT.raw is not kept
        assert dialect.detect_autocommit_setting(kept_driver) is False  # as the pool lent it
    finally:
        driver.drop_kept_connection()
        other.dispose()


def _not_null_violation(conn, activity):
    table = CheckIn.__table__
    stmt = insert(table).values(activity_id=bindparam("activity_id"), source=bindparam("source"),
                                full_name=bindparam("full_name", type_=table.c.full_name.type)).returning(table.c.id)
    DriverStatement(stmt, conn.dialect).rows(conn, {"activity_id": activity.id, "source": "staff",
                                                    "full_name": None}, write=True)


def test_a_driver_statement_returns_rows():
    # The driver reads every statement's rows without asking for a description first (app/checkin/driver.py).
    with pytest.raises(ValueError, match="returns rows"):
        DriverStatement(insert(CheckIn.__table__).values(source="staff"), sqlite_dialect())


def _invalid_sql(conn, activity):
    conn.run("SELECT * FROM no_such_table", ())


@pytest.mark.parametrize("mistake, error", [(_not_null_violation, exc.IntegrityError),
                                            (_invalid_sql, exc.DBAPIError)])
def test_driver_error_is_sqlalchemys_and_the_next_checkin_still_works(client, db, make_user, api_token,
                                                                      make_activity, mistake, error):
    activity = make_activity()
    with pytest.raises(error) as raised:
        with svc.direct_connection() as conn:
            mistake(conn, activity)
    assert isinstance(raised.value.orig, db.engine.dialect.loaded_dbapi.Error)  # the driver's, wrapped
    gate = gate_for(db.engine)
    if gate is not None:
        assert_gate_free(gate)
    response = _post(client, api_token(make_user("commune")), activity, BODY)
    assert response.status_code == 201, response.json
    assert count(db, activity.id) == 1


def test_created_at_stored_by_the_driver_is_utc_whatever_the_offset_given(db, make_activity):
    activity = make_activity()
    hanoi = datetime.now(UTC).astimezone(timezone(timedelta(hours=7))).replace(microsecond=123456)
    with svc.direct_connection() as conn:
        outcome = svc.record_checkin(activity, PERSON, "staff", None, hanoi, conn=conn)
    db.session.rollback()
    stored = db.session.get(CheckIn, outcome.checkin.id).created_at
    assert stored == hanoi and _is_utc(stored)


@pytest.fixture
def first_checkin(client, db, make_user, api_token, make_activity):
    """One API check-in made; (activity, headers, the connection the thread kept)."""
    from app.checkin import driver

    activity = make_activity()
    headers = api_token(make_user("commune"))
    assert _post(client, headers, activity, {**PERSON, "phone": "0901000001"}).status_code == 201
    assert driver._KEPT.raw is not None and driver._KEPT.raw.is_valid
    return activity, headers, driver._KEPT.raw


def test_connection_is_kept_between_checkins_of_one_thread(client, db, first_checkin):
    from app.checkin import driver

    activity, headers, kept = first_checkin
    assert _post(client, headers, activity, {**PERSON, "phone": "0901000002"}).status_code == 201
    assert driver._KEPT.raw is kept  # no pool checkout or return in between
    assert count(db, activity.id) == 2


def test_kept_connection_that_failed_is_closed_and_replaced(client, db, first_checkin):
    from app.checkin import driver

    activity, headers, kept = first_checkin
    kept.invalidate()  # as a lost connection would be
    assert _post(client, headers, activity, {**PERSON, "phone": "0901000004"}).status_code == 201
    assert driver._KEPT.raw is not kept and driver._KEPT.raw.is_valid
    assert count(db, activity.id) == 2
    gate = gate_for(db.engine)
    if gate is not None:
        assert_gate_free(gate)


def test_kept_connection_closed_underneath_while_idle_is_replaced_and_the_checkin_stored_once(client, db,
                                                                                              first_checkin):
    """A server restart or an idle timeout between two check-ins: the first statement finds the connection dead,
    a fresh one runs it again, and the staff see a normal 201."""
    from app.checkin import driver

    activity, headers, kept = first_checkin
    kept.driver_connection.close()  # the driver's own connection, as a dropped socket leaves it
    response = _post(client, headers, activity, {**PERSON, "phone": "0901000005", "nonce": "idle-1"})
    assert response.status_code == 201, response.json
    assert not kept.is_valid
    assert driver._KEPT.raw is not kept and driver._KEPT.raw.is_valid
    assert count(db, activity.id) == 2


def test_postgres_backend_killed_while_idle_is_replaced_without_an_error(app, client, db, first_checkin):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: a server process to terminate (run with DATABASE_URL=postgresql+psycopg://…)")
    from sqlalchemy import create_engine, text

    from app.checkin import driver

    activity, headers, kept = first_checkin
    pid = kept.driver_connection.info.backend_pid
    admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with admin.connect() as conn:
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}) is True
    finally:
        admin.dispose()
    response = _post(client, headers, activity, {**PERSON, "phone": "0901000006"})
    assert response.status_code == 201, response.json
    assert driver._KEPT.raw.driver_connection.info.backend_pid != pid
    assert count(db, activity.id) == 2


def test_a_forked_child_holds_but_never_uses_its_parents_kept_connection(client, db, first_checkin):
    import os

    from app.checkin import driver

    activity, headers, kept = first_checkin
    pid = os.fork()
    if pid == 0:  # the child: no kept connection of its own; the parent's is held, untouched
        ok = driver._KEPT.raw is None and any(getattr(k, "raw", None) is kept for k in driver._INHERITED)
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert _post(client, headers, activity, {**PERSON, "phone": "0901000007"}).status_code == 201
    assert driver._KEPT.raw is kept  # the parent goes on with its own connection
    assert count(db, activity.id) == 2


def test_a_thread_that_ends_with_its_kept_connection_gives_it_back_out_of_autocommit(app, db):
    """A thread-per-request server (`flask run`): the thread's connection is garbage-collected back to the pool,
    and the next Session to borrow it must have real transactions, not autocommit."""
    import gc
    import threading

    from app.checkin import driver

    seen = {}

    def one_request():
        with app.app_context(), svc.direct_connection():
            seen["driver"] = driver._KEPT.raw.driver_connection
            assert db.engine.dialect.detect_autocommit_setting(seen["driver"]) is True

    thread = threading.Thread(target=one_request)
    thread.start()
    thread.join()
    del thread
    gc.collect()
    assert db.engine.dialect.detect_autocommit_setting(seen["driver"]) is False


def test_the_doors_one_statement_lookup_finds_what_the_token_and_checkin_activity_find(db, make_user, api_token,
                                                                                       make_activity):
    """The door reads the token and the activity in one statement (app/api/auth.py `checkin_caller`): for every
    role, the same user values as `token_values` and, for the check-in roles, the same activity in scope as
    `svc.checkin_activity` — another commune's, a missing one and any activity for another role: none — and,
    given a short ticket, the registration `svc.ticket_holder` finds by it."""
    from app.api.auth import checkin_caller, token_values
    from app.api.checkin_door import ROLES

    mine, theirs = make_activity(), make_activity(commune_code="11948")
    tickets = [svc.register(activity, dict(PERSON), utcnow())[0].ticket_nonce for activity in (mine, theirs)]
    now = utcnow()
    agency_id = db.session.scalar(select(Agency.id).order_by(Agency.id).limit(1))
    for role in ("admin", "city", "commune", "viewer", "agency"):
        user = make_user(role, agency_id=agency_id) if role == "agency" else make_user(role)
        raw = api_token(user)["Authorization"].split(" ", 1)[1]
        db.session.commit()
        for activity_id in (mine.id, theirs.id, theirs.id + 1000):
            for ticket in (None, *tickets, "lt_no-such-ticket"):
                with svc.direct_connection() as conn:
                    values, activity, holder, guard = checkin_caller(raw, now, activity_id, ROLES, conn, ticket,
                                                                     fresh=True)
                    expected = svc.checkin_activity(activity_id, _principal(user), conn) if role in ROLES else None
                    registration = None if ticket is None else svc.ticket_holder(ticket, conn, by="ticket_nonce")
                assert values == token_values(raw, now)
                assert activity == expected, (role, activity_id)
                assert holder == registration, (role, activity_id, ticket)
                assert guard == ()  # read now, not remembered: its INSERT needs no guard
    assert svc.checkin_activity(theirs.id, _principal(make_user("commune"))) is None  # the rule the test relies on
    with svc.direct_connection() as conn:
        assert checkin_caller("lt_not-a-token", now, mine.id, ROLES, conn) is None
