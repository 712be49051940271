"""Benchmark: the task register's loader + engine against the same loader with per-unit queries (goal ≥ 20×,
under 0.5 s), and a constant number of queries whatever the number of communes.

3,321 communes × the 42 tasks of phat-trien-bhxh-2026-2030 × 5 years, with products for about half of the
instances due and activities for the activity-type tasks, in a temporary SQLite file.

    /work/main/.venv/bin/python bench/tasks.py [--communes 3321] [--as-of 2028-07-01]
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.compliance import task_loader  # noqa: E402
from app.compliance.schedules import Schedule, periods  # noqa: E402
from app.compliance.tasks import evaluate_tasks  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Activity, Agency, City, Commune, Plan, Task, TaskSubmission  # noqa: E402
from app.tasks.seed import seed_agencies, seed_plans  # noqa: E402

SLUG = "phat-trien-bhxh-2026-2030"


def build(n_communes: int, as_of: date, rng: random.Random) -> None:
    """Schema, communes, the shipped agencies and plan, products and activities up to `as_of`."""
    db.create_all()
    city = City(key="haiphong", code="31", name="Hải Phòng", full_name="Thành phố Hải Phòng", lead_office="BHXH")
    db.session.add(city)
    db.session.flush()
    db.session.execute(insert(Commune), [{"city_id": city.id, "code": f"{i:05d}", "name": f"Đơn vị {i}",
                                          "kind": ("phuong", "xa", "dac_khu")[i % 3]} for i in range(1, n_communes + 1)])
    seed_agencies(city)
    seed_plans(city)
    communes = db.session.scalars(select(Commune.id)).all()
    agencies = {a.code: a.id for a in db.session.scalars(select(Agency))}
    subs, acts = [], []
    now = datetime.now(UTC)
    for task in db.session.scalars(select(Task)):
        units = [("commune_id", c) for c in communes] if task.lead_type == "communes" else \
            [("agency_id", agencies[task.lead_codes[0]])]
        for p in periods(Schedule.from_dict(task.schedule), 2026, 2030):
            lo = p.start or date(2026, 1, 1)
            if lo > as_of:
                continue
            for column, unit in units:
                if rng.random() < 0.5:
                    continue
                day = lo + timedelta(days=rng.randint(0, ((p.end or as_of) - lo).days + 15))
                if task.kinds and rng.random() < 0.5:
                    start = datetime(day.year, day.month, day.day, 1, tzinfo=UTC)
                    acts.append({column: unit, "kind": sorted(task.kinds)[0] if "conference" not in task.kinds
                                 else "conference", "title": "Hoạt động", "start_at": start,
                                 "end_at": start + timedelta(hours=2), "evidence_date": day, "status": "held",
                                 "venue": "", "organiser": "", "partners": [], "audiences": [], "messages": [],
                                 "results": {}, "links": [], "notes": "", "checkin_open_minutes_before": 120,
                                 "checkin_close_minutes_after": 360, "preregistration": False, "created_at": now,
                                 "updated_at": now})
                else:
                    subs.append({"task_id": task.id, "period": p.key, column: unit, "title": "Sản phẩm",
                                 "submitted_on": day, "submitted_at": now, "source": "online", "doc_number": "",
                                 "url": "", "note": "", "original_name": "", "content_type": "", "size": 0})
    for start in range(0, len(subs), 20_000):
        db.session.execute(insert(TaskSubmission), subs[start:start + 20_000])
    for start in range(0, len(acts), 20_000):
        db.session.execute(insert(Activity), acts[start:start + 20_000])
    db.session.commit()


def per_unit(plan: Plan, as_of: date) -> dict:
    """The baseline: the same engine, fed unit by unit, each unit's products and activities queried on their own."""
    out = {}
    tasks = [t for t in plan.tasks if t.active]
    commune_tasks = [t for t in tasks if t.lead_type == "communes"]
    kinds = sorted({k for t in tasks for k in t.kinds or ()})
    units = [(code, "commune_id", cid, commune_tasks) for cid, code in
             db.session.execute(select(Commune.id, Commune.code).order_by(Commune.code))]
    units += [(a.code, "agency_id", a.id, [t for t in tasks if t.lead_type == "agency" and t.lead_codes[0] == a.code])
              for a in db.session.scalars(select(Agency))]
    for code, column, unit_id, unit_tasks in units:
        if not unit_tasks:
            continue
        ids = [t.id for t in unit_tasks]
        subs = db.session.execute(select(TaskSubmission.id, TaskSubmission.task_id, TaskSubmission.period,
                                         TaskSubmission.submitted_on)
                                  .where(getattr(TaskSubmission, column) == unit_id, TaskSubmission.task_id.in_(ids),
                                         TaskSubmission.withdrawn_at.is_(None), TaskSubmission.submitted_on <= as_of))
        acts = db.session.execute(select(Activity.id, Activity.kind, Activity.status, Activity.evidence_date)
                                  .where(getattr(Activity, column) == unit_id, Activity.kind.in_(kinds),
                                         Activity.status.in_(("held", "planned"))))
        from app.compliance.tasks import TaskSubmissionFact, UnitActivityFact

        facts = [TaskSubmissionFact(i, t, p, code, d) for i, t, p, d in subs]
        unit_acts = [UnitActivityFact(i, code, k, s, d) for i, k, s, d in acts]
        reg = evaluate_tasks([task_loader.task_spec(t) for t in unit_tasks], [code] if column == "commune_id" else [],
                             facts, unit_acts, as_of, plan.start_year, plan.end_year)
        for row in reg.rows:
            for i in row.instances:
                out[(i.task_id, i.period.key, i.unit_code)] = i.status
    return out


