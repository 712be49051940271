"""The pro-rata list "Địa bàn chưa đạt chỉ tiêu" (SPEC §16)."""

from datetime import date

import pytest

from app.targets.prorata import below_pro_rata, expected_share

TARGET = {"bhxh_bat_buoc": 10_000, "bhxh_tu_nguyen": 1_000, "bhyt_rate": 95.0}


def test_half_the_target_by_30_june_is_on_pro_rata_and_thirty_percent_is_listed():
    assert expected_share(date(2026, 6, 30)) == pytest.approx(181 / 365)
    communes = [
        ("11311", "Phường Hồng Bàng", TARGET, {"bhxh_bat_buoc": 5_000, "bhxh_tu_nguyen": 500, "bhyt_rate": 80.0}),
        ("11948", "Xã An Lão", TARGET, {"bhxh_bat_buoc": 3_000, "bhxh_tu_nguyen": 600, "bhyt_rate": 96.0}),
    ]
    listed = below_pro_rata(communes, date(2026, 6, 30))
    assert [(s.code, set(s.short)) for s in listed] == [("11948", {"bhxh_bat_buoc"})]
    achieved, expected = listed[0].short["bhxh_bat_buoc"]
    assert (achieved, round(expected, 3)) == (0.3, 0.496)


def test_no_actual_counts_zero_and_no_target_is_not_judged():
    communes = [("1", "Xã A", TARGET, None), ("2", "Xã B", {"bhxh_bat_buoc": 0, "bhxh_tu_nguyen": None}, None)]
    assert [(s.code, sorted(s.short)) for s in below_pro_rata(communes, date(2026, 1, 31))] == [
        ("1", ["bhxh_bat_buoc", "bhxh_tu_nguyen"])]
    # 31/12: the whole target is expected; reaching it exactly is on pro-rata
    full = [("3", "Xã C", TARGET, {"bhxh_bat_buoc": 10_000, "bhxh_tu_nguyen": 1_000})]
    assert below_pro_rata(full, date(2026, 12, 31)) == []
