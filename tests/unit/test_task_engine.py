"""Schedules → instances and their statuses (SPEC §14), on the engine's one rule (SPEC §4.3)."""

from collections import Counter
from datetime import date, timedelta
from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from app import data
from app.compliance.engine import ActivityFact, CampaignSpec, CommuneFact, DutySpec, SubmissionFact, evaluate
from app.compliance.schedules import Schedule, parse_time, periods
from app.compliance.tasks import (
    LEAD_AGENCY,
    LEAD_COMMUNES,
    TaskSpec,
    TaskSubmissionFact,
    UnitActivityFact,
    evaluate_tasks,
)

_ids = count(1)


def agency_task(time_text, product="Báo cáo", kinds=()):
    """A task of Sở Nội vụ read from the plan's time column."""
    schedule = parse_time(time_text, product)
    assert schedule is not None, time_text
    return TaskSpec(1, "VI", "1", "…", schedule, LEAD_AGENCY, ("SNV",), frozenset(kinds))


def status(task, as_of, *products, period=None, years=(2026, 2030)):
    """The status of the task's instance for `period` (the first one if not told) with products on these days."""
    keys = [p.key for p in periods(task.schedule, *years)]
    key = period or keys[0]
    facts = [TaskSubmissionFact(next(_ids), task.id, key, "SNV", day) for day in products]
    register = evaluate_tasks([task], [], facts, [], as_of, *years)
    [instance] = [i for i in register.rows[0].instances if i.period.key == key]
    return instance.status


# "Quý II/2026" — once, 01/04/2026 – 30/06/2026.

def test_quarter_ii_2026_product_on_30_june_is_done():
    assert status(agency_task("Quý II/2026"), date(2026, 7, 5), date(2026, 6, 30)) == "done"


def test_quarter_ii_2026_product_on_1_july_is_late():
    assert status(agency_task("Quý II/2026"), date(2026, 7, 5), date(2026, 7, 1)) == "late"


def test_quarter_ii_2026_nothing_as_of_1_july_is_overdue():
    assert status(agency_task("Quý II/2026"), date(2026, 7, 1)) == "overdue"


def test_quarter_ii_2026_as_of_15_march_is_upcoming():
    assert status(agency_task("Quý II/2026"), date(2026, 3, 15)) == "upcoming"


def test_quarter_ii_2026_on_30_june_with_nothing_is_still_pending():
    assert status(agency_task("Quý II/2026"), date(2026, 6, 30)) == "pending"


# "Định kỳ, trước ngày 25/12 hằng năm" — yearly, last day 24/12 (as "trước 08/7" is 07/7 for duty 9).

def test_before_25_december_each_year_ends_on_24_december_2026_to_2030():
    task = agency_task("Định kỳ, trước ngày 25/12 hằng năm")
    ends = [(p.key, p.end) for p in periods(task.schedule, 2026, 2030)]
    assert ends == [(str(y), date(y, 12, 24)) for y in range(2026, 2031)]


def test_before_25_december_product_on_24_december_is_done_on_25_late():
    task = agency_task("Định kỳ, trước ngày 25/12 hằng năm")
    for year in range(2026, 2031):
        assert status(task, date(year, 12, 31), date(year, 12, 24), period=str(year)) == "done"
        assert status(task, date(year, 12, 31), date(year, 12, 25), period=str(year)) == "late"


def test_duty_9_reads_like_a_task_deadline():
    assert parse_time("Trước ngày 08/7/2026").end == date(2026, 7, 7)
    assert parse_time("Trước ngày 31/01/2031") == Schedule("once", end=date(2031, 1, 30))


# "Tháng 1 hằng năm" — that month, every year.

def test_january_each_year_product_on_31_january_is_done_on_1_february_late():
    task = agency_task("Tháng 1 hằng năm")
    assert status(task, date(2027, 3, 1), date(2027, 1, 31), period="2027-01") == "done"
    assert status(task, date(2027, 3, 1), date(2027, 2, 1), period="2027-01") == "late"
    assert [p.key for p in periods(task.schedule, 2026, 2030)] == [f"{y}-01" for y in range(2026, 2031)]


