"""Agencies' activities (SPEC §13): they count for city-level requirements, never for a commune's duties."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.compliance.loader import load_matrix
from app.models import Activity, Agency


def test_an_agency_livestream_counts_for_the_city_never_for_a_commune(db):
    agency = db.session.scalar(select(Agency).where(Agency.code == "SYT"))
    start = datetime(2026, 6, 25, 1, tzinfo=UTC)
    db.session.add(Activity(agency_id=agency.id, commune_id=None, kind="livestream", title="Tọa đàm trực tuyến",
                            start_at=start, end_at=start, evidence_date=date(2026, 6, 25), status="held",
                            results={"url": "https://example.org/live"}))
    db.session.commit()
    matrix = load_matrix("bhyt-day-2026", date(2026, 7, 12))
    livestream = next(r for r in matrix.city_requirements if r.key == "livestream")
    assert (livestream.actual, livestream.met) == (1, True)
    assert all(not row.cells[1].evidence for row in matrix.rows)  # duty 2 (livestream counts there) untouched
