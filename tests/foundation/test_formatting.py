"""Numbers, percentages and dates through Babel (SPEC §11): Vietnamese formats, English ones on an English page."""

from datetime import UTC, date, datetime, time

from babel import Locale

from app.formatting import fmt_date, fmt_datetime, fmt_int, fmt_percent, fmt_time
from app.reports.text import date_in_words

EN = Locale.parse("en")


def test_vietnamese_numbers_percentages_and_dates():
    assert fmt_int(1184000) == "1.184.000"
    assert fmt_percent(0.955) == "95,5 %" and fmt_percent(1) == "100,0 %" and fmt_percent(0.955, 0) == "96 %"
    assert fmt_date(date(2026, 7, 8)) == "08/07/2026"
    moment = datetime(2026, 7, 1, 1, 5, tzinfo=UTC)  # 08:05 in Asia/Ho_Chi_Minh
    assert (fmt_datetime(moment), fmt_time(moment), fmt_time(time(17, 30))) == ("01/07/2026 08:05", "08:05", "17:30")


def test_english_numbers_and_percentages_keep_the_dates_and_24_hour_times():
    assert (fmt_int(1184000, EN), fmt_percent(0.955, locale=EN)) == ("1,184,000", "95.5%")
    assert fmt_datetime(datetime(2026, 7, 1, 11, 5, tzinfo=UTC), EN) == "01/07/2026 18:05"


def test_empty_values_print_nothing():
    assert fmt_int(None) == fmt_int("") == fmt_percent(None) == fmt_date(None) == fmt_time(None) == ""


def test_nd30_date_in_words_stays():
    assert date_in_words("Hải Phòng", date(2026, 7, 7)) == "Hải Phòng, ngày 07 tháng 7 năm 2026"


def test_a_page_formats_numbers_in_its_language(client, make_user, login):
    login(make_user("viewer"))
    vietnamese = client.get("/targets").get_data(as_text=True)
    english = client.get("/targets?lang=en").get_data(as_text=True)
    assert "1.184.000" in vietnamese and "1,184,000" not in vietnamese
    assert "1,184,000" in english and "1.184.000" not in english


def test_a_page_percentage_keeps_its_sign_on_the_line_of_its_number(app):
    """Issue 15 item 11: "95,5 %" never wraps between the figure and "%" on a page (a no-break space)."""
    pct = app.jinja_env.filters["pct"]
    with app.test_request_context("/"):
        assert pct(0.955) == "95,5\u00a0%" and pct(0.4, 0) == "40\u00a0%"


def test_times_within_a_minute_read_the_same_and_the_next_minute_moves_on():
    # A check-in answer shows the minute it was stored (first_time): seconds and other zones of the
    # same instant give the same text, the next minute its own.
    from datetime import timedelta, timezone

    first = datetime(2026, 7, 1, 23, 59, 0, tzinfo=UTC)  # 06:59 the next day in Asia/Ho_Chi_Minh
    assert {fmt_time(first + timedelta(seconds=s)) for s in (0, 1, 59.999)} == {"06:59"}
    assert fmt_time(first.astimezone(timezone(timedelta(hours=-5)))) == "06:59"
    assert fmt_time(first + timedelta(seconds=60)) == "07:00"
    assert fmt_time(first, EN) == "06:59"
