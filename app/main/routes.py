"""Home page and the communes directory."""

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.access import first_scoped_or_404, role_required, visible
from app.collation import vi_sorted
from app.domain.roles import CITY_READER_ROLES
from app.extensions import db
from app.formatting import today_local
from app.main import bp
from app.main.home import commune_home
from app.main.services import search_communes
from app.models import COMMUNE_KINDS, Campaign, Commune, User
from app.routing import safe_local_url

KIND_LABELS = {"phuong": "Phường", "xa": "Xã", "dac_khu": "Đặc khu"}


@bp.route("/")
def index():
    """Home: the user's start page, or the login page for visitors."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    agency_home = None
    if current_user.role == "agency" and current_user.agency is not None:
        from app.tasks.services import agency_home as home_of

        agency_home = home_of(current_user, current_user.agency.city_id, today_local())
    todo = None
    if current_user.role == "commune" and current_user.commune is not None:
        todo = commune_home(current_user.commune.code, today_local())
    return render_template("main/index.html", agency_home=agency_home, todo=todo, as_of=None)


@bp.route("/communes")
@role_required(*CITY_READER_ROLES)
def communes():
    """The city's commune-level units: search by name, filter by kind, counts (SPEC §2)."""
    q = (request.args.get("q") or "")[:100]
    kind = request.args.get("kind")
    if kind not in COMMUNE_KINDS:
        kind = None
    rows, counts = search_communes(q, kind)
    return render_template("main/communes.html", rows=rows, counts=counts, q=q, kind=kind,
                           kind_labels=KIND_LABELS, total=sum(counts.values()))


@bp.route("/communes/<code>")
@login_required
def commune(code: str):
    """One commune's page; a commune user may open only their own (404 for the others)."""
    unit = first_scoped_or_404(select(Commune).where(Commune.code == code[:5]), Commune, current_user)
    staff = []
    if current_user.role != "viewer":
        staff = vi_sorted(db.session.scalars(select(User).where(User.commune_id == unit.id)).all(), key=lambda u: u.full_name)
    campaigns = db.session.scalars(visible(select(Campaign), current_user).order_by(Campaign.start.desc())).all()
    return render_template("main/commune.html", unit=unit, staff=staff, kind_labels=KIND_LABELS, campaigns=campaigns)


@bp.route("/favicon.ico")
def favicon():
    """Browsers (and Chromium's PDF viewer) ask for /favicon.ico whatever the page declares."""
    return redirect(url_for("static", filename="favicon.svg"))


@bp.route("/lang/<code>")
def set_language(code: str):
    """Switch the interface language (Vietnamese or English) and come back."""
    if code in ("vi", "en"):
        session["lang"] = code
    return redirect(safe_local_url(request.args.get("next")) or url_for("main.index"))
