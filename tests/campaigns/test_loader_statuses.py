"""The engine's boundary cases again, end to end: activities and reports in the DB → loader → load_matrix."""

from datetime import date

import pytest

from app.compliance.loader import load_matrix
from tests import factories

SLUG = "bhyt-day-2026"
HB, BLV = "11311", "11948"  # Phường Hồng Bàng; Đặc khu Bạch Long Vĩ


def status(duty_no, as_of, code=HB):
    return load_matrix(SLUG, as_of).cell(code, duty_no).status


def test_unknown_slug_raises_lookup_error(db):
    with pytest.raises(LookupError):
        load_matrix("khong-co", date(2026, 7, 1))


def test_advisory_dated_29_june_is_done(campaign):
    a = factories.activity("advisory", date(2026, 6, 29), "held", commune_code=HB)
    cell = load_matrix(SLUG, date(2026, 7, 1)).cell(HB, 1)
    assert (cell.status, cell.evidence) == ("done", (a.id,))


def test_advisory_dated_30_june_is_late(campaign):
    factories.activity("advisory", date(2026, 6, 30), "held", commune_code=HB)
    assert status(1, date(2026, 7, 1)) == "late"


@pytest.mark.parametrize("when", [date(2026, 6, 22), date(2026, 7, 5)])
def test_radio_on_22_june_and_5_july_is_done(campaign, when):
    factories.activity("radio", when, "held", commune_code=HB)
    assert status(5, date(2026, 7, 10)) == "done"


def test_radio_on_6_july_is_late(campaign):
    factories.activity("radio", date(2026, 7, 6), "held", commune_code=HB)
    assert status(5, date(2026, 7, 10)) == "late"


def test_radio_on_21_june_is_not_counted(campaign):
    factories.activity("radio", date(2026, 6, 21), "held", commune_code=HB)
    assert status(5, date(2026, 7, 10)) == "overdue"
    assert status(5, date(2026, 6, 30)) == "pending"


def test_fair_on_1_july_is_done(campaign):
    factories.activity("fair", date(2026, 7, 1), "held", commune_code=HB)
    assert status(3, date(2026, 7, 1)) == "done"


def test_fair_on_2_july_is_late(campaign):
    factories.activity("fair", date(2026, 7, 2), "held", commune_code=HB)
    assert status(3, date(2026, 7, 3)) == "late"


def test_report_submitted_7_july_is_done(campaign):
    factories.submission(campaign, HB, date(2026, 7, 7))
    assert status(9, date(2026, 7, 8)) == "done"


def test_report_submitted_8_july_is_late(campaign):
    factories.submission(campaign, HB, date(2026, 7, 8))
    assert status(9, date(2026, 7, 8)) == "late"


def test_unlocked_report_no_longer_counts(campaign, db):
    from app.models.types import utcnow

    s = factories.submission(campaign, HB, date(2026, 7, 7))
    s.unlocked_at = utcnow()
    db.session.commit()
    assert status(9, date(2026, 7, 8)) == "overdue"


def test_planned_fair_for_1_july_is_planned_as_of_25_june_and_overdue_as_of_2_july(campaign):
    a = factories.activity("fair", date(2026, 7, 1), "planned", commune_code=HB)
    cell = load_matrix(SLUG, date(2026, 6, 25)).cell(HB, 3)
    assert (cell.status, cell.planned) == ("planned", (a.id,))
    assert status(3, date(2026, 7, 2)) == "overdue"


def test_cancelled_activity_never_counts(campaign):
    factories.activity("fair", date(2026, 7, 1), "cancelled", commune_code=HB)
    m = load_matrix(SLUG, date(2026, 7, 1))
    assert m.cell(HB, 3).status == "pending"
    assert m.cell(HB, 2).status == "pending"
    assert {r.key: r.actual for r in m.city_requirements}["fair"] == 0


def test_city_level_activity_counts_for_no_commune_but_for_city_requirements(campaign):
    a = factories.activity("fair", date(2026, 7, 1), "held", commune_code=None)
    factories.activity("communication_point", date(2026, 6, 25), "held", commune_code=None)
    m = load_matrix(SLUG, date(2026, 7, 1))
    assert all(row.cells[2].status == "pending" for row in m.rows)
    fair = next(r for r in m.city_requirements if r.key == "fair")
    assert (fair.met, fair.evidence) == (True, (a.id,))
    points = next(r for r in m.city_requirements if r.key == "communication_points")
    assert (points.actual, points.met) == (1, False)


def test_other_communes_activity_never_counts(campaign):
    factories.activity("fair", date(2026, 7, 1), "held", commune_code=BLV)
    m = load_matrix(SLUG, date(2026, 7, 1))
    assert m.cell(HB, 3).status == "pending"
    assert m.cell(BLV, 3).status == "done"


def test_held_after_as_of_is_only_planned_in_a_replay(campaign):
    factories.activity("fair", date(2026, 7, 1), "held", commune_code=HB)
    assert status(3, date(2026, 6, 25)) == "planned"


def test_advisory_long_before_the_period_still_counts_for_the_deadline_only_duty(campaign):
    factories.activity("advisory", date(2026, 5, 10), "held", commune_code=HB)
    assert status(1, date(2026, 6, 1)) == "done"
