"""Start gunicorn on a free loopback port for live tests and benchmarks (bounded, always stopped)."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port(host: str = "127.0.0.1") -> int:
    """A free TCP port on `host`: within LANTOA_PORTS ("5150-5199") when set (a machine shared by several
    people gives each a range), else any."""
    first, _, last = os.environ.get("LANTOA_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in LANTOA_PORTS={os.environ['LANTOA_PORTS']}")


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict, workers: int = 4, threads: int = 1, ready_path: str = "/login",
             timeout: float = 120.0, host: str = "127.0.0.1", port: int | None = None):
    """Serve `app_spec` (e.g. "wsgi:app") with gunicorn on `host`; yield the port; stop it on exit."""
    port = port or free_port(host)  # a fixed port when the caller was given a range to use
    cmd = [GUNICORN, "-w", str(workers), "--threads", str(threads), "-b", f"{host}:{port}",
           "--backlog", "2048", "--graceful-timeout", "5", "--log-level", "warning", app_spec]
    # stderr goes to a file, never an unread pipe: once a pipe's 64 KB fill up (a log line per 503 during
    # a database outage), every worker blocks on its next log write and the server stops answering.
    log = tempfile.TemporaryFile(mode="w+", prefix="gunicorn-", suffix=".log")
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=log, text=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError("gunicorn exited: " + log.read()[-2000:])
            conn = http.client.HTTPConnection(host, port, timeout=2)
            try:
                conn.request("GET", ready_path)
                response = conn.getresponse()
                response.read()
                response.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
            finally:
                conn.close()
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
