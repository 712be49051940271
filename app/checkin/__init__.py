"""QR attendance (SPEC §5): self check-in, pre-registration tickets, scanner, walk-ins, import, attendance list.

The views (`app.checkin.routes`) are imported by the app factory, not here: services and the API import this
package without pulling in the pages."""

from flask import Blueprint

bp = Blueprint("checkin", __name__)
