"""API endpoints of the foundation: communes."""

from flask import jsonify
from sqlalchemy import select

from app.api import bp
from app.extensions import db
from app.models import Commune


@bp.get("/communes")
def communes():
    """`[{code, name, kind}]` of the city's commune-level units, by code."""
    rows = db.session.execute(select(Commune.code, Commune.name, Commune.kind).order_by(Commune.code)).all()
    return jsonify([{"code": c, "name": n, "kind": k} for c, n, k in rows])
