"""SPEC §10 "runs once across processes": two real `flask scheduler` processes, one job run."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.scheduler.jobs import JOBS

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

ROOT = Path(__file__).resolve().parents[2]


def flask(*args, env, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def count(db_file, sql):
    with sqlite3.connect(db_file, timeout=10) as conn:
        return conn.execute(sql).fetchone()[0]


@pytest.mark.slow
def test_two_schedulers_started_together_run_a_job_once(tmp_path):
    db_file = tmp_path / "scheduler.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_file}", "FLASK_CONFIG": "development",
           "LANTOA_SCHEDULER_TEST_JOB": "unreported_activities", "LANTOA_SCHEDULER_TEST_DELAY": "3"}
    env.pop("TEST_DATABASE_URL", None)
    upgrade = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr

    processes = [flask("scheduler", "--lease", "10", "--poll", "0.5", env=env) for _ in range(2)]
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and count(db_file, "SELECT count(*) FROM job_runs") == 0:
            assert all(p.poll() is None for p in processes), "a scheduler exited early"
            time.sleep(0.3)
        time.sleep(4)  # time for a second run, if the lock let one through
        runs = count(db_file, "SELECT count(*) FROM job_runs WHERE job = 'unreported_activities' "
                              "AND trigger = 'schedule' AND error IS NULL AND finished_at IS NOT NULL")
        stored_jobs = count(db_file, "SELECT count(*) FROM apscheduler_jobs")
        holders = count(db_file, "SELECT count(*) FROM scheduler_lock")
    finally:
        for p in processes:
            p.terminate()
        outputs = [p.communicate(timeout=20)[0] for p in processes]
    assert runs == 1, outputs
    assert stored_jobs == len(JOBS)  # the cron jobs persist in the app database; the one-off test job is gone
    assert holders == 1
    assert sum("Một bộ lập lịch khác đang chạy" in out for out in outputs) == 1, outputs
    assert count(db_file, "SELECT count(*) FROM scheduler_lock") == 0  # released on SIGTERM
