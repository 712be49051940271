"""Core statements compiled once and run on a DBAPI cursor (the check-in hot path).

A check-in runs three tiny statements (read the activity, INSERT … ON CONFLICT DO NOTHING, read the row on a
repeat). SQLAlchemy's per-execution work — an execution context, every parameter processed, result metadata,
and around them the Session's transaction bookkeeping — costs several times what SQLite itself spends, and
the check-in POST is the one endpoint that must keep up with a crowd at the door. So these statements are
still written in Core against the models' tables and compiled once per dialect; their parameters and results
go through the column types' own bind and result processors; only the execution layer is skipped.

They run on one of two connections:
- `SessionConnection`: the session's own, inside its transaction (forms, imports, tests): the caller commits
  the session once (STYLE 5).
- `DirectConnection`: a DBAPI connection kept by the thread, with no Session around it, in autocommit: each
  statement is its own transaction (the API check-in POST).
Either way a driver error is raised as SQLAlchemy's own exception, with the connection invalidated when the
driver says it is gone, so a lost database is still a 503 (app/errors.py), and on SQLite a write enters the
write gate (app/write_gate.py): until the session's transaction ends, or for the one autocommitted statement.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import Pool

from app.extensions import db
from app.write_gate import gate_for, hold_until_transaction_end

log = logging.getLogger(__name__)


class DriverStatement:
    """One Core statement compiled for one dialect, with the processors of its parameters and result columns."""

    def __init__(self, stmt, dialect):
        if not len(stmt.exported_columns):
            raise ValueError("a driver statement returns rows: a SELECT, or a write with RETURNING")
        compiled = stmt.compile(dialect=dialect)
        self.sql = compiled.string
        self.positional = compiled.positional
        self.names = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        binds = compiled.binds
        # Values bound inside the statement itself (e.g. the commune id `scope` adds), overridable by name.
        self.bound = {name: binds[name].effective_value for name in set(self.names)}
        processors = {name: binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in set(self.names)}
        self.active_processors = tuple((name, p) for name, p in processors.items() if p is not None)
        # Result columns of a SELECT go through their types (dates, UTC datetimes); RETURNING here is an integer id.
        columns = getattr(stmt, "selected_columns", ())
        processors = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]
        self.result_processors = processors if any(processors) else None

    def parameters(self, values: dict):
        """The driver's parameters (tuple or dict, as its paramstyle wants), each processed by its column type."""
        merged = {**self.bound, **values}
        for name, processor in self.active_processors:
            value = merged.get(name)
            if value is not None:
                merged[name] = processor(value)
        if self.positional:
            return tuple(map(merged.get, self.names))
        return {name: merged.get(name) for name in self.names}

    def rows(self, connection, values: dict, write: bool = False) -> list[tuple]:
        """Every row of the statement run on `connection` (a SessionConnection or DirectConnection)."""
        parameters = self.parameters(values)
        rows = connection.run(self.sql, parameters, write)
        processors = self.result_processors
        if processors is None:
            return rows
        return [tuple(p(v) if p is not None else v for p, v in zip(processors, row, strict=True)) for row in rows]

    def first(self, connection, values: dict, write: bool = False):
        """The first row, or None."""
        rows = self.rows(connection, values, write)
        return rows[0] if rows else None


def _run(dbapi_connection, dialect, invalidate, sql: str, parameters) -> list[tuple]:
    """Execute on the driver; its errors become SQLAlchemy's (a lost connection is invalidated, then re-raised)."""
    cursor = None
    try:
        cursor = dbapi_connection.cursor()  # inside: a connection closed underneath fails already here
        cursor.execute(sql, parameters)
        # Every statement here returns rows (DriverStatement refuses others): asking `description` first would
        # build a column object per column on psycopg, a tenth of a check-in's CPU there.
        return cursor.fetchall()
    except dialect.loaded_dbapi.Error as error:
        raise _wrapped(error, dialect, dbapi_connection, cursor, invalidate, sql, parameters) from error
    finally:
        if cursor is not None:
            cursor.close()


def _wrapped(error, dialect, dbapi_connection, cursor, invalidate, sql, parameters):
    """SQLAlchemy's exception for a driver error, the connection invalidated when the driver says it is gone."""
    gone = dialect.is_disconnect(error, dbapi_connection, cursor)
    if gone:
        invalidate(error)
    return sa_exc.DBAPIError.instance(sql, parameters, error, dialect.loaded_dbapi.Error,
                                      connection_invalidated=gone, dialect=dialect)


