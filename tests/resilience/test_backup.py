"""`flask backup` / `flask restore` round trip: seed-demo → backup → damage → restore → the same data."""

import pytest
from sqlalchemy import select, update

from app.models import Commune
from tests.support import REFERENCE_TABLES, require_tool

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction


def snapshot(db) -> dict:
    """Every row of every table, ordered by primary key."""
    db.session.rollback()
    rows = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [tuple(r) for r in db.session.execute(select(table).order_by(*order)).all()]
    db.session.rollback()
    return rows


def damage(db) -> None:
    """Delete everything that is not reference data and rename a commune."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in REFERENCE_TABLES:
            db.session.execute(table.delete())
    db.session.execute(update(Commune).where(Commune.code == "11311").values(name="Đã bị sửa"))
    db.session.commit()


def test_backup_then_restore_gives_back_the_demo_season(db, runner, tmp_path):
    if db.engine.dialect.name == "postgresql":
        require_tool("pg_dump", "PostgreSQL backups")
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    original = snapshot(db)
    assert len(original["activities"]) > 50 and original["users"]
    path = tmp_path / "lantoa.backup"

    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 10_000 and not path.with_name("lantoa.backup.partial").exists()

    damage(db)
    assert snapshot(db) != original
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Đã khôi phục" in result.output
    assert snapshot(db) == original


def test_restore_asks_first_and_refusing_changes_nothing(db, runner, tmp_path, make_user):
    if db.engine.dialect.name == "postgresql":
        require_tool("pg_dump", "PostgreSQL backups")
    path = tmp_path / "empty.backup"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    make_user("city", username="sau_sao_luu")
    before = snapshot(db)

    result = runner.invoke(args=["restore", str(path)], input="n\n")
    assert result.exit_code == 1 and "Tiếp tục?" in result.output
    assert snapshot(db) == before


def test_backup_asks_before_overwriting_a_file(db, runner, tmp_path):
    path = tmp_path / "old.backup"
    path.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", str(path)], input="n\n")
    assert result.exit_code == 1 and "Ghi đè?" in result.output
    assert path.read_bytes() == b"keep me"


def test_restore_refuses_a_file_that_is_not_a_backup(db, runner, tmp_path):
    if db.engine.dialect.name == "postgresql":
        require_tool("pg_restore", "PostgreSQL backups")
    path = tmp_path / "not-a-backup.db"
    path.write_bytes(b"hello" * 1000)
    before = snapshot(db)
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0
    assert snapshot(db) == before
