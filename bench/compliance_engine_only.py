"""Bench: the pure compliance engine on 3,321 communes × 9 duties × 200,000 activities.

Goal (SPEC §4.3, one engine for every page): well under 0.3 s on a 2-core machine.
Prints the time of `evaluate` and its ratio to a baseline from the same run: one
pass over the same activities that only reads each fact once.

    .venv/bin/python bench/compliance_engine_only.py
"""

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.compliance.engine import ActivityFact, CommuneFact, SubmissionFact, evaluate  # noqa: E402
from app.compliance.templates import bhyt_day_2026  # noqa: E402

COMMUNES = 3_321
ACTIVITIES = 200_000
KINDS = (
    "fair",
    "conference",
    "communication_point",
    "small_group",
    "launch",
    "contest",
    "integrated",
    "livestream",
    "radio",
    "online_post",
    "press",
    "banner",
    "review",
    "advisory",
)
STATUSES = ("held",) * 7 + ("planned",) * 2 + ("cancelled",)


def build(seed=2026):
    """A deterministic synthetic season: communes, activities and report submissions."""
    rng = random.Random(seed)
    communes = [CommuneFact(f"{i:05d}", f"Xã {i}", "xa") for i in range(COMMUNES)]
    codes = [c.code for c in communes] + [None]
    first = date(2026, 6, 10)
    activities = [
        ActivityFact(
            i,
            rng.choice(codes),
            rng.choice(KINDS),
            rng.choice(STATUSES),
            first + timedelta(days=rng.randrange(40)),
        )
        for i in range(ACTIVITIES)
    ]
    submissions = [
        SubmissionFact(i, c.code, date(2026, 7, 1) + timedelta(days=rng.randrange(10)))
        for i, c in enumerate(communes)
        if rng.random() < 0.8
    ]
    return communes, activities, submissions


def best_of(runs, fn):
    """The fastest of several runs, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main():
    """Time evaluate() against a one-pass baseline and print both with their ratio."""
    campaign = bhyt_day_2026()
    communes, activities, submissions = build()
    as_of = date(2026, 7, 3)

    def baseline():
        return sum(1 for a in activities if a.status == "held" and a.evidence_date <= as_of)

    def engine():
        return evaluate(campaign, communes, activities, submissions, as_of)

    base = best_of(5, baseline)
    took = best_of(5, engine)
    matrix = engine()
    print(f"communes={COMMUNES} duties={len(campaign.duties)} activities={ACTIVITIES}")
    print(
        f"cells={matrix.summary['cells']} done={matrix.summary['done']} late={matrix.summary['late']} "
        f"overdue={matrix.summary['overdue']}"
    )
    print(f"baseline one pass: {base * 1000:.1f} ms")
    print(f"evaluate:          {took * 1000:.1f} ms  (ratio {took / base:.1f}× baseline; goal < 300 ms)")


if __name__ == "__main__":
    main()
