"""Issue 22 item 2: a revoked token gets 401 at once in every gunicorn worker (two workers, one database)."""

import http.client

import pytest
from sqlalchemy import select

from app.auth.services import revoke_token
from app.models import ApiToken
from app.models.types import utcnow

pytestmark = pytest.mark.wipe  # gunicorn's workers see committed rows only
CALLS = 24  # sequential requests on new connections: both workers answer some of them


def _statuses(port: int, headers: dict) -> set[int]:
    """The statuses of CALLS requests, each on a new connection (gunicorn hands them to either worker)."""
    out = []
    for _ in range(CALLS):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/v1/communes", headers=headers)
        response = conn.getresponse()
        response.read()
        out.append(response.status)
        conn.close()
    return set(out)


@pytest.mark.slow
def test_revoked_token_gets_401_at_once_in_another_worker(db, make_user, api_token, gunicorn_port):
    headers = api_token(make_user("city"))
    # Before issue 22 each worker cached the lookup for 5 s: after the revocation it still answered 200.
    assert _statuses(gunicorn_port, headers) == {200}
    revoke_token(db.session.scalar(select(ApiToken)), utcnow())
    db.session.commit()
    assert _statuses(gunicorn_port, headers) == {401}
