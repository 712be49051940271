"""Helpers of the reminder tests (plain names and functions, imported from here)."""

from datetime import datetime

from app.formatting import TZ

HONG_BANG = "11311"
BACH_LONG_VI = "11948"


def at(text: str) -> datetime:
    """A local (Asia/Ho_Chi_Minh) moment written "dd/mm HH:MM" in 2026, as an aware datetime."""
    day_month, clock = text.split()
    day, month = day_month.split("/")
    hour, minute = clock.split(":")
    return datetime(2026, int(month), int(day), int(hour), int(minute), tzinfo=TZ)
