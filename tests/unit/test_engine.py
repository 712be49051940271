"""The compliance engine, rule by rule (SPEC §4.3), on the plan's own dates (seed 002, Appendix II)."""

import ast
import dataclasses
import gc
import sys
from datetime import date, timedelta
from itertools import count
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.compliance import engine
from app.compliance.engine import (
    STATUS_LABELS_VI,
    STATUSES,
    ActivityFact,
    CampaignSpec,
    CityRequirementSpec,
    CommuneFact,
    DutySpec,
    SubmissionFact,
    evaluate,
)
from app.compliance.templates import bhyt_day_2026, template_for, thang_van_dong
from app.compliance.trend import completion_by_day

HOME = "31000"
NEIGHBOUR = "31001"
_ids = count(1)


def on(day_month: str, year: int = 2026) -> date:
    """A date written as in the plan: "01/7" is 1 July 2026."""
    day, month = day_month.split("/")
    return date(year, int(month), int(day))


def commune(code: str = HOME) -> CommuneFact:
    """A commune-level unit."""
    return CommuneFact(code, f"Phường {code}", "phuong")


def activity(kind: str, day_month: str, status: str = "held", commune_code: str | None = HOME) -> ActivityFact:
    """An activity of a kind on a day; held and in the home commune unless told."""
    return ActivityFact(next(_ids), commune_code, kind, status, on(day_month))


def report(day_month: str, commune_code: str = HOME) -> SubmissionFact:
    """A commune report submitted on a day."""
    return SubmissionFact(next(_ids), commune_code, on(day_month))


def judge(as_of: str, *activities: ActivityFact, submissions=(), campaign=None):
    """The home commune's matrix for one campaign (the 01/7 campaign unless told)."""
    campaign = campaign or bhyt_day_2026()
    return evaluate(campaign, [commune(HOME), commune(NEIGHBOUR)], activities, submissions, on(as_of))


def status(duty_no: int, as_of: str, *activities: ActivityFact, submissions=(), campaign=None) -> str:
    """The status of one of the home commune's duties."""
    return judge(as_of, *activities, submissions=submissions, campaign=campaign).cell(HOME, duty_no).status


# Duty 1: advisory document "before 30/6" — a deadline, no window start.


def test_advisory_dated_29_june_is_done():
    assert status(1, "10/7", activity("advisory", "29/6")) == "done"


def test_advisory_dated_30_june_is_late():
    assert status(1, "10/7", activity("advisory", "30/6")) == "late"


def test_advisory_before_the_period_counts_for_a_deadline_only_duty():
    assert status(1, "25/6", activity("advisory", "02/6")) == "done"


def test_no_advisory_is_pending_until_29_june_and_overdue_from_30_june():
    assert status(1, "29/6") == "pending"
    assert status(1, "30/6") == "overdue"


# Duty 5: radio 22/6 – 05/7, a window with both ends.


def test_radio_on_22_june_is_done():
    assert status(5, "22/6", activity("radio", "22/6")) == "done"


def test_radio_on_5_july_is_done():
    assert status(5, "05/7", activity("radio", "05/7")) == "done"


def test_radio_on_6_july_is_late():
    assert status(5, "06/7", activity("radio", "06/7")) == "late"


def test_radio_on_21_june_is_not_counted_at_all():
    early = activity("radio", "21/6")
    assert status(5, "25/6", early) == "pending"
    assert status(5, "06/7", early) == "overdue"
    assert judge("06/7", early).cell(HOME, 5).evidence == ()


# Duty 3: the Fair on 01/7, a one-day window.


def test_fair_on_1_july_is_done():
    assert status(3, "01/7", activity("fair", "01/7")) == "done"


def test_fair_on_2_july_is_late():
    assert status(3, "02/7", activity("fair", "02/7")) == "late"


def test_fair_on_30_june_is_not_counted():
    assert status(3, "02/7", activity("fair", "30/6")) == "overdue"


def test_no_fair_is_pending_until_1_july_and_overdue_from_2_july():
    assert status(3, "01/7") == "pending"
    assert status(3, "02/7") == "overdue"


def test_planned_fair_for_1_july_is_planned_as_of_25_june():
    fair = activity("fair", "01/7", status="planned")
    cell = judge("25/6", fair).cell(HOME, 3)
    assert (cell.status, cell.planned, cell.evidence) == ("planned", (fair.id,), ())


