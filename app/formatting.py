"""Vietnamese formats: dd/mm/yyyy, 24 h time, 1.184.000, 95,5 % (SPEC §11); Asia/Ho_Chi_Minh everywhere.

Numbers, percentages and dates go through Babel's formatters. Python callers (documents, exports, notification
texts — all Vietnamese) get Vietnamese formats; the Jinja filters follow the page's language (Flask-Babel's
locale), so an English page shows 1,184,000 and 95.5%. Dates stay dd/mm/yyyy and times 24 h in both languages:
a date shown in a form field is read back by the same parser (app/params.py). `register` is the only Flask part.
"""

from datetime import date, datetime, time

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, format_percent

from app.domain.dates import TZ, local

__all__ = ["TZ", "VI", "fmt_date", "fmt_datetime", "fmt_int", "fmt_percent", "fmt_time", "local", "page_locale",
           "register", "today_local"]

VI = Locale.parse("vi")
DATE, TIME = "dd/MM/yyyy", "HH:mm"
PERCENT = {"vi": "#,##0{decimals} %"}  # SPEC §11 writes 95,5 % (CLDR's vi pattern has no space)


def today_local() -> date:
    """Today's date in Asia/Ho_Chi_Minh."""
    return datetime.now(TZ).date()


def page_locale() -> Locale:
    """The language of the page being rendered (Flask-Babel's choice), Vietnamese outside a request."""
    from flask import has_request_context
    from flask_babel import get_locale

    return (get_locale() if has_request_context() else None) or VI


def fmt_date(value, locale: Locale = VI) -> str:
    """dd/mm/yyyy; datetimes in local time."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return format_date(value, DATE, locale=locale)


def fmt_datetime(value, locale: Locale = VI) -> str:
    """dd/mm/yyyy HH:MM in local time."""
    if value is None:
        return ""
    return format_datetime(local(value), f"{DATE} {TIME}", tzinfo=TZ, locale=locale)


def fmt_time(value, locale: Locale = VI) -> str:
    """HH:MM, 24 h; datetimes in local time."""
    if value is None:
        return ""
    if isinstance(value, time):
        return format_time(value, TIME, locale=locale)
    return format_time(local(value), TIME, tzinfo=TZ, locale=locale)


def fmt_int(value, locale: Locale = VI) -> str:
    """A whole number with the locale's grouping: 1.184.000 (vi), 1,184,000 (en)."""
    if value is None or value == "":
        return ""
    return format_decimal(int(value), locale=locale)


def fmt_percent(value, digits: int = 1, locale: Locale = VI) -> str:
    """A ratio 0..1 as a percentage with `digits` decimals: 95,5 % (vi), 95.5% (en)."""
    if value is None:
        return ""
    decimals = "." + "0" * digits if digits else ""
    pattern = PERCENT.get(locale.language, locale.percent_formats[None].pattern.replace("0%", "0{decimals}%"))
    return format_percent(value, pattern.format(decimals=decimals), locale=locale)


def fmt_date_input(value) -> str:
    """The value of a dd/mm/yyyy input: a date, a datetime (with HH:MM) or an ISO string re-shown as dd/mm/yyyy."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    text = str(value).strip()
    try:
        if len(text) == 10 and text[4] == "-":
            return fmt_date(date.fromisoformat(text))
        if len(text) >= 16 and text[4] == "-" and text[10] in "T ":
            return datetime.fromisoformat(text[:16]).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        pass
    return text  # what the person typed, shown back next to its error


def register(app) -> None:
    """Install the filters in Jinja: the same formats in the page's language."""
    app.jinja_env.filters.update(
        date=lambda value: fmt_date(value, page_locale()),
        datetime=lambda value: fmt_datetime(value, page_locale()),
        time=lambda value: fmt_time(value, page_locale()),
        num=lambda value: fmt_int(value, page_locale()),
        # On a page the figure and its "%" never part at a line end (issue 15 item 11): a no-break space.
        pct=lambda value, digits=1: fmt_percent(value, digits, page_locale()).replace(" ", "\u00a0"),
        date_input=fmt_date_input,
    )
