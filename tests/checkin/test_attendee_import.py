"""The attendee import module (app/checkin/attendee_import.py): read → preview → confirm, with a constant number
of statements per file whatever its length (the communes of residence and the phones present read once)."""

import pytest
from sqlalchemy import event, select

from app.checkin import attendee_import as imp
from app.models import CheckIn
from app.models.types import utcnow


@pytest.fixture
def statements(db):
    """The SQL statements run while the block runs."""
    seen = []

    def listen(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    yield seen
    event.remove(db.engine, "before_cursor_execute", listen)


def _table(n: int) -> list[list[str]]:
    header = ["Họ và tên", "Số điện thoại", "Mã xã", "Năm sinh"]
    return [header] + [[f"Người {i}", f"09{i:08d}", "11311" if i % 2 else "11948", "1980"] for i in range(n)]


def test_header_aliases_guess_the_columns():
    mapping = imp.guess_mapping(["STT", "Họ tên", "SĐT", "Năm sinh", "Nơi cư trú", "Đồng ý"])
    assert mapping == {"full_name": 1, "phone": 2, "birth_year": 3, "audience": None, "residence_code": 4,
                       "bhyt_status": None, "topics": None, "consent": 5}


@pytest.mark.parametrize("rows", [10, 300])
def test_preview_reads_communes_and_present_phones_once_per_file(db, make_activity, statements, rows):
    activity = make_activity()
    table = _table(rows)
    db.session.refresh(activity)  # loaded before counting
    statements.clear()
    preview = imp.preview(activity, table, imp.guess_mapping(table[0]), utcnow())
    assert preview.valid == rows
    assert len(statements) == 2, statements  # the commune codes, the phones already checked in


def test_confirm_writes_in_batches_and_counts_repeats(db, make_activity, statements):
    activity = make_activity()
    table = _table(300)
    mapping = imp.guess_mapping(table[0])
    imp.total(imp.confirm(activity, table[:101], mapping, None, utcnow(), "a" * 32))
    db.session.commit()
    db.session.refresh(activity)
    statements.clear()
    result = imp.total(imp.confirm(activity, table + [["", "0912", "", ""]], mapping, None, utcnow(), "b" * 32,
                                   batch=100))
    db.session.commit()
    assert (result.created, result.duplicates, result.errors) == (200, 100, 1)
    assert len([s for s in statements if s.startswith("INSERT")]) == 3, statements  # one per batch, not per row
    assert len(db.session.scalars(select(CheckIn).where(CheckIn.activity_id == activity.id)).all()) == 300


def test_confirming_the_same_file_twice_stores_each_row_once(db, make_activity):
    activity = make_activity()
    table = [["Họ và tên"]] + [[f"Người không số {i}"] for i in range(30)]  # no phones: only the nonce dedupes
    mapping = imp.guess_mapping(table[0])
    first = imp.total(imp.confirm(activity, table, mapping, None, utcnow(), "c" * 32, batch=7))
    again = imp.total(imp.confirm(activity, table, mapping, None, utcnow(), "c" * 32, batch=7))
    db.session.commit()
    assert (first.created, again.created, again.duplicates) == (30, 0, 30)
    assert len(db.session.scalars(select(CheckIn).where(CheckIn.activity_id == activity.id)).all()) == 30
