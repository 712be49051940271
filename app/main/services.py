"""Queries behind the shell pages."""

from sqlalchemy import func, select

from app.collation import vi_sorted
from app.extensions import db
from app.models import Commune


def search_communes(q: str | None, kind: str | None):
    """Communes filtered by a name fragment and a kind, sorted by name, plus counts by kind."""
    stmt = select(Commune)
    if q:
        stmt = stmt.where(Commune.name.ilike(f"%{q.strip()}%"))
    if kind:
        stmt = stmt.where(Commune.kind == kind)
    rows = vi_sorted(db.session.scalars(stmt).all(), key=lambda c: c.name)
    counts = dict(db.session.execute(select(Commune.kind, func.count()).group_by(Commune.kind)).all())
    return rows, counts
