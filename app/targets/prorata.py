"""“Địa bàn chưa đạt chỉ tiêu” (SPEC §16, seed 000 §V.7): communes below the pro-rata share of their yearly
participant targets on a date. Pure: no flask, no sqlalchemy.

The expected share on a date is the part of the year elapsed (30/6/2026: 181/365 = 49.6 %). A commune is listed
when, for BHXH bắt buộc or BHXH tự nguyện, its latest actual divided by the yearly target is below that share.
The BHYT rate is a coverage rate, not a count that grows through the year, so it has no pro-rata and is not used.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

PRO_RATA_FIGURES = ("bhxh_bat_buoc", "bhxh_tu_nguyen")


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A commune below pro-rata: the figures short, each as (achieved share, expected share)."""

    code: str
    name: str
    short: Mapping[str, tuple[float, float]]


def expected_share(as_of: date) -> float:
    """The part of `as_of`'s year elapsed at the end of that day."""
    days = (date(as_of.year, 12, 31) - date(as_of.year, 1, 1)).days + 1
    return as_of.timetuple().tm_yday / days


def below_pro_rata(communes: Iterable[tuple[str, str, Mapping, Mapping | None]], as_of: date) -> list[Shortfall]:
    """The communes `(code, name, target figures, actual figures or None)` below pro-rata on `as_of`, in the given
    order; a figure without a positive target is not judged, a missing actual counts 0."""
    expected = expected_share(as_of)
    listed = []
    for code, name, target, actual in communes:
        short = {}
        for figure in PRO_RATA_FIGURES:
            goal = target.get(figure) or 0
            if goal <= 0:
                continue
            achieved = ((actual or {}).get(figure) or 0) / goal
            if achieved < expected:
                short[figure] = (achieved, expected)
        if short:
            listed.append(Shortfall(code, name, short))
    return listed
