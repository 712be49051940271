"""The demo season of `flask seed-demo`: deterministic, idempotent, something true for every later page."""

from datetime import date

from sqlalchemy import func, select

from app.models import Activity, Commune


def test_seed_demo_builds_a_season_once(runner, db):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Mùa hoạt động demo:" in first.output
    total = db.session.scalar(select(func.count()).select_from(Activity))
    assert total > 114 * 5
    second = runner.invoke(args=["seed-demo"])
    assert "không thêm gì" in second.output
    assert db.session.scalar(select(func.count()).select_from(Activity)) == total

    rows = db.session.scalars(select(Activity)).all()
    communes = db.session.scalar(select(func.count()).select_from(Commune))
    may = {a.commune_id for a in rows if a.commune_id and date(2026, 5, 1) <= a.evidence_date <= date(2026, 5, 31)}
    peak = {a.commune_id for a in rows if a.commune_id and date(2026, 6, 22) <= a.evidence_date <= date(2026, 7, 11)}
    assert len(may) == communes and len(peak) == communes
    assert any(a.kind == "radio" and a.evidence_date == date(2026, 7, 7) for a in rows)  # late radio
    assert any(a.kind == "fair" and a.evidence_date == date(2026, 7, 2) for a in rows)  # late fair
    assert any(a.kind == "fair" and a.status == "planned" and a.evidence_date == date(2026, 7, 1) for a in rows)
    assert any(a.status == "cancelled" and a.cancel_reason for a in rows)
    city_kinds = {a.kind for a in rows if a.commune_id is None}
    assert {"launch", "livestream", "banner"} <= city_kinds
    fairs = {a.commune_id for a in rows if a.kind == "fair" and a.status == "held" and a.evidence_date == date(2026, 7, 1)}
    assert 0 < len(fairs) < communes  # some communes miss the fair
    assert all(a.qr_nonce for a in rows if a.qr_capable)
