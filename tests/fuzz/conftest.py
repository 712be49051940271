"""Shared pieces of the fuzz tests: bounded Hypothesis settings, junk values, row counts."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db as _db

# The `db` fixture is function-scoped on purpose: every example of a test shares one clean database and each
# example checks its own before/after, so the function_scoped_fixture health check does not apply here.
FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])

# What an attacker sends and a careless client pastes (issue 22): lone surrogates, C0/C1 controls, Unicode digits
# that `str.isdigit()` accepts and `int()` refuses, non-characters.
NASTY = st.one_of(
    st.sampled_from(["\ud83d", "\udc00x", "\x0b", "\x1b[31m", "\x85", "\x7f", "\ufffe", "²", "١٢", "९", "Ⅻ",
                     "2²", "0²", "\u202e", "\u200b", "e\u0301", "\t\r\n"]),
    st.text(alphabet=st.characters(categories=["Cs", "Cc"]), min_size=1, max_size=4),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=4),
)
HUGE = st.sampled_from(["x" * 100_000, "ệ" * 20_000, "9" * 5000, "https://" + "a" * 3000 + ".vn", "\x00" * 64])
# Forms and URLs are bytes: a lone surrogate cannot travel there (JSON bodies get NASTY whole, test_api_bodies).
TEXT = st.one_of(st.text(max_size=40), NASTY.filter(lambda t: not any("\ud800" <= c <= "\udfff" for c in t)), st.text(alphabet=st.characters(codec="utf-8"), max_size=12), HUGE,
                 st.sampled_from(["", " ", "null", "NaN", "-1", "1e309", "0x10", "31/02/2026", "2026-13-01",
                                  "2026-07-01T25:00", "9999-12-31T23:59:59", "<script>", "' OR 1=1 --",
                                  "${{7*7}}", "\u202e\ufeff", "Ngày hội BHYT"]))
NUMBER = st.one_of(st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
                   st.floats(allow_nan=True, allow_infinity=True),
                   st.sampled_from([0, -1, 2**31, 2**31 - 1, 2**63, -(2**63) - 1, 10**100, 10**4299]))
SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
JUNK = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                         max_size=4), max_leaves=8)


def row_counts() -> dict[str, int]:
    """Rows in every table, to prove a refused request wrote nothing."""
    _db.session.rollback()
    counts = {t.name: _db.session.scalar(select(func.count()).select_from(t)) for t in _db.metadata.sorted_tables}
    _db.session.rollback()
    return counts


class Tally:
    """Examples run per fuzz target, printed at the end of the session (pytest -s) for the report."""

    counts: dict[str, int] = {}

    @classmethod
    def add(cls, target: str) -> None:
        cls.counts[target] = cls.counts.get(target, 0) + 1


@pytest.fixture(scope="session", autouse=True)
def _print_tally():
    yield
    if Tally.counts:
        print("\nfuzz examples per target: " + ", ".join(f"{k}={v}" for k, v in sorted(Tally.counts.items())))
