"""Check-in POST throughput and latency vs a bare Flask endpoint, same gunicorn config, same run (loopback).

Goals (issue "QR attendance"): throughput ratio ≥ 0.6 of the bare endpoint; p99 < 50 ms at 50 concurrent
clients; ≥ 500 check-ins/s at 250 concurrent clients with every request answered.

    python -m bench.checkin [--workers 4] [--threads 4] [--requests 3000]

Uses DATABASE_URL when it is PostgreSQL (the database is wiped and rebuilt!), else a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import gunicorn  # noqa: E402


def prepare(url: str) -> tuple[str, str]:
    """Build the schema, one activity happening now and a commune user's token; return (path, auth header)."""
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from app import create_app
    from app.admin.services import create_user
    from app.auth.services import issue_token
    from app.extensions import db
    from app.formatting import local
    from app.models import Activity, Commune
    from app.models.types import utcnow
    from app.seeding import seed

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        seed(app.config["CITY"])
        commune = db.session.scalar(select(Commune).where(Commune.code == "11311"))
        user = create_user("bench", "commune", "Matkhau123", "11311", "Bench")
        start = utcnow() - timedelta(hours=1)
        activity = Activity(commune_id=commune.id, kind="fair", title="Bench", start_at=start,
                            end_at=start + timedelta(hours=8), evidence_date=local(start).date(), status="planned")
        db.session.add(activity)
        db.session.flush()
        raw = issue_token(user)
        db.session.commit()
        path = f"/api/v1/activities/{activity.id}/checkins"
        db.session.remove()  # give the connection back before the pool goes, or it is dropped unclosed
        db.engine.dispose()
    return path, f"Bearer {raw}"


def load(port: int, path: str, headers: dict, clients: int, total: int, body_for) -> dict:
    """`total` POSTs from `clients` keep-alive connections; latencies and statuses."""
    per = total // clients
    lat: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def worker(w: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, codes = [], Counter()
        barrier.wait()
        try:
            for i in range(per):
                body = json.dumps(body_for(w * per + i))
                t0 = time.perf_counter()
                try:
                    conn.request("POST", path, body, headers)
                    response = conn.getresponse()
                    response.read()
                    codes[response.status] += 1
                except (OSError, http.client.HTTPException):
                    codes["error"] += 1
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                mine.append(time.perf_counter() - t0)
        finally:
            conn.close()
        with lock:
            lat.extend(mine)
            statuses.update(codes)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    lat.sort()
    return {"n": len(lat), "rps": len(lat) / elapsed, "p50": statistics.median(lat) * 1000,
            "p99": lat[int(len(lat) * 0.99) - 1] * 1000, "statuses": dict(statuses)}


def main() -> int:
    """Run the baseline and the check-in endpoint with the same gunicorn settings; print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    tmp = None
    if not url.startswith("postgresql"):
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{tmp.name}/bench.db"
    path, auth = prepare(url)
    headers = {"Content-Type": "application/json", "Authorization": auth}
    env = {"FLASK_CONFIG": "testing", "TEST_DATABASE_URL": url}
    config = {"workers": args.workers, "threads": args.threads}
    counter = iter(range(10**9))

    def person(i):
        n = next(counter)
        return {"full_name": f"Người {n}", "phone": f"09{n:08d}", "consent": True, "nonce": f"b{n}"}

    results = {}
    with gunicorn("bench.bare:app", {}, **config) as port:
        load(port, "/ping", headers, 10, 200, person)  # warm-up
        results["bare50"] = load(port, "/ping", headers, 50, args.requests, person)
        results["bare250"] = load(port, "/ping", headers, 250, args.requests, person)
    with gunicorn("wsgi:app", env, **config) as port:
        load(port, path, headers, 10, 200, person)
        results["checkin50"] = load(port, path, headers, 50, args.requests, person)
        results["checkin250"] = load(port, path, headers, 250, args.requests, person)

    dialect = url.split(":", 1)[0]
    print(f"gunicorn -w {args.workers} --threads {args.threads}, {dialect}, {args.requests} requests per run")
    for name, r in results.items():
        print(f"{name:11s} {r['rps']:8.0f} req/s  p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  {r['statuses']}")
    ratio = results["checkin50"]["rps"] / results["bare50"]["rps"]
    c50, c250 = results["checkin50"], results["checkin250"]
    answered = set(c250["statuses"]) <= {200, 201} and set(c50["statuses"]) <= {200, 201}
    print(f"ratio check-in / bare at 50 clients: {ratio:.2f} (goal ≥ 0.6) {'OK' if ratio >= 0.6 else 'MISSED'}")
    print(f"p99 at 50 clients: {c50['p99']:.1f} ms (goal < 50 ms) {'OK' if c50['p99'] < 50 else 'MISSED'}")
    print(f"throughput at 250 clients: {c250['rps']:.0f}/s (goal ≥ 500/s) {'OK' if c250['rps'] >= 500 else 'MISSED'}"
          f"; every request answered 201/200: {'yes' if answered else 'NO'}")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