class SessionConnection:
    """The session's connection and transaction: the caller commits the session."""

    @property
    def dialect(self):
        """The dialect of the session's bind."""
        return db.session.get_bind().dialect

    def run(self, sql: str, parameters, write: bool = False) -> list[tuple]:
        """Run inside the session's transaction; on SQLite a write enters the write gate until that transaction ends."""
        if write:
            hold_until_transaction_end(db.session())
        connection = db.session.connection()
        return _run(connection.connection.driver_connection, connection.dialect, connection.invalidate, sql,
                    parameters)


class _Kept(threading.local):
    """Per thread: the connection a DirectConnection keeps between check-ins, and its engine."""

    engine = None
    raw = None


_KEPT = _Kept()


_INHERITED: list = []  # what a forked child got from its parent: held, never used, closed or given back


def _forget_after_fork() -> None:
    """A forked child never touches its parent's connection: SQLite forbids it, and on PostgreSQL the socket is
    the parent's (even the ROLLBACK a garbage-collected connection sends on its way back to the pool would land
    in the parent's session). The child starts with none and opens its own."""
    global _KEPT
    _INHERITED.append(_KEPT)
    _KEPT = _Kept()


os.register_at_fork(after_in_child=_forget_after_fork)


AUTOCOMMIT_KEY = "lantoa.autocommit"  # in a pooled connection's info: the dialect that put it in autocommit
WRITES_KEY = "lantoa.writes"  # in a kept SQLite connection's info: its writes since its last checkpoint
CHECKPOINT_EVERY = 200  # writes of one kept SQLite connection between two of its passive checkpoints (0: SQLite's own)
SQLITE_AUTOCHECKPOINT = 1000  # SQLite's default, given back with the connection


@event.listens_for(Pool, "checkin")
def _leave_autocommit(dbapi_connection, connection_record) -> None:
    """A connection a DirectConnection switched to autocommit goes back to its pool as the pool lent it, however it
    gets there (given back, or its thread ended and it was garbage-collected, as with a thread-per-request
    server): the next Session that borrows it must have real transactions again."""
    dialect = connection_record.info.pop(AUTOCOMMIT_KEY, None)
    if dialect is None or dbapi_connection is None:
        return
    try:
        dialect.reset_isolation_level(dbapi_connection)
        if connection_record.info.pop(WRITES_KEY, None) is not None:
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT}")
    except dialect.loaded_dbapi.Error as error:
        connection_record.invalidate(error)  # closed; the pool opens a fresh one when it is next needed


def drop_kept_connection() -> None:
    """This thread's kept connection goes back to its pool (out of autocommit: `_leave_autocommit`)."""
    raw = _KEPT.raw
    if raw is None:
        return
    _KEPT.raw, _KEPT.engine = None, None
    raw.close()


atexit.register(drop_kept_connection)  # a worker that exits closes its connection itself (PostgreSQL sees a clean goodbye)


