"""The city's agencies (SPEC §13): the list the city office keeps — add, edit, retire, bring back."""

from flask import Blueprint

bp = Blueprint("agencies", __name__)
# its views (routes.py) are attached by the app factory, the only importer of a routes module
