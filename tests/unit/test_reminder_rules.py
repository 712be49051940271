"""The deadline rule of SPEC §10 as a pure function over a Matrix (no app, no database)."""

import ast
from datetime import date
from pathlib import Path

from app.compliance.engine import ActivityFact, CommuneFact, evaluate
from app.compliance.templates import bhyt_day_2026
from app.notifications import rules

HOME = CommuneFact("31000", "Phường Thử", "phuong")


def alerts(as_of, *activities):
    return {(a.kind, a.duty_no, a.days_left) for a in rules.duty_alerts(evaluate(bhyt_day_2026(), [HOME], activities, [], as_of))}


def test_duty_1_due_in_3_and_1_days_then_overdue_once():
    assert ("due", 1, 3) in alerts(date(2026, 6, 26))
    assert not any(no == 1 for _, no, _ in alerts(date(2026, 6, 27)))
    assert ("due", 1, 1) in alerts(date(2026, 6, 28))
    assert ("overdue", 1, -1) in alerts(date(2026, 6, 30))
    assert not any(no == 1 for _, no, _ in alerts(date(2026, 7, 1)))


def test_a_met_duty_is_never_reminded():
    advisory = ActivityFact(1, HOME.code, "advisory", "held", date(2026, 6, 20))
    assert not any(no == 1 for _, no, _ in alerts(date(2026, 6, 26), advisory))
    assert not any(no == 1 for _, no, _ in alerts(date(2026, 6, 30), advisory))


def test_rules_module_imports_neither_flask_nor_sqlalchemy():
    tree = ast.parse(Path(rules.__file__).read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(n.split(".")[0] in {"flask", "sqlalchemy", "flask_sqlalchemy"} for n in names)
