"""Probes of the SQLite write gate (app/write_gate.py) as another thread or another process would see it."""

import fcntl
import os
import threading
import time

from app.write_gate import WriteGateTimeout


class ThreadContender:
    """Another thread of this process that queues for the gate, notes when it got in, and leaves at once."""

    def __init__(self, gate):
        self.gate = gate
        self.trying = threading.Event()
        self.got = threading.Event()
        self.got_at: float | None = None
        self.timed_out = False
        self.thread = threading.Thread(target=self._take, daemon=True)
        self.thread.start()
        assert self.trying.wait(5), "the contender thread did not start"

    def _take(self):
        self.trying.set()
        try:
            self.gate.acquire()
        except WriteGateTimeout:  # the gate leaked: the test fails on `got`, the thread must not die noisily
            self.timed_out = True
            return
        self.got_at = time.monotonic()
        self.got.set()
        self.gate.release()

    def join(self):
        self.thread.join(5)
        assert not self.thread.is_alive()


def free_for_another_thread(gate, within: float = 2.0) -> bool:
    """Whether another thread of this process gets the gate within `within` seconds (and has left it again)."""
    contender = ThreadContender(gate)
    got = contender.got.wait(within)
    if got:
        contender.join()
    return got


def free_for_another_process(gate) -> bool:
    """Whether another process could take the gate's file lock right now.

    flock(2) treats two open() of one file as independent even in one process, so a fresh descriptor sees
    exactly what another gunicorn worker would.
    """
    fd = os.open(gate.path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def assert_gate_free(gate):
    """Nothing is left holding the gate: another worker and another thread both get in at once."""
    assert free_for_another_process(gate), "the gate's file lock is still held"
    assert free_for_another_thread(gate), "another thread could not enter the gate"
