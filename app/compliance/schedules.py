"""Task schedules and their periods (SPEC §14): the plan's "Thời gian thực hiện" column as data.

Pure by design, like `engine.py`: standard library only, frozen dataclasses, no date read from the clock.
A schedule is stored as a small dict (the city office edits it); `Schedule.from_dict` checks it and
`periods` turns it into the windows (inclusive) of the years a plan covers.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

SCHEDULE_KINDS = ("once", "yearly", "month", "quarterly", "half_yearly", "monthly")
SCHEDULE_LABELS_VI = {
    "once": "Một lần",
    "yearly": "Hằng năm",
    "month": "Một tháng của mỗi năm",
    "quarterly": "Hằng quý",
    "half_yearly": "Sáu tháng một lần",
    "monthly": "Hằng tháng",
}
# Six-month and annual reports are due 20/6 and 20/12 (SPEC §15, choice): "Thường xuyên" follows them.
HALF_YEAR_DUE = ((6, 20), (12, 20))
QUARTER_DUE_DAYS = 10  # "Báo cáo đánh giá định kỳ (quý/năm)": due the 10th day after the quarter (choice)
ROMAN_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass(frozen=True, slots=True)
class Period:
    """One window of a schedule: `start` None means deadline only (anything before `end` counts)."""

    key: str
    label: str
    start: date | None
    end: date | None

    def overlaps(self, year: int) -> bool:
        """Whether the window touches the calendar year."""
        lo = self.start or self.end or date(year, 1, 1)
        hi = self.end or date.max
        return lo.year <= year <= hi.year


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a task's product is due; `count` products per period."""

    kind: str
    start: date | None = None  # once
    end: date | None = None  # once: the last day
    month: int | None = None  # month: 1–12
    last_day: tuple[int, int] | None = None  # yearly: (month, day), the last day of each year's window
    due_days: int = QUARTER_DUE_DAYS  # quarterly
    due: tuple[tuple[int, int], ...] = HALF_YEAR_DUE  # half_yearly: (month, day) of each half's last day
    count: int = 1
    years: tuple[int, ...] = ()  # restricts the years of a recurring schedule ("Năm 2026, năm 2027")

    def __post_init__(self):
        """Reject a schedule the engine could not expand (messages are the schedule editor's)."""
        if self.kind not in SCHEDULE_KINDS:
            raise ValueError("Loại lịch không hợp lệ.")
        if self.count < 1:
            raise ValueError("Số sản phẩm mỗi kỳ phải từ 1 trở lên.")
        if self.kind == "once":
            if self.end is None and self.start is None:
                raise ValueError("Lịch một lần cần ngày bắt đầu hoặc hạn cuối.")
            if self.start and self.end and self.start > self.end:
                raise ValueError("Ngày bắt đầu phải trước hạn cuối.")
        if self.kind == "month" and not (self.month and 1 <= self.month <= 12):
            raise ValueError("Tháng phải từ 1 đến 12.")
        if self.kind == "quarterly" and not 0 <= self.due_days <= 90:
            raise ValueError("Số ngày sau khi hết quý phải từ 0 đến 90.")
        if self.kind == "half_yearly" and (len(self.due) != 2 or not self.due[0] < (7, 1) <= self.due[1]):
            raise ValueError("Hạn sáu tháng đầu phải trong tháng 1–6, hạn cả năm trong tháng 7–12.")
        for month, day in (self.last_day, *self.due) if self.last_day else self.due:
            _check_day(month, day)

    @classmethod
    def from_dict(cls, raw: dict) -> "Schedule":
        """A schedule from its stored form; ValueError (Vietnamese) when it is not one."""
        if not isinstance(raw, dict):
            raise ValueError("Lịch phải là một đối tượng.")
        try:
            return cls(
                kind=raw.get("kind", ""),
                start=_iso(raw.get("start")),
                end=_iso(raw.get("end")),
                month=int(raw["month"]) if raw.get("month") is not None else None,
                last_day=_month_day(raw["last_day"]) if raw.get("last_day") else None,
                due_days=int(raw.get("due_days", QUARTER_DUE_DAYS)),
                due=tuple(_month_day(x) for x in raw["due"]) if raw.get("due") else HALF_YEAR_DUE,
                count=int(raw.get("count", 1)),
                years=tuple(sorted({int(y) for y in raw.get("years") or ()})),
            )
        except (TypeError, KeyError) as exc:
            raise ValueError("Lịch không đọc được.") from exc

    def to_dict(self) -> dict:
        """The stored form: only what differs from the defaults."""
        out: dict = {"kind": self.kind}
        if self.start:
            out["start"] = self.start.isoformat()
        if self.end:
            out["end"] = self.end.isoformat()
        if self.month:
            out["month"] = self.month
        if self.last_day:
            out["last_day"] = "{:02d}-{:02d}".format(*self.last_day)
        if self.kind == "quarterly" and self.due_days != QUARTER_DUE_DAYS:
            out["due_days"] = self.due_days
        if self.kind == "half_yearly" and self.due != HALF_YEAR_DUE:
            out["due"] = ["{:02d}-{:02d}".format(*d) for d in self.due]
        if self.count != 1:
            out["count"] = self.count
        if self.years:
            out["years"] = list(self.years)
        return out


def periods(schedule: Schedule, first_year: int, last_year: int) -> tuple[Period, ...]:
    """The windows of a schedule over the years a plan covers (a once-schedule has its one window)."""
    if schedule.kind == "once":
        return (_once(schedule),)
    years = [y for y in range(first_year, last_year + 1) if not schedule.years or y in schedule.years]
    out: list[Period] = []
    for y in years:
        out.extend(_year_periods(schedule, y))
    return tuple(out)


