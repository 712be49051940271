"""Fixtures shared with the check-in tests."""

from tests.checkin.conftest import make_activity  # noqa: F401  (a QR-capable activity happening now)
