"""The app with one fast-path trick undone, to measure what the trick is worth (`bench.checkin --against`).

Each is a WSGI app for gunicorn: `bench.variants:no_door`, … The figures go into
docs/checkin-fast-path.md; a trick worth under 5 % goes.
"""

import contextlib

from app import create_app


def _session_connection():
    """The API check-in on the ORM Session's pooled connection and transaction, committed after the answer."""
    from app.checkin import fastpath, services
    from app.extensions import db

    @contextlib.contextmanager
    def session_connection():
        yield fastpath.SESSION
        db.session.commit()

    services.direct_connection = session_connection
    return create_app()


def _no_write_gate():
    """SQLite's own busy handler instead of the queue."""
    from app.checkin import driver

    driver.gate_for = lambda engine: None
    return create_app()


def _checkpoint_in_the_gate():
    """SQLite's automatic checkpoint, run by the commit that fills its log, inside the write gate."""
    from app.checkin import driver

    driver.CHECKPOINT_EVERY = 0
    return create_app()


def _no_door():
    """The check-in POST through Flask's request handling and the view (app/api/checkins.py), no door."""
    return create_app(CHECKIN_DOOR=False)


def _separate_lookups():
    """The door reads the token, the activity in the caller's scope and a short ticket's registration by a statement
    each (no `checkin_caller`)."""
    from app.api import auth, checkin_door
    from app.auth.services import principal_of
    from app.checkin import services

    def two_statements(raw, now, activity_id, roles, conn, ticket=None):
        values = auth.token_values(raw, now, direct=True)
        if values is None:
            return None
        caller = principal_of(values)
        activity = services.checkin_activity(activity_id, caller, conn) if caller.role in roles else None
        holder = None if ticket is None else services.ticket_holder(ticket, conn, by="ticket_nonce")
        return values, activity, holder, ()

    checkin_door.checkin_caller = two_statements
    return create_app()


def _lazy(build):
    app = None

    def wsgi(environ, start_response):
        nonlocal app
        if app is None:
            app = build()
        return app(environ, start_response)

    return wsgi


session_connection = _lazy(_session_connection)
no_write_gate = _lazy(_no_write_gate)
no_door = _lazy(_no_door)
checkpoint_in_the_gate = _lazy(_checkpoint_in_the_gate)
separate_lookups = _lazy(_separate_lookups)
