"""Vietnamese alphabetical order (issue 15 item 8): letters a ă â … đ … then tones, never code-point order."""

import random

from app.collation import ALPHABET, vi_key, vi_sorted


def test_ái_before_an_before_ấn():
    assert vi_sorted(["Ấn", "An", "Ái"]) == ["Ái", "An", "Ấn"]


def test_đ_after_d_and_before_e():
    assert vi_sorted(["Đồ Sơn", "Dương Kinh", "Đông Hải", "Dư Hàng", "Ea Kar"]) == [
        "Dư Hàng", "Dương Kinh", "Đồ Sơn", "Đông Hải", "Ea Kar"]


def test_phường_ái_quốc_sorts_under_a_not_after_z():
    names = ["Phường Yên Hòa", "Phường Ái Quốc", "Phường An Biên", "Phường Bạch Đằng"]
    assert vi_sorted(names) == ["Phường Ái Quốc", "Phường An Biên", "Phường Bạch Đằng", "Phường Yên Hòa"]
    assert sorted(names)[-1] == "Phường Ái Quốc"  # what code-point order would do


def test_letters_in_dictionary_order():
    letters = list(ALPHABET)
    random.Random(15).shuffle(letters)
    assert "".join(vi_sorted(letters)) == ALPHABET


def test_ă_and_â_are_letters_not_accents():
    assert vi_sorted(["Ân", "Ăm", "An", "Ba"]) == ["An", "Ăm", "Ân", "Ba"]
    assert vi_sorted(["Ơn", "Ôm", "On"]) == ["On", "Ôm", "Ơn"]
    assert vi_sorted(["Ưng", "Uông"]) == ["Uông", "Ưng"]


def test_tones_only_break_ties_in_icu_order():
    assert vi_sorted(["má", "mạ", "mà", "ma", "mã", "mả"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert vi_sorted(["Mạnh", "Manh", "Mai"]) == ["Mai", "Manh", "Mạnh"]


def test_decomposed_input_sorts_like_composed_and_case_comes_last():
    import unicodedata

    assert vi_key(unicodedata.normalize("NFD", "Ấn Độ"))[:2] == vi_key("Ấn Độ")[:2]
    assert vi_sorted(["an", "An"]) == ["an", "An"]
    assert vi_sorted(["Xã 2", "Xã 10", "Xã A"])[-1] == "Xã A"  # digits before letters
    assert vi_key(None) == vi_key("")
