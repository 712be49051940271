"""Dashboard pages: the city and commune campaign dashboards (SPEC §4), targets against actuals (§9)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import params
from app.auth.access import role_required, sees_drafts
from app.compliance.display import compliance_words
from app.compliance.loader import nearest_campaign_slug
from app.dashboard import bp
from app.dashboard.forms import ActualForm
from app.dashboard.services import (
    campaign_dashboard,
    commune_next_deadline,
    has_targets,
    list_campaigns,
    record_actual,
    targets_table,
)
from app.domain.roles import CITY_OFFICE_ROLES, CITY_READER_ROLES
from app.extensions import db
from app.formatting import fmt_date, today_local
from app.tabular import Sheet, download, xlsx_bytes

BAD_DATE = "Ngày xem số liệu không hợp lệ (định dạng dd/mm/yyyy); đang hiển thị số liệu hôm nay."
BAD_CAMPAIGN = "Không tìm thấy chiến dịch đã chọn; đang hiển thị chiến dịch gần nhất."

bp.context_processor(compliance_words)


def _selection():
    """The campaigns, the chosen slug and as-of date from the query string, and Vietnamese messages for
    bad input (a bad value falls back to its default, never an error page)."""
    campaigns = [c for c in list_campaigns() if sees_drafts(current_user) or c.published]
    today = today_local()
    errors = {}
    try:
        as_of = params.as_of(request.args.get("as_of"), today)
    except params.ParamError:
        errors["as_of"], as_of = BAD_DATE, today
    slug = (request.args.get("campaign") or "").strip()[:64]
    if slug and slug not in {c.slug for c in campaigns}:
        errors["campaign"], slug = BAD_CAMPAIGN, ""
    slug = slug or nearest_campaign_slug(campaigns, today)
    return campaigns, slug, as_of, errors


def _selection_args() -> dict:
    """The campaign and day chosen, to carry to the other dashboard (never arbitrary `url_for` arguments)."""
    return {k: v for k, v in request.args.items() if k in ("as_of", "campaign")}


@bp.route("/dashboard")
@login_required
def city():
    """City dashboard (SPEC §4): KPIs, duties by status, city requirements, totals, timeline, trend, laggards."""
    if current_user.role == "commune":
        return redirect(url_for("dashboard.commune", **_selection_args()))
    if current_user.role not in CITY_READER_ROLES:
        abort(403)
    campaigns, slug, as_of, errors = _selection()
    if slug is None:
        return render_template("dashboard/empty.html", has_targets=has_targets())
    try:
        board = campaign_dashboard(slug, as_of)
    except LookupError:
        abort(404)
    block_args = {"campaign": slug, "as_of": as_of.isoformat(),
                  **{k: request.args[k][:20] for k in ("tsort", "tdir") if request.args.get(k)}}
    return render_template("dashboard/city.html", board=board, campaigns=campaigns, slug=slug, as_of=as_of,
                           as_of_text=fmt_date(as_of), errors=errors, kpis=board.kpis, has_targets=has_targets(),
                           blocks=[(name, title, url_for("dashboard.block", name=name, **block_args))
                                   for name, title in BLOCKS.items()])


# The city dashboard's second-wave blocks, each fetched by the page after it is shown (a link without script):
# the plan's task register and the targets with the emulation ranking each cost a register or a ranking over
# every commune (bench/dashboard.py times the page and each block).
BLOCKS = {"nhiem-vu": "Nhiệm vụ kế hoạch", "chi-tieu": "Chỉ tiêu theo đơn vị cấp xã"}


@bp.route("/dashboard/khoi/<name>")
@role_required(*CITY_READER_ROLES)
def block(name: str):
    """One block of the city dashboard for the page's day: the fragment alone when the page asks for it
    (`X-Fragment: 1`), else a page of its own."""
    if name not in BLOCKS:
        abort(404)
    _, _, as_of, errors = _selection()
    from app.tasks.services import city_of

    city = city_of(current_app.config["CITY"])
    context = {"as_of": as_of, "task_plans": [], "targets_block": None}
    if name == "nhiem-vu":
        from app.tasks.services import dashboard_tasks

        context["task_plans"] = dashboard_tasks(city.id, as_of) if city else []
    else:
        from app.targets.pages import dashboard_block

        context["targets_block"] = dashboard_block(as_of, request.args, city.id if city else None)
    template = "dashboard/_block.html" if request.headers.get("X-Fragment") == "1" else "dashboard/block.html"
    response = current_app.make_response(render_template(template, name=name, title=BLOCKS[name],
                                                         errors=errors, **context))
    response.headers["Vary"] = "X-Fragment"
    return response


@bp.route("/dashboard/commune")
@login_required
def commune():
    """A commune's own dashboard: its duties with status, next deadline, its activities and results."""
    if current_user.role != "commune":
        return redirect(url_for("dashboard.city", **_selection_args()))
    unit = current_user.commune
    if unit is None:
        abort(403)
    campaigns, slug, as_of, errors = _selection()
    if slug is None:
        return render_template("dashboard/empty.html", has_targets=True)
    try:
        board = campaign_dashboard(slug, as_of, commune_id=unit.id, trend=False)
    except LookupError:
        abort(404)
    row = board.matrix.row(unit.code)
    duties = [(duty, cell) for duty, cell in zip(board.matrix.campaign.duties, row.cells, strict=True)]
    return render_template("dashboard/commune.html", board=board, campaigns=campaigns, slug=slug, as_of=as_of,
                           as_of_text=fmt_date(as_of), errors=errors, unit=unit, row=row, duties=duties,
                           next_deadline=commune_next_deadline(board.matrix, unit.code))


