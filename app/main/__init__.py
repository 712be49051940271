"""The shell: home page, communes directory, language switch."""

from flask import Blueprint

bp = Blueprint("main", __name__)
