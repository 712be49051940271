"""Targets pages (SPEC §16): every commune's figures, one commune's page with its monthly trend, the list
"Địa bàn chưa đạt chỉ tiêu" with the city office's cause, responsibility and remedy, and their Excel."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.access import role_required
from app.domain.roles import CITY_OFFICE_ROLES, CITY_READER_ROLES, READER_ROLES
from app.extensions import db
from app.formatting import fmt_date
from app.models import Commune
from app.tabular import download, xlsx_bytes
from app.targets import bp
from app.targets.display import band_words
from app.targets.exports import figures_sheet
from app.targets.figures import city_total_check, commune_figures, monthly_trend
from app.targets.forms import ShortfallForm
from app.targets.pages import selection
from app.targets.services import record_note, sort_lines

bp.app_context_processor(band_words)  # the dashboard shows the bands too


def _own_code() -> str | None:
    """A commune user's own commune code (None for the city roles)."""
    return current_user.commune.code if current_user.role == "commune" and current_user.commune else None


def _commune_or_404(code: str) -> Commune:
    """The commune of the URL, 404 when unknown or another commune's for a commune user."""
    commune = db.session.scalar(select(Commune).where(Commune.code == code[:10]))
    own = _own_code()
    if commune is None or (current_user.role == "commune" and commune.code != own):
        abort(404)
    return commune


@bp.route("/")
@login_required
def communes():
    """Every commune's target, actual, % achieved and pace against pro-rata, sortable (SPEC §16)."""
    if current_user.role == "commune":
        return redirect(url_for("targets.commune", code=_own_code() or "-", **request.args))
    if current_user.role not in CITY_READER_ROLES:
        abort(403)
    year, as_of, errors = selection()
    lines = commune_figures(year, as_of)
    sort, descending = (request.args.get("sort") or "code")[:20], request.args.get("dir") == "desc"
    return render_template("targets/communes.html", lines=sort_lines(lines, sort, descending), year=year,
                           as_of=as_of, as_of_text=fmt_date(as_of), errors=errors, sort=sort, descending=descending,
                           checks=city_total_check(year, lines), listed=sum(1 for f in lines if f.judged.listed),
                           no_data=sum(1 for f in lines if f.judged.band == "no_data"),
                           targeted=sum(1 for f in lines if f.target))


@bp.route("/xa.xlsx")
@role_required(*CITY_READER_ROLES)
def communes_xlsx():
    """The communes table as Excel: the same figures as the page and the API."""
    year, as_of, _ = selection()
    sheet = figures_sheet(commune_figures(year, as_of), year, as_of)
    return download(xlsx_bytes([sheet]), f"chi-tieu-theo-xa-{year}-{as_of.isoformat()}.xlsx")


@bp.route("/chua-dat")
@role_required(*READER_ROLES)
def shortfalls():
    """"Địa bàn chưa đạt chỉ tiêu": communes below pro-rata, each with the city office's note; a commune sees
    its own line."""
    year, as_of, errors = selection()
    own = db.session.get(Commune, current_user.commune_id) if current_user.role == "commune" else None
    lines = sort_lines([f for f in commune_figures(year, as_of, own.id if own else None) if f.judged.listed], "band",
                       False)  # furthest behind first
    can_note = current_user.role in CITY_OFFICE_ROLES
    forms = {f.code: ShortfallForm(formdata=None, obj=f.note) for f in lines} if can_note else {}
    return render_template("targets/shortfalls.html", lines=lines, year=year, as_of=as_of,
                           as_of_text=fmt_date(as_of), errors=errors, can_note=can_note, forms=forms)


@bp.route("/<code>")
@role_required(*READER_ROLES)
def commune(code):
    """One commune's figures: target, actual, % achieved, the pro-rata expectation, the monthly trend and the
    enrolments recorded at its activities beside them, and the city office's note when it is behind."""
    unit = _commune_or_404(code)
    year, as_of, errors = selection()
    line = commune_figures(year, as_of, unit.id)[0]
    form = ShortfallForm(obj=line.note)
    return render_template("targets/commune.html", unit=unit, line=line, trend=monthly_trend(unit.id, year, as_of),
                           year=year, as_of=as_of, as_of_text=fmt_date(as_of), errors=errors, form=form,
                           can_note=current_user.role in CITY_OFFICE_ROLES)


@bp.route("/<code>/ghi-chu", methods=["POST"])
@role_required(*CITY_OFFICE_ROLES)
def record_shortfall(code):
    """Record (or replace) the cause, responsibility and remedy of a commune's shortfall (seed 000 §V.7)."""
    unit = _commune_or_404(code)
    year, as_of, _ = selection()
    form = ShortfallForm()
    back = request.form.get("back") == "list"
    target = url_for("targets.shortfalls" if back else "targets.commune", year=year, as_of=as_of.isoformat(),
                     **({} if back else {"code": unit.code}))
    if not form.validate_on_submit():
        line = commune_figures(year, as_of, unit.id)[0]
        return render_template("targets/commune.html", unit=unit, line=line,
                               trend=monthly_trend(unit.id, year, as_of), year=year, as_of=as_of,
                               as_of_text=fmt_date(as_of), errors={}, form=form, can_note=True), 422
    record_note(unit.id, year, {name: getattr(form, name).data for name in ("cause", "responsibility", "remedy")},
                current_user.id)
    db.session.commit()
    flash("Đã lưu nguyên nhân, trách nhiệm và giải pháp khắc phục.", "success")
    return redirect(target + f"#xa-{unit.code}" if back else target)
