"""The reporting calendar and a unit's report obligation, rule by rule (SPEC §15, ND 09/2019 Điều 12)."""

import ast
from datetime import date
from pathlib import Path

from app.periodic import obligations
from app.periodic.calendar import calendar_rules
from app.periodic.obligations import alert_kind, consolidate, status, windows_of_year


def _windows(year=2026):
    return {w.key: w for w in windows_of_year(calendar_rules(), year)}


def test_six_month_and_annual_windows_follow_decree_09():
    h1, y = _windows()["2026-H1"], _windows()["2026-Y"]
    assert (h1.data_start, h1.data_end, h1.due) == (date(2025, 12, 15), date(2026, 6, 14), date(2026, 6, 20))
    assert (y.data_start, y.data_end, y.due) == (date(2025, 12, 15), date(2026, 12, 14), date(2026, 12, 20))


def test_activity_on_14_june_is_in_h1_and_on_15_june_only_in_the_annual_window():
    h1, y = _windows()["2026-H1"], _windows()["2026-Y"]
    assert h1.contains(date(2026, 6, 14)) and y.contains(date(2026, 6, 14))
    assert not h1.contains(date(2026, 6, 15)) and y.contains(date(2026, 6, 15))
    assert not h1.contains(date(2025, 12, 14))


def test_report_sent_on_20_june_is_done_on_22_june_late_and_none_by_21_june_overdue():
    h1 = _windows()["2026-H1"]
    assert status(h1, date(2026, 6, 20), date(2026, 6, 21)) == "done"
    assert status(h1, date(2026, 6, 22), date(2026, 6, 22)) == "late"
    assert status(h1, None, date(2026, 6, 21)) == "overdue"
    assert status(h1, date(2026, 6, 22), date(2026, 6, 21)) == "overdue"  # not sent yet as of 21/6
    assert status(h1, None, date(2026, 6, 16)) == "pending"
    assert status(h1, None, date(2026, 3, 1)) == "upcoming"  # the data window is still running


def test_consolidation_counts_every_unit_and_lists_the_missing():
    h1 = _windows()["2026-H1"]
    units = [("commune", "11311"), ("commune", "11948"), ("agency", "SYT")]
    judged = consolidate(h1, units, {("commune", "11311"): date(2026, 6, 19)}, date(2026, 6, 21))
    assert judged.counts["done"] == 1 and judged.counts["overdue"] == 2
    assert [r.unit_code for r in judged.missing] == ["11948", "SYT"]


def test_reminders_7_3_1_days_before_and_the_day_after_the_due_date():
    h1 = _windows()["2026-H1"]
    assert [d for d in range(10, 23) if alert_kind(h1, status(h1, None, date(2026, 6, d)), date(2026, 6, d))] \
        == [13, 17, 19, 21]
    assert alert_kind(h1, "overdue", date(2026, 6, 21)) == "overdue"
    assert alert_kind(h1, "done", date(2026, 6, 19)) is None


def test_obligations_import_neither_flask_nor_sqlalchemy():
    tree = ast.parse(Path(obligations.__file__).read_text(encoding="utf-8"))
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {n for n in names if n and n.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy")}