def test_planned_fair_never_marked_held_is_overdue_as_of_2_july():
    fair = activity("fair", "01/7", status="planned")
    cell = judge("02/7", fair).cell(HOME, 3)
    assert (cell.status, cell.planned) == ("overdue", (fair.id,))


def test_planned_fair_outside_its_day_does_not_make_duty_3_planned():
    assert status(3, "25/6", activity("fair", "02/7", status="planned")) == "pending"


def test_fair_held_on_1_july_replayed_as_of_25_june_is_planned():
    assert status(3, "25/6", activity("fair", "01/7")) == "planned"


# Duty 9: the commune report "before 08/7" — submissions, never activities.


def test_report_submitted_7_july_is_done():
    assert status(9, "07/7", submissions=[report("07/7")]) == "done"


def test_report_submitted_8_july_is_late():
    assert status(9, "08/7", submissions=[report("08/7")]) == "late"


def test_no_report_is_pending_on_7_july_and_overdue_from_8_july():
    assert status(9, "07/7") == "pending"
    assert status(9, "08/7") == "overdue"


def test_report_submitted_after_as_of_is_ignored():
    assert status(9, "05/7", submissions=[report("06/7")]) == "pending"


def test_report_duty_has_no_planned_state():
    assert status(9, "05/7", activity("advisory", "06/7", status="planned")) == "pending"


def test_another_communes_report_never_counts():
    assert status(9, "08/7", submissions=[report("07/7", commune_code=NEIGHBOUR)]) == "overdue"


# Evidence rules shared by every duty.


def test_cancelled_activity_never_counts():
    fair = activity("fair", "01/7", status="cancelled")
    assert status(3, "25/6", fair) == "pending"
    matrix = judge("02/7", fair)
    assert matrix.cell(HOME, 3).status == "overdue"
    assert matrix.cell(HOME, 3).planned == ()
    assert {r.key: r.actual for r in matrix.city_requirements}["fair"] == 0


def test_city_level_activity_counts_for_no_commune_but_for_city_requirements():
    fair = activity("fair", "01/7", commune_code=None)
    matrix = judge("02/7", fair)
    assert matrix.cell(HOME, 3).status == "overdue"
    assert matrix.cell(NEIGHBOUR, 3).status == "overdue"
    fair_requirement = {r.key: r for r in matrix.city_requirements}["fair"]
    assert (fair_requirement.actual, fair_requirement.met, fair_requirement.evidence) == (1, True, (fair.id,))


def test_city_level_planned_activity_plans_nothing():
    assert status(3, "25/6", activity("fair", "01/7", status="planned", commune_code=None)) == "pending"


def test_another_communes_activity_never_counts():
    radio = activity("radio", "23/6", commune_code=NEIGHBOUR)
    matrix = judge("06/7", radio)
    assert matrix.cell(HOME, 5).status == "overdue"
    assert matrix.cell(NEIGHBOUR, 5).status == "done"


def test_another_communes_plan_never_counts():
    assert status(3, "25/6", activity("fair", "01/7", status="planned", commune_code=NEIGHBOUR)) == "pending"


def test_evidence_dated_after_as_of_is_ignored_in_a_replay():
    radio = activity("radio", "30/6")
    assert status(5, "29/6", radio) == "planned"
    assert status(5, "30/6", radio) == "done"


def test_wrong_kind_never_counts():
    assert status(5, "06/7", activity("online_post", "25/6")) == "overdue"


@pytest.mark.parametrize(
    "kind", ["conference", "fair", "communication_point", "small_group", "livestream", "launch", "contest"]
)
def test_duty_2_accepts_any_direct_or_online_activity(kind):
    assert status(2, "30/6", activity(kind, "30/6")) == "done"


def test_duty_2_is_met_on_time_by_the_fair_that_also_meets_duty_3():
    matrix = judge("01/7", activity("fair", "01/7"))
    assert matrix.cell(HOME, 2).status == matrix.cell(HOME, 3).status == "done"


def test_done_lists_on_time_evidence_sorted_and_late_lists_all():
    first, second, after = activity("radio", "04/7"), activity("radio", "23/6"), activity("radio", "06/7")
    done = judge("10/7", after, first, second).cell(HOME, 5)
    assert done.status == "done"
    assert done.evidence == (first.id, second.id)
    late = judge("10/7", after).cell(HOME, 5)
    assert (late.status, late.evidence) == ("late", (after.id,))


