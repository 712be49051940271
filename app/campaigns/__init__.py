"""Campaigns: the commune × duty matrix, commune pages, report submissions, admin edits (SPEC §4)."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__)
