"""Bench: the two largest PDFs (SPEC §6) — the city summary of 114 communes and an attendance list of 1,000 people.

Goals on a 2-core machine: city summary < 2 s, attendance list < 1.5 s (median of 3 runs, fonts loaded).
Baseline from the same run: a bare ReportLab canvas with the same page count, 40 lines of text a page
in the same embedded font, so the ratio shows what the frame, tables and wrapping cost over writing pages.

    .venv/bin/python bench/pdf.py
"""

import datetime as dt
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from app.reports.attendance_list import AttendanceEntry, AttendanceListData, build_attendance_list  # noqa: E402
from app.reports.city_summary import build_city_summary, city_summary_data  # noqa: E402
from app.reports.common import KindTotal, commune_header, totals_by_kind  # noqa: E402
from app.reports.fonts import register_fonts  # noqa: E402
from tests.reports.helpers import SEASON, matrix  # noqa: E402

LEAD = "Bảo hiểm xã hội thành phố Hải Phòng"
GOALS = {"city summary (114 communes)": 2.0, "attendance list (1,000 people)": 1.5}
RUNS = 3
NAMES = ("Nguyễn Thị Thu Hường", "Tôn Nữ Hoàng Phương Thảo Nguyên", "Trần Đặng Quốc Khánh", "Lê Hoàng Bảo Ngọc")
GROUPS = ("Lao động phi chính thức, tiểu thương, lao động tự do, nông dân", "Thanh niên, học sinh, sinh viên")


def city_summary() -> bytes:
    """The summary of all 114 Hải Phòng communes as of 09/7, every one of them with overdue duties (longest table)."""
    m, _ = matrix(skip_every=1)
    kinds, _ = totals_by_kind((kind, {"extra_attendees": 40}, 60) for kind, _, _ in SEASON for _ in range(114))
    data = city_summary_data(m, kinds or [KindTotal("fair", "Ngày hội", 1, 1)], lead_office=LEAD, place="Hải Phòng",
                             issued_on=dt.date(2026, 7, 9))
    return build_city_summary(data)


def attendance_list() -> bytes:
    """1,000 attendees of one fair, long group names (landscape)."""
    entries = tuple(
        AttendanceEntry(f"{NAMES[i % 4]} {i:04d}", 1950 + i % 60, GROUPS[i % 2], "Đặc khu Bạch Long Vĩ",
                        f"09xx xxx {i % 1000:03d}", dt.datetime(2026, 7, 1, 1, i % 60, tzinfo=dt.UTC))
        for i in range(1, 1001)
    )
    data = AttendanceListData(commune_header(LEAD, "Đặc khu Bạch Long Vĩ", "Hải Phòng", dt.date(2026, 7, 1)),
                              "Ngày hội tuyên truyền, tư vấn chính sách BHYT", dt.datetime(2026, 7, 1, 1, tzinfo=dt.UTC),
                              "Nhà văn hóa đặc khu", entries)
    return build_attendance_list(data)


def bare(pages: int, wide: bool) -> bytes:
    """Baseline: the same number of pages written straight on a canvas, 40 text lines each."""
    font = register_fonts().regular
    size = landscape(A4) if wide else A4
    out = io.BytesIO()
    c = Canvas(out, pagesize=size)
    for p in range(pages):
        c.setFont(font, 9)
        for line in range(40):
            c.drawString(60, size[1] - 60 - 12 * line, f"{p:03d} {line:02d} Nguyễn Thị Thu Hường Đặc khu Bạch Long Vĩ")
        c.showPage()
    c.save()
    return out.getvalue()


def median_time(fn) -> tuple[float, bytes]:
    """Median wall time of RUNS calls and the last result."""
    times, result = [], b""
    for _ in range(RUNS):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    """Time both documents and their baselines; exit 1 when a goal is missed."""
    register_fonts()
    city_summary()  # warm-up: imports, font subsets, style cache
    failed = False
    for (name, goal), fn in zip(GOALS.items(), (city_summary, attendance_list), strict=True):
        seconds, pdf = median_time(fn)
        reader = PdfReader(io.BytesIO(pdf))
        pages = len(reader.pages)
        wide = reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
        base, _ = median_time(lambda pages=pages, wide=wide: bare(pages, wide))
        ok = seconds < goal
        failed |= not ok
        print(f"{name}: {seconds:.3f} s for {pages} pages ({pages / seconds:.1f} pages/s, {len(pdf) / 1024:.0f} KiB); "
              f"goal < {goal} s: {'OK' if ok else 'MISSED'}")
        print(f"  baseline bare canvas, {pages} pages: {base:.3f} s ({pages / base:.1f} pages/s); "
              f"ratio {seconds / base:.1f}x")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
