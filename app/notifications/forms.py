"""Forms of the notification pages (only the CSRF token: the buttons carry no data)."""

from app.forms import BaseForm


class MarkReadForm(BaseForm):
    """Mark read / mark all read."""
