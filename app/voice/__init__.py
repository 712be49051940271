"""Residents' voice (SPEC §17): questions and their queue, follow-ups of people without a valid card,
satisfaction ratings, the public FAQ `/hoi-dap`."""

from flask import Blueprint

bp = Blueprint("voice", __name__)

from app.voice import hooks, public  # noqa: E402,F401  (routes, followup_routes: imported by the app factory)