def test_cell_carries_its_window():
    cell = judge("25/6").cell(HOME, 5)
    assert (cell.opens, cell.deadline) == (on("22/6"), on("05/7"))
    assert judge("25/6").cell(HOME, 1).opens is None


# min_count: a duty that needs two pieces of evidence.


def _two_conferences_in_early_june() -> CampaignSpec:
    duty = DutySpec(1, "Hai hội nghị", "activity", frozenset({"conference"}), 2, on("01/6"), on("10/6"))
    return CampaignSpec("two", "Hai hội nghị", on("01/6"), on("10/6"), (duty,))


def test_min_count_2_with_one_held_is_pending_and_shows_it():
    one = activity("conference", "02/6")
    cell = judge("05/6", one, campaign=_two_conferences_in_early_june()).cell(HOME, 1)
    assert (cell.status, cell.evidence) == ("pending", (one.id,))


def test_min_count_2_with_two_held_is_done():
    two = (activity("conference", "02/6"), activity("conference", "10/6"))
    assert status(1, "10/6", *two, campaign=_two_conferences_in_early_june()) == "done"


def test_min_count_2_with_one_on_time_and_one_after_is_late():
    two = (activity("conference", "02/6"), activity("conference", "11/6"))
    cell = judge("11/6", *two, campaign=_two_conferences_in_early_june()).cell(HOME, 1)
    assert (cell.status, cell.evidence) == ("late", tuple(sorted(a.id for a in two)))


def test_min_count_2_with_one_held_and_one_planned_is_planned():
    both = (activity("conference", "02/6"), activity("conference", "08/6", status="planned"))
    assert status(1, "05/6", *both, campaign=_two_conferences_in_early_june()) == "planned"


def test_min_count_2_with_only_one_planned_is_pending():
    one = activity("conference", "08/6", status="planned")
    assert status(1, "05/6", one, campaign=_two_conferences_in_early_june()) == "pending"


def test_min_count_2_with_one_held_after_the_window_closes_is_overdue():
    one = activity("conference", "02/6")
    cell = judge("11/6", one, campaign=_two_conferences_in_early_june()).cell(HOME, 1)
    assert (cell.status, cell.evidence) == ("overdue", (one.id,))


# City requirements (seed 002 §II.3).


def _requirements(as_of: str, *activities: ActivityFact):
    """The city requirements of the 01/7 campaign, by key."""
    return {r.key: r for r in judge(as_of, *activities).city_requirements}


def test_three_communication_points_from_any_commune_meet_the_city_requirement():
    points = [
        activity("communication_point", "24/6"),
        activity("communication_point", "25/6", commune_code=NEIGHBOUR),
        activity("communication_point", "26/6", commune_code="99999"),
    ]
    assert _requirements("30/6", *points[:2])["communication_points"].met is False
    met = _requirements("30/6", *points)["communication_points"]
    assert (met.required, met.actual, met.met) == (3, 3, True)
    assert met.evidence == tuple(sorted(p.id for p in points))


def test_banner_on_25_june_does_not_count_and_on_26_june_does():
    assert _requirements("11/7", activity("banner", "25/6"))["banners"].actual == 0
    assert _requirements("11/7", activity("banner", "26/6", commune_code=None))["banners"].met is True


def test_city_requirement_ignores_plans_and_activities_after_as_of():
    requirements = _requirements("30/6", activity("livestream", "01/7"), activity("livestream", "28/6", "planned"))
    assert requirements["livestream"].actual == 0


def test_city_requirements_of_the_01_july_campaign():
    campaign = bhyt_day_2026()
    assert [(r.key, r.min_count, r.window_start, r.window_end) for r in campaign.city_requirements] == [
        ("communication_points", 3, on("22/6"), on("11/7")),
        ("livestream", 1, on("22/6"), on("11/7")),
        ("banners", 1, on("26/6"), on("11/7")),
        ("fair", 1, on("01/7"), on("01/7")),
        ("launch", 1, on("22/6"), on("11/7")),
    ]
    assert all(r.label for r in campaign.city_requirements)


# Totals and summary.


