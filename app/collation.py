"""Vietnamese alphabetical order (a ă â b c d đ e ê … then tones), for every list of units and people.

PyICU has no wheel and pyuca knows only the default Unicode order (where ă, â, ê, ô, ơ, ư are accents of a,
e, o, u, so "Ăm" sorts before "An"); this small key does what the Vietnamese dictionary does: letters first,
tones (ngang, huyền, hỏi, ngã, sắc, nặng — ICU's order for `vi`) only to break ties, case last.
Where PostgreSQL sorts, ``COLLATE "vi-x-icu"`` gives the same order. Pure: standard library only.
"""

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

# Vietnamese letters in dictionary order, with f j w z (foreign names) where the Latin alphabet puts them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng
_RANK = {c: chr(0x1000 + i) for i, c in enumerate(ALPHABET)}  # above digits, spaces and punctuation


def _letter(base: str, marks: str) -> str:
    """The Vietnamese letter of a base Latin letter and its letter-forming marks (ă â ê ô ơ ư)."""
    if "\u0306" in marks and base == "a":
        return "ă"
    if "\u0302" in marks and base in "aeo":
        return {"a": "â", "e": "ê", "o": "ô"}[base]
    if "\u031b" in marks and base in "ou":
        return {"o": "ơ", "u": "ư"}[base]
    return base


def vi_key(text: object) -> tuple[str, tuple[int, ...], str, str]:
    """The sort key of a string in Vietnamese order: letters, then tones, then lower case before upper."""
    s = unicodedata.normalize("NFC", str(text or "")).strip()
    primary, tones = [], []
    for ch in s:
        low = ch.lower()
        if low == "đ":
            primary.append(_RANK["đ"])
            tones.append(0)
            continue
        parts = unicodedata.normalize("NFD", low)
        base, marks = parts[0], parts[1:]
        letter = _letter(base, marks)
        primary.append(_RANK.get(letter, letter))
        if letter in _RANK:
            tones.append(next((_TONES[m] for m in marks if m in _TONES), 0))
    case = "".join("1" if ch.isupper() else "0" for ch in s)
    return "".join(primary), tuple(tones), case, s


def vi_sorted(items: Iterable[T], key: Callable[[T], object] = lambda x: x) -> list[T]:
    """The items sorted in Vietnamese order of key(item)."""
    return sorted(items, key=lambda item: vi_key(key(item)))
