"""What the register's pages and exports show, from one evaluated register (data before drawing).

Pages, Excel and PDF read these rows, so they cannot disagree with each other or with the API.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.compliance.engine import TASK_STATUS_LABELS_VI
from app.compliance.tasks import Instance, Register, TaskRow, counts_of
from app.formatting import fmt_date
from app.models import Agency, Plan, Task


@dataclass(frozen=True)
class Line:
    """One task of the register page with the instances the filters keep."""

    task: Task
    row: TaskRow
    instances: tuple[Instance, ...]


def _fold(text: str) -> str:
    """Lower case without accents, for search ("ke hoach" finds "Kế hoạch")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def sections(plan: Plan, tasks: list[Task], register: Register, status: str | None = None,
             q: str | None = None) -> list[tuple[str, str, list[Line]]]:
    """The register grouped by the plan's sections (I–VI), tasks and instances kept by status and search."""
    by_id = {t.id: t for t in tasks}
    needle = _fold(q.strip()) if q else ""
    lines: dict[str, list[Line]] = {}
    for row in register.rows:
        task = by_id[row.task.id]
        if needle and needle not in _fold(" ".join((task.label, task.text, task.lead_text, task.product))):
            continue
        kept = tuple(i for i in row.instances if status is None or i.status == status)
        if status is not None and not kept:
            continue
        lines.setdefault(task.section, []).append(Line(task, row, kept))
    titles = dict(plan.sections or [])
    order = [code for code, _ in plan.sections or []] + sorted(set(lines) - set(titles))
    return [(code, titles.get(code, ""), lines[code]) for code in order if code in lines]


ROMAN = ("I", "II", "III", "IV")


def period_label(p) -> str:
    """A period's name in the page's language: the engine's label is Vietnamese, its key says what it is."""
    key = p.key
    if m := re.fullmatch(r"(\d{4})-H([12])", key):
        y = int(m[1])
        return _("6 tháng đầu năm %(y)d", y=y) if m[2] == "1" else _("6 tháng cuối năm %(y)d", y=y)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", key):
        return _("Quý %(q)s/%(y)d", q=ROMAN[int(m[2]) - 1], y=int(m[1]))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", key):
        return _("Tháng %(m)d/%(y)d", m=int(m[2]), y=int(m[1]))
    if m := re.fullmatch(r"(\d{4})", key):
        return _("Năm %(y)d", y=int(m[1]))
    if m := re.fullmatch(r"(\d{4})-(\d{4})", key):
        return _("Năm %(a)d–%(b)d", a=int(m[1]), b=int(m[2]))
    if key == "once" and p.start and p.end:
        return f"{fmt_date(p.start)} – {fmt_date(p.end)}"
    if key == "once" and p.end:
        return _("Đến hết %(day)s", day=fmt_date(p.end))
    if key == "once" and p.start:
        return _("Từ %(day)s", day=fmt_date(p.start))
    return p.label


def missing(instance: Instance, as_of: date) -> str:
    """What a cell lacks and until when, in the plan's words (or what it has), in the page's language."""
    p = instance.period
    have, need = instance.found, instance.need
    if instance.status == "done":
        return _("Đã có %(n)d sản phẩm đúng hạn.", n=have)
    if instance.status == "late":
        return _("Có sản phẩm sau hạn %(day)s.", day=fmt_date(p.end))
    if instance.status == "upcoming":
        return _("Chưa đến kỳ: từ %(start)s đến %(end)s.", start=fmt_date(p.start), end=fmt_date(p.end))
    lack = _("Cần %(need)d sản phẩm, đã có %(have)d", need=need, have=have) if need > 1 else _("Chưa có sản phẩm")
    if instance.status == "overdue":
        return _("%(lack)s; đã quá hạn %(day)s.", lack=lack, day=fmt_date(p.end))
    if instance.status == "planned":
        return _("%(lack)s; đã có hoạt động kế hoạch; hạn %(day)s.", lack=lack, day=fmt_date(p.end))
    return _("%(lack)s; hạn %(day)s.", lack=lack, day=fmt_date(p.end)) if p.end else f"{lack}."


def next_due(register: Register, as_of: date, limit: int = 5) -> list[Instance]:
    """Open instances by due date: what the unit must deliver next."""
    open_ = [i for row in register.rows for i in row.instances
             if i.status in ("pending", "planned") and i.period.end is not None and i.period.end >= as_of]
    return sorted(open_, key=lambda i: (i.period.end, i.task_id))[:limit]


def overdue(register: Register) -> list[Instance]:
    """Instances past their due date with no product, oldest first."""
    return sorted((i for row in register.rows for i in row.instances if i.status == "overdue"),
                  key=lambda i: (i.period.end or date.max, i.task_id))


@dataclass(frozen=True)
class ProgressRow:
    """One agency's tasks of the year: the counts of each led task and its total."""

    agency: Agency
    cells: tuple[tuple[Task, dict], ...]
    completed: int
    rated: int

    @property
    def rate(self) -> float:
        """Share done or late among the instances due."""
        return self.completed / self.rated if self.rated else 0.0


def progress(tasks: list[Task], register: Register, agencies: list[Agency]) -> list[ProgressRow]:
    """Agency × task for the year: every task an agency leads (co-leads included), with its counts."""
    rows_by_task = {row.task.id: row for row in register.rows}
    out = []
    for agency in agencies:
        cells = tuple((t, dict(rows_by_task[t.id].counts)) for t in tasks
                      if t.id in rows_by_task and agency.code in t.lead_codes)
        if cells:
            out.append(ProgressRow(agency, cells, sum(c["completed"] for _, c in cells),
                                   sum(c["rated"] for _, c in cells)))
    return out


def by_section(tasks: list[Task], register: Register) -> list[tuple[str, dict]]:
    """Completion per section of the plan (dashboard)."""
    rows_by_task = {row.task.id: row for row in register.rows}
    sections_: dict[str, list[Instance]] = {}
    for task in tasks:
        if task.id in rows_by_task:
            sections_.setdefault(task.section, []).extend(rows_by_task[task.id].instances)
    return [(code, counts_of(instances)) for code, instances in sections_.items()]


STATUS_WORDS = TASK_STATUS_LABELS_VI