def test_totals_and_summary_agree_with_the_cells():
    campaign = bhyt_day_2026()
    codes = [HOME, NEIGHBOUR, "31002"]
    all_done = [activity(kind, "01/7") for kind in ("fair", "radio", "online_post", "review")]
    all_done += [activity("advisory", "29/6"), activity("communication_point", "30/6"), activity("integrated", "02/7")]
    activities = [
        *all_done,
        activity("advisory", "30/6", commune_code=NEIGHBOUR),
        activity("radio", "04/7", status="planned", commune_code="31002"),
    ]
    submissions = [report("07/7"), report("09/7", commune_code=NEIGHBOUR)]
    matrix = evaluate(campaign, [commune(c) for c in codes], activities, submissions, on("02/7"))

    cells = [cell for row in matrix.rows for cell in row.cells]
    by_status = {s: sum(1 for cell in cells if cell.status == s) for s in STATUSES}
    summary = matrix.summary
    assert summary["cells"] == len(cells) == 27
    assert {s: summary[s] for s in STATUSES} == by_status
    assert {s: sum(totals[s] for totals in matrix.duty_totals.values()) for s in STATUSES} == by_status
    assert {s: sum(row.counts[s] for row in matrix.rows) for s in STATUSES} == by_status
    assert all(sum(totals.values()) == 3 for totals in matrix.duty_totals.values())
    assert summary["completed"] == by_status["done"] + by_status["late"]
    assert summary["on_time_rate"] == pytest.approx(by_status["done"] / 27)
    assert summary["next_deadline"] == on("05/7")
    for row in matrix.rows:
        assert row.total == 9
        assert row.completed == row.counts["done"] + row.counts["late"]

    assert dict(matrix.row(HOME).counts) == {"done": 8, "late": 0, "planned": 0, "pending": 1, "overdue": 0}
    assert matrix.cell(HOME, 9).status == "pending"  # the report of 07/7 is after as_of
    assert matrix.cell(NEIGHBOUR, 1).status == "late"
    assert matrix.cell("31002", 5).status == "planned"
    assert dict(matrix.duty_totals[1]) == {"done": 1, "late": 1, "planned": 0, "pending": 0, "overdue": 1}
    assert (summary["done"], summary["late"], summary["planned"]) == (8, 1, 1)
    assert summary["communes_all_done"] == 0

    later = evaluate(campaign, [commune(c) for c in codes], activities, submissions, on("11/7"))
    assert later.row(HOME).completed == 9
    assert later.summary["communes_all_done"] == 1
    assert later.summary["next_deadline"] == on("11/7")


def test_summary_of_an_empty_matrix():
    matrix = evaluate(bhyt_day_2026(), [], [], [], on("01/6"))
    assert matrix.summary["cells"] == 0
    assert matrix.summary["on_time_rate"] == 0.0
    assert matrix.summary["next_deadline"] == on("29/6")
    assert set(matrix.duty_totals) == set(range(1, 10))
    assert evaluate(bhyt_day_2026(), [], [], [], on("12/7")).summary["next_deadline"] is None


def test_matrix_is_frozen_hashable_and_cell_rejects_unknown_keys():
    matrix = judge("25/6")
    with pytest.raises(dataclasses.FrozenInstanceError):
        matrix.as_of = on("26/6")
    with pytest.raises(TypeError):
        matrix.summary["cells"] = 0
    assert hash(matrix) == hash(judge("25/6"))
    with pytest.raises(KeyError):
        matrix.cell("00000", 1)
    with pytest.raises(KeyError):
        matrix.cell(HOME, 10)


def test_every_status_has_a_vietnamese_label():
    assert set(STATUS_LABELS_VI) == set(STATUSES)


def test_evaluate_leaves_the_garbage_collector_as_it_found_it():
    assert gc.isenabled()
    judge("25/6")
    assert gc.isenabled()
    gc.disable()
    try:
        judge("25/6")
        assert not gc.isenabled()
    finally:
        gc.enable()


# Specs refuse what the engine could not judge.


def test_activity_duty_without_kinds_is_rejected():
    with pytest.raises(ValueError):
        DutySpec(1, "x", "activity", frozenset())


def test_duty_whose_window_opens_after_it_closes_is_rejected():
    with pytest.raises(ValueError):
        DutySpec(1, "x", "activity", frozenset({"radio"}), 1, on("05/7"), on("22/6"))


