"""Reference data shipped with the app (communes, audiences, messages); data, not code."""

import csv
import json
import unicodedata
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


@cache
def cities() -> dict:
    """The cities the app knows, keyed by the CITY setting."""
    return json.loads((DATA_DIR / "cities.json").read_text(encoding="utf-8"))


def city(key: str) -> dict:
    """One city's settings; an unknown key is a configuration error."""
    try:
        return cities()[key]
    except KeyError:
        raise ValueError(f"unknown CITY {key!r}; expected one of {sorted(cities())}") from None


def communes(key: str) -> list[dict]:
    """The official commune list of a city: [{code, name, kind}] in NFC."""
    path = DATA_DIR / city(key)["csv"]
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            {"code": r["code"], "name": unicodedata.normalize("NFC", r["name"]), "kind": r["kind"]}
            for r in csv.DictReader(fh)
        ]


@cache
def audiences() -> list[dict]:
    """The six audience groups of seed 000 §III."""
    return json.loads((DATA_DIR / "audiences.json").read_text(encoding="utf-8"))


@cache
def messages() -> list[dict]:
    """The 19 official messages of seed 002 §II.2, in the plan's order."""
    return json.loads((DATA_DIR / "messages.json").read_text(encoding="utf-8"))


@cache
def targets() -> dict:
    """Metrics and the yearly targets per city of SPEC §9 (seed 001 §II, seed 003 §II.2)."""
    return json.loads((DATA_DIR / "targets.json").read_text(encoding="utf-8"))


@cache
def campaign_templates() -> dict:
    """The campaign templates (SPEC §4.1, §4.2, §18); which a city ships is in cities.json."""
    return json.loads((DATA_DIR / "campaign_templates.json").read_text(encoding="utf-8"))


def agencies(key: str) -> list[dict]:
    """The agencies of a city's plans (SPEC §13): [{code, name, kind}]."""
    rows = json.loads((DATA_DIR / "agencies.json").read_text(encoding="utf-8")).get(key, [])
    return [{"code": code, "name": unicodedata.normalize("NFC", name), "kind": kind} for code, name, kind in rows]


@cache
def plan(slug: str) -> dict:
    """One shipped plan with its task register (SPEC §14), as the data file gives it."""
    path = DATA_DIR / "plans" / f"{slug}.json"
    if not path.is_file():
        raise KeyError(slug)
    return json.loads(path.read_text(encoding="utf-8"))


def plans(key: str) -> list[dict]:
    """The shipped plans of one city (a city never sees another city's plans)."""
    return [p for p in (plan(f.stem) for f in sorted((DATA_DIR / "plans").glob("*.json"))) if p["city"] == key]
