"""The check-in fast path: the few statements a check-in runs, compiled once, on the thread's kept connection.

A phone check-in is two statements (read the activity in the caller's scope; one `INSERT … ON CONFLICT DO
NOTHING RETURNING id`), a scanned ticket three (the registration behind it is read the same way), a repeat one
more (the stored row); through the check-in door the token's lookup reads the activity, and a short ticket's
registration, in the same statement (`with_checkin_reads`). They are written in Core against
the models' tables and compiled once per dialect (`app/checkin/driver.py` runs them on the DBAPI cursor, with
the column types' own processors), on either
- `SESSION`: the session's connection and transaction (forms, imports, tests — the caller commits), or
- a `DirectConnection` (`direct_connection()`): the thread's kept autocommit connection, no ORM Session, where
  each statement is its own transaction (the API's check-in POST).
Every column list here is derived from the models, so a new column cannot be forgotten. Why each of these
tricks is here, with the benchmark figure that justifies it: `docs/checkin-fast-path.md`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, Text, and_, bindparam, cast, column, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.checkin.driver import DirectConnection, SessionConnection, StatementCache
from app.extensions import db
from app.models import Activity, ApiToken, CheckIn, Registration, User
from app.models.checkins import PERSON_COLUMNS
from app.models.types import UTCDateTime, as_utc
from app.write_gate import hold_until_transaction_end

SESSION = SessionConnection()  # statements run in the session's transaction unless a DirectConnection is given
Connection = SessionConnection | DirectConnection

_STATEMENTS = StatementCache()


def direct_connection() -> DirectConnection:
    """The thread's autocommit connection, no Session, for one check-in (the API hot path); use it in a `with`."""
    return DirectConnection(db.engine)


def _utc(value) -> datetime:
    """An aware UTC datetime from the driver's value of a UTCDateTime column (SQLite gives text)."""
    return as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


def _fast(column):
    """A UTCDateTime column read as the driver's own value (SQLite text, parsed by C `fromisoformat` in `_utc`,
    several times faster than SQLAlchemy's regex; PostgreSQL an aware datetime already)."""
    return type_coerce(column, String) if isinstance(column.type, UTCDateTime) else column


def _row_class(name: str, table, names: tuple[str, ...], doc: str):
    """A frozen dataclass with these columns of `table` (same names as the model's, so rules take either)."""
    cls = dataclass(frozen=True, slots=True)(type(name, (), {"__annotations__": {n: object for n in names},
                                                             "__doc__": doc}))
    cls.names = names
    cls.columns = tuple(table.c[n] for n in names)
    cls.times = frozenset(n for n in names if isinstance(table.c[n].type, UTCDateTime))
    return cls


def _from_row(cls, row):
    """An instance of a row class from a driver row (its UTC times made aware datetimes)."""
    values = dict(zip(cls.names, row, strict=True))
    for name in cls.times:
        if values[name] is not None:
            values[name] = _utc(values[name])
    return cls(**values)


# What a check-in reads of an activity: no JSON columns (partners, results…), no ORM object.
CheckinActivity = _row_class("CheckinActivity", Activity.__table__, (
    "id", "commune_id", "kind", "status", "start_at", "end_at", "checkin_open_minutes_before",
    "checkin_close_minutes_after"), "The columns of an activity a check-in needs.")
# The registration behind a ticket: who, and whether the ticket is still valid.
TicketHolder = _row_class("TicketHolder", Registration.__table__, (
    "id", "activity_id", "ticket_nonce", "revoked", *PERSON_COLUMNS),
    "A registration as the ticket path reads it: the ticket's state and the person's columns.")
# A stored check-in: every column of the table, so the answer needs no ORM object and no reload.
StoredCheckin = _row_class("StoredCheckin", CheckIn.__table__, tuple(c.key for c in CheckIn.__table__.columns),
                           "The values of a stored check-in row.")


def _select(cls, *where):
    return select(*(_fast(c) for c in cls.columns)).where(*where)


def checkin_activity(activity_id: int, user, conn: Connection = SESSION):
    """The columns a check-in needs of the activity in `user`'s scope, or None.

    The statement goes through `scope` once per (authenticated, role, commune) — everything `scope` reads of
    the user — and is reused with the activity id as a bound parameter.
    """
    from app.auth.access import scope

    key = ("activity", bool(getattr(user, "is_authenticated", False)), getattr(user, "role", None),
           getattr(user, "commune_id", None))
    stmt = _STATEMENTS.get(key, conn.dialect, lambda: scope(
        _select(CheckinActivity, Activity.id == bindparam("activity_id")), Activity, user))
    row = stmt.first(conn, {"activity_id": activity_id})
    return None if row is None else _from_row(CheckinActivity, row)


