"""Services of the targets pages (SPEC §16): the city office's note on a shortfall, the table's order. Flush only."""

from sqlalchemy import select

from app.collation import vi_key
from app.extensions import db
from app.models import Shortfall
from app.models.audit import record
from app.targets.figures import CommuneFigures

NOTE_FIELDS = ("cause", "responsibility", "remedy")
# Columns of the communes table a user may sort by (link headers: the order works without script).
BAND_ORDER = {"far_behind": 0, "behind": 1, "no_data": 2, "on_track": 3, "done": 4, "no_target": 5}
SORTS = {
    "code": lambda f: f.code,
    "name": lambda f: vi_key(f.name),
    "bhxh_bat_buoc": lambda f: _ratio(f, "bhxh_bat_buoc"),
    "bhxh_tu_nguyen": lambda f: _ratio(f, "bhxh_tu_nguyen"),
    "bhyt_rate": lambda f: _ratio(f, "bhyt_rate"),
    "new_bhxh": lambda f: f.recorded["new_bhxh"],
    "band": lambda f: (BAND_ORDER[f.judged.band], _ratio(f, "bhxh_bat_buoc")),
}


def _ratio(line: CommuneFigures, figure: str) -> float:
    value = line.judged.achieved.get(figure)
    return -1.0 if value is None else value  # no figure sorts first going up, last going down


def sort_lines(lines: list[CommuneFigures], key: str, descending: bool) -> list[CommuneFigures]:
    """The lines in the order of a column (`code` when the key is unknown), ties by code."""
    by = SORTS.get(key, SORTS["code"])
    ordered = sorted(lines, key=lambda f: f.code)
    return sorted(ordered, key=by, reverse=descending)


def record_note(commune_id: int, year: int, values: dict, actor_id: int | None) -> Shortfall:
    """Create or replace the cause, responsibility and remedy of a commune's shortfall in `year` (audited)."""
    note = db.session.scalar(select(Shortfall).where(Shortfall.commune_id == commune_id, Shortfall.year == year))
    if note is None:
        note = Shortfall(commune_id=commune_id, year=year)
        db.session.add(note)
    old = {name: getattr(note, name) or "" for name in NOTE_FIELDS}
    for name in NOTE_FIELDS:
        setattr(note, name, (values.get(name) or "").strip())
    note.recorded_by_id = actor_id
    db.session.flush()
    record(actor_id, "record_shortfall", "target_shortfall", note.id, year=year, old=old,
           new={name: getattr(note, name) for name in NOTE_FIELDS})
    return note