@bp.route("/dashboard.xlsx")
@role_required(*CITY_READER_ROLES)
def city_xlsx():
    """The city dashboard's numbers as Excel: one sheet per chart and table, same selection as the page."""
    from app.dashboard.exports import dashboard_workbook

    _, slug, as_of, _ = _selection()
    if slug is None:
        abort(404)
    try:
        board = campaign_dashboard(slug, as_of)
    except LookupError:
        abort(404)
    return download(dashboard_workbook(board), f"bang-dieu-khien-{slug}-{as_of.isoformat()}.xlsx")


@bp.route("/targets", methods=["GET", "POST"])
@role_required(*CITY_READER_ROLES)
def targets():
    """Targets 2026–2030 against recorded actuals; the city office records actual figures (SPEC §9)."""
    form = ActualForm()
    if request.method == "GET":
        today = today_local()
        form.year.data, form.month.data = today.year, today.month
    can_record = current_user.role in CITY_OFFICE_ROLES
    if request.method == "POST":
        if not can_record:
            return render_template("errors/error.html", status=403,
                                   message="Bạn không có quyền ghi nhận số liệu."), 403
        if form.validate_on_submit():
            record_actual(form.year.data, form.month.data, form.metric.data, form.value.data, current_user.id)
            db.session.commit()
            flash("Đã ghi nhận số liệu thực hiện.", "success")
            return redirect(url_for("dashboard.targets"))
    rows = targets_table()
    chart = [r for r in rows if r["metric"] in ("bhxh_participants", "bhxh_voluntary")]
    status = 422 if request.method == "POST" else 200
    return render_template("dashboard/targets.html", rows=rows, chart=chart, form=form,
                           can_record=can_record), status


@bp.route("/targets.xlsx")
@role_required(*CITY_READER_ROLES)
def targets_xlsx():
    """The targets table as an Excel file."""
    rows = [[r["label"], r["unit"], r["year"], r["target"], r["actual"], r["month"], r["ratio"],
             r["recorded_at_activities"]] for r in targets_table()]
    sheet = Sheet("Chỉ tiêu", ["Chỉ tiêu", "Đơn vị", "Năm", "Chỉ tiêu giao", "Thực hiện", "Tháng", "Tỷ lệ đạt",
                               "Ghi nhận tại hoạt động"], rows, (48, 8, 8, 14, 14, 8, 10, 14), freeze=None,
                  column_formats={6: "0.0%"})
    return download(xlsx_bytes([sheet]), "chi-tieu-bhxh-bhyt.xlsx")
