"""A private, throwaway PostgreSQL cluster on loopback (initdb as the `postgres` user when run as root), for fault tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.server import free_port


def pg_bin() -> Path | None:
    """$PGBIN, else the newest /usr/lib/postgresql/*/bin that has initdb, else None."""
    if os.environ.get("PGBIN") and (Path(os.environ["PGBIN"]) / "initdb").exists():
        return Path(os.environ["PGBIN"])
    found = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    found.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else None


class Cluster:
    """One cluster in a temporary folder: start, stop (fast), url."""

    def __init__(self, bindir: Path, datadir: Path, port: int):
        self.bindir, self.datadir, self.port = bindir, datadir, port
        self._as_postgres = os.geteuid() == 0

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", "postgres", "--", *cmd] if self._as_postgres else cmd

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(self._cmd(*args), check=True, capture_output=True, timeout=timeout)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.datadir), "-A", "trust", "-U", "app", "-E", "UTF8", "--locale=C.UTF-8")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.datadir / "server.log"), "-w", "-t", "30", "-o",
                  f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c max_connections=100", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "30", "stop")

    def createdb(self, name: str) -> str:
        subprocess.run([str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "app", name],
                       check=True, capture_output=True, timeout=30)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://app@127.0.0.1:{self.port}/{name}"


@contextlib.contextmanager
def private_cluster():
    """Yield a started Cluster on a free loopback port; always stopped and deleted afterwards."""
    bindir = pg_bin()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb) not found")
    datadir = Path(tempfile.mkdtemp(prefix="res-pg."))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    cluster = Cluster(bindir, datadir, free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            cluster.stop("immediate")
        shutil.rmtree(datadir, ignore_errors=True)
