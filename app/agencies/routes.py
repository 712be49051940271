"""Agency pages (SPEC §13): the city's list, add, edit, retire and bring back — the city office only."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.agencies import bp
from app.agencies.forms import KIND_LABELS, AgencyForm, StateForm
from app.agencies.services import AgencyRefused, agencies_of, agency_by_code, create_agency, set_active, update_agency
from app.auth.access import role_required
from app.domain.roles import CITY_OFFICE_ROLES
from app.extensions import db
from app.models import City


def _city() -> City:
    city = db.session.scalar(select(City).where(City.key == current_app.config["CITY"]))
    if city is None:
        abort(404)
    return city


def _agency_or_404(code: str):
    agency = agency_by_code(_city().id, code)
    if agency is None:
        abort(404)
    return agency


def _show_errors(form, fields: dict) -> None:
    for name, message in fields.items():
        field = getattr(form, name, None)
        if field is not None and name != "csrf_token":
            field.errors = [*field.errors, message]
        else:
            flash(message, "danger")


@bp.route("/")
@role_required(*CITY_OFFICE_ROLES)
def index():
    """The city's agencies, retired ones last, with the tasks each leads."""
    return render_template("agencies/index.html", rows=agencies_of(_city().id), kinds=KIND_LABELS,
                           state_form=StateForm())


@bp.route("/moi", methods=["GET", "POST"])
@role_required(*CITY_OFFICE_ROLES)
def new_agency():
    """Add an agency to the city's list (its code is chosen once)."""
    form = AgencyForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                agency = create_agency(_city().id, form.code.data, form.name.data, form.kind.data, current_user)
            except AgencyRefused as exc:
                db.session.rollback()
                _show_errors(form, exc.fields)
            else:
                db.session.commit()
                flash(f"Đã thêm {agency.name} ({agency.code}).", "success")
                return redirect(url_for("agencies.index"))
        return render_template("agencies/form.html", form=form, agency=None), 422
    return render_template("agencies/form.html", form=form, agency=None)


@bp.route("/<code>/sua", methods=["GET", "POST"])
@role_required(*CITY_OFFICE_ROLES)
def edit_agency(code: str):
    """Edit an agency's name and kind (audited)."""
    agency = _agency_or_404(code)
    form = AgencyForm(obj=agency if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                changed = update_agency(agency, form.name.data, form.kind.data, current_user)
            except AgencyRefused as exc:
                db.session.rollback()
                _show_errors(form, exc.fields)
            else:
                db.session.commit()
                flash("Đã lưu thay đổi." if changed else "Không có gì thay đổi.", "success")
                return redirect(url_for("agencies.index"))
        return render_template("agencies/form.html", form=form, agency=agency), 422
    return render_template("agencies/form.html", form=form, agency=agency)


@bp.route("/<code>/trang-thai", methods=["POST"])
@role_required(*CITY_OFFICE_ROLES)
def set_state(code: str):
    """Retire an agency, or bring it back (`active=1`); refused with a message while it leads an active task."""
    agency = _agency_or_404(code)
    if StateForm().validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            set_active(agency, active, current_user)
        except AgencyRefused as exc:
            db.session.rollback()
            flash(exc.fields["active"], "danger")
        else:
            db.session.commit()
            flash(f"Đã {'khôi phục' if active else 'ngừng sử dụng'} {agency.name}.", "success")
    else:
        flash("Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại.", "danger")
    return redirect(url_for("agencies.index"))