def test_campaign_with_two_duties_numbered_alike_is_rejected():
    duty = DutySpec(1, "x", "report", frozenset())
    with pytest.raises(ValueError):
        CampaignSpec("x", "x", on("01/6"), on("30/6"), (duty, duty))


def test_kinds_given_as_a_list_become_a_frozenset():
    duty = DutySpec(1, "x", "activity", ["radio", "radio"])
    requirement = CityRequirementSpec("k", "k", ["banner"], 1, None, None)
    assert duty.kinds == frozenset({"radio"})
    assert requirement.kinds == frozenset({"banner"})


# Templates.


def test_bhyt_day_2026_has_the_nine_duties_of_appendix_ii():
    campaign = bhyt_day_2026()
    assert (campaign.slug, campaign.start, campaign.end) == ("bhyt-day-2026", on("22/6"), on("11/7"))
    windows = {d.no: (d.evidence, d.window_start, d.window_end, d.min_count) for d in campaign.duties}
    period = (on("22/6"), on("11/7"))
    assert windows == {
        1: ("activity", None, on("29/6"), 1),
        2: ("activity", *period, 1),
        3: ("activity", on("01/7"), on("01/7"), 1),
        4: ("activity", *period, 1),
        5: ("activity", on("22/6"), on("05/7"), 1),
        6: ("activity", *period, 1),
        7: ("activity", *period, 1),
        8: ("activity", *period, 1),
        9: ("report", None, on("07/7"), 1),
    }
    kinds = {d.no: d.kinds for d in campaign.duties}
    assert kinds[2] == {"conference", "fair", "communication_point", "small_group", "livestream", "launch", "contest"}
    assert [kinds[n] for n in (1, 3, 4, 5, 6, 7, 8)] == [
        {"advisory"},
        {"fair"},
        {"communication_point"},
        {"radio"},
        {"online_post"},
        {"review"},
        {"integrated"},
    ]
    assert kinds[9] == frozenset()
    assert campaign.duty(5).text.startswith("Phối hợp với hệ thống truyền thanh cơ sở")
    assert all(d.hint for d in campaign.duties)


def test_thang_van_dong_is_a_plan_by_30_april_activity_in_may_and_report_by_5_june():
    campaign = thang_van_dong(2027)
    assert (campaign.slug, campaign.start, campaign.end) == ("thang-van-dong-2027", on("01/4", 2027), on("05/6", 2027))
    plan, activity_in_may, report_duty = campaign.duties
    assert (plan.kinds, plan.window_start, plan.window_end) == ({"advisory"}, None, on("30/4", 2027))
    assert (activity_in_may.window_start, activity_in_may.window_end) == (on("01/5", 2027), on("31/5", 2027))
    assert activity_in_may.kinds == {"conference", "communication_point", "small_group", "fair"}
    assert (report_duty.evidence, report_duty.window_end) == ("report", on("05/6", 2027))
    may = evaluate(
        campaign, [commune()], [ActivityFact(1, HOME, "small_group", "held", on("30/4", 2027))], [], on("01/6", 2027)
    )
    assert may.cell(HOME, 2).status == "overdue"


def test_template_for_knows_both_slugs():
    assert template_for("bhyt-day-2026") == bhyt_day_2026()
    assert template_for("thang-van-dong-2026") == thang_van_dong(2026)
    assert template_for("thang-van-dong-26") is None
    assert template_for("unknown") is None


# completion_by_day: the counts of evaluate(...).summary for many days in one pass (the dashboard trend).


def _trend_campaign() -> CampaignSpec:
    """One duty of each shape the engine knows: deadline only, window with min_count 2, one-day window,
    reports with and without a window opening, and a window with no deadline."""
    duties = (
        DutySpec(1, "Tham mưu trước 30/6", "activity", {"advisory"}, 1, None, on("29/6")),
        DutySpec(2, "Hai buổi phát thanh 22/6 – 05/7", "activity", {"radio"}, 2, on("22/6"), on("05/7")),
        DutySpec(3, "Ngày hội 01/7", "activity", {"fair"}, 1, on("01/7"), on("01/7")),
        DutySpec(4, "Báo cáo trước 08/7", "report", (), 1, None, on("07/7")),
        DutySpec(5, "Báo cáo 01/7 – 07/7", "report", (), 1, on("01/7"), on("07/7")),
        DutySpec(6, "Tin bài từ 22/6", "activity", {"online_post", "fair"}, 1, on("22/6"), None),
    )
    return CampaignSpec("trend", "Xu hướng", on("22/6"), on("11/7"), duties)


