"""The committed English catalogue is compiled from its .po (no stale .mo)."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "app" / "translations" / "en" / "LC_MESSAGES"


def test_mo_matches_po():
    with (CATALOGUE / "messages.po").open("rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id and m.string and not m.fuzzy}
    with (CATALOGUE / "messages.mo").open("rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id}
    assert po == mo, "run `make translations` (the .mo is stale)"
