"""CPU time per check-in inside one process, the app against the app with one fast-path trick undone.

`bench/checkin.py` measures throughput under gunicorn, which on a shared machine moves with everyone else's
load; the CPU time one request costs the process moves far less. This runs N check-ins through the WSGI app
(Flask's test client, no HTTP) in a fresh process per measurement — the variants of `bench/variants.py`
patch modules, so each gets its own process — alternating app and variant, and prints the median CPU µs per
request of each and their ratio (1.08 = the trick saves 8 % of a check-in's CPU).

    python -m bench.checkin_cpu [--variants no_door,session_connection]
                                [--paths phone,ticket] [--requests 2000] [--rounds 3]

Uses DATABASE_URL when it is PostgreSQL (the database is wiped and rebuilt!), else a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _one(variant: str, path_kind: str, requests: int, url: str) -> float:
    """CPU µs per check-in of `variant` ("app" or a bench.variants name) in this process."""
    from bench import variants
    from bench.checkin import prepare
    from wsgi import app as real_app

    path, auth, tickets = prepare(url, requests + 200 if path_kind == "ticket" else 0)
    app = real_app if variant == "app" else getattr(variants, "_" + variant)()
    client = app.test_client()
    headers = {"Authorization": auth}

    def body(n: int) -> dict:
        if path_kind == "ticket":
            return {"ticket": tickets[n], "nonce": f"t{n}"}
        return {"full_name": f"Người {n}", "phone": f"09{n:08d}", "consent": True, "nonce": f"b{n}"}

    def run(first: int, count: int) -> None:
        for n in range(first, first + count):
            status = client.post(path, json=body(n), headers=headers).status_code
            assert status == 201, status

    run(0, 200)  # warm-up: imports, compiled statements, the kept connection
    started = time.process_time()
    run(200, requests)
    return (time.process_time() - started) / requests * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="no_door,session_connection")
    parser.add_argument("--paths", default="phone")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # internal: VARIANT PATH in this process
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if args.one:
        if not url.startswith("postgresql"):
            tmp = tempfile.TemporaryDirectory()
            url = f"sqlite:///{tmp.name}/bench.db"
        os.environ["TEST_DATABASE_URL"] = url
        os.environ.setdefault("FLASK_CONFIG", "testing")
        print(json.dumps(_one(args.one[0], args.one[1], args.requests, url)))
        return 0

    def measure(variant: str, path_kind: str) -> float:
        out = subprocess.run([sys.executable, "-m", "bench.checkin_cpu", "--one", variant, path_kind,
                              "--requests", str(args.requests)], cwd=ROOT, capture_output=True, text=True, check=True,
                             env={**os.environ, "FLASK_CONFIG": "testing"})
        return float(out.stdout.strip().splitlines()[-1])

    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(f"{dialect}, {args.rounds} alternating rounds of {args.requests} check-ins per process; load "
          f"{os.getloadavg()[0]:.1f}")
    for path_kind in args.paths.split(","):
        for variant in args.variants.split(","):
            app_us, variant_us = [], []
            for _ in range(args.rounds):
                app_us.append(measure("app", path_kind))
                variant_us.append(measure(variant, path_kind))
            ratio = statistics.median(v / a for a, v in zip(app_us, variant_us, strict=True))
            print(f"[{path_kind}] {variant:22s} app {statistics.median(app_us):6.0f} µs/req, without the trick "
                  f"{statistics.median(variant_us):6.0f} µs/req: the trick saves {(1 - 1 / ratio) * 100:5.1f} % "
                  f"(rounds app {[round(x) for x in app_us]}, variant {[round(x) for x in variant_us]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