TREND_DAYS = [on("01/6") + timedelta(days=n) for n in range(61)]  # 01/6 – 31/7, before and after every window


def by_day(*activities: ActivityFact, submissions=(), campaign=None, communes=(HOME, NEIGHBOUR), days=TREND_DAYS):
    """completion_by_day over the facts, checked against evaluate(...).summary on every day; {day: summary}."""
    campaign = campaign or _trend_campaign()
    facts = (campaign, [commune(code) for code in communes], activities, submissions)
    summaries = completion_by_day(*facts, days)
    assert [s.day for s in summaries] == list(days)
    for summary in summaries:
        expected = evaluate(*facts, summary.day).summary
        got = {"cells": summary.cells, "done": summary.done, "late": summary.late, "completed": summary.completed,
               "on_time_rate": summary.on_time_rate}
        assert got == {key: expected[key] for key in got}, summary.day
        cells = expected["cells"]
        assert summary.completed_rate == (expected["completed"] / cells if cells else 0.0)
    return {s.day: s for s in summaries}


def _done_late(summaries, day_month: str) -> tuple[int, int]:
    """(done, late) on a day."""
    summary = summaries[on(day_month)]
    return summary.done, summary.late


def test_by_day_with_no_evidence_counts_every_cell_and_none_completed():
    summaries = by_day()
    assert {(s.cells, s.done, s.completed) for s in summaries.values()} == {(12, 0, 0)}


def test_by_day_min_count_2_is_done_from_the_second_radio():
    summaries = by_day(activity("radio", "23/6"), activity("radio", "30/6"))
    assert _done_late(summaries, "29/6") == (0, 0)
    assert _done_late(summaries, "30/6") == (1, 0)


def test_by_day_min_count_2_with_the_second_radio_after_the_window_is_late_from_that_day():
    summaries = by_day(activity("radio", "24/6"), activity("radio", "06/7"), activity("radio", "09/7"))
    assert _done_late(summaries, "05/7") == (0, 0)
    assert _done_late(summaries, "06/7") == (0, 1)
    assert _done_late(summaries, "31/7") == (0, 1)


def test_by_day_ignores_evidence_before_a_window_opens():
    assert _done_late(by_day(activity("radio", "20/6"), activity("radio", "21/6")), "31/7") == (0, 0)
    assert _done_late(by_day(activity("radio", "21/6"), activity("radio", "25/6")), "31/7") == (0, 0)
    assert _done_late(by_day(activity("fair", "30/6")), "31/7") == (1, 0)  # duty 6 only, not the Fair


def test_by_day_deadline_only_duty_accepts_evidence_long_before_and_is_late_after():
    assert _done_late(by_day(activity("advisory", "01/6")), "01/6") == (1, 0)
    summaries = by_day(activity("advisory", "30/6"))
    assert _done_late(summaries, "29/6") == (0, 0)
    assert _done_late(summaries, "30/6") == (0, 1)


def test_by_day_reports_before_a_window_are_ignored_and_after_it_are_late():
    early = by_day(submissions=[report("30/6")])
    assert _done_late(early, "30/6") == (1, 0)  # duty 4 only: duty 5 opens on 01/7
    assert _done_late(early, "31/7") == (1, 0)
    late = by_day(submissions=[report("08/7"), report("08/7", commune_code="99999")])
    assert _done_late(late, "07/7") == (0, 0)
    assert _done_late(late, "08/7") == (0, 2)


def test_by_day_a_window_with_no_deadline_is_never_late():
    assert _done_late(by_day(activity("online_post", "31/7")), "31/7") == (1, 0)


def test_by_day_city_level_cancelled_and_planned_activities_never_complete_a_cell():
    never = [activity("fair", "01/7", commune_code=None), activity("fair", "01/7", status="cancelled"),
             activity("fair", "01/7", status="planned"), activity("radio", "23/6", status="planned"),
             activity("radio", "24/6", status="planned"), activity("advisory", "02/6", status="cancelled")]
    assert {(s.done, s.completed) for s in by_day(*never).values()} == {(0, 0)}
    assert _done_late(by_day(*never, activity("fair", "01/7", commune_code=NEIGHBOUR)), "01/7") == (2, 0)


