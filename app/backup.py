"""Backups of the whole database: SQLite through the online backup API, PostgreSQL through pg_dump/pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    """A backup or restore that could not be done (message for the operator)."""


def _sqlite_file(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def pg_tool(name: str) -> str:
    """The newest pg_dump/pg_restore: $PGBIN, then Debian's /usr/lib/postgresql/*/bin, then PATH."""
    candidates = []
    if os.environ.get("PGBIN"):
        candidates.append(Path(os.environ["PGBIN"]) / name)
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)
                      if p.parent.name.isdigit() else 0, reverse=True)
    candidates += [p / name for p in versions]
    for path in candidates:
        if path.exists():
            return str(path)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client).")
    return found


def _pg_args(url) -> tuple[list[str], dict]:
    """Connection options and environment (password in PGPASSWORD, never on the command line)."""
    args = ["-d", url.database or ""]
    if url.host:
        args += ["-h", url.host]
    if url.port:
        args += ["-p", str(url.port)]
    if url.username:
        args += ["-U", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {result.stderr.strip()[-2000:]}")


def backup(database_url: str, path: str | os.PathLike) -> Path:
    """Write a consistent copy of the live database to `path` (written beside it, then renamed into place)."""
    url = make_url(database_url)
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if url.get_backend_name() == "sqlite":
            source = sqlite3.connect(_sqlite_file(url))
            dest = sqlite3.connect(partial)
            try:
                with dest:
                    source.backup(dest)  # a consistent snapshot even while gunicorn writes
            finally:
                dest.close()
                source.close()
        elif url.get_backend_name() == "postgresql":
            args, env = _pg_args(url)
            _run([pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(partial), *args], env)
        else:
            raise BackupError(f"No backup method for {url.get_backend_name()}.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _check_sqlite_backup(path: Path) -> None:
    """Refuse a file that is not an intact Lan Tỏa SQLite database before touching the live one."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a Lan Tỏa SQLite backup: {exc}") from None
    if ok != "ok" or not version:
        raise BackupError(f"{path} is damaged or has no schema version.")


def restore(database_url: str, path: str | os.PathLike) -> None:
    """Replace the live database's contents with the backup at `path` (the app need not be stopped)."""
    url = make_url(database_url)
    source_path = Path(path)
    if not source_path.is_file():
        raise BackupError(f"No backup file {source_path}.")
    if url.get_backend_name() == "sqlite":
        _check_sqlite_backup(source_path)
        live = _sqlite_file(url)
        live.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        dest = sqlite3.connect(live, timeout=30)
        try:
            # The backup API copies page by page under the database's own lock: other connections
            # (a running gunicorn) see the old or the new database, never a half-copied file.
            source.backup(dest)
        finally:
            dest.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
              str(source_path)], env)
    else:
        raise BackupError(f"No restore method for {url.get_backend_name()}.")
