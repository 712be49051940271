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
- `DirectConnection`: a pooled DBAPI connection with no Session around it, one short transaction that the
  caller commits with `commit()` (the API check-in POST).
Either way a driver error is raised as SQLAlchemy's own exception, with the connection invalidated when the
driver says it is gone, so a lost database is still a 503 (app/errors.py), and on SQLite the first write
enters the write gate (app/write_gate.py), left when the transaction ends.
"""

from __future__ import annotations

import os
import threading

from sqlalchemy import exc as sa_exc

from app.extensions import db
from app.write_gate import gate_for, hold_until_transaction_end


class DriverStatement:
    """One Core statement compiled for one dialect, with the processors of its parameters and result columns."""

    def __init__(self, stmt, dialect):
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

    def rows(self, connection, values: dict) -> list[tuple]:
        """Every row of the statement run on `connection` (a SessionConnection or DirectConnection)."""
        parameters = self.parameters(values)
        rows = connection.run(self.sql, parameters)
        processors = self.result_processors
        if processors is None:
            return rows
        return [tuple(p(v) if p is not None else v for p, v in zip(processors, row, strict=True)) for row in rows]

    def first(self, connection, values: dict):
        """The first row, or None."""
        rows = self.rows(connection, values)
        return rows[0] if rows else None


def _run(dbapi_connection, dialect, invalidate, sql: str, parameters) -> list[tuple]:
    """Execute on the driver; its errors become SQLAlchemy's (a lost connection is invalidated, then re-raised)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql, parameters)
        return cursor.fetchall() if cursor.description else []
    except dialect.loaded_dbapi.Error as error:
        raise _wrapped(error, dialect, dbapi_connection, cursor, invalidate, sql, parameters) from error
    finally:
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

    def run(self, sql: str, parameters) -> list[tuple]:
        """Run inside the session's transaction."""
        connection = db.session.connection()
        return _run(connection.connection.driver_connection, connection.dialect, connection.invalidate, sql,
                    parameters)

    def before_write(self) -> None:
        """SQLite: enter the write gate until the session's transaction ends."""
        hold_until_transaction_end(db.session())


class _Kept(threading.local):
    """Per thread: the SQLite connection a DirectConnection keeps between check-ins, and its engine."""

    engine = None
    raw = None


_KEPT = _Kept()


def _forget_after_fork() -> None:
    """A forked child never uses its parent's SQLite connection (SQLite forbids carrying one across fork)."""
    global _KEPT
    _KEPT = _Kept()


os.register_at_fork(after_in_child=_forget_after_fork)


class DirectConnection:
    """A pooled DBAPI connection without a Session: one short transaction, `commit()`ed by the caller.

    Use as a context manager: anything not committed is rolled back and the write gate is left. On PostgreSQL
    the connection then goes back to the pool (whose pre-ping notices a server that dropped it); a SQLite file
    has no server to drop it, so each thread keeps its connection checked out for the next check-in and skips
    the pool's checkout and return (a tenth of the check-in's CPU); a connection that failed is closed.
    """

    def __init__(self, engine):
        self.dialect = engine.dialect
        self._gate = gate_for(engine)
        self._in_gate = False
        self._committed = False
        self._keep = self._gate is not None  # a SQLite file
        raw = _KEPT.raw if self._keep and _KEPT.engine is engine else None
        if raw is None or not raw.is_valid:
            raw = self._checkout(engine)
        self._raw = raw
        self._dbapi = raw.driver_connection

    def _checkout(self, engine):
        """A connection from the pool (the kept one of another engine, e.g. a test's, goes back to its own)."""
        if self._keep and _KEPT.raw is not None:
            old, _KEPT.raw, _KEPT.engine = _KEPT.raw, None, None
            old.close()
        try:
            raw = engine.raw_connection()
        except self.dialect.loaded_dbapi.Error as error:  # the database is down: SQLAlchemy's error, so a 503
            raise sa_exc.DBAPIError.instance(None, None, error, self.dialect.loaded_dbapi.Error,
                                             dialect=self.dialect) from error
        if self._keep:
            _KEPT.raw, _KEPT.engine = raw, engine
        return raw

    def run(self, sql: str, parameters) -> list[tuple]:
        """Run in this connection's transaction."""
        return _run(self._dbapi, self.dialect, self._raw.invalidate, sql, parameters)

    def before_write(self) -> None:
        """SQLite: enter the write gate until commit or rollback."""
        if self._gate is not None and not self._in_gate:
            self._gate.acquire()
            self._in_gate = True

    def commit(self) -> None:
        """Commit the transaction and let the next writer in."""
        try:
            self._dbapi.commit()
            self._committed = True
        except self.dialect.loaded_dbapi.Error as error:
            raise _wrapped(error, self.dialect, self._dbapi, None, self._raw.invalidate, "COMMIT", ()) from error
        finally:
            self._leave_gate()

    def _leave_gate(self) -> None:
        if self._in_gate:
            self._in_gate = False
            self._gate.release()

    def __enter__(self) -> DirectConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if not self._committed and self._raw.is_valid:
                self._dbapi.rollback()  # an unfinished transaction is undone
        except self.dialect.loaded_dbapi.Error:
            self._raw.invalidate()
        finally:
            self._leave_gate()
            if not (self._keep and self._raw.is_valid):  # PostgreSQL, or a connection that failed
                if _KEPT.raw is self._raw:
                    _KEPT.raw, _KEPT.engine = None, None
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