def test_by_day_on_the_01_july_campaign_with_a_mixed_season():
    season = [activity(kind, "01/7") for kind in ("fair", "radio", "online_post", "review")]
    season += [activity("advisory", "29/6"), activity("communication_point", "21/6"), activity("integrated", "12/7"),
               activity("advisory", "30/6", commune_code=NEIGHBOUR), activity("radio", "04/7", status="planned")]
    summaries = by_day(*season, submissions=[report("07/7"), report("09/7", commune_code=NEIGHBOUR)],
                       campaign=bhyt_day_2026(), communes=(HOME, NEIGHBOUR, "31002"))
    assert summaries[on("31/7")].cells == 27
    assert _done_late(summaries, "31/7") == (7, 3)


def test_by_day_keeps_the_days_in_the_order_asked_and_an_empty_city_has_rates_of_zero():
    days = [on("05/7"), on("23/6"), on("05/7")]
    assert [s.done for s in by_day(activity("radio", "23/6"), activity("radio", "23/6"), days=days).values()] == [1, 1]
    empty = by_day(activity("radio", "23/6"), communes=(), days=days)
    assert {(s.cells, s.completed_rate, s.on_time_rate) for s in empty.values()} == {(0, 0.0, 0.0)}
    assert completion_by_day(_trend_campaign(), [], [], [], []) == []


_KINDS = ("advisory", "radio", "fair", "other")
_START = on("18/6")


def _day(offset: int) -> date:
    """A day of the randomised season, from 18/6."""
    return _START + timedelta(days=offset)


@st.composite
def _seasons(draw):
    """A random campaign (1 – 4 duties of any shape) and random facts around its windows."""
    duties = []
    for no in range(1, draw(st.integers(1, 4)) + 1):
        lo, hi = sorted(draw(st.lists(st.integers(0, 20), min_size=2, max_size=2)))
        evidence = draw(st.sampled_from(["activity", "report"]))
        kinds = draw(st.sets(st.sampled_from(_KINDS[:3]), min_size=1)) if evidence == "activity" else ()
        duties.append(DutySpec(no, f"Nhiệm vụ {no}", evidence, kinds, draw(st.integers(1, 3)),
                               draw(st.sampled_from([None, _day(lo)])), draw(st.sampled_from([None, _day(hi)]))))
    campaign = CampaignSpec("random", "Ngẫu nhiên", _day(0), _day(20), duties)
    communes = draw(st.lists(st.sampled_from(["A", "B", "C"]), unique=True, max_size=3))
    codes = st.sampled_from(["A", "B", "C", "Z"])
    activities = draw(st.lists(st.builds(
        ActivityFact, st.integers(1, 10_000), st.one_of(st.none(), codes), st.sampled_from(_KINDS),
        st.sampled_from(["held", "held", "planned", "cancelled"]), st.integers(-3, 25).map(_day)), max_size=30))
    submissions = draw(st.lists(st.builds(SubmissionFact, st.integers(1, 10_000), codes,
                                          st.integers(-3, 25).map(_day)), max_size=6))
    days = draw(st.lists(st.integers(-4, 26).map(_day), max_size=10))
    return campaign, [commune(code) for code in communes], activities, submissions, days


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_seasons())
def test_by_day_equals_evaluate_on_every_day_for_random_seasons(season):
    campaign, communes, activities, submissions, days = season
    every_day = [_day(offset) for offset in range(-4, 27)]
    for summary in completion_by_day(campaign, communes, activities, submissions, days + every_day):
        expected = evaluate(campaign, communes, activities, submissions, summary.day).summary
        assert (summary.cells, summary.done, summary.late, summary.completed, summary.on_time_rate) == (
            expected["cells"], expected["done"], expected["late"], expected["completed"], expected["on_time_rate"])


# Purity (STYLE.md §4): the engine must never look like a query.


def test_engine_imports_only_the_standard_library():
    tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative imports would reach into the app"
            imported.add(node.module.split(".")[0])
    assert imported, "the import scan found nothing; it is broken"
    assert not imported & {"flask", "sqlalchemy", "flask_sqlalchemy", "app"}
    assert imported <= sys.stdlib_module_names
