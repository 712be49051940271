"""The emulation score (thi đua, SPEC §16): a pure computation, no flask, no sqlalchemy.

Each commune has three parts, each a share from 0 to 1 or None when it cannot be measured yet:
- duties: duty cells done on time / duty cells due (done, late or overdue) across the year's campaigns;
- tasks: tasks completed / tasks due (None while no task register exists);
- targets: the mean over the yearly targets of min(actual / target, 1) of the latest actual known; None while the
  commune has no target, or no actual yet ("Chưa có số liệu", the list's own word for it: `target_part`).
The score is the weighted mean of the parts that exist, 0–100: a part that is None weighs nothing and the other
weights are scaled to sum to 1, so a commune is never penalised for what nobody can measure. Equal scores (to two
decimals) share a rank (1, 1, 3) and are listed by name in Vietnamese order.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.collation import vi_key

PARTS = ("duties", "tasks", "targets")
DEFAULT_WEIGHTS: Mapping[str, float] = {"duties": 0.4, "tasks": 0.2, "targets": 0.4}


@dataclass(frozen=True, slots=True)
class Entry:
    """A commune's measured parts (shares 0–1 or None)."""

    code: str
    name: str
    duties: float | None
    tasks: float | None
    targets: float | None


@dataclass(frozen=True, slots=True)
class Standing:
    """A commune's place in the ranking: score 0–100, rank, and each part as a percentage (or None)."""

    code: str
    name: str
    score: float
    rank: int
    parts: Mapping[str, float | None]


def duty_part(on_time: int, due: int) -> float | None:
    """Duties done on time / duties due; None when nothing was due yet."""
    return on_time / due if due else None


def target_part(target: Mapping[str, float | None] | None, actual: Mapping[str, float | None] | None,
                figures: Iterable[str]) -> float | None:
    """The mean of min(actual / target, 1) over the `figures` with a positive target; None when no target is set,
    and None — not 0 — while no actual is known for the year.

    Why None (chosen over "count it 0 and say so"): the actuals come from the BHXH data system and the city
    office loads them (SPEC §16); a commune has no way to send its own, so a missing month is a gap in the data,
    not a commune that enrolled nobody. Counting it 0 would rank a commune whose figures were not loaded yet below
    one that reached 10 % of its target, while the list "Địa bàn chưa đạt chỉ tiêu" says of the same commune
    "Chưa có số liệu" and does not judge it (app/targets/prorata.py). The score then renormalises over the parts
    that exist, the one rule the duty and task parts already follow, and the ranking shows the part as
    "Chưa có số liệu" so nobody reads the score as including it.
    """
    if not target or actual is None:
        return None
    shares = [min((actual.get(f) or 0) / target[f], 1.0) for f in figures if target.get(f)]
    return sum(shares) / len(shares) if shares else None


def score(entry: Entry, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float:
    """The weighted mean, 0–100, of the parts that exist (0 when none does), to two decimals."""
    present = {part: getattr(entry, part) for part in PARTS if getattr(entry, part) is not None}
    total = sum(weights.get(part, 0) for part in present)
    if total <= 0:
        return 0.0
    return round(100 * sum(weights.get(part, 0) * share for part, share in present.items()) / total, 2)


def rank(entries: Iterable[Entry], weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> list[Standing]:
    """Every commune's standing, best first; equal scores share a rank and are ordered by name (Vietnamese)."""
    if any(weights.get(part, 0) < 0 for part in PARTS):
        raise ValueError("weights must not be negative")
    scored = sorted(((score(e, weights), e) for e in entries), key=lambda se: (-se[0], vi_key(se[1].name), se[1].code))
    standings, previous, place = [], None, 0
    for position, (value, entry) in enumerate(scored, start=1):
        if value != previous:
            place, previous = position, value
        parts = {part: None if getattr(entry, part) is None else round(100 * getattr(entry, part), 2)
                 for part in PARTS}
        standings.append(Standing(entry.code, entry.name, value, place, parts))
    return standings
