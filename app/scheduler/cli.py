"""CLI of SPEC §12: `flask scheduler`, `flask jobs list`, `flask jobs run JOB [--as-of YYYY-MM-DD]`."""

import json
from datetime import datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.formatting import TZ, fmt_datetime


def _parse_as_of(ctx, param, value):
    """--as-of as a date (dd/mm/yyyy or YYYY-MM-DD), parsed as the pages and the API parse it."""
    from app.params import ParamError, day

    try:
        return day(value, "as_of")
    except ParamError as exc:
        raise click.BadParameter(exc.message) from None


def _parse_at(ctx, param, value):
    """--at as a local date-time (YYYY-MM-DDTHH:MM, Asia/Ho_Chi_Minh unless an offset is given)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("dùng dạng YYYY-MM-DDTHH:MM") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=TZ)


def register(app: Flask) -> None:
    """Attach `scheduler` and the `jobs` group."""
    jobs_cli = AppGroup("jobs", help="Scheduled jobs: list them, or run one by hand.")

    @jobs_cli.command("list")
    def list_command():
        """List the jobs with their schedule, last run and next run."""
        from app.scheduler.jobs import overview

        for status in overview():
            last = status.last_run
            last_text = "chưa chạy" if last is None else (
                f"{fmt_datetime(last.started_at)} {'lỗi' if last.error else 'ok' if last.finished_at else 'đang chạy'}"
            )
            next_text = fmt_datetime(status.next_run) if status.next_run else "—"
            click.echo(f"{status.spec.name:24} {status.spec.schedule_text:20} lần trước: {last_text:24} lần sau: {next_text}")

    @jobs_cli.command("run")
    @click.argument("job")
    @click.option("--as-of", "as_of", callback=_parse_as_of, help="Ngày xét (dd/mm/yyyy hoặc YYYY-MM-DD), mặc định hôm nay.")
    @click.option("--at", "at", callback=_parse_at, help="Thời điểm chạy (YYYY-MM-DDTHH:MM) cho các việc hằng giờ.")
    def run_command(job, as_of, at):
        """Run one scheduled job by hand, for any "as of" date; prints its result."""
        from app.scheduler.jobs import JOBS, run_job

        if job not in JOBS:
            raise click.UsageError(f"Unknown job {job!r}; one of: {', '.join(JOBS)}")
        run = run_job(job, as_of=as_of, now=at, trigger="cli")
        click.echo(json.dumps({"job": job, "as_of": run.as_of.isoformat(), "result": run.result},
                              ensure_ascii=False, default=str))
        if run.error:
            click.echo(run.error, err=True)
            raise SystemExit(1)

    app.cli.add_command(jobs_cli)

    @app.cli.command("scheduler")
    @click.option("--lease", default=60.0, show_default=True, help="Lease length in seconds.")
    @click.option("--poll", default=5.0, show_default=True, help="Seconds between tries while another scheduler runs.")
    def scheduler_command(lease, poll):
        """Run the scheduler process (one across all processes; a second one waits)."""
        from app.scheduler import runner

        runner.run(current_app._get_current_object(), lease_seconds=lease, poll_seconds=poll, echo=click.echo)