# "Báo cáo đánh giá định kỳ (quý/năm)" — quarterly, due the 10th day after the quarter.

def test_quarterly_report_for_q3_2026_is_due_10_october_2026():
    task = agency_task("Thường xuyên", "Báo cáo đánh giá định kỳ (quý/năm)")
    q3 = next(p for p in periods(task.schedule, 2026, 2026) if p.key == "2026-Q3")
    assert (q3.start, q3.end) == (date(2026, 7, 1), date(2026, 10, 10))
    assert status(task, date(2026, 11, 1), date(2026, 10, 10), period="2026-Q3") == "done"
    assert status(task, date(2026, 11, 1), date(2026, 10, 11), period="2026-Q3") == "late"


# "2 kỳ/tháng" (seed 004 §III.4.c, the TV column) — monthly, two products each month.

def test_two_issues_a_month_one_product_is_not_enough():
    task = agency_task("2 kỳ/tháng")
    assert status(task, date(2025, 7, 31), date(2025, 7, 10), period="2025-07", years=(2025, 2025)) == "pending"
    assert status(task, date(2025, 8, 1), date(2025, 7, 10), period="2025-07", years=(2025, 2025)) == "overdue"
    assert status(task, date(2025, 8, 1), date(2025, 7, 10), date(2025, 7, 24), period="2025-07",
                  years=(2025, 2025)) == "done"


def test_thuong_xuyen_is_half_yearly_due_with_the_six_month_and_annual_reports():
    halves = periods(parse_time("Thường xuyên"), 2026, 2026)
    assert [(p.key, p.start, p.end) for p in halves] == [
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 20)), ("2026-H2", date(2026, 6, 21), date(2026, 12, 20))]


def test_every_schedule_of_the_shipped_plans_is_what_its_time_column_says():
    for slug in ("phat-trien-bhxh-2026-2030", "tuyen-truyen-2025-hanoi"):
        plan = data.plan(slug)
        for row in plan["tasks"]:
            stored = Schedule.from_dict(row["schedule"])
            if row["time_text"]:
                assert parse_time(row["time_text"], row["product"]) == stored, (slug, row["section"], row["no"])
            assert Schedule.from_dict(stored.to_dict()) == stored


def test_every_commune_task_i_1_has_114_instances_for_hai_phong():
    plan = data.plan("phat-trien-bhxh-2026-2030")
    row = next(r for r in plan["tasks"] if (r["section"], r["no"]) == ("I", "1"))
    task = TaskSpec(1, "I", "1", row["text"], Schedule.from_dict(row["schedule"]), LEAD_COMMUNES)
    codes = [c["code"] for c in data.communes("haiphong")]
    register = evaluate_tasks([task], codes, [], [], date(2026, 5, 1), 2026, 2030)
    instances = register.rows[0].instances
    assert len(instances) == 114 and {i.unit_code for i in instances} == set(codes)
    assert {i.status for i in instances} == {"pending"}


def test_statuses_by_unit_count_what_the_instances_say():
    # Three communes of a monthly commune task: one with products in two months (one on time, one late), one
    # with none; the counts come from the compact row without building an instance per unit and month.
    task = TaskSpec(3, "I", "3", "…", parse_time("1 kỳ/tháng"), LEAD_COMMUNES)  # due 10 days after the month
    products = [TaskSubmissionFact(1, 3, "2026-01", "11311", date(2026, 1, 20)),
                TaskSubmissionFact(2, 3, "2026-02", "11311", date(2026, 3, 15))]
    register = evaluate_tasks([task], ["11311", "11329", "11948"], products, [], date(2026, 4, 15), 2026, 2026)
    row = register.rows[0]
    expected = {}
    for instance in row.instances:
        expected.setdefault(instance.unit_code, Counter())[instance.status] += 1
    counts = row.statuses_by_unit()
    assert {unit: +c for unit, c in counts.items()} == expected
    assert (counts["11311"]["done"], counts["11311"]["late"], counts["11329"]["done"]) == (1, 1, 0)


