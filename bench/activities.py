"""Bench: the activities list page over 50,000 activities (goal < 300 ms, a constant number of queries).

Builds a temporary SQLite with the 114 communes of Hải Phòng and 50,000 activities, then times the first
page rendered through the test client (logged in as a city user) beside the bare list query of the same
run, and prints the ratio and the SQL query count.

    /work/main/.venv/bin/python bench/activities.py
"""

import os
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

N = 50_000
RUNS = 7


def main() -> None:
    """Build, warm up, measure, print."""
    from sqlalchemy import event, insert, select

    from app.activities.services import filtered_activities
    from app.domain.kinds import KINDS
    from app.extensions import db
    from app.models import Activity, Commune, User
    from bench.common import activity_row, bench_app

    app, user_id = bench_app("bench-activities-")
    with app.app_context():
        communes = db.session.scalars(select(Commune.id)).all()
        rng = random.Random(1)
        kinds = list(KINDS)
        base = datetime(2026, 1, 1, 1, tzinfo=UTC)
        rows = []
        for i in range(N):
            start = base + timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            rows.append(activity_row(i, start, rng.choice(communes), rng.choice(kinds)))
        t = time.perf_counter()
        db.session.execute(insert(Activity), rows)
        db.session.commit()
        print(f"built {N:,} activities in {time.perf_counter() - t:.1f} s", flush=True)

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": "bench", "password": "Matkhau123",
                                       "csrf_token": token}).status_code == 302

    def bare_query() -> None:
        with app.app_context():
            u = db.session.get(User, user_id)
            stmt = filtered_activities(u)
            assert len(db.paginate(stmt, page=1, per_page=app.config["PER_PAGE"], error_out=False).items) > 0

    def page_render() -> None:
        assert client.get("/activities").status_code == 200

    def best(fn) -> float:
        fn()
        times = []
        for _ in range(RUNS):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times) * 1000

    query_ms, page_ms = best(bare_query), best(page_render)
    with app.app_context():
        engine = db.engine
    count = [0]

    def on_execute(*args):
        count[0] += 1

    event.listen(engine, "before_cursor_execute", on_execute)
    page_render()
    event.remove(engine, "before_cursor_execute", on_execute)
    print(f"bare list query (count + first page): {query_ms:.1f} ms")
    print(f"list page rendered (GET /activities, city user): {page_ms:.1f} ms")
    print(f"ratio page / query: {page_ms / query_ms:.1f}x")
    print(f"SQL queries for the page: {count[0]}")
    print("goal: page < 300 ms, constant query count —", "OK" if page_ms < 300 else "TOO SLOW")


if __name__ == "__main__":
    main()
