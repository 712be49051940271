"""The emulation score and ranking, computed by hand (SPEC §16)."""

import pytest

from app.targets.communes import FIGURES
from app.targets.emulation import Entry, duty_part, rank, score, target_part

# Three communes, parts as shares (duties done on time / due, tasks, targets achieved).
A = Entry("11311", "Phường Hồng Bàng", duties=0.9, tasks=0.5, targets=0.6)
B = Entry("11948", "Xã An Lão", duties=0.6, tasks=1.0, targets=0.8)
C = Entry("12001", "Đặc khu Cát Hải", duties=1.0, tasks=0.0, targets=0.7)


def test_default_weights_give_the_hand_computed_scores_and_ranks():
    # A: 0.4·90 + 0.2·50 + 0.4·60 = 36 + 10 + 24 = 70
    # B: 0.4·60 + 0.2·100 + 0.4·80 = 24 + 20 + 32 = 76
    # C: 0.4·100 + 0.2·0 + 0.4·70 = 40 + 0 + 28 = 68
    standings = rank([A, B, C])
    assert [(s.code, s.score, s.rank) for s in standings] == [("11948", 76.0, 1), ("11311", 70.0, 2),
                                                             ("12001", 68.0, 3)]
    assert standings[0].parts == {"duties": 60.0, "tasks": 100.0, "targets": 80.0}


def test_a_weight_change_reorders_the_ranking_as_computed_by_hand():
    weights = {"duties": 0.7, "tasks": 0.1, "targets": 0.2}
    # A: 63 + 5 + 12 = 80; B: 42 + 10 + 16 = 68; C: 70 + 0 + 14 = 84
    standings = rank([A, B, C], weights)
    assert [(s.code, s.score, s.rank) for s in standings] == [("12001", 84.0, 1), ("11311", 80.0, 2),
                                                             ("11948", 68.0, 3)]


def test_equal_scores_share_a_rank_and_are_listed_by_vietnamese_name():
    same = dict(duties=0.5, tasks=0.5, targets=0.5)
    entries = [Entry("3", "Xã Đông Hải", **same), Entry("1", "Xã Ân Thi", **same), Entry("2", "Xã An Hưng", **same),
               Entry("4", "Xã Bạch Đằng", duties=1.0, tasks=1.0, targets=1.0)]
    standings = rank(entries)
    # "An" before "Ân" (a before â), "D…" before "Đ…"; the next rank after three tied at 2 is 5.
    assert [(s.name, s.rank) for s in standings] == [("Xã Bạch Đằng", 1), ("Xã An Hưng", 2), ("Xã Ân Thi", 2),
                                                     ("Xã Đông Hải", 2)]
    assert [s.rank for s in rank([*entries, Entry("5", "Xã Cổ Am", 0.1, 0.1, 0.1)])][-1] == 5


def test_a_part_nobody_can_measure_weighs_nothing():
    no_tasks = Entry("1", "Xã A", duties=0.5, tasks=None, targets=1.0)
    assert score(no_tasks) == 75.0  # (0.4·50 + 0.4·100) / 0.8
    assert rank([no_tasks])[0].parts["tasks"] is None
    assert score(Entry("2", "Xã B", None, None, None)) == 0.0
    with pytest.raises(ValueError):
        rank([no_tasks], {"duties": -1, "tasks": 0, "targets": 1})


def test_the_parts_from_the_engine_counts_and_the_targets():
    assert duty_part(on_time=3, due=4) == 0.75
    assert duty_part(on_time=0, due=0) is None
    # BHXH bắt buộc 6 000 of 12 000 (0.5), tự nguyện 1 500 of 1 000 (capped 1), BHYT 90 of 95 % (0.947…)
    target = {"bhxh_bat_buoc": 12_000, "bhxh_tu_nguyen": 1_000, "bhyt_rate": 95.0}
    share = target_part(target, {"bhxh_bat_buoc": 6_000, "bhxh_tu_nguyen": 1_500, "bhyt_rate": 90.0}, FIGURES)
    assert share == pytest.approx((0.5 + 1 + 90 / 95) / 3)
    # a figure without a positive target is left out: (0.5 + 1) / 2
    assert target_part({**target, "bhyt_rate": 0}, {"bhxh_bat_buoc": 6_000, "bhxh_tu_nguyen": 1_500,
                                                    "bhyt_rate": 90.0}, FIGURES) == 0.75
    assert target_part({"bhxh_bat_buoc": 0, "bhxh_tu_nguyen": None, "bhyt_rate": 0}, {"bhxh_bat_buoc": 5}, FIGURES) \
        is None
    assert target_part(None, {"bhxh_bat_buoc": 5}, FIGURES) is None


def test_no_actual_yet_is_no_targets_part_and_the_weights_are_renormalised():
    # The list says "Chưa có số liệu" of a commune with a target and no actual: the score does not count it 0.
    target = {"bhxh_bat_buoc": 1_000, "bhxh_tu_nguyen": 100, "bhyt_rate": 95.0}
    assert target_part(target, None, FIGURES) is None
    waiting = Entry("1", "Xã A", duties=0.5, tasks=0.25, targets=target_part(target, None, FIGURES))
    # (0.4·50 + 0.2·25) / (0.4 + 0.2) = 25 / 0.6 = 41.67, not 0.4·50 + 0.2·25 + 0.4·0 = 25
    assert score(waiting) == 41.67
    # a commune that reached 10 % of each target keeps its measured part: 0.4·50 + 0.2·25 + 0.4·10 = 29
    reached = Entry("2", "Xã B", duties=0.5, tasks=0.25, targets=0.1)
    assert [(s.code, s.score, s.parts["targets"]) for s in rank([waiting, reached])] == [("1", 41.67, None),
                                                                                         ("2", 29.0, 10.0)]