@dataclass(frozen=True, slots=True)
class _UserRow:
    """A user whose commune and agency are the joined `users` row's columns: `scope` then writes its rule for a
    role as a join condition, not as a comparison with one user's values."""

    role: str
    commune_id: object = User.commune_id
    agency_id: object = User.agency_id
    is_authenticated: bool = True


def scoped_activity_join(roles):
    """The join condition "the activity `:activity_id`, in the scope of the `users` row it is joined to": for
    each of `roles`, `scope`'s own rule (the one place commune scoping is written) applied to the row's columns;
    a user of another role joins no activity."""
    from app.auth.access import scope

    per_role = []
    for role in sorted(roles):
        rule = scope(select(Activity.id), Activity, _UserRow(role)).whereclause
        per_role.append(User.role == role if rule is None else and_(User.role == role, rule))
    return and_(Activity.id == bindparam("activity_id"), or_(*per_role))


_ACTIVITY_COLUMNS = tuple(_fast(c) for c in CheckinActivity.columns)
_TICKET_COLUMNS = tuple(_fast(c) for c in TicketHolder.columns)


def with_checkin_reads(lookup, roles, with_ticket: bool):
    """`lookup` (a SELECT with the `users` row in it) with what a check-in reads LEFT JOINed to it: the activity
    `:activity_id` in that user's scope (`scoped_activity_join`) and, `with_ticket`, the registration of the short
    ticket `:ticket` (its `ticket_nonce`) — so the check-in door reads the token and these in one statement
    (app/api/auth.py `checkin_caller`). `checkin_reads` gives them back from the row."""
    stmt = lookup.add_columns(*_ACTIVITY_COLUMNS).outerjoin(Activity, scoped_activity_join(roles))
    if with_ticket:
        stmt = stmt.add_columns(*_TICKET_COLUMNS).outerjoin(Registration,
                                                            Registration.ticket_nonce == bindparam("ticket"))
    return stmt


def checkin_reads(values) -> tuple:
    """(CheckinActivity or None, TicketHolder or None) of the columns `with_checkin_reads` added to a row (the row's
    tail); None where nothing was joined."""
    n = len(_ACTIVITY_COLUMNS)
    activity, ticket = values[:n], values[n:]
    return (None if activity[0] is None else _from_row(CheckinActivity, activity),
            None if not ticket or ticket[0] is None else _from_row(TicketHolder, ticket))


def ticket_holder(value, conn: Connection = SESSION, by: str = "id"):
    """The registration whose `by` column (its id, or `ticket_nonce` for a short ticket) is `value`, as the ticket
    path needs it, or None."""
    stmt = _STATEMENTS.get(("registration", by), conn.dialect, lambda: _select(
        TicketHolder, Registration.__table__.c[by] == bindparam("value")))
    row = stmt.first(conn, {"value": value})
    return None if row is None else _from_row(TicketHolder, row)


def existing(activity_id: int, nonce: str | None, phone: str | None, registration_id: int | None,
             conn: Connection = SESSION):
    """The row already stored for this nonce, phone or ticket, first by nonce (a replay gets its own answer)."""
    table = CheckIn.__table__
    for name, value in (("nonce", nonce), ("phone", phone), ("registration_id", registration_id)):
        if value is not None:
            stmt = _STATEMENTS.get(("existing", name), conn.dialect, lambda name=name: _select(
                StoredCheckin, table.c.activity_id == bindparam("activity_id"), table.c[name] == bindparam("value")))
            row = stmt.first(conn, {"activity_id": activity_id, "value": value})
            if row is not None:
                return _from_row(StoredCheckin, row)
    return None


def insert_once(model, values: dict, conn: Connection = SESSION, guard: tuple = ()) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the id, or None when a unique constraint already holds the row.

    The unique constraints (activity, phone), (activity, nonce), (activity, ticket) decide, so concurrent
    requests in any number of processes store one row; one statement, no savepoint round trips. On SQLite the
    write gate is entered first (app/write_gate.py): until the transaction ends, or for this statement alone
    in autocommit. Given a `guard` (PostgreSQL: `Stamps.guard`), the row is written only while the rows it
    names are unchanged, and StaleRead is raised when nothing was written (changed, or already there).
    """
    stmt = _STATEMENTS.get(("insert", model.__tablename__, tuple(values), tuple(t for t, _, _ in guard)),
                           conn.dialect, lambda: _insert_statement(model, values, conn.dialect.name, guard))
    row = stmt.first(conn, values | _guard_values(guard), write=True)
    if row is None and guard:
        raise StaleRead(model.__tablename__)
    return row[0] if row is not None else None


def _insert_statement(model, values: dict, dialect: str, guard: tuple = ()):
    """The dialect's INSERT … ON CONFLICT DO NOTHING RETURNING id over exactly these columns; with a guard,
    INSERT … SELECT those values WHERE each guarding row's `xmin` is still the one read."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = model.__table__
    columns = {name: bindparam(name, type_=table.c[name].type) for name in values}
    if not guard:
        return insert(table).values(columns).on_conflict_do_nothing().returning(table.c.id)
    unchanged = (select(_xmin(_STAMPED[name])).where(_STAMPED[name].c.id == bindparam(f"guard_{name}_id"))
                 .scalar_subquery() == bindparam(f"guard_{name}_xmin") for name, _, _ in guard)
    rows = select(*(cast(param, param.type) for param in columns.values())).where(*unchanged)
    return insert(table).from_select(list(values), rows).on_conflict_do_nothing().returning(table.c.id)


