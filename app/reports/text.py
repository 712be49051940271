"""Vietnamese text helpers for documents: NFC, administrative dates and numbers."""

import datetime as dt
import unicodedata

from app.formatting import fmt_date, fmt_int, fmt_time

__all__ = ["date_in_words", "fmt_date", "fmt_int", "fmt_time", "nfc"]


def nfc(s: object) -> str:
    """Return ``s`` as an NFC string (decomposed marks render misplaced); None becomes ""."""
    if s is None:
        return ""
    return unicodedata.normalize("NFC", str(s))


def date_in_words(place: str, d: dt.date) -> str:
    """Return "Hải Phòng, ngày 07 tháng 7 năm 2026" (ND 30/2020, Appendix I: zero-pad days 1-9, months 1-2)."""
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return nfc(f"{place}, ngày {d.day:02d} tháng {month} năm {d.year}")
