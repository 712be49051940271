"""The pro-rata list "Địa bàn chưa đạt chỉ tiêu" (SPEC §16) and the pace bands."""

from datetime import date

import pytest

from app.targets.prorata import below_pro_rata, expected_share, judge, month_end

TARGET = {"bhxh_bat_buoc": 10_000, "bhxh_tu_nguyen": 1_000, "bhyt_rate": 95.0}
JUNE = date(2026, 6, 30)


def test_half_the_target_by_30_june_is_on_pro_rata_and_thirty_percent_is_listed():
    assert expected_share(JUNE) == pytest.approx(181 / 365)
    communes = [
        ("11311", "Phường Hồng Bàng", TARGET, {"bhxh_bat_buoc": 5_000, "bhxh_tu_nguyen": 500, "bhyt_rate": 80.0}, JUNE),
        ("11948", "Xã An Lão", TARGET, {"bhxh_bat_buoc": 3_000, "bhxh_tu_nguyen": 600, "bhyt_rate": 96.0}, JUNE),
    ]
    listed = below_pro_rata(communes)
    assert [(s.code, set(s.short)) for s in listed] == [("11948", {"bhxh_bat_buoc"})]
    achieved, expected = listed[0].short["bhxh_bat_buoc"]
    assert (achieved, round(expected, 3)) == (0.3, 0.496)


def test_figures_are_judged_at_the_end_of_the_month_of_the_data():
    # June's 50 % read on 20/7: judged against 30/6 (49.6 %), not against 20/7 (55 %)
    judged = judge(TARGET, {"bhxh_bat_buoc": 5_000, "bhxh_tu_nguyen": 500, "bhyt_rate": 95.0}, month_end(2026, 6))
    assert not judged.listed and judged.band == "on_track"
    assert judged.achieved == {"bhxh_bat_buoc": 0.5, "bhxh_tu_nguyen": 0.5, "bhyt_rate": 1.0}
    assert month_end(2028, 2) == date(2028, 2, 29)


def test_bands_say_how_far_behind_and_no_data_is_not_judged():
    def band(bb, tn):
        return judge(TARGET, {"bhxh_bat_buoc": bb, "bhxh_tu_nguyen": tn, "bhyt_rate": 90.0}, JUNE).band

    assert band(10_000, 1_000) == "done"
    assert band(4_500, 500) == "behind"  # 45 % of 49.6 %: 91 % of the pace
    assert band(3_000, 500) == "far_behind"  # 60 % of the pace
    assert judge(TARGET, None, None).band == "no_data" and not judge(TARGET, None, None).listed
    assert judge({"bhxh_bat_buoc": 0, "bhxh_tu_nguyen": None}, {"bhxh_bat_buoc": 5}, JUNE).band == "no_target"
    # 31/12: the whole target is expected; reaching it exactly is on pro-rata
    full = [("3", "Xã C", TARGET, {"bhxh_bat_buoc": 10_000, "bhxh_tu_nguyen": 1_000}, date(2026, 12, 31))]
    assert below_pro_rata(full) == []