def main() -> None:
    """Build, time both in the same run, count the queries, print times and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--as-of", default="2028-07-01")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{os.path.join(tmp, 'bench.db')}")
        with app.app_context():
            t0 = time.perf_counter()
            build(args.communes, as_of, random.Random(1))
            n_subs = db.session.query(TaskSubmission).count()
            print(f"data: {args.communes} communes, 42 tasks × 2026–2030, {n_subs} products "
                  f"(built in {time.perf_counter() - t0:.1f} s)")
            queries = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(1))
            fast, fast_cpu, counts = [], [], []
            for _ in range(3):
                db.session.expire_all()
                queries.clear()
                t, c = time.perf_counter(), time.process_time()
                plan = task_loader.load_plan(SLUG)
                register = task_loader.load_register(plan, as_of)
                fast.append(time.perf_counter() - t)
                fast_cpu.append(time.process_time() - c)
                counts.append(len(queries))
            fast_s, fast_c = min(fast), min(fast_cpu)
            instances = {(i.task_id, i.period.key, i.unit_code): i.status for r in register.rows for i in r.instances}
            queries.clear()
            db.session.expire_all()
            t, c = time.perf_counter(), time.process_time()
            slow = per_unit(plan, as_of)
            slow_s, slow_c, slow_q = time.perf_counter() - t, time.process_time() - c, len(queries)
            agree = sum(1 for k, v in slow.items() if instances.get(k) == v)
            print(f"register as of {as_of}: {len(instances)} instances; per-unit agreement {agree}/{len(slow)}")
            print("                           wall s    CPU s   (CPU: this process only; the machine is shared)")
            print(f"loader + engine:         {fast_s:8.3f} {fast_c:8.3f}   {counts[0]} queries (each of 3 runs: "
                  f"{counts}); goal < 0.5 s: wall {'OK' if fast_s < 0.5 else 'MISSED'}, "
                  f"CPU {'OK' if fast_c < 0.5 else 'MISSED'}")
            print(f"per-unit queries:        {slow_s:8.3f} {slow_c:8.3f}   {slow_q} queries")
            ratio, ratio_c = slow_s / fast_s, slow_c / fast_c
            print(f"ratio per-unit / loader: {ratio:7.1f}× {ratio_c:7.1f}×   goal ≥ 20×: wall "
                  f"{'OK' if ratio >= 20 else 'MISSED'}, CPU {'OK' if ratio_c >= 20 else 'MISSED'}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
