"""The task register loads in a constant number of queries (SPEC §14, issue 17): the same count for a few units
with evidence as for every commune with evidence (bench/tasks.py times it at 3,321 communes)."""

from datetime import date, timedelta

from sqlalchemy import select

from app.compliance import task_loader
from app.models import Agency, Commune, TaskSubmission
from tests import factories
from tests.campaigns.test_loader_queries import statements
from tests.tasks.helpers import HP_PLAN

AS_OF = date(2026, 12, 1)


def _fill(db, task_of, n_communes: int) -> None:
    """Products of II.3 (every commune, yearly) and held conferences (III.5 counts them) in n communes; one of
    Sở Nội vụ's products (VI.1). Flushed, never committed."""
    ii3, vi1 = task_of("II.3"), task_of("VI.1")
    ids = db.session.scalars(select(Commune.id).order_by(Commune.code).limit(n_communes)).all()
    for n, commune_id in enumerate(ids):
        db.session.add(TaskSubmission(task_id=ii3.id, period="2026", commune_id=commune_id, title="Kế hoạch",
                                      submitted_on=date(2026, 3, 1) + timedelta(days=n % 40)))
        factories.activity("conference", date(2026, 4, 1) + timedelta(days=n % 60), "held", commit=False,
                           commune_id=commune_id, qr_ready=False)
    snv = db.session.scalar(select(Agency.id).where(Agency.code == "SNV"))
    db.session.add(TaskSubmission(task_id=vi1.id, period="2026", agency_id=snv, title="Báo cáo",
                                  submitted_on=date(2026, 11, 20)))
    db.session.flush()


def _load(db):
    db.session.expire_all()
    with statements(db.engine) as seen:
        register = task_loader.load_register(task_loader.load_plan(HP_PLAN), AS_OF)
    return seen, register


def test_the_register_loads_in_the_same_queries_for_3_and_114_communes(db, task_of):
    _fill(db, task_of, 3)
    few, small = _load(db)
    db.session.rollback()
    _fill(db, task_of, 114)
    many, large = _load(db)
    db.session.rollback()
    assert len(few) == len(many) <= 8
    ii3 = task_of("II.3").id
    done = sum(1 for r in large.rows if r.task.id == ii3 for i in r.instances if i.status == "done")
    assert (sum(1 for r in small.rows if r.task.id == ii3 for i in r.instances if i.status == "done"), done) == (3, 114)
