"""Load: N concurrent check-ins (20 % repeats) against a live gunicorn, on SQLite and on PostgreSQL.

Reports sent, stored, answered new/repeat, errors and time; every check-in answered 201 must be stored
exactly once, every repeat answered 200.

    python -m bench.load [--checkins 10000] [--repeats 0.2] [--clients 50] [--db sqlite|postgres|both]

PostgreSQL: DATABASE_URL when it is PostgreSQL (the database is wiped and rebuilt!), else a private
throwaway cluster (initdb in a temporary folder) when the server binaries are installed.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin import prepare  # noqa: E402
from bench.server import gunicorn  # noqa: E402


def make_bodies(n: int, repeat_share: float, seed: int = 2026) -> tuple[list[dict], int]:
    """`n` check-in bodies, `repeat_share` of them repeats (half replay a nonce, half reuse a phone); and the unique count."""
    rng = random.Random(seed)
    repeats = int(n * repeat_share)
    unique = n - repeats
    phones = rng.sample(range(10**8), unique)
    bodies = [{"full_name": f"Người dự {i}", "phone": f"09{p:08d}", "consent": True, "nonce": f"u{i}"}
              for i, p in enumerate(phones)]
    for i in range(repeats):
        original = rng.choice(bodies[:unique])
        bodies.append(dict(original) if i % 2 else {**original, "nonce": f"r{i}"})
    rng.shuffle(bodies)
    return bodies, unique


@dataclass
class Result:
    """What the clients saw."""

    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    created_nonces: set = field(default_factory=set)
    elapsed: float = 0.0


def send(port: int, path: str, headers: dict, bodies: list[dict], clients: int, timeout: float = 60) -> Result:
    """POST every body once from `clients` keep-alive connections; connection errors are counted, not retried."""
    result = Result()
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def worker(chunk: list[dict]):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        codes, created = Counter(), set()
        barrier.wait()
        try:
            for body in chunk:
                try:
                    conn.request("POST", path, json.dumps(body), headers)
                    response = conn.getresponse()
                    response.read()
                    codes[response.status] += 1
                    if response.status == 201:
                        created.add(body["nonce"])
                except (OSError, http.client.HTTPException):
                    codes["error"] += 1
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        finally:
            conn.close()
        with lock:
            result.sent += len(chunk)
            result.statuses.update(codes)
            result.created_nonces |= created

    threads = [threading.Thread(target=worker, args=(bodies[i::clients],)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - t0
    return result


def stored_nonces(url: str, activity_id: int) -> list[str]:
    """The nonces of the check-ins stored for the activity (one row per stored check-in)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text("SELECT nonce FROM checkins WHERE activity_id = :a"), {"a": activity_id}))
    finally:
        engine.dispose()


def run(url: str, n: int, repeat_share: float, clients: int, workers: int, threads: int) -> dict:
    """Prepare the database, serve it with gunicorn, send the check-ins, count what was stored."""
    path, auth, _tickets = prepare(url)
    activity_id = int(path.split("/")[-2])
    headers = {"Content-Type": "application/json", "Authorization": auth}
    bodies, unique = make_bodies(n, repeat_share)
    env = {"FLASK_CONFIG": "testing", "TEST_DATABASE_URL": url}
    with gunicorn("wsgi:app", env, workers=workers, threads=threads) as port:
        result = send(port, path, headers, bodies, clients)
    stored = stored_nonces(url, activity_id)
    return {"dialect": url.split(":", 1)[0].split("+")[0], "sent": result.sent, "unique": unique,
            "repeats": n - unique, "new_201": result.statuses.get(201, 0), "repeat_200": result.statuses.get(200, 0),
            "errors": sum(v for k, v in result.statuses.items() if k not in (200, 201)),
            "statuses": dict(result.statuses), "stored": len(stored), "stored_distinct": len(set(stored)),
            "answered_201_missing": len(result.created_nonces - set(stored)), "seconds": result.elapsed,
            "per_second": result.sent / result.elapsed if result.elapsed else 0.0}


def check(r: dict) -> list[str]:
    """What is wrong with a run (empty when every check-in was answered and stored exactly once)."""
    problems = []
    if r["errors"]:
        problems.append(f"{r['errors']} requests not answered 200/201: {r['statuses']}")
    if r["stored"] != r["unique"] or r["stored_distinct"] != r["stored"]:
        problems.append(f"stored {r['stored']} (distinct {r['stored_distinct']}), expected {r['unique']}")
    if r["new_201"] != r["unique"] or r["repeat_200"] != r["repeats"]:
        problems.append(f"201×{r['new_201']} / 200×{r['repeat_200']}, expected {r['unique']} / {r['repeats']}")
    if r["answered_201_missing"]:
        problems.append(f"{r['answered_201_missing']} check-ins answered 201 are missing")
    return problems


def line(r: dict) -> str:
    """One line of figures."""
    return (f"{r['dialect']:10s} sent {r['sent']:6d}  new 201×{r['new_201']:6d}  repeats 200×{r['repeat_200']:5d}"
            f"  errors {r['errors']:3d}  stored {r['stored']:6d}  answered-201-missing {r['answered_201_missing']}"
            f"  {r['seconds']:6.1f} s  ({r['per_second']:.0f}/s)")


@contextlib.contextmanager
def postgres_url():
    """DATABASE_URL when it is PostgreSQL, else a private cluster; None when neither is available."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        yield url.replace("postgresql://", "postgresql+psycopg://", 1)
        return
    from bench.pgcluster import pg_bin, private_cluster

    if pg_bin() is None:
        yield None
        return
    with private_cluster() as cluster:
        yield cluster.createdb("bench_load")


def main() -> int:
    """Run the load on the chosen databases; exit 1 when a check-in was lost, doubled or unanswered."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkins", type=int, default=10_000)
    parser.add_argument("--repeats", type=float, default=0.2)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)  # the README's production command
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    options = (args.checkins, args.repeats, args.clients, args.workers, args.threads)
    print(f"{args.checkins} check-ins ({args.repeats:.0%} repeats) from {args.clients} clients, "
          f"gunicorn -w {args.workers} --threads {args.threads}, loopback")
    failed = False
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="res-load.") as tmp:
            r = run(f"sqlite:///{tmp}/load.db", *options)
        print(line(r))
        for problem in check(r):
            print("  PROBLEM:", problem)
            failed = True
    if args.db in ("postgres", "both"):
        with postgres_url() as url:
            if url is None:
                print("postgresql skipped: no DATABASE_URL and no PostgreSQL server binaries")
            else:
                r = run(url, *options)
                print(line(r))
                for problem in check(r):
                    print("  PROBLEM:", problem)
                    failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