def test_an_agency_activity_counts_for_its_own_activity_task_only():
    task = TaskSpec(7, "III", "4", "…", parse_time("Thường xuyên"), LEAD_AGENCY, ("SYT",), {"fair"})
    mine = UnitActivityFact(1, "SYT", "fair", "held", date(2026, 3, 2))
    other = UnitActivityFact(2, "SGDDT", "fair", "held", date(2026, 3, 2))
    register = evaluate_tasks([task], [], [], [mine, other], date(2026, 7, 1), 2026, 2026)
    h1, h2 = register.rows[0].instances
    assert (h1.status, h1.activities, h2.status) == ("done", (1,), "pending")


def test_upcoming_instances_count_in_no_rate():
    task = agency_task("Hằng năm")
    register = evaluate_tasks([task], [], [TaskSubmissionFact(1, 1, "2026", "SNV", date(2026, 5, 1))], [],
                              date(2026, 6, 1), 2026, 2030)
    summary = register.summary
    assert (summary["done"], summary["upcoming"], summary["rated"], summary["on_time_rate"]) == (1, 4, 1, 1.0)


# A campaign duty written as a once-schedule is judged exactly as the campaign's matrix judges it.

DAYS = st.dates(min_value=date(2026, 5, 1), max_value=date(2026, 8, 31))


@st.composite
def duty_and_facts(draw):
    """A duty (activity or report evidence, window or deadline only) with facts of one commune, and a day."""
    evidence = draw(st.sampled_from(("activity", "report")))
    end = draw(DAYS)
    start = draw(st.one_of(st.none(), st.dates(min_value=end - timedelta(days=40), max_value=end)))
    need = draw(st.integers(1, 3))
    duty = DutySpec(1, "…", evidence, {"fair"} if evidence == "activity" else (), need, start, end)
    facts = draw(st.lists(st.tuples(DAYS, st.sampled_from(("held", "planned", "cancelled")), st.booleans()),
                          max_size=5))
    return duty, facts, draw(DAYS)


@settings(max_examples=300, deadline=None)
@given(duty_and_facts())
def test_a_duty_as_a_once_schedule_gives_the_same_status(case):
    duty, facts, as_of = case
    campaign = CampaignSpec("c", "c", date(2026, 5, 1), date(2026, 8, 31), (duty,))
    activities = [ActivityFact(i, "31000", "fair" if ok else "radio", st_, day)
                  for i, (day, st_, ok) in enumerate(facts, 1)] if duty.evidence == "activity" else []
    reports = [SubmissionFact(i, "31000", day) for i, (day, _, _) in enumerate(facts, 1)] \
        if duty.evidence == "report" else []
    cell = evaluate(campaign, [CommuneFact("31000", "x", "xa")], activities, reports, as_of).cell("31000", 1)

    schedule = Schedule("once", start=duty.window_start, end=duty.window_end, count=duty.min_count)
    task = TaskSpec(1, "I", "1", "…", schedule, LEAD_COMMUNES, (), duty.kinds)
    key = periods(schedule, 2026, 2026)[0].key
    units = [UnitActivityFact(a.id, a.commune_code, a.kind, a.status, a.evidence_date) for a in activities]
    subs = [TaskSubmissionFact(r.id, 1, key, r.commune_code, r.submitted_on) for r in reports]
    [instance] = evaluate_tasks([task], ["31000"], subs, units, as_of, 2026, 2026).rows[0].instances

    if instance.status == "upcoming":  # the one word tasks add: a window that has not opened yet
        assert duty.window_start is not None and as_of < duty.window_start
        assert cell.status in ("pending", "planned")
    else:
        assert instance.status == cell.status
        assert tuple(sorted(instance.submissions + instance.activities)) == cell.evidence
        assert instance.planned == cell.planned