class DirectConnection:
    """A DBAPI connection with no Session and no transaction around it: every statement commits by itself.

    A check-in writes one row with one INSERT … ON CONFLICT DO NOTHING, atomic on its own, and its two reads
    (the activity; the stored row on a repeat) share no snapshot with it, so the connection runs in the driver's
    autocommit mode. On PostgreSQL a check-in then costs two round trips (SELECT, INSERT) where a pooled
    transaction took five (pre-ping, BEGIN, SELECT, INSERT, COMMIT); on SQLite the write gate is held around the
    INSERT alone.

    Each thread keeps its connection between check-ins: no pool checkout, return or pre-ping. When the first
    statement on a kept connection finds it gone (the server restarted, an idle timeout), the connection is
    replaced and that statement runs once more. Any other error is raised as SQLAlchemy's (a lost database is a
    503); a connection the driver reports gone is closed when the `with` ends, and the thread's next check-in
    takes a new one. Use as a context manager.
    """

    def __init__(self, engine):
        self.dialect = engine.dialect
        self._engine = engine
        self._gate = gate_for(engine)
        kept = _KEPT.raw if _KEPT.engine is engine else None
        self._reused = kept is not None and kept.is_valid
        self._raw = kept if self._reused else self._checkout()
        self._dbapi = self._raw.driver_connection

    def _checkout(self):
        """A connection from the pool, in autocommit, kept for this thread (another engine's goes back to it)."""
        drop_kept_connection()
        dialect = self.dialect
        try:
            raw = self._engine.raw_connection()
        except dialect.loaded_dbapi.Error as error:  # the database is down: SQLAlchemy's error, so a 503
            raise sa_exc.DBAPIError.instance(None, None, error, dialect.loaded_dbapi.Error,
                                             dialect=dialect) from error
        try:
            dialect.set_isolation_level(raw.driver_connection, "AUTOCOMMIT")
            raw.info[AUTOCOMMIT_KEY] = dialect
            if self._gate is not None and CHECKPOINT_EVERY:  # SQLite: no checkpoint inside the gate (`_after_write`)
                raw.driver_connection.execute("PRAGMA wal_autocheckpoint=0")
                raw.info[WRITES_KEY] = 0
        except dialect.loaded_dbapi.Error as error:
            raw.invalidate()
            raw.close()
            raise sa_exc.DBAPIError.instance(None, None, error, dialect.loaded_dbapi.Error,
                                             dialect=dialect) from error
        _KEPT.raw, _KEPT.engine = raw, self._engine
        return raw

    def run(self, sql: str, parameters, write: bool = False) -> list[tuple]:
        """Run one statement, committed when it ends; a write enters the SQLite write gate for its duration."""
        gate = self._gate if write else None
        if gate is not None:
            gate.acquire()
        try:
            rows = self._run_on_a_live_connection(sql, parameters)
        finally:
            self._reused = False
            if gate is not None:
                gate.release()
        if gate is not None:
            self._after_write()
        return rows

    def _run_on_a_live_connection(self, sql: str, parameters) -> list[tuple]:
        try:
            return _run(self._dbapi, self.dialect, self._raw.invalidate, sql, parameters)
        except sa_exc.DBAPIError as error:
            if not (self._reused and error.connection_invalidated):
                raise
        # The kept connection died while idle: once, on a fresh one (nothing ran on the dead one).
        self._reused = False
        self._raw = self._checkout()  # the dead one is closed by drop_kept_connection
        self._dbapi = self._raw.driver_connection
        return _run(self._dbapi, self.dialect, self._raw.invalidate, sql, parameters)

    def _after_write(self) -> None:
        """SQLite: a passive checkpoint every CHECKPOINT_EVERY writes of this connection, once the gate is free.

        SQLite checkpoints in the commit that lets its log pass 1,000 pages, so one check-in in a hundred or so
        copied the log into the database — and fsynced both — while holding the write slot every other worker
        was queueing for. The kept connection has automatic checkpoints off and runs a passive one itself after
        its write, outside the gate: writers go on meanwhile (sessions' connections keep SQLite's automatic
        checkpoint). It gets SQLite's default back when it returns to its pool.
        """
        info = self._raw.info
        if WRITES_KEY not in info:  # SQLite's automatic checkpoints (CHECKPOINT_EVERY = 0)
            return
        writes = info[WRITES_KEY] + 1
        if writes >= CHECKPOINT_EVERY:
            writes = 0
            try:
                self._dbapi.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except self.dialect.loaded_dbapi.Error:  # the check-in is stored; the next checkpoint catches up
                log.warning("passive checkpoint failed", exc_info=True)
        info[WRITES_KEY] = writes

    def __enter__(self) -> DirectConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._raw.is_valid:  # it failed: closed now, replaced by the thread's next check-in
            if _KEPT.raw is self._raw:
                drop_kept_connection()
            else:
                self._raw.close()


class StatementCache:
    """Compiled statements by (key, dialect name), built on first use; bounded, shared by the threads of a process."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._data: dict = {}
        self._lock = threading.Lock()

    def get(self, key, dialect, build) -> DriverStatement:
        """The statement compiled for `key` on `dialect`; `build()` gives the Core statement."""
        full_key = (key, dialect.name)
        statement = self._data.get(full_key)
        if statement is None:
            statement = DriverStatement(build(), dialect)
            with self._lock:
                if len(self._data) < self.size:
                    self._data[full_key] = statement
        return statement
