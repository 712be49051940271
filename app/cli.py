"""Command-line interface (SPEC §12): seed, seed-demo, create-user, create-token, compliance, tasks, campaigns, backup."""

import json

import click
from flask import Flask, current_app
from sqlalchemy import select

from app.domain.roles import ROLES
from app.extensions import db


def register(app: Flask) -> None:
    """Attach the commands to `flask --app wsgi`."""

    @app.cli.command("seed")
    def seed_command():
        """Load the city's communes, audiences, messages and campaign templates (idempotent)."""
        from app.seeding import seed

        result = seed(current_app.config["CITY"])
        db.session.commit()
        click.echo(f"{result['city']}: {result['communes']} đơn vị cấp xã.")

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """The seed, plus demo users and a demo season; prints the demo logins."""
        from app.activities.demo import seed_demo_season
        from app.seeding import DEMO_PASSWORD, seed, seed_demo_users
        from app.voice.demo import seed_voice_demo

        city_key = current_app.config["CITY"]
        result = seed(city_key)
        from app.tasks.demo import seed_demo_agency_users, seed_demo_products

        created = seed_demo_users(city_key)
        lines: list[str] = seed_demo_season(city_key)
        lines += seed_voice_demo()  # residents' voice: check-ins, ratings, questions, follow-ups
        created += seed_demo_agency_users(city_key, DEMO_PASSWORD)
        lines.append(seed_demo_products(city_key))
        db.session.commit()
        click.echo(f"{result['city']}: {result['communes']} đơn vị cấp xã.")
        for line in lines:
            click.echo(line)
        if created:
            click.echo("Tài khoản demo (demo logins) — tên đăng nhập / mật khẩu / vai trò:")
            for username, password, role, commune in created:
                click.echo(f"  {username} / {password} / {role}" + (f" / {commune}" if commune else ""))
        else:
            click.echo("Tài khoản demo đã có từ trước (mật khẩu không in lại).")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", required=True, type=click.Choice(ROLES))
    @click.option("--commune", "commune_code", default=None, help="Mã đơn vị cấp xã (bắt buộc với vai trò commune).")
    @click.option("--agency", "agency_code", default=None, help="Mã cơ quan (bắt buộc với vai trò agency).")
    @click.option("--full-name", default=None)
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_user_command(username, role, commune_code, agency_code, full_name, password):
        """Create a user; asks for the password unless --password is given (an agency user: --agency CODE)."""
        from app.admin.services import agency_by_code, commune_by_code, create_user
        from app.auth.services import password_problem
        from app.models import User

        if role == "commune" and not commune_by_code(commune_code):
            raise click.UsageError("A commune user needs --commune with an existing commune code.")
        if role != "commune" and commune_code:
            raise click.UsageError("Only a commune user has --commune.")
        if role == "agency" and not agency_by_code(agency_code):
            raise click.UsageError("An agency user needs --agency with an existing agency code (flask seed loads them).")
        if role != "agency" and agency_code:
            raise click.UsageError("Only an agency user has --agency.")
        if db.session.scalar(select(User).where(User.username == username.lower())):
            raise click.UsageError(f"User {username!r} already exists.")
        problem = password_problem(password)
        if problem:
            raise click.UsageError(problem)
        user = create_user(username, role, password, commune_code, full_name, agency_code=agency_code)
        db.session.commit()
        click.echo(f"Created {user.username} ({user.role}).")

    @app.cli.command("create-token")
    @click.argument("username")
    def create_token_command(username):
        """Print a new API token for that user, alone on the last line."""
        from app.auth.services import issue_token
        from app.models import User

        user = db.session.scalar(select(User).where(User.username == username.lower()))
        if user is None:
            raise click.UsageError(f"No user {username!r}.")
        raw = issue_token(user)
        db.session.commit()
        click.echo(f"API token for {user.username} (shown once):")
        click.echo(raw)

    from app.scheduler.cli import register as register_scheduler
    from app.tasks.cli import register as register_tasks

    register_scheduler(app)
    register_tasks(app)

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--yes", is_flag=True, help="Ghi đè tệp đã có mà không hỏi.")
    def backup_command(path, yes):
        """Back up the whole database to PATH (SQLite: online backup API; PostgreSQL: pg_dump -Fc)."""
        import os

        from app.backup import BackupError, backup

        if os.path.exists(path) and not yes:
            click.confirm(f"{path} đã có. Ghi đè?", abort=True)
        try:
            target = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Đã sao lưu cơ sở dữ liệu vào {target} ({target.stat().st_size:,} bytes).")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Khôi phục mà không hỏi xác nhận.")
    def restore_command(path, yes):
        """Replace the database's contents with the backup at PATH (asks to confirm unless --yes)."""
        from app.backup import BackupError, restore

        url = db.engine.url
        if not yes:
            click.confirm(f"Toàn bộ dữ liệu hiện tại của {url.render_as_string(hide_password=True)} "
                          f"sẽ bị thay bằng bản sao lưu {path}. Tiếp tục?", abort=True)
        db.session.remove()
        db.engine.dispose()  # our own pooled connections must not hold locks the restore needs
        try:
            restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Đã khôi phục cơ sở dữ liệu từ {path}.")

    @app.cli.command("compliance")
    @click.argument("slug")
    @click.option("--as-of", "as_of", default=None, help="dd/mm/yyyy hoặc YYYY-MM-DD (mặc định: hôm nay, giờ Việt Nam).")
    @click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table")
    def compliance_command(slug, as_of, fmt):
        """Print the commune × duty matrix of a campaign as of a date (JSON = the API's answer)."""
        from app.campaigns.services import matrix_as_dict
        from app.compliance.engine import STATUS_LABELS_VI
        from app.compliance.loader import load_matrix
        from app.formatting import fmt_date, today_local
        from app.params import ParamError
        from app.params import as_of as parse_as_of

        try:
            day = parse_as_of(as_of, today_local())
        except ParamError as exc:
            raise click.BadParameter(exc.message, param_hint="--as-of") from exc
        try:
            matrix = load_matrix(slug, day)
        except LookupError as exc:
            raise click.UsageError(f"No campaign {slug!r}.") from exc
        if fmt == "json":
            click.echo(json.dumps(matrix_as_dict(matrix), ensure_ascii=False, indent=1))
            return
        nos = [d.no for d in matrix.campaign.duties]
        click.echo(f"{matrix.campaign.name} — {fmt_date(day)}")
        click.echo(f"{'code':<6} {'name':<32} " + " ".join(f"{n:>8}" for n in nos) + "   done")
        for row in matrix.rows:
            cells = " ".join(f"{c.status:>8}" for c in row.cells)
            click.echo(f"{row.commune.code:<6} {row.commune.name[:32]:<32} {cells}   {row.completed}/{row.total}")
        for r in matrix.city_requirements:
            click.echo(f"[{'x' if r.met else ' '}] {r.key}: {r.actual}/{r.required}")
        s = matrix.summary
        click.echo(", ".join(f"{STATUS_LABELS_VI[k]}: {s[k]}" for k in STATUS_LABELS_VI))

    from app.campaigns.cli import campaigns_group

    app.cli.add_command(campaigns_group)
