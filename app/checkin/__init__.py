"""QR attendance (SPEC §5): self check-in, pre-registration tickets, scanner, walk-ins, import, attendance list."""

from flask import Blueprint

bp = Blueprint("checkin", __name__)

from app.checkin import routes  # noqa: E402,F401
