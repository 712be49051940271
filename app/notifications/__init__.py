"""Notifications: the bell, the list, and the reminders that fill it (SPEC §10)."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
