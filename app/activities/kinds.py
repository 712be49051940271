"""Kept for the modules of app/api and app/checkin that still import from here (house-checkin's, issue 14):
the kinds live in app/domain/kinds.py, date parsing in app/domain/dates.py. Remove once nothing imports it."""

from app.domain.dates import parse_date
from app.domain.kinds import KINDS, QR_KINDS, STATUSES

__all__ = ["KINDS", "QR_KINDS", "STATUSES", "parse_date"]
