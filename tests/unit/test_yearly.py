"""Campaigns as a yearly routine (SPEC §18): dates and texts moved by whole years, templates per city."""

from datetime import date

import pytest

from app.compliance.templates import bhyt_day_2026, city_templates, shipped_campaigns, template_for, thang_van_dong
from app.compliance.yearly import as_it_was, shift_spec, shift_text_years, shift_years


def test_a_date_moves_by_whole_years():
    assert shift_years(date(2026, 7, 1), 1) == date(2027, 7, 1)
    assert shift_years(date(2026, 7, 1), -2) == date(2024, 7, 1)
    assert shift_years(None, 1) is None


@pytest.mark.parametrize(("years", "expected"), [(1, date(2029, 2, 28)), (4, date(2032, 2, 29)), (-1, date(2027, 2, 28))])
def test_29_february_becomes_28_february_in_a_common_year(years, expected):
    assert shift_years(date(2028, 2, 29), years) == expected


def test_years_in_texts_move_but_document_numbers_do_not():
    text = "Ngày hội 01/7/2026, đợt 22/6 – 11/7/2026, theo Nghị định 13/2023/NĐ-CP, năm 2026."
    assert shift_text_years(text, 1) == "Ngày hội 01/7/2027, đợt 22/6 – 11/7/2027, theo Nghị định 13/2023/NĐ-CP, năm 2027."
    assert shift_text_years("bhyt-day-2026", 1) == "bhyt-day-2027"


def test_bhyt_day_2027_from_the_template_keeps_the_duties_on_their_days():
    spec = shift_spec(bhyt_day_2026(), 1, "bhyt-day-2027")
    assert template_for("bhyt-day-2027") == spec
    assert (spec.duty(3).window_start, spec.duty(3).window_end) == (date(2027, 7, 1), date(2027, 7, 1))
    assert (spec.duty(5).window_start, spec.duty(5).window_end) == (date(2027, 6, 22), date(2027, 7, 5))
    assert spec.duty(9).window_end == date(2027, 7, 7)
    assert "01/7/2027" in spec.name and "2026" not in spec.duty(5).hint
    assert [(r.window_start, r.window_end) for r in spec.city_requirements if r.key == "banners"] == [
        (date(2027, 6, 26), date(2027, 7, 11))]


def test_hai_phong_ships_bhyt_day_and_the_may_template_ha_noi_the_may_template_only():
    assert [t.key for t in city_templates("haiphong")] == ["bhyt-day", "thang-van-dong"]
    assert [t.key for t in city_templates("hanoi")] == ["thang-van-dong"]
    assert [s.slug for s in shipped_campaigns("haiphong")] == ["bhyt-day-2026"]
    assert shipped_campaigns("hanoi") == []
    assert template_for("bhyt-day-2026", "hanoi") is None


def test_ha_noi_texts_name_bhxh_khu_vuc_i_where_hai_phong_names_the_city_office():
    hanoi, haiphong = thang_van_dong(2027, "hanoi"), thang_van_dong(2027, "haiphong")
    texts = [t for d in hanoi.duties for t in (d.text, d.hint)] + [hanoi.name]
    assert any("BHXH khu vực I" in t for t in texts)
    assert not any("thành phố" in t for t in texts)
    assert "Bảo hiểm xã hội thành phố" in haiphong.duty(3).hint
    assert [(d.no, d.window_start, d.window_end) for d in hanoi.duties] == [
        (d.no, d.window_start, d.window_end) for d in haiphong.duties]


def test_a_duty_reads_the_values_of_the_day_between_its_edits():
    """SPEC §18: each revision holds what the duty said before the edit of its `replaced_on` day."""
    from types import SimpleNamespace

    first = SimpleNamespace(replaced_on=date(2026, 7, 1), window_end=date(2026, 7, 5))
    second = SimpleNamespace(replaced_on=date(2026, 7, 3), window_end=date(2026, 7, 8))
    now = SimpleNamespace(window_end=date(2026, 7, 10))
    ends = [as_it_was(now, [first, second], day).window_end
            for day in (date(2026, 6, 30), date(2026, 7, 1), date(2026, 7, 2), date(2026, 7, 3), None)]
    assert ends == [date(2026, 7, 5), date(2026, 7, 8), date(2026, 7, 8), date(2026, 7, 10), date(2026, 7, 10)]
    assert as_it_was(now, [], date(2026, 6, 1)) is now


def test_a_duty_brought_back_is_not_in_force_on_the_days_it_was_retired():
    from app.compliance.yearly import in_force

    gaps = [["2026-07-01", "2026-07-05"]]
    days = (date(2026, 6, 30), date(2026, 7, 1), date(2026, 7, 4), date(2026, 7, 5))
    assert [in_force(None, None, day, gaps) for day in days] == [True, False, False, True]
    assert in_force(None, None, None, gaps)
