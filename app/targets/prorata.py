"""“Địa bàn chưa đạt chỉ tiêu” (SPEC §16, seed 000 §V.7): communes below the pro-rata share of their yearly
participant targets. Pure: no flask, no sqlalchemy.

The expected share on a day is the part of the year elapsed at its end (30/6/2026: 181/365 = 49.6 %). A commune's
figures are judged **at the date of its data**: the latest monthly actual known by the as-of day is compared with
the share expected at the end of that month (on 20/7 the June figures against 30/6's 49.6 %, not 20/7's 55 %:
the July figures do not exist yet). A commune is listed when, for BHXH bắt buộc or BHXH tự nguyện, that actual
divided by the yearly target is below the expected share. A commune with no actual yet is not judged ("Chưa có
số liệu"), and a figure without a positive target neither. The BHYT rate is a coverage rate, not a count that
grows through the year: it has a % achieved (actual rate / target rate) but no pro-rata.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

PRO_RATA_FIGURES = ("bhxh_bat_buoc", "bhxh_tu_nguyen")
FIGURES = ("bhxh_bat_buoc", "bhxh_tu_nguyen", "bhyt_rate")
# Bands of the pace (worst BHXH figure's achieved share ÷ expected share); the icon and word go with each.
BEHIND_FLOOR = 0.8  # at or above 80 % of the expected pace: "chậm tiến độ"; below: "chậm nhiều"
BANDS = ("done", "on_track", "behind", "far_behind", "no_data", "no_target")


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A commune below pro-rata: the figures short, each as (achieved share, expected share)."""

    code: str
    name: str
    short: Mapping[str, tuple[float, float]]


@dataclass(frozen=True, slots=True)
class Judged:
    """One commune's figures judged at the date of its data: % achieved per figure (None without a target or an
    actual), the expected share (None without an actual), the figures below it, and the band."""

    achieved: Mapping[str, float | None]
    expected: float | None
    short: Mapping[str, tuple[float, float]]
    band: str

    @property
    def listed(self) -> bool:
        """Below pro-rata for at least one participant figure."""
        return bool(self.short)


def expected_share(as_of: date) -> float:
    """The part of `as_of`'s year elapsed at the end of that day."""
    days = (date(as_of.year, 12, 31) - date(as_of.year, 1, 1)).days + 1
    return as_of.timetuple().tm_yday / days


def month_end(year: int, month: int) -> date:
    """The last day of a month (the date of that month's actual figures)."""
    return date(year, month, calendar.monthrange(year, month)[1])


def judge(target: Mapping | None, actual: Mapping | None, data_date: date | None) -> Judged:
    """Judge a commune's figures: `actual` is its latest monthly actual, dated `data_date` (its month's end)."""
    if not target or not any((target.get(f) or 0) > 0 for f in FIGURES):
        return Judged(dict.fromkeys(FIGURES), None, {}, "no_target")
    if actual is None or data_date is None:
        return Judged(dict.fromkeys(FIGURES), None, {}, "no_data")
    expected = expected_share(data_date)
    achieved, short, pace = {}, {}, []
    for figure in FIGURES:
        goal = target.get(figure) or 0
        achieved[figure] = (actual.get(figure) or 0) / goal if goal > 0 else None
        if figure in PRO_RATA_FIGURES and achieved[figure] is not None:
            pace.append(achieved[figure] / expected)
            if achieved[figure] < expected:
                short[figure] = (achieved[figure], expected)
    worst = min(pace) if pace else None
    if worst is None:
        band = "on_track" if all(v is None or v >= 1 for v in achieved.values()) else "behind"
    elif all(achieved[f] is None or achieved[f] >= 1 for f in PRO_RATA_FIGURES):
        band = "done"
    elif worst >= 1:
        band = "on_track"
    else:
        band = "behind" if worst >= BEHIND_FLOOR else "far_behind"
    return Judged(achieved, expected, short, band)


def below_pro_rata(communes: Iterable[tuple[str, str, Mapping, Mapping | None, date | None]]) -> list[Shortfall]:
    """The communes `(code, name, target figures, latest actual figures or None, its date)` below pro-rata, in the
    given order."""
    listed = []
    for code, name, target, actual, data_date in communes:
        judged = judge(target, actual, data_date)
        if judged.listed:
            listed.append(Shortfall(code, name, judged.short))
    return listed
