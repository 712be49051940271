"""Vietnamese formats: dd/mm/yyyy, 24 h time, 1.184.000 (SPEC §11); Asia/Ho_Chi_Minh everywhere.

Pure functions (pages, PDFs and exports share them); only `register` touches Flask.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(dt: datetime | None) -> datetime | None:
    """An aware datetime in Asia/Ho_Chi_Minh; a naive value is already local time (SPEC §12)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=TZ)
    return dt.astimezone(TZ)


def today_local() -> date:
    """Today's date in Asia/Ho_Chi_Minh."""
    return datetime.now(TZ).date()


def fmt_date(value) -> str:
    """dd/mm/yyyy; datetimes in local time."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def fmt_datetime(value) -> str:
    """dd/mm/yyyy HH:MM in local time."""
    if value is None:
        return ""
    return local(value).strftime("%d/%m/%Y %H:%M")


def fmt_time(value) -> str:
    """HH:MM, 24 h; datetimes in local time."""
    if value is None:
        return ""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return local(value).strftime("%H:%M")


def fmt_int(value) -> str:
    """Vietnamese grouping: 1.184.000."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".")


def fmt_percent(value, digits: int = 1) -> str:
    """A ratio 0..1 as 95,5 %."""
    if value is None:
        return ""
    return f"{value * 100:.{digits}f}".replace(".", ",") + " %"


def register(app) -> None:
    """Install the filters in Jinja."""
    app.jinja_env.filters.update(
        date=fmt_date, datetime=fmt_datetime, time=fmt_time, num=fmt_int, pct=fmt_percent
    )
