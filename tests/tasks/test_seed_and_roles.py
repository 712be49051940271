"""Agencies and plans shipped per city (SPEC §13, §14), and the role `agency` (SPEC §1, §12 second wave)."""

from collections import Counter

from sqlalchemy import select

from app.auth.access import scope
from app.models import Activity, Agency, City, Plan, Task, User
from app.tasks.seed import seed_agencies, seed_plans

HP_PLAN = "phat-trien-bhxh-2026-2030"


def test_seed_ships_hai_phong_agencies_and_the_whole_register(db):
    city = db.session.scalar(select(City).where(City.key == "haiphong"))
    agencies = db.session.scalars(select(Agency).where(Agency.city_id == city.id)).all()
    assert len(agencies) == 23 and {"BHXHTP", "SNV", "SYT", "THUE", "BPTTH", "HLHPN"} <= {a.code for a in agencies}
    plan = db.session.scalar(select(Plan).where(Plan.slug == HP_PLAN))
    assert (plan.city_id, plan.start_year, plan.end_year) == (city.id, 2026, 2030)
    assert Counter(t.section for t in plan.tasks) == {"I": 7, "II": 9, "III": 12, "IV": 5, "V": 7, "VI": 2}
    first = plan.tasks[0]
    assert (first.label, first.lead_type, first.time_text, first.schedule) == (
        "I.1", "communes", "Quý II/2026", {"kind": "once", "start": "2026-04-01", "end": "2026-06-30"})
    vi1 = next(t for t in plan.tasks if t.label == "VI.1")
    assert (vi1.lead_agency.code, vi1.schedule) == ("SNV", {"kind": "yearly", "last_day": "12-24"})
    ii6 = next(t for t in plan.tasks if t.label == "II.6")
    assert ii6.lead_codes == ["SXD", "BQLDA"]


def test_seed_again_adds_nothing_and_keeps_the_offices_edits(db):
    city = db.session.scalar(select(City).where(City.key == "haiphong"))
    task = db.session.scalar(select(Task).join(Plan).where(Plan.slug == HP_PLAN, Task.section == "I", Task.no == "2"))
    task.product = "Quyết định (đã sửa)"
    agency = db.session.scalar(select(Agency).where(Agency.code == "SNV"))
    agency.name = "Sở Nội vụ thành phố Hải Phòng"
    db.session.commit()
    assert (seed_agencies(city), seed_plans(city)) == (0, 0)
    db.session.commit()
    assert db.session.get(Task, task.id).product == "Quyết định (đã sửa)"
    assert db.session.get(Agency, agency.id).name == "Sở Nội vụ thành phố Hải Phòng"


def test_ha_noi_gets_its_own_agencies_and_plan_and_never_hai_phongs(db):
    hanoi = City(key="hanoi", code="01", name="Hà Nội", full_name="Thành phố Hà Nội", lead_office="BHXH khu vực I")
    db.session.add(hanoi)
    db.session.flush()
    assert seed_agencies(hanoi) == 13
    assert seed_plans(hanoi) == 31
    plans = db.session.scalars(select(Plan).where(Plan.city_id == hanoi.id)).all()
    assert [p.slug for p in plans] == ["tuyen-truyen-2025-hanoi"]
    tv = next(t for t in plans[0].tasks if t.label == "11.b")
    assert (tv.lead_agency.code, tv.lead_agency.city_id, tv.schedule) == ("DPTTH", hanoi.id,
                                                                         {"kind": "monthly", "count": 2})
    db.session.rollback()


def test_create_user_with_role_agency_binds_the_agency(db, runner):
    result = runner.invoke(args=["create-user", "sonv", "--role", "agency", "--agency", "SNV",
                                 "--password", "Mat-khau-2026!x"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "sonv"))
    assert (user.role, user.agency.code, user.commune_id) == ("agency", "SNV", None)


def test_create_user_agency_needs_an_existing_agency_and_only_agencies_have_one(db, runner):
    missing = runner.invoke(args=["create-user", "xa1", "--role", "agency", "--password", "Mat-khau-2026!x"])
    unknown = runner.invoke(args=["create-user", "xa2", "--role", "agency", "--agency", "KHONGCO",
                                  "--password", "Mat-khau-2026!x"])
    wrong = runner.invoke(args=["create-user", "xa3", "--role", "viewer", "--agency", "SNV",
                                "--password", "Mat-khau-2026!x"])
    assert [r.exit_code for r in (missing, unknown, wrong)] == [2, 2, 2]
    assert "--agency" in missing.output and "--agency" in wrong.output
    assert db.session.scalar(select(User).where(User.username.in_(["x1", "x2", "x3"]))) is None


def test_an_agency_user_sees_only_its_own_agencys_activities(db, make_activity):
    from app.admin.services import create_user

    user = create_user("syt", "agency", "Mat-khau-2026!x", agency_code="SYT")
    own_agency = db.session.scalar(select(Agency).where(Agency.code == "SYT"))
    other_agency = db.session.scalar(select(Agency).where(Agency.code == "SGDDT"))
    mine = make_activity(commune_code=None, agency_id=own_agency.id)
    theirs = make_activity(commune_code=None, agency_id=other_agency.id)
    commune = make_activity()
    seen = db.session.scalars(scope(select(Activity.id), Activity, user)).all()
    assert seen == [mine.id] and theirs.id not in seen and commune.id not in seen
