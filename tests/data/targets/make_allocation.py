"""Write the example allocation file the tests load: `python -m tests.data.targets.make_allocation`.

As a city office keeps it: a title above the table, a two-row header whose group cell and first columns are merged,
a row of column numbers, 114 communes with numbers typed the Vietnamese way (text "1.234" and "95,5", some real
number cells, some BHYT rates in percentage cells), and a merged "Tổng cộng" row. The communes' BHXH bắt buộc add
up to 1.085.000 and tự nguyện to 99.000 (SPEC §9: 1.184.000 participants in 2026, of which 99.000 voluntary).
"""

import csv
import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).parent
COMMUNES = HERE.parents[2] / "app" / "data" / "communes-haiphong.csv"
OUT = HERE / "phan-bo-chi-tieu-2026.xlsx"
COMPULSORY, VOLUNTARY = 1_085_000, 99_000


def vn(n: int) -> str:
    """1085000 → "1.085.000"."""
    return f"{n:,}".replace(",", ".")


def shares(total: int, n: int, rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.4, 2.5) for _ in range(n)]
    parts = [int(total * w / sum(weights)) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def build(path: Path = OUT) -> Path:
    with open(COMMUNES, encoding="utf-8") as fh:
        communes = list(csv.DictReader(fh))
    rng = random.Random(2026)
    compulsory, voluntary = shares(COMPULSORY, len(communes), rng), shares(VOLUNTARY, len(communes), rng)
    wb = Workbook()
    ws = wb.active
    ws.title = "Phân bổ 2026"
    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append(["UBND THÀNH PHỐ HẢI PHÒNG"])
    ws.merge_cells("A1:C1")
    ws.append(["BẢNG PHÂN BỔ CHI TIẾT CHỈ TIÊU PHÁT TRIỂN NGƯỜI THAM GIA BHXH, BHYT NĂM 2026"])
    ws.merge_cells("A2:F2")
    ws.append(["(Kèm theo Quyết định số    /QĐ-UBND ngày    /01/2026 của UBND thành phố)"])
    ws.merge_cells("A3:F3")
    ws.append([])
    ws.append(["STT", "Mã đơn vị", "Tên đơn vị", "Chỉ tiêu giao năm 2026", None, None])
    ws.append([None, None, None, "BHXH bắt buộc (người)", "BHXH tự nguyện (người)", "Tỷ lệ bao phủ BHYT (%)"])
    for column in "ABC":
        ws.merge_cells(f"{column}5:{column}6")
    ws.merge_cells("D5:F5")
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    for row in ws.iter_rows(min_row=1, max_row=7):
        for cell in row:
            cell.font, cell.alignment = bold, centre
    for n, (commune, bb, tn) in enumerate(zip(communes, compulsory, voluntary, strict=True), start=1):
        rate = rng.choice([95.5, 95.5, 95.0, 96.0, 94.5, 97.2])
        if n % 10 == 0:  # real number cells, the rate in a percentage cell
            ws.append([n, commune["code"], commune["name"], bb, tn, rate / 100])
            ws.cell(ws.max_row, 6).number_format = "0.0%"
        else:  # typed as text, the Vietnamese way
            ws.append([n, commune["code"], commune["name"], vn(bb), vn(tn), str(rate).replace(".", ",")])
    ws.append(["Tổng cộng", None, None, vn(COMPULSORY), vn(VOLUNTARY), "95,5"])
    ws.merge_cells(f"A{ws.max_row}:C{ws.max_row}")
    for column, width in zip("ABCDEF", (6, 11, 30, 16, 16, 14), strict=True):
        ws.column_dimensions[column].width = width
    wb.save(path)
    return path


if __name__ == "__main__":
    print(build())
