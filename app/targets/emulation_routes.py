"""The emulation ranking (thi đua, SPEC §16) on the targets blueprint: the ranking with the parts of each score and
its ties explained, as of any day; the weights the city office sets for a year; the commendation proposal
"Đề xuất khen thưởng" as Excel and as a PDF in the ND 30 frame."""

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import role_required
from app.domain.roles import CITY_OFFICE_ROLES, CITY_READER_ROLES, READER_ROLES
from app.extensions import db
from app.formatting import fmt_date
from app.models import City
from app.tabular import download, xlsx_bytes
from app.targets import bp
from app.targets.exports import commendation_sheets
from app.targets.forms import WeightsForm
from app.targets.pages import selection
from app.targets.standings import ranking, set_weights, weights_for

TOP_DEFAULT, TOP_MAX = 10, 50


def _city() -> City | None:
    """The configured city (its emulation weights, its lead office on the document)."""
    return db.session.scalar(select(City).where(City.key == current_app.config["CITY"]))


def _top() -> int:
    raw = (request.args.get("top") or "").strip()
    return min(max(int(raw), 1), TOP_MAX) if raw.isdigit() and len(raw) <= 3 else TOP_DEFAULT


def _ranked(year, as_of):
    city = _city()
    weights = weights_for(city.id if city else None, year)
    return city, weights, ranking(year, as_of, weights)


@bp.route("/thi-dua")
@role_required(*READER_ROLES)
def emulation():
    """The ranking of a year as of a day: score, rank, the three parts with their counts, ties explained; a
    commune user sees its own line (with its rank in the city)."""
    year, as_of, errors = selection()
    city, weights, rows = _ranked(year, as_of)
    if current_user.role == "commune":
        own = current_user.commune.code if current_user.commune else None
        rows = [r for r in rows if r.standing.code == own]
    form = WeightsForm(formdata=None, data={part: round(100 * share) for part, share in weights.items()})
    return render_template("targets/emulation.html", rows=rows, year=year, as_of=as_of, as_of_text=fmt_date(as_of),
                           errors=errors, weights=weights, form=form, top=_top(),
                           can_weigh=current_user.role in CITY_OFFICE_ROLES and city is not None)


@bp.route("/thi-dua/trong-so", methods=["POST"])
@role_required(*CITY_OFFICE_ROLES)
def set_emulation_weights():
    """Set the weights of a year (percentages summing to 100); the ranking is computed again with them."""
    year, as_of, errors = selection()
    city = _city()
    form = WeightsForm()
    if city is None or not form.validate_on_submit():
        _, weights, rows = _ranked(year, as_of)
        return render_template("targets/emulation.html", rows=rows, year=year, as_of=as_of,
                               as_of_text=fmt_date(as_of), errors=errors, weights=weights, form=form, top=_top(),
                               can_weigh=True), 422
    set_weights(city.id, year, form.shares(), current_user.id)
    db.session.commit()
    flash("Đã lưu trọng số thi đua; bảng xếp hạng đã được tính lại.", "success")
    return redirect(url_for("targets.emulation", year=year, as_of=as_of.isoformat()))


@bp.route("/thi-dua.xlsx")
@role_required(*CITY_READER_ROLES)
def emulation_xlsx():
    """"Đề xuất khen thưởng" as Excel: the proposed communes, then the whole ranking with its parts."""
    year, as_of, _ = selection()
    _, weights, rows = _ranked(year, as_of)
    return download(xlsx_bytes(commendation_sheets(rows, year, as_of, weights, _top())),
                    f"de-xuat-khen-thuong-{year}-{as_of.isoformat()}.xlsx")


@bp.route("/thi-dua.pdf")
@role_required(*CITY_READER_ROLES)
def emulation_pdf():
    """"Đề xuất khen thưởng" in the ND 30 frame: the communes at the top of the ranking with their figures."""
    from app.reports.commendation import build_commendation, commendation_data

    year, as_of, _ = selection()
    city, weights, rows = _ranked(year, as_of)
    data = commendation_data(rows, lead_office=city.lead_office if city else "Bảo hiểm xã hội thành phố",
                             place=city.name if city else "", year=year, as_of=as_of, weights=weights, top=_top())
    return Response(build_commendation(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="de-xuat-khen-thuong-{year}-{as_of.isoformat()}.pdf"'})
