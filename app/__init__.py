"""Lan Tỏa: campaign management for BHXH/BHYT communication (app factory)."""

import os

from flask import Flask, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app import template_gettext
from app.extensions import StrictJSONProvider, babel, compress, csrf, db, limiter, login_manager, migrate
from app.routing import IdConverter, mark_refused_form, refuse_bad_text
from config import BASE_DIR, CONFIGS, LOOPBACK_HOSTS, instance_secret_key, is_public_secret


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app: config → extensions → blueprints → error handlers → CLI."""
    config_name = config_name or os.environ.get("FLASK_CONFIG") or "development"
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(BASE_DIR / "instance"),
    )
    config_class = CONFIGS[config_name]
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.config["CONFIG_NAME"] = config_name
    if not app.config.get("SECRET_KEY") and not app.testing:
        app.config["SECRET_KEY"] = instance_secret_key(app.config["SECRET_KEY_FILE"])
    _refuse_public_key_on_network(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A pre-ping guards against a server that dropped idle connections; a SQLite file has none to drop, and
        # the ping would be one more statement on every request (the check-in hot path runs only two).
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["pool_pre_ping"] = False
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if hasattr(config_class, "validate"):
        config_class.validate(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    _init_extensions(app)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.before_request(refuse_bad_text)
    app.after_request(mark_refused_form)
    _register_blueprints(app)
    if app.config["CHECKIN_DOOR"]:
        from app.api.checkin_door import CheckinDoor

        app.wsgi_app = CheckinDoor(app.wsgi_app, app)  # the check-in POST without Flask's request handling
    if app.config.get("PROXY_COUNT"):  # outside the door: it reads the client's address and scheme as Flask does
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from app import assets, errors, formatting, navigation, security

    assets.register(app)
    errors.register(app)
    formatting.register(app)
    navigation.register(app)
    security.register(app)

    from app import cli

    cli.register(app)
    return app


def _refuse_public_key_on_network(app: Flask) -> None:
    """`flask run --host 0.0.0.0` (or any non-loopback address) with a published key does not start: anyone on
    the Wi-Fi could sign an admin's session cookie or forge QR tokens and tickets with it (issue 22)."""
    import click

    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.command.name != "run":
        return
    host = str(ctx.params.get("host") or "127.0.0.1")
    if host not in LOOPBACK_HOSTS and not host.startswith("127.") and is_public_secret(app.config.get("SECRET_KEY")):
        raise RuntimeError(f"Refusing to serve on {host} with a development SECRET_KEY: unset SECRET_KEY to have a "
                           "private one generated in instance/secret_key, or set a private value.")


def _select_locale() -> str:
    """Vietnamese by default; English when the user picked it (session or ?lang=)."""
    lang = request.args.get("lang")
    if lang in ("vi", "en"):
        session["lang"] = lang
    return session.get("lang", "vi")


def _init_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    app.json = StrictJSONProvider(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    template_gettext.install(app)  # `_()` in templates formats only when given variables ('%' in a label is text)
    limiter.init_app(app)
    compress.init_app(app)  # its hook runs after the app's own (headers are set by then): it compresses the final body

    import app.models  # noqa: F401  (registers every table)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL journal, a busy timeout and foreign keys, on every connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _register_blueprints(app: Flask) -> None:
    """One blueprint per feature. Importing a feature's routes module attaches its views to the feature's
    blueprint; the factory is the only module that imports one (a test reads every import to keep it so)."""
    from app import api  # the API package attaches its modules (app/api/__init__.py); none is a routes module
    from app.activities import photo_routes as _activity_photos  # noqa: F401  (on the activities blueprint)
    from app.activities import routes as activities
    from app.admin import routes as admin
    from app.agencies import routes as agencies
    from app.auth import routes as auth
    from app.campaigns import editor as _campaign_editor  # noqa: F401  (on the campaigns blueprint)
    from app.campaigns import routes as campaigns
    from app.checkin import import_routes as _checkin_import  # noqa: F401  (on the check-in blueprint)
    from app.checkin import routes as checkin
    from app.dashboard import routes as dashboard
    from app.main import routes as main
    from app.notifications import routes as notifications
    from app.periodic import office_routes as _periodic_office  # noqa: F401  (on the periodic blueprint)
    from app.periodic import routes as periodic
    from app.reports import routes as reports
    from app.scheduler import admin_routes as _jobs_page  # noqa: F401  (the scheduled jobs page, on the admin blueprint)
    from app.targets import emulation_routes as _emulation  # noqa: F401  (on the targets blueprint)
    from app.targets import import_routes as _targets_import  # noqa: F401  (on the targets blueprint)
    from app.targets import routes as targets
    from app.tasks import editor as _task_editor  # noqa: F401  (plan and task editor, on the tasks blueprint)
    from app.tasks import routes as tasks
    from app.voice import followup_routes as _voice_followups  # noqa: F401  (on the voice blueprint)
    from app.voice import routes as voice

    for module, prefix in ((auth, None), (main, None), (dashboard, None), (checkin, None), (admin, "/admin"),
                           (activities, None), (reports, None), (notifications, "/notifications"),
                           (campaigns, "/campaigns"), (voice, None), (tasks, "/ke-hoach"), (agencies, "/co-quan"),
                           (periodic, "/bao-cao-dinh-ky"), (targets, "/chi-tieu"), (api, "/api/v1")):
        app.register_blueprint(module.bp, url_prefix=prefix)
    csrf.exempt(api.bp)
