"""The check-in door's remembered reads on PostgreSQL (app/checkin/fastpath.py `RecentReads`, app/api/auth.py
`checkin_caller`): the second check-in with the same token and activity is one guarded INSERT, and any change
to the token, its user or the activity in between is answered exactly as a fresh request would answer it."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.checkin import services as svc
from app.checkin.driver import DirectConnection
from app.checkin.fastpath import RecentReads, Stamps
from app.models import Activity, ApiToken, CheckIn, Commune, Registration, User
from app.models.types import utcnow
from tests.checkin.conftest import PERSON

pytestmark = pytest.mark.wipe  # the door writes on its own connection: committed data, the full wipe


@pytest.fixture(autouse=True)
def _postgresql(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: rows are remembered by their xmin (run with DATABASE_URL=postgresql+psycopg://…)")


@pytest.fixture
def statements(monkeypatch):
    """The SQL of every statement the door runs on its kept connection."""
    seen = []
    run = DirectConnection.run

    def spy(self, sql, parameters, write=False):
        seen.append(sql)
        return run(self, sql, parameters, write)

    monkeypatch.setattr(DirectConnection, "run", spy)
    return seen


def _person(n: int) -> dict:
    return {**PERSON, "full_name": f"Người Thứ {n}", "phone": f"09870011{n:02d}", "nonce": f"n-{n}"}


def _post(client, headers, activity_id, body):
    return client.post(f"/api/v1/activities/{activity_id}/checkins", json=body, headers=headers)


def _stored(db, activity_id) -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(CheckIn.phone).where(CheckIn.activity_id == activity_id).order_by(CheckIn.id)))


@pytest.fixture
def remembered(client, db, make_user, api_token, make_activity, statements):
    """A commune user's token that checked one person into an activity and then a second one on remembered reads:
    (headers, activity id, user id)."""
    activity = make_activity()
    user = make_user("commune")
    headers = api_token(user)
    db.session.commit()
    assert _post(client, headers, activity.id, _person(1)).status_code == 201  # reads and touches the token
    assert _post(client, headers, activity.id, _person(2)).status_code == 201  # reads, remembers
    statements.clear()
    return headers, activity.id, user.id


def test_a_second_check_in_with_the_same_token_and_activity_is_one_guarded_insert(client, db, remembered,
                                                                                 statements):
    headers, activity_id, _ = remembered
    answer = _post(client, headers, activity_id, _person(3))
    assert answer.status_code == 201, answer.json
    assert answer.json["full_name"] == "Người Thứ 3" and answer.json["duplicate"] is False
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("INSERT"), statements
    assert "xmin" in statements[0]
    assert _stored(db, activity_id) == ["0987001101", "0987001102", "0987001103"]


CHANGES = {
    "token revoked": (lambda a, u: update(ApiToken).where(ApiToken.user_id == u.id).values(revoked=True), 401, None),
    "user deactivated": (lambda a, u: update(User).where(User.id == u.id).values(active=False), 401, None),
    "user made a viewer": (lambda a, u: update(User).where(User.id == u.id).values(role="viewer", commune_id=None),
                           403, None),
    "activity cancelled": (lambda a, u: update(Activity).where(Activity.id == a.id).values(
        status="cancelled", cancel_reason="Mưa bão"), 409, "activity_cancelled"),
    "activity given to another commune": (lambda a, u: update(Activity).where(Activity.id == a.id).values(
        commune_id=select(Commune.id).where(Commune.code == "11948").scalar_subquery()), 404, None),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_to_a_remembered_row_is_answered_as_a_fresh_request_answers_it(client, db, remembered, change,
                                                                                statements):
    headers, activity_id, user_id = remembered
    statement, status, code = CHANGES[change]
    db.session.execute(statement(db.session.get(Activity, activity_id), db.session.get(User, user_id)))
    db.session.commit()
    answer = _post(client, headers, activity_id, _person(3))
    assert answer.status_code == status, (change, answer.json)
    if code is not None:
        assert answer.json["error"]["code"] == code
    assert "0987001103" not in _stored(db, activity_id)
    assert _guarded(statements)  # it tried the remembered reads first, then read again


def test_a_repeat_on_remembered_reads_answers_the_first_check_in(client, db, remembered):
    headers, activity_id, _ = remembered
    answer = _post(client, headers, activity_id, {**_person(2), "nonce": "another-form"})
    assert answer.status_code == 200, answer.json
    assert answer.json["duplicate"] is True and answer.json["full_name"] == "Người Thứ 2"
    assert _stored(db, activity_id) == ["0987001101", "0987001102"]


def test_a_token_that_expires_while_remembered_is_refused(client, db, remembered, monkeypatch):
    headers, activity_id, user_id = remembered
    db.session.rollback()
    expires_at = db.session.scalar(select(ApiToken.expires_at).where(ApiToken.user_id == user_id))
    for where in ("app.api.checkin_door.utcnow", "app.api.auth.utcnow"):  # the door, and the view behind it
        monkeypatch.setattr(where, lambda: expires_at + timedelta(seconds=1))
    answer = _post(client, headers, activity_id, _person(3))
    assert answer.status_code == 401, answer.json
    assert "0987001103" not in _stored(db, activity_id)


def test_a_ticket_revoked_or_of_another_activity_on_remembered_reads(client, db, remembered, make_activity):
    headers, activity_id, _ = remembered
    activity, other = db.session.get(Activity, activity_id), make_activity()
    mine, revoked, theirs = (svc.register(a, _person(n), utcnow())[0] for a, n in
                             ((activity, 4), (activity, 5), (other, 6)))
    db.session.execute(update(Registration).where(Registration.id == revoked.id).values(revoked=True))
    db.session.commit()
    cases = [(mine.ticket_nonce, 201, None), (revoked.ticket_nonce, 410, "revoked_token"),
             (theirs.ticket_nonce, 422, "wrong_activity"), (mine.ticket_nonce, 200, None)]
    for ticket, status, code in cases:
        answer = _post(client, headers, activity_id, {"ticket": ticket})
        assert answer.status_code == status, (ticket, answer.json)
        if code is not None:
            assert answer.json["error"]["code"] == code
    assert _stored(db, activity_id) == ["0987001101", "0987001102", "0987001104"]


def test_recent_reads_keep_an_entry_until_its_time_or_the_tokens_expiry_and_stay_bounded():
    now = utcnow()
    reads = RecentReads(size=2)
    reads.put("a", "read a", Stamps((), None), until=now + timedelta(seconds=60))
    reads.put("b", "read b", Stamps((), now + timedelta(seconds=5)), until=now + timedelta(seconds=60))
    assert reads.get("a", now + timedelta(seconds=59))[0] == "read a"
    assert reads.get("a", now + timedelta(seconds=60)) is None
    assert reads.get("b", now + timedelta(seconds=4))[0] == "read b"
    assert reads.get("b", now + timedelta(seconds=5)) is None
    reads.put("c", "read c", Stamps((), None), until=now + timedelta(seconds=60))  # full: the old ones go
    assert reads.get("a", now) is None and reads.get("c", now)[0] == "read c"
    reads.forget("c")
    assert reads.get("c", now) is None


def _guarded(sqls) -> bool:
    return any(sql.lstrip().upper().startswith("INSERT") and "xmin" in sql for sql in sqls)


def test_only_a_lookup_that_did_not_touch_the_token_is_remembered(client, db, make_user, api_token, make_activity,
                                                                   statements):
    activity, user = make_activity(), make_user("commune")
    headers = api_token(user)
    db.session.commit()
    for n, guarded in ((1, False), (2, False), (3, True)):  # the first use writes the token's use: not kept
        statements.clear()
        assert _post(client, headers, activity.id, _person(n)).status_code == 201
        assert _guarded(statements) is guarded, (n, statements)
