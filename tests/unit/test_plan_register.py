"""The shipped register of seed 003's appendix "Danh mục nhiệm vụ cụ thể": every row, in the plan's words."""

import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from app import data

ROOT = Path(__file__).resolve().parents[2]
SLUG = "phat-trien-bhxh-2026-2030"
# Rows per section as the appendix numbers them (I 1–7, II 1–9, III 1–12, IV 1–5, V 1–7, VI 1–2).
APPENDIX_ROWS = {"I": 7, "II": 9, "III": 12, "IV": 5, "V": 7, "VI": 2}
# The extracted text breaks this row's text and partner columns each into two runs (a page break).
SPLIT_ROWS = {("II", "8")}
FIELDS = ("text", "lead_text", "partners_text", "product", "time_text")


def _seed(name_start: str) -> str:
    """The seed text: the copy in tests/data/seeds, or the shared folder beside the repository; else skip."""
    # tests/data/seeds holds copies of seeds 003 and 004, so a clean clone compares against them too.
    candidates = [os.environ.get("LANTOA_SHARED", ""), ROOT / "tests" / "data", ROOT.parent / "shared",
                  ROOT.parent.parent / "shared"]
    for base in candidates:
        if base and (Path(base) / "seeds").is_dir():
            for path in sorted((Path(base) / "seeds").glob(f"{name_start}_*.txt")):
                return unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    pytest.skip("the seeds folder (shared/seeds) is not beside this checkout")


def words(text: str) -> list[str]:
    """Words only: the PDF text wraps lines and spaces at random, the words and their order are the plan's."""
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


def test_rows_per_section_match_the_appendix():
    tasks = data.plan(SLUG)["tasks"]
    assert Counter(t["section"] for t in tasks) == APPENDIX_ROWS
    for section, n in APPENDIX_ROWS.items():
        assert [t["no"] for t in tasks if t["section"] == section] == [str(i) for i in range(1, n + 1)]


def test_row_numbers_in_the_seed_are_the_ones_shipped():
    appendix = _seed("003").split("DANH MỤC NHIỆM VỤ CỤ THỂ", 1)[1]
    headings = re.findall(r"^\s*(I|II|III|IV|V|VI) [A-ZĐ]", appendix, flags=re.M)
    assert headings == list(APPENDIX_ROWS)


def _at(row: list[str], run: list[str], start: int = 0) -> int:
    """Where the words `run` stand together in `row` from `start` on, or -1."""
    return next((i for i in range(start, len(row) - len(run) + 1) if row[i:i + len(run)] == run), -1)


def _in_row(row: list[str], wanted: list[str], split: bool) -> bool:
    """The field's words stand together in the row, or (`split`) in two runs, in order."""
    if _at(row, wanted) >= 0:
        return True
    for k in range(1, len(wanted)) if split else ():
        first = _at(row, wanted[:k])
        if first >= 0 and _at(row, wanted[k:], first + k) >= 0:
            return True
    return False


def test_every_text_of_every_row_is_the_seeds():
    """Each field is the seed's words in the seed's order, inside the row that opens with the task's text."""
    seed = words(_seed("003").split("DANH MỤC NHIỆM VỤ CỤ THỂ", 1)[1])
    tasks = data.plan(SLUG)["tasks"]
    starts = []
    for task in tasks:
        start = _at(seed, [task["no"], *words(task["text"])[:5]], starts[-1] + 1 if starts else 0)
        assert start >= 0, (task["section"], task["no"], "text not found after the previous row")
        starts.append(start)
    for task, start, end in zip(tasks, starts, [*starts[1:], len(seed)], strict=True):
        row = seed[start:end + 40]  # a row's last cells may follow the next row's number
        for name in FIELDS:
            split = (task["section"], task["no"]) in SPLIT_ROWS
            assert _in_row(row, words(task[name]), split), (task["section"], task["no"], name, task[name])


def test_leads_and_partners_are_agencies_of_the_city_or_every_commune():
    codes = {a["code"] for a in data.agencies("haiphong")} | {"communes"}
    for task in data.plan(SLUG)["tasks"]:
        assert task["lead"] and set(task["lead"]) <= codes, task["no"]
        assert set(task["partners"]) <= codes, task["no"]
        assert (task["lead"] == ["communes"]) == (task["lead_text"] == "UBND xã, phường, đặc khu")


def test_hai_phong_ships_every_agency_spec_13_names():
    names = {a["name"] for a in data.agencies("haiphong")}
    for name in ("Bảo hiểm xã hội thành phố", "Sở Nội vụ", "Sở Y tế", "Sở Tài chính",
                 "Sở Văn hóa, Thể thao và Du lịch", "Sở Giáo dục và Đào tạo", "Sở Xây dựng",
                 "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ", "Thuế thành phố",
                 "Ủy ban MTTQ Việt Nam thành phố", "Liên đoàn Lao động thành phố", "Hội Nông dân thành phố",
                 "Hội Liên hiệp Phụ nữ thành phố", "Đoàn Thanh niên thành phố",
                 "Báo và Phát thanh, Truyền hình Hải Phòng"):
        assert name in names


def test_ha_noi_plan_has_the_agency_tasks_of_seed_004_section_iii():
    plan = data.plan("tuyen-truyen-2025-hanoi")
    seed = words(_seed("004"))
    codes = {a["code"] for a in data.agencies("hanoi")} | {"communes"}
    assert plan["city"] == "hanoi" and len(plan["tasks"]) == 31
    for task in plan["tasks"]:
        assert set(task["lead"]) <= codes and set(task["partners"]) <= codes
        text = words(task["text"])
        assert any(seed[i:i + len(text)] == text for i in range(len(seed))), (task["section"], task["no"])
    tv = next(t for t in plan["tasks"] if (t["section"], t["no"]) == ("11", "b"))
    assert tv["schedule"] == {"kind": "monthly", "count": 2} and tv["lead"] == ["DPTTH"]
    assert [p["slug"] for p in data.plans("hanoi")] == ["tuyen-truyen-2025-hanoi"]
    assert [p["slug"] for p in data.plans("haiphong")] == [SLUG]
