"""The loader reads the DB in a constant number of queries, selecting only what the engine needs."""

from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event, select

from app.compliance.loader import load_matrix
from app.models import Commune
from tests import factories

SLUG = "bhyt-day-2026"


@contextmanager
def statements(engine):
    """Collect the SQL statements run on `engine`."""
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _fill(db, campaign, n_communes):
    """Activities and reports in n communes (adding communes beyond the 114 seeded, never committed)."""
    city_id = db.session.scalar(select(Commune.city_id).limit(1))
    ids = db.session.scalars(select(Commune.id).order_by(Commune.code).limit(n_communes)).all()
    for i in range(max(0, n_communes - len(ids))):
        extra = Commune(city_id=city_id, code=f"9{i:04d}", name=f"Xã thử {i}", kind="xa")
        db.session.add(extra)
        db.session.flush()
        ids.append(extra.id)
    for n, commune_id in enumerate(ids):
        for k, kind in enumerate(("radio", "fair", "advisory", "online_post")):
            factories.activity(kind, date(2026, 6, 22) + timedelta(days=(n + k) % 15), "held", commit=False,
                               commune_id=commune_id, qr_ready=False)
        factories.submission(campaign, on=date(2026, 7, 1 + n % 9), commit=False, commune_id=commune_id)
    db.session.flush()


def _count(db):
    db.session.expire_all()
    with statements(db.engine) as seen:
        matrix = load_matrix(SLUG, date(2026, 7, 8))
    return seen, matrix


def test_loader_queries_are_constant_for_5_and_50_communes(db, campaign):
    _fill(db, campaign, 5)
    few, m5 = _count(db)
    db.session.rollback()
    _fill(db, campaign, 164)  # 50 more communes than the seeded 114, all with evidence
    many, m50 = _count(db)
    db.session.rollback()
    assert len(few) == len(many) <= 6
    assert len(m50.rows) == len(m5.rows) + 50
    assert m50.summary["done"] > m5.summary["done"]


def test_loader_selects_only_the_columns_the_engine_reads(db, campaign):
    _fill(db, campaign, 5)
    seen, _ = _count(db)
    activity_sql = next(s for s in seen if "FROM activities" in s)
    for column in ("title", "results", "notes", "venue", "partners"):
        assert f"activities.{column}" not in activity_sql
    assert "activities.evidence_date" in activity_sql
    db.session.rollback()
