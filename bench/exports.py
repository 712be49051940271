"""Bench: every XLSX export's writer (`app.tabular.xlsx_bytes`) against openpyxl's own write-only workbook of the
same cells, in the same run, at 1,000 and 5,000 rows of 10 columns.

Goals: the app's writer within 3x of the write-only floor (it styles the header, keeps formula-like text as text
and formats dates, which the floor does not), and linear — the time per row at 5,000 rows within 1.5x of the time
per row at 1,000. Before 2 December 2026 the writer asked openpyxl for `max_row` on every row, which walks every
cell written so far: 15.1 s for 5,000 rows (quadratic), 0.95 s after.

    /work/main/.venv/bin/python bench/exports.py
"""

import io
import os
import statistics
import sys
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

RUNS = 3
COLUMNS = [f"Cột {i}" for i in range(1, 11)]


def rows(n: int) -> list[list]:
    """`n` rows shaped like an attendance export: ids, names, phones, dates, a formula-like text, numbers."""
    return [[i, f"Nguyễn Văn {i}", f"09{i:08d}", date(2026, 7, 1), "=HYPERLINK(1)", 1990 + i % 40,
             "Phường Hồng Bàng", "BHYT hộ gia đình", i % 7 * 1.5, "Ghi chú"] for i in range(n)]


def app_writer(data: list[list]) -> bytes:
    """The app's writer, as every export calls it."""
    from app.tabular import Sheet, xlsx_bytes

    return xlsx_bytes([Sheet("Danh sách", COLUMNS, data)])


def floor_writer(data: list[list]) -> bytes:
    """openpyxl's write-only mode: the same cells, no styles, streamed."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(COLUMNS)
    for row in data:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def timed(writer, data) -> float:
    """Median CPU seconds of RUNS calls."""
    times = []
    for _ in range(RUNS):
        started = time.process_time()
        writer(data)
        times.append(time.process_time() - started)
    return statistics.median(times)


def main() -> int:
    """Measure both writers at both sizes, print the ratios and whether the goals hold."""
    small, large = rows(1_000), rows(5_000)
    app_writer(small[:10])  # imports
    floor_writer(small[:10])
    app_small, app_large = timed(app_writer, small), timed(app_writer, large)
    floor_large = timed(floor_writer, large)
    ratio = app_large / floor_large
    growth = (app_large / 5_000) / (app_small / 1_000)
    print(f"app writer: 1,000 rows {app_small:.3f} s, 5,000 rows {app_large:.3f} s; "
          f"write-only floor at 5,000 rows {floor_large:.3f} s")
    print(f"ratio app / floor at 5,000 rows: {ratio:.2f} (goal <= 3) {'OK' if ratio <= 3 else 'MISSED'}")
    print(f"time per row, 5,000 against 1,000 rows: {growth:.2f} (goal <= 1.5, linear) "
          f"{'OK' if growth <= 1.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
