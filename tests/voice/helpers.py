"""Helpers of the residents' voice tests (plain functions, imported from here)."""

from sqlalchemy import func, select


def rows(db, model, **where) -> int:
    """How many rows of a model match (a fresh read: the test's own read ends with a commit; inside the test's
    rolled-back transaction a rollback would also undo what the requests committed since it began)."""
    db.session.commit()
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.session.scalar(stmt)
