"""Dates typed by people or sent by programs: dd/mm/yyyy and ISO 8601, parsed one way everywhere (SPEC §11, §12).

Pure standard library: the models, the parameters module, forms and the API all parse through these.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MIN_YEAR, MAX_YEAR = 2000, 2100


def local(dt: datetime | None) -> datetime | None:
    """An aware datetime in Asia/Ho_Chi_Minh; a naive value is already local time (SPEC §12)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=TZ)
    return dt.astimezone(TZ)


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy or ISO yyyy-mm-dd, else None."""
    text = text.strip()
    try:
        if "/" in text:
            d, m, y = (int(p) for p in text.split("/"))
            return date(y, m, d)
        return date.fromisoformat(text)
    except (ValueError, TypeError):
        return None


def parse_datetime(value, end_of_day: bool = False) -> datetime | None:
    """An aware datetime from a datetime, ISO 8601 or dd/mm/yyyy [HH:MM]; naive = Asia/Ho_Chi_Minh (SPEC §12)."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime.combine(value, time(23, 59) if end_of_day else time(0, 0))
    elif isinstance(value, str) and value.strip() and len(value) <= 40:
        text = value.strip()
        result = None
        if "/" in text:
            day_part, _, time_part = text.partition(" ")
            try:
                d, m, y = (int(p) for p in day_part.split("/"))
                day = date(y, m, d)
                if time_part.strip():
                    hh, mm = (int(p) for p in time_part.strip().split(":")[:2])
                    result = datetime.combine(day, time(hh, mm))
                else:
                    result = datetime.combine(day, time(23, 59) if end_of_day else time(0, 0))
            except (ValueError, TypeError):
                return None
        else:
            try:
                if len(text) == 10:
                    day = date.fromisoformat(text)
                    result = datetime.combine(day, time(23, 59) if end_of_day else time(0, 0))
                else:
                    result = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
    else:
        return None
    return local(result)
