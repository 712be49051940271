"""Activities: record every kind of communication activity with its results (SPEC §3).

The routes are imported by the app factory (`app.activities.routes`), not here: the models import
`app.activities.kinds`, and importing the routes from this package would make that import circular.
"""

from flask import Blueprint

bp = Blueprint("activities", __name__)
