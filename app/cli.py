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
        """The seed, plus demo users and a demo season; prints the demo logins (refused in production)."""
        from app.activities.demo import seed_demo_season
        from app.seeding import DEMO_PASSWORD, seed, seed_demo_users
        from app.voice.demo import seed_voice_demo

        if current_app.config.get("CONFIG_NAME") == "production":
            raise click.ClickException(
                "seed-demo creates demo users whose password is published: refused with FLASK_CONFIG=production. "
                "For a real installation run `flask --app wsgi seed` and `create-user` (make db-real).")
        click.echo("CẢNH BÁO: tạo tài khoản demo với mật khẩu công khai — chỉ dùng để thử, không dùng cho máy chủ "
                   "thật (WARNING: demo users with a published password; never on a real server).", err=True)

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
        from app.admin.services import agency_by_code, commune_by_code, create_user, username_problem
        from app.auth.services import password_problem
        from app.models import User

        username = username.strip().lower()
        if username_problem(username):
            raise click.UsageError(username_problem(username))
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
        problem = password_problem(password, username)
        if problem:
            raise click.UsageError(problem)
        user = create_user(username, role, password, commune_code, full_name, agency_code=agency_code)
        db.session.commit()
        click.echo(f"Created {user.username} ({user.role}).")

    @app.cli.command("create-token")
    @click.argument("username")
    @click.option("--days", default=365, show_default=True, type=click.IntRange(1, 3660), help="Hiệu lực (ngày).")
    def create_token_command(username, days):
        """Print a new API token for that user (valid --days, a year by default), alone on the last line."""
        from datetime import timedelta

        from app.auth.services import issue_token
        from app.formatting import fmt_date
        from app.models import User
        from app.models.types import utcnow

        user = db.session.scalar(select(User).where(User.username == username.lower()))
        if user is None:
            raise click.UsageError(f"No user {username!r}.")
        now = utcnow()
        raw = issue_token(user, now, timedelta(days=days))
        db.session.commit()
        click.echo(f"API token for {user.username} (shown once), hết hạn / expires {fmt_date(now + timedelta(days=days))}:")
        click.echo(raw)

    @app.cli.command("unlock-login")
    @click.argument("username")
    def unlock_login_command(username):
        """Empty USERNAME's failed-login counter and print a one-time unlock code (24 h) to give its owner."""
        from app.auth.throttle import issue_unlock_code
        from app.models import User
        from app.models.audit import record
        from app.models.types import utcnow

        user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise click.UsageError(f"No user {username!r}.")
        code = issue_unlock_code(user.username, utcnow())
        record(None, "unlock_login", "user", user.id)
        db.session.commit()
        click.echo(f"Unlock code for {user.username} (one use, 24 h, with their password):")
        click.echo(code)

    @app.cli.group("tokens")
    def tokens_group():
        """List and revoke API tokens."""

    @tokens_group.command("list")
    @click.argument("username", required=False)
    def tokens_list_command(username):
        """Every API token (or USERNAME's): id, prefix, user, created, last used, expiry, state."""
        from app.formatting import fmt_date, fmt_datetime
        from app.models import ApiToken, User
        from app.models.types import utcnow

        stmt = select(ApiToken, User.username).join(User, ApiToken.user_id == User.id).order_by(ApiToken.id)
        if username:
            stmt = stmt.where(User.username == username.lower())
        now = utcnow()
        for token, owner in db.session.execute(stmt):
            state = ("revoked" if token.revoked else
                     "expired" if token.expires_at and token.expires_at <= now else "active")
            click.echo(f"{token.id:>5}  {token.prefix}…  {owner:<20} {fmt_datetime(token.created_at)}  "
                       f"{fmt_datetime(token.last_used_at) if token.last_used_at else '—':<16}  "
                       f"{fmt_date(token.expires_at) if token.expires_at else 'never':<10}  {state}")

    @tokens_group.command("revoke")
    @click.argument("token_id", type=int)
    def tokens_revoke_command(token_id):
        """Revoke the API token with this id (see `tokens list`): refused from the next request on."""
        from app.auth.services import revoke_token
        from app.models import ApiToken
        from app.models.audit import record
        from app.models.types import utcnow

        token = db.session.get(ApiToken, token_id)
        if token is None:
            raise click.UsageError(f"No token {token_id}.")
        revoke_token(token, utcnow())
        record(None, "token_revoke", "api_token", token.id)
        db.session.commit()
        click.echo(f"Revoked token {token.id} ({token.prefix}…) of {token.user.username}.")

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