def insert_many(model, rows: list[dict]) -> int:
    """INSERT … ON CONFLICT DO NOTHING of many rows in the session's transaction, batched; how many were new.

    On SQLite the write gate is entered first and held until the caller commits (app/write_gate.py).
    """
    hold_until_transaction_end(db.session())
    table = model.__table__
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return len(db.session.execute(insert(table).on_conflict_do_nothing().returning(table.c.id), rows).all())


# --- A check-in's reads remembered between check-ins (PostgreSQL) -----------------------------------------
# At a fair, one staff token checks hundreds of people into one activity: the same token row, user row and
# activity row are read for every check-in. On PostgreSQL each read is a round trip, and the token's statement
# is half of a check-in's. So the door remembers what it read (`RecentReads`), with each row's `xmin` — the
# transaction that wrote the row's current version, changed by every UPDATE — and writes the next check-in by
# a guarded INSERT (`insert_once(guard=…)`): stored only while those three rows are the ones read. A revoked
# token, a deactivated user, a changed role or commune, a cancelled or moved activity: any change to those rows
# writes a new version, the guarded INSERT stores nothing, and the door reads everything again and answers as
# a fresh request does. No rule is written twice: the rules run in Python on the rows as read, and the guard
# only asks "are they still those rows?". docs/checkin-fast-path.md gives the figure.

_STAMPED = {"api_tokens": ApiToken.__table__, "users": User.__table__, "activities": Activity.__table__}


class StaleRead(Exception):
    """A guarded INSERT stored nothing: a row it was guarded by changed since it was read, or the row exists."""


def _xmin(table):
    return cast(column("xmin", _selectable=table), Text)


def _guard_values(guard: tuple) -> dict:
    values = {}
    for name, row_id, xmin in guard:
        values[f"guard_{name}_id"], values[f"guard_{name}_xmin"] = row_id, xmin
    return values


def with_stamps(stmt):
    """`stmt` (the door's lookup, with the activity joined) with each remembered row's `xmin` (PostgreSQL), and
    the token's expiry, added last; `stamps_of` reads them back."""
    return stmt.add_columns(*(_xmin(table) for table in _STAMPED.values()), ApiToken.expires_at)


_STAMP_COLUMNS = len(_STAMPED) + 1


@dataclass(frozen=True, slots=True)
class Stamps:
    """The row versions a lookup read: what a guarded INSERT checks, and until when the token is valid."""

    guard: tuple  # ((table name, row id, xmin), …) for insert_once
    expires_at: datetime | None


def stamps_of(row, token_id: int, user_id: int, activity_id: int) -> tuple[tuple, Stamps]:
    """(the row without the stamps, the Stamps) of a row of a `with_stamps` statement."""
    *xmins, expires_at = row[-_STAMP_COLUMNS:]
    ids = (token_id, user_id, activity_id)
    return row[:-_STAMP_COLUMNS], Stamps(tuple(zip(_STAMPED, ids, xmins, strict=True)),
                                         None if expires_at is None else _utc(expires_at))


class RecentReads:
    """A worker's remembered door lookups: key → (read, Stamps, valid until), at most `size` of them.

    An entry is used until the token expires or its once-a-minute use is due (which writes the token row, so
    the next lookup reads it afresh), and only with a guarded INSERT."""

    def __init__(self, size: int = 1024):
        self.size, self._entries = size, {}

    def get(self, key, now: datetime):
        entry = self._entries.get(key)
        if entry is None or now >= entry[2]:
            return None
        return entry[0], entry[1]

    def put(self, key, read, stamps: Stamps, until: datetime) -> None:
        if stamps.expires_at is not None:
            until = min(until, stamps.expires_at)
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[key] = (read, stamps, until)

    def forget(self, key) -> None:
        self._entries.pop(key, None)
