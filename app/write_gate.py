"""SQLite: one writer at a time across every process and thread, queued instead of polling.

SQLite lets one connection write at a time. A second writer does not wait in a queue: its busy handler sleeps
and retries (1, 2, 5, 10, 15, 20, 25, … 100 ms), so under a crowd of check-ins a request can sleep far longer
than the few hundred microseconds the lock is actually held, and the CPU sits idle meanwhile (measured: two
thirds of a check-in's time was spent inside that sleep). The gate puts the writers of the hot path in a real
queue instead — a thread lock inside the process, then an exclusive `flock` on a file beside the database
across processes — taken before the first write and released when the session's transaction ends (commit or
rollback), so the SQLite lock is always free by the time the next writer in the queue runs.

A writer waits at most `DEADLINE_SECONDS` in all: then `WriteGateTimeout`, a SQLAlchemy `TimeoutError`, so the
request answers 503 with Retry-After like any busy database (app/errors.py) and the client resends with its
nonce. Inside a process the wait sleeps on the lock until woken; across processes `flock` has no timeout, so
a writer that finds the file locked retries it with sleeps of 20 µs doubling to 1 ms — a check-in holds it a
few hundred microseconds, and the longest holder, an attendee import, for its batched INSERTs and commit.

A process that dies releases its `flock` with its file descriptor. PostgreSQL needs none of this (row locks):
there the gate does nothing.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import weakref

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

INFO_KEY = "lantoa.write_gate"
DEADLINE_SECONDS = 5.0
FIRST_PAUSE, LONGEST_PAUSE = 20e-6, 1e-3


class WriteGateTimeout(sa_exc.TimeoutError):
    """The write slot was not free within the deadline (a long writer, or a transaction left open): a 503."""


class WriteGate:
    """The gate of one SQLite file: a thread lock, then an exclusive flock on `<database>.write-gate`."""

    def __init__(self, database_path: str):
        self.path = database_path + ".write-gate"
        self._forget()
        _EVERY_GATE.add(self)

    def _forget(self) -> None:
        """Hold nothing: a fresh lock, no hold count, no descriptor (a new gate, or one in a forked child).

        A child forked while its parent held the gate would otherwise inherit a held lock and a hold count and
        walk in beside the parent (or, forked from another thread, wait for a release that never comes); and
        flock belongs to an open file, so the child opens its own.
        """
        # Re-entrant: two sessions of one thread (a test and the request it makes) must not wait on each other.
        self._thread_lock = threading.RLock()
        self._depth = 0  # holds by the owning thread; read and written only while holding _thread_lock
        self._fd: int | None = None

    def _file(self) -> int:
        """This process's descriptor of the gate file, opened on first use."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def acquire(self, timeout: float = DEADLINE_SECONDS) -> None:
        """Wait for this process's turn, then for the file's, `timeout` seconds in all (WriteGateTimeout)."""
        deadline = time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=timeout):
            raise WriteGateTimeout(f"write gate held for more than {timeout} s in this process")
        try:
            if self._depth == 0:
                self._lock_file(deadline)
            self._depth += 1
        except BaseException:
            self._thread_lock.release()
            raise

    def _lock_file(self, deadline: float) -> None:
        """The exclusive flock of the gate file, retried with short sleeps until `deadline`."""
        fd, pause = self._file(), FIRST_PAUSE
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriteGateTimeout("write gate held by another process past the deadline") from None
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)

    def release(self) -> None:
        """Let the next writer in (when the owning thread's last hold ends)."""
        try:
            self._depth -= 1
            if self._depth == 0:
                fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


_EVERY_GATE: weakref.WeakSet = weakref.WeakSet()
_GATES: dict[str, WriteGate] = {}
_GATES_BY_ENGINE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_GATES_LOCK = threading.Lock()


def _reset_after_fork() -> None:
    """A forked child holds no gate (see WriteGate._forget)."""
    global _GATES_LOCK
    _GATES_LOCK = threading.Lock()
    for gate in list(_EVERY_GATE):
        gate._forget()


os.register_at_fork(after_in_child=_reset_after_fork)


def gate_for(engine) -> WriteGate | None:
    """The gate of the engine's SQLite file, or None (PostgreSQL, in-memory SQLite); looked up once per engine.

    A session bound to a Connection (the tests' rolled-back transaction) gives that connection's engine.
    """
    engine = getattr(engine, "engine", engine)
    try:
        return _GATES_BY_ENGINE[engine]
    except KeyError:
        pass
    url = engine.url
    gate = None
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = os.path.abspath(url.database)
        with _GATES_LOCK:
            gate = _GATES.get(path)
            if gate is None:
                gate = _GATES[path] = WriteGate(path)
    _GATES_BY_ENGINE[engine] = gate
    return gate


def hold_until_transaction_end(session: Session) -> None:
    """Enter the gate before this session's first write; it is left when the session's transaction ends.

    Idempotent within one transaction (an import of many rows enters once).
    """
    if INFO_KEY in session.info:
        return
    gate = gate_for(session.get_bind())
    if gate is None:
        return
    session.connection()  # the transaction exists first, so its end is sure to come and release the gate
    gate.acquire()
    session.info[INFO_KEY] = gate


@event.listens_for(Session, "after_transaction_end")
def _leave_gate(session, transaction):
    """Commit, rollback or close of the outermost transaction: the SQLite lock is free, let the next writer in."""
    if transaction.parent is None:
        gate = session.info.pop(INFO_KEY, None)
        if gate is not None:
            gate.release()