def _once(s: Schedule) -> Period:
    start, end = s.start, s.end
    if start and end:
        if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31:
            key = str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
            label = f"Năm {start.year}" if start.year == end.year else f"Năm {start.year}–{end.year}"
            return Period(key, label, start, end)
        quarter = (start.month - 1) // 3 + 1
        if start.day == 1 and start.month % 3 == 1 and end == _quarter_end(start.year, quarter):
            roman = ("I", "II", "III", "IV")[quarter - 1]
            return Period(f"{start.year}-Q{quarter}", f"Quý {roman}/{start.year}", start, end)
        return Period("once", f"{start:%d/%m/%Y} – {end:%d/%m/%Y}", start, end)
    if end:
        return Period("once", f"Đến hết {end:%d/%m/%Y}", None, end)
    return Period("once", f"Từ {start:%d/%m/%Y}", start, None)


def _year_periods(s: Schedule, y: int) -> list[Period]:
    if s.kind == "yearly":
        end = date(y, *s.last_day) if s.last_day else date(y, 12, 31)
        return [Period(str(y), f"Năm {y}", date(y, 1, 1), end)]
    if s.kind == "month":
        return [_month_period(y, s.month)]
    if s.kind == "monthly":
        return [_month_period(y, m) for m in range(1, 13)]
    if s.kind == "quarterly":
        out = []
        for q in range(1, 5):
            start = date(y, 3 * q - 2, 1)
            due = _quarter_end(y, q) + timedelta(days=s.due_days)
            out.append(Period(f"{y}-Q{q}", f"Quý {('I', 'II', 'III', 'IV')[q - 1]}/{y}", start, due))
        return out
    first, second = date(y, *s.due[0]), date(y, *s.due[1])
    return [Period(f"{y}-H1", f"6 tháng đầu năm {y}", date(y, 1, 1), first),
            Period(f"{y}-H2", f"6 tháng cuối năm {y}", first + timedelta(days=1), second)]


def _month_period(y: int, m: int) -> Period:
    last = calendar.monthrange(y, m)[1]
    return Period(f"{y}-{m:02d}", f"Tháng {m}/{y}", date(y, m, 1), date(y, m, last))


def _quarter_end(y: int, q: int) -> date:
    m = 3 * q
    return date(y, m, calendar.monthrange(y, m)[1])


def _iso(raw) -> date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ValueError("Ngày không hợp lệ, dùng dạng YYYY-MM-DD.") from None


def _month_day(raw) -> tuple[int, int]:
    if isinstance(raw, (tuple, list)):
        month, day = (int(x) for x in raw)
    else:
        match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", str(raw))
        if not match:
            raise ValueError("Ngày trong năm phải có dạng MM-DD.")
        month, day = int(match[1]), int(match[2])
    _check_day(month, day)
    return month, day


def _check_day(month: int, day: int) -> None:
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2025, month)[1]:
        raise ValueError("Ngày trong năm không có thật.")


def _day_before(d: int, m: int, y: int | None) -> tuple[int, int, int | None]:
    """ "trước ngày X" is up to the day before X (as duty 9 of SPEC §4.1)."""
    day = date(y or 2025, m, d) - timedelta(days=1)
    return day.day, day.month, (day.year if y else None)


def parse_time(text: str, product: str = "") -> Schedule | None:
    """The schedule a "Thời gian thực hiện" text means (SPEC §14 table), or None when it is not one we read.

    Choices (editable afterwards): "Hằng năm", "Theo kế hoạch", "Theo lộ trình" and the like are yearly;
    "Thường xuyên" is half-yearly unless the product is a quarterly report ("định kỳ (quý/năm)").
    """
    t = " ".join(text.split()).lower()
    if "(quý/năm)" in product.lower():
        return Schedule("quarterly")
    if m := re.fullmatch(r"(\d+) kỳ/tháng", t):
        return Schedule("monthly", count=int(m[1]))
    if m := re.fullmatch(r"quý (i|ii|iii|iv)/(\d{4})", t):
        q, y = ROMAN_QUARTERS[m[1].upper()], int(m[2])
        return Schedule("once", start=date(y, 3 * q - 2, 1), end=_quarter_end(y, q))
    if m := re.fullmatch(r"từ năm (\d{4}) đến năm (\d{4})", t):
        return Schedule("once", start=date(int(m[1]), 1, 1), end=date(int(m[2]), 12, 31))
    if m := re.fullmatch(r"năm (\d{4})", t):
        return Schedule("once", start=date(int(m[1]), 1, 1), end=date(int(m[1]), 12, 31))
    if years := re.fullmatch(r"năm (\d{4})(?:, năm (\d{4}))+", t) and re.findall(r"\d{4}", t):
        return Schedule("yearly", years=tuple(int(y) for y in years))
    if m := re.fullmatch(r"tháng (\d{1,2}) hằng năm", t):
        return Schedule("month", month=int(m[1]))
    if m := re.search(r"trước ngày (\d{1,2})/(\d{1,2})/(\d{4})$", t):
        d, mo, y = _day_before(int(m[1]), int(m[2]), int(m[3]))
        return Schedule("once", end=date(y, mo, d))
    if m := re.search(r"trước ngày (\d{1,2})/(\d{1,2}) hằng năm$", t):
        d, mo, _ = _day_before(int(m[1]), int(m[2]), None)
        return Schedule("yearly", last_day=(mo, d))
    if t == "thường xuyên":
        return Schedule("half_yearly")
    if t.startswith(("hằng năm", "năm ", "theo kế hoạch", "theo lộ trình")):
        return Schedule("yearly")
    return None
