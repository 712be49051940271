"""Check-in POST throughput and latency vs a bare Flask endpoint, same gunicorn config, same run (loopback).

Goals (issues "QR attendance", 14): for both paths — a phone check-in (the person's fields) and a scanned
personal ticket (`{ticket}`) — throughput ratio ≥ 0.6 of the bare endpoint; p99 < 50 ms at 50 concurrent
clients; ≥ 500 check-ins/s at 250 concurrent clients with every request answered.

    python -m bench.checkin [--workers 4] [--threads 1] [--requests 3000] [--rounds 5] [--paths phone,ticket]
    python -m bench.checkin --against bench.variants:no_door --paths phone   # what one trick is worth

`--against APP` measures the check-in against the same app with one fast-path trick undone
(`bench/variants.py`) instead of the bare endpoint: the ratio is then the trick's worth (1.05 = 5 %).
Set LANTOA_PORTS=5150-5199 to keep the servers within a port range.

The gunicorn settings default to the README's production command (`gunicorn -w 4 wsgi:app`: four sync
workers, one request at a time each, behind nginx). Both servers run side by side for the whole run and are
measured in alternating rounds (bare, check-in, bare, check-in, …), so a slow moment of this shared machine
hits both; each round's check-in throughput is divided by the bare throughput of the same round, and the
median of those paired ratios is the ratio judged. Latency percentiles are pooled over every request of every
round. The server's CPU time per request (user + system, every gunicorn process, from /proc) is printed too:
it is what the ratio is made of, and it moves far less than throughput on a busy machine. A PostgreSQL server on
this machine is measured the same way (its processes' CPU per request): it shares the CPUs with gunicorn and the
load generator, so on a small machine its share counts against the check-in's ratio.

Uses DATABASE_URL when it is PostgreSQL (the database is wiped and rebuilt!), else a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import gunicorn  # noqa: E402

PEER_FIGURE = "a published figure for a peer ticketing system: 106 check-ins/s at 250 concurrent users on one vCPU"


def prepare(url: str, tickets: int = 0) -> tuple[str, str, list[str]]:
    """Build the schema, one activity happening now, a commune user's token and `tickets` registrations;
    return (path, auth header, the registrations' ticket tokens)."""
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from app import create_app
    from app.admin.services import create_user
    from app.auth.services import issue_token
    from app.checkin.tokens import new_public_token
    from app.extensions import db
    from app.formatting import local
    from app.models import Activity, Commune, Registration
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
        rows = [{"activity_id": activity.id, "ticket_nonce": new_public_token(), "revoked": False, "created_at": start,
                 "full_name": f"Người đăng ký {i}", "phone": f"03{i:08d}", "consent": True, "topics": "",
                 "name_key": f"nguoi dang ky {i}"} for i in range(tickets)]
        if rows:
            db.session.execute(Registration.__table__.insert(), rows)
        db.session.commit()
        # The tickets the app issues (issue 16): the short random token stored with the registration.
        tokens = list(db.session.scalars(select(Registration.ticket_nonce)
                                         .where(Registration.activity_id == activity.id).order_by(Registration.id)))
        path = f"/api/v1/activities/{activity.id}/checkins"
        db.session.remove()  # give the connection back before the pool goes, or it is dropped unclosed
        db.engine.dispose()
    return path, f"Bearer {raw}", tokens


def load(port: int, path: str, headers: dict, clients: int, total: int, body_for) -> dict:
    """`total` POSTs from `clients` keep-alive connections; latencies (s) and statuses."""
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
    return {"n": len(lat), "rps": len(lat) / elapsed, "lat": lat, "statuses": statuses}


def server_pids(port: int) -> list[int]:
    """The gunicorn processes (arbiter and workers) listening on `port`."""
    out = subprocess.run(["pgrep", "-f", f"127.0.0.1:{port}"], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (from /proc)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-quantile (0–1) of sorted values, in ms."""
    return sorted_values[max(0, int(len(sorted_values) * q) - 1)] * 1000


def database_pids(url: str) -> list[int]:
    """The PostgreSQL server's processes when it runs on this machine (it then shares its CPUs), else none."""
    if not url.startswith("postgresql") or not any(h in url for h in ("@127.0.0.1", "@localhost", "@[::1]")):
        return []
    out = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def measure(port: int, pids: list[int], path: str, headers: dict, clients: int, total: int, body_for,
            db_pids: list[int] = ()) -> dict:
    """One load run with the server's CPU time per request (and the local database server's)."""
    before, db_before = cpu_seconds(pids), cpu_seconds(db_pids)
    result = load(port, path, headers, clients, total, body_for)
    result["cpu_us"] = (cpu_seconds(pids) - before) / max(result["n"], 1) * 1e6
    result["db_cpu_us"] = (cpu_seconds(db_pids) - db_before) / max(result["n"], 1) * 1e6
    return result


def summary(runs: list[dict]) -> dict:
    """Median throughput and CPU per request; percentiles over every request of every run; all statuses."""
    lat = sorted(x for r in runs for x in r["lat"])
    statuses = Counter()
    for r in runs:
        statuses.update(r["statuses"])
    return {"rps": statistics.median(r["rps"] for r in runs), "p50": percentile(lat, 0.5),
            "p99": percentile(lat, 0.99), "cpu_us": statistics.median(r["cpu_us"] for r in runs),
            "db_cpu_us": statistics.median(r["db_cpu_us"] for r in runs),
            "statuses": dict(statuses), "rounds": [round(r["rps"]) for r in runs]}


def main() -> int:
    """Run the baseline and each check-in path with the same gunicorn settings in alternating rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--requests", type=int, default=3000, help="requests per round at 50 clients")
    parser.add_argument("--requests-250", type=int, default=5000, help="requests per round at 250 clients")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--paths", default="phone,ticket", help="phone, ticket or both (comma-separated)")
    parser.add_argument("--against", default="", help="an app spec to measure against instead of the bare endpoint")
    args = parser.parse_args()
    paths = [p for p in args.paths.split(",") if p]

    url = os.environ.get("DATABASE_URL", "")
    tmp = None
    if not url.startswith("postgresql"):
        tmp = tempfile.TemporaryDirectory()
        url = f"sqlite:///{tmp.name}/bench.db"
    per_path = 400 + args.rounds * (args.requests + args.requests_250)
    # Against a variant each path is measured against the variant on the same path: twice the tickets.
    path, auth, tickets = prepare(url, per_path * (2 if args.against else 1) if "ticket" in paths else 0)
    headers = {"Content-Type": "application/json", "Authorization": auth}
    env = {"FLASK_CONFIG": "testing", "TEST_DATABASE_URL": url}
    config = {"workers": args.workers, "threads": args.threads}
    phones, ticket_numbers = iter(range(10**9)), iter(range(len(tickets)))

    def phone(_i):
        n = next(phones)
        return {"full_name": f"Người {n}", "phone": f"09{n:08d}", "consent": True, "nonce": f"b{n}"}

    def ticket(_i):
        n = next(ticket_numbers)
        return {"ticket": tickets[n], "nonce": f"t{n}"}

    bodies = {"phone": phone, "ticket": ticket}
    baselines = {name: f"variant-{name}" for name in paths} if args.against else {name: "bare" for name in paths}
    names = [*dict.fromkeys(baselines.values()), *paths]
    runs: dict[str, list[dict]] = {f"{name}{c}": [] for name in names for c in (50, 250)}
    with gunicorn(args.against or "bench.bare:app", env if args.against else {}, timeout=180, **config) as base_port, \
            gunicorn("wsgi:app", env, timeout=180, **config) as app_port:
        targets = {}
        for name in paths:  # in rounds: the baseline, then the check-in it is the baseline of
            targets[baselines[name]] = (base_port, server_pids(base_port), path if args.against else "/ping",
                                        bodies[name] if args.against else phone)
            targets[name] = (app_port, server_pids(app_port), path, bodies[name])
        for port, _pids, target, body in targets.values():  # warm-up: imports, pools, caches of every worker
            load(port, target, headers, 20, 400 // len(targets), body)
        db_pids = database_pids(url)  # after the warm-up: every worker's connection has its server process
        for clients, total in ((50, args.requests), (250, args.requests_250)):
            for _ in range(args.rounds):
                for name, (port, pids, target, body) in targets.items():
                    runs[f"{name}{clients}"].append(measure(port, pids, target, headers, clients, total, body,
                                                            db_pids))

    dialect = url.split(":", 1)[0]
    print(f"gunicorn -w {args.workers} --threads {args.threads}, {dialect}, {args.rounds} alternating rounds of "
          f"{args.requests} requests (50 clients) and {args.requests_250} (250 clients); baseline: "
          f"{args.against or 'bare /ping'}")
    results = {name: summary(r) for name, r in runs.items()}
    for name, r in results.items():
        database = f"  database server CPU {r['db_cpu_us']:4.0f} µs/req" if db_pids else ""
        print(f"{name:15s} {r['rps']:6.0f} req/s (rounds {r['rounds']})  p50 {r['p50']:6.1f} ms  "
              f"p99 {r['p99']:6.1f} ms  server CPU {r['cpu_us']:5.0f} µs/req{database}  {r['statuses']}")
    for name in paths:
        baseline = baselines[name]
        ratios = [c["rps"] / b["rps"] for b, c in zip(runs[f"{baseline}50"], runs[f"{name}50"], strict=True)]
        ratio = statistics.median(ratios)
        cpu = results[f"{baseline}50"]["cpu_us"] / results[f"{name}50"]["cpu_us"]
        c50, c250 = results[f"{name}50"], results[f"{name}250"]
        answered = set(c250["statuses"]) <= {200, 201} and set(c50["statuses"]) <= {200, 201}
        if args.against:
            print(f"[{name}] with the trick / without ({args.against}): throughput {ratio:.2f} (paired rounds "
                  f"{[round(x, 2) for x in ratios]}), server CPU per request {1 / cpu:.2f} of the variant's")
            continue
        print(f"[{name}] ratio check-in / bare at 50 clients: {ratio:.2f} (paired rounds "
              f"{[round(x, 2) for x in ratios]}; goal ≥ 0.6) {'OK' if ratio >= 0.6 else 'MISSED'}")
        print(f"[{name}] p99 at 50 clients: {c50['p99']:.1f} ms (goal < 50 ms) {'OK' if c50['p99'] < 50 else 'MISSED'}")
        print(f"[{name}] throughput at 250 clients: {c250['rps']:.0f}/s (goal ≥ 500/s) "
              f"{'OK' if c250['rps'] >= 500 else 'MISSED'}; every request answered 201/200: "
              f"{'yes' if answered else 'NO'} ({PEER_FIGURE})")
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
