"""`flask tasks PLAN_SLUG` (SPEC §12 second wave): the task register with each instance's status."""

import json

import click
from flask import Flask, current_app

from app.compliance.engine import TASK_STATUS_LABELS_VI, TASK_STATUSES


def register(app: Flask) -> None:
    """Attach the `tasks` command."""

    @app.cli.command("tasks")
    @click.argument("slug")
    @click.option("--as-of", "as_of", default=None, help="dd/mm/yyyy hoặc YYYY-MM-DD (mặc định: hôm nay, giờ Việt Nam).")
    @click.option("--year", default=None, help="Chỉ các kỳ của năm này.")
    @click.option("--lead", default=None, help="Mã cơ quan chủ trì, hoặc communes.")
    @click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table")
    def tasks_command(slug, as_of, year, lead, fmt):
        """Print a plan's task register with each instance's status as of a date (JSON = the API's answer)."""
        from app.formatting import fmt_date, today_local
        from app.tasks.services import (
            SubmissionRefused,
            city_of,
            plan_or_none,
            register_as_dicts,
            register_for,
            register_query,
        )

        try:
            day, year_, lead_ = register_query({"as_of": as_of, "year": year, "lead": lead}, today_local())
        except SubmissionRefused as exc:
            raise click.BadParameter(exc.message) from exc
        city = city_of(current_app.config["CITY"])
        plan = plan_or_none(slug, city.id) if city else None
        if plan is None:
            raise click.UsageError(f"No plan {slug!r} in this city.")
        view, register = register_for(_Office(), plan, day, year_, lead_)
        if fmt == "json":
            click.echo(json.dumps(register_as_dicts(view, register), ensure_ascii=False, indent=1))
            return
        click.echo(f"{plan.title} — {fmt_date(day)}" + (f" — năm {year_}" if year_ else ""))
        by_id = {t.id: t for t in view.tasks}
        for row in register.rows:
            task, c = by_id[row.task.id], row.counts
            lead_code = task.lead_agency.code if task.lead_agency else "communes"
            click.echo(f"{task.label:<7} {lead_code:<9} {task.time_text[:28]:<28} "
                       f"{c['completed']:>5}/{c['rated']:<5} {c['overdue']:>4} quá hạn  {task.text[:60]}")
            if task.lead_type == "agency":
                click.echo("        " + "  ".join(f"{i.period.key}:{i.status}" for i in row.instances))
        s = register.summary
        click.echo(", ".join(f"{TASK_STATUS_LABELS_VI[k]}: {s[k]}" for k in TASK_STATUSES))


class _Office:
    """The CLI reads the register as the city office does (every task, every commune)."""

    role = "admin"
    agency = commune = None
