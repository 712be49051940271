"""Campaign pages: list, matrix (with exports), commune page with its report, admin edits (SPEC §4)."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app import params
from app.auth.access import first_scoped_or_404, role_required, scope, visible
from app.campaigns import bp, exports, revisions
from app.campaigns.forms import (
    CampaignForm,
    DutyForm,
    PaperReportForm,
    RequirementForm,
    SubmitReportForm,
)
from app.campaigns.lookup import campaign_or_404 as _campaign_or_404
from app.campaigns.services import (
    SubmissionExists,
    current_submission,
    select_rows,
    submit_report,
    unlock_submission,
    update_campaign,
    update_duty,
    update_requirement,
)
from app.compliance.display import compliance_words
from app.compliance.engine import STATUSES
from app.compliance.loader import load_campaign, load_matrix
from app.domain.kinds import KINDS
from app.domain.roles import ADMIN_ROLES, CITY_OFFICE_ROLES, STAFF_ROLES
from app.extensions import db
from app.formatting import fmt_date, today_local
from app.models import Activity, Campaign, CityRequirement, Commune, Duty, ReportSubmission
from app.models.audit import record
from app.models.types import utcnow
from app.tabular import download

KIND_LABELS = {"phuong": "Phường", "xa": "Xã", "dac_khu": "Đặc khu"}


def _as_of() -> date:
    """`?as_of=` (dd/mm/yyyy or ISO), or today in Asia/Ho_Chi_Minh (a bad value is reported and ignored)."""
    try:
        return params.as_of(request.args.get("as_of"), today_local())
    except params.ParamError:
        flash("Ngày xem không hợp lệ, đang hiển thị tình hình hôm nay.", "warning")
        return today_local()


def _visible_codes() -> set[str] | None:
    """The commune codes the current user may see in a matrix (None: all)."""
    if current_user.role == "commune":
        return {current_user.commune.code} if current_user.commune else set()
    return None


def _filters() -> dict:
    """The matrix filters from the query string, cleaned."""
    status = request.args.get("status") or None
    kind = request.args.get("kind") or None
    sort = request.args.get("sort") or ""
    try:
        duty = int(request.args.get("duty", "")) if request.args.get("duty") else None
    except ValueError:
        duty = None
    return {
        "status": status if status in STATUSES else None,
        "duty": duty,
        "kind": kind if kind in KIND_LABELS else None,
        "q": (request.args.get("q") or "")[:100],
        "sort": sort if sort in ("completion", "-completion", "name") else "",
    }


def _template_globals() -> dict:
    return {**compliance_words(), "kind_labels": KIND_LABELS, "activity_kinds": KINDS, "edits_of": revisions.edits,
            "edited_after": revisions.edited_after, "retirements_of": revisions.retirements}


@bp.route("/")
@login_required
def index():
    """The campaigns: period, duties count, links to the matrix (or the user's commune page)."""
    campaigns = db.session.scalars(visible(select(Campaign), current_user).order_by(Campaign.start.desc())).all()
    return render_template("campaigns/index.html", campaigns=campaigns)


@bp.route("/<slug>/matrix")
@login_required
def matrix(slug: str):
    """All communes × duties as of a date, filterable and sortable; commune users go to their own page."""
    campaign = _campaign_or_404(slug)
    if current_user.role == "commune":
        return redirect(url_for("campaigns.commune", slug=campaign.slug, code=current_user.commune.code,
                                **({"as_of": request.args["as_of"]} if request.args.get("as_of") else {})))
    as_of = _as_of()
    m = load_matrix(campaign.slug, as_of)
    filters = _filters()
    rows = select_rows(m, _visible_codes(), **filters)
    export_args = {k: v for k, v in {**filters, "as_of": as_of.isoformat()}.items() if v}
    return render_template("campaigns/matrix.html", campaign=campaign, m=m, rows=rows, as_of=as_of,
                           filters=filters, export_args=export_args, evidence=_evidence_titles(m, rows),
                           **_template_globals())


def _evidence_titles(m, rows) -> dict[int, tuple[str, date]]:
    """Title and evidence date of every activity the shown cells name, in one query (the cells list them)."""
    ids = {i for row in rows for c in row.cells if m.campaign.duty(c.duty_no).evidence == "activity"
           for i in (*c.evidence, *c.planned)}
    if not ids:
        return {}
    stmt = select(Activity.id, Activity.title, Activity.evidence_date).where(Activity.id.in_(ids))
    return {i: (title, day) for i, title, day in db.session.execute(stmt)}


def _export(slug: str, fmt: str):
    campaign = _campaign_or_404(slug)
    as_of = _as_of()
    m = load_matrix(campaign.slug, as_of)
    filters = _filters()
    rows = select_rows(m, _visible_codes(), **filters)
    record(current_user.id, "export", "campaign_matrix", campaign.id, format=fmt, as_of=as_of.isoformat(),
           rows=len(rows), **{k: v for k, v in filters.items() if v})
    db.session.commit()
    body = exports.to_xlsx(m, rows) if fmt == "xlsx" else exports.to_csv(m, rows)
    return download(body, f"ma-tran-{campaign.slug}-{as_of.isoformat()}.{fmt}")


@bp.route("/<slug>/matrix.xlsx")
@login_required
def export_xlsx(slug: str):
    """The matrix (same filters and scope as the page) as an Excel workbook."""
    return _export(slug, "xlsx")


@bp.route("/<slug>/matrix.csv")
@login_required
def export_csv(slug: str):
    """The matrix (same filters and scope as the page) as CSV with a UTF-8 BOM."""
    return _export(slug, "csv")


def _commune_or_404(code: str) -> Commune:
    return first_scoped_or_404(select(Commune).where(Commune.code == code[:5]), Commune, current_user)


@bp.route("/<slug>/communes/<code>")
@login_required
def commune(slug: str, code: str):
    """One commune's duties, evidence, next steps and deadlines, and its campaign report."""
    campaign = _campaign_or_404(slug)
    unit = _commune_or_404(code)
    as_of = _as_of()
    m = load_matrix(campaign.slug, as_of)
    row = m.row(unit.code)
    ids = {i for c in row.cells for i in (*c.evidence, *c.planned)}
    activity_ids = {i for c in row.cells if m.campaign.duty(c.duty_no).evidence == "activity"
                    for i in (*c.evidence, *c.planned)}
    activities = {}
    if activity_ids:
        stmt = scope(select(Activity).where(Activity.id.in_(activity_ids)), Activity, current_user)
        activities = {a.id: a for a in db.session.scalars(stmt)}
    submissions = {}
    report_ids = ids - activity_ids
    if report_ids:
        stmt = scope(select(ReportSubmission).where(ReportSubmission.id.in_(report_ids)), ReportSubmission,
                     current_user)
        submissions = {s.id: s for s in db.session.scalars(stmt)}
    submission = current_submission(campaign, unit)
    history = db.session.scalars(
        select(ReportSubmission).where(ReportSubmission.campaign_id == campaign.id,
                                       ReportSubmission.commune_id == unit.id).order_by(ReportSubmission.id)).all()
    # The button is the commune's own; the city office records paper reports with their date instead.
    can_submit = current_user.role == "commune" and current_user.commune_id == unit.id
    return render_template(
        "campaigns/commune.html", campaign=campaign, unit=unit, m=m, row=row, as_of=as_of,
        activities=activities, submissions=submissions, submission=submission, history=history,
        can_submit=can_submit, submit_form=SubmitReportForm(), paper_form=PaperReportForm(prefix="paper"),
        **_template_globals())


@bp.route("/<slug>/communes/<code>/submit", methods=["POST"])
@role_required(*STAFF_ROLES)
def submit(slug: str, code: str):
    """"Nộp báo cáo": the commune's campaign report, submitted online today (Appendix II, duty 9)."""
    campaign = _campaign_or_404(slug)
    unit = _commune_or_404(code)
    form = SubmitReportForm()
    if form.validate_on_submit():
        try:
            submission = submit_report(campaign, unit, current_user, utcnow(), note=form.note.data or "")
        except SubmissionExists as exc:
            flash(f"Đơn vị đã nộp báo cáo ngày {fmt_date(exc.submission.submitted_on)}; "
                  "cần BHXH thành phố mở khóa để nộp lại.", "warning")
        else:
            db.session.commit()
            flash(f"Đã nộp báo cáo ngày {fmt_date(submission.submitted_on)}.", "success")
    else:
        flash("; ".join(e for errors in form.errors.values() for e in errors), "danger")
    return redirect(url_for("campaigns.commune", slug=campaign.slug, code=unit.code))


@bp.route("/<slug>/communes/<code>/paper", methods=["POST"])
@role_required(*CITY_OFFICE_ROLES)
def record_paper(slug: str, code: str):
    """Record a report the city office received on paper, with its date of receipt."""
    campaign = _campaign_or_404(slug)
    unit = _commune_or_404(code)
    form = PaperReportForm(prefix="paper")
    if form.validate_on_submit():
        try:
            submit_report(campaign, unit, current_user, utcnow(), submitted_on=form.submitted_on.data,
                          source="paper", note=form.note.data or "")
        except SubmissionExists as exc:
            form.submitted_on.errors.append(
                f"Đơn vị đã có báo cáo ngày {fmt_date(exc.submission.submitted_on)}; mở khóa trước khi ghi nhận lại.")
        else:
            db.session.commit()
            flash(f"Đã ghi nhận báo cáo giấy ngày {fmt_date(form.submitted_on.data)}.", "success")
            return redirect(url_for("campaigns.commune", slug=campaign.slug, code=unit.code))
    for errors in form.errors.values():
        for e in errors:
            flash(e, "danger")
    return redirect(url_for("campaigns.commune", slug=campaign.slug, code=unit.code))


@bp.route("/<slug>/communes/<code>/unlock", methods=["POST"])
@role_required(*ADMIN_ROLES)
def unlock(slug: str, code: str):
    """Unlock the commune's report: it no longer counts and the commune can submit again (admin)."""
    campaign = _campaign_or_404(slug)
    unit = _commune_or_404(code)
    form = SubmitReportForm()
    submission = current_submission(campaign, unit)
    if form.validate_on_submit() and submission is not None:
        unlock_submission(submission, current_user, utcnow())
        db.session.commit()
        flash("Đã mở khóa báo cáo; đơn vị có thể nộp lại.", "success")
    return redirect(url_for("campaigns.commune", slug=campaign.slug, code=unit.code))


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@role_required(*ADMIN_ROLES)
def edit_campaign(slug: str):
    """Edit a campaign's name and period; lists its duties and city requirements to edit."""
    campaign = _campaign_or_404(slug)
    load_campaign(campaign.slug)  # its duties and requirements with their revisions (the edit notes), 3 queries
    form = CampaignForm(obj=campaign)
    if form.validate_on_submit():
        update_campaign(campaign, {k: form[k].data for k in ("name", "start", "end", "active")}, current_user.id)
        db.session.commit()
        flash("Đã lưu chiến dịch.", "success")
        return redirect(url_for("campaigns.edit_campaign", slug=campaign.slug))
    status = 200 if request.method == "GET" else 422
    return render_template("campaigns/edit.html", campaign=campaign, form=form, **_template_globals()), status


@bp.route("/<slug>/duties/<int:no>", methods=["GET", "POST"])
@role_required(*ADMIN_ROLES)
def edit_duty(slug: str, no: int):
    """Edit one duty: text, kinds, minimum count, window, hint (the city office's choice, SPEC §4)."""
    campaign = _campaign_or_404(slug)
    duty = db.session.scalar(select(Duty).where(Duty.campaign_id == campaign.id, Duty.no == no))
    if duty is None:
        abort(404)
    form = DutyForm(obj=duty, evidence=duty.evidence)
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("text", "min_count", "window_start", "window_end", "hint")}
        data["kinds"] = sorted(form.kinds.data or [])
        update_duty(duty, data, current_user.id, today_local())
        db.session.commit()
        flash(f"Đã lưu nhiệm vụ {duty.no}.", "success")
        return redirect(url_for("campaigns.edit_campaign", slug=campaign.slug))
    status = 200 if request.method == "GET" else 422
    return render_template("campaigns/duty_form.html", campaign=campaign, duty=duty, form=form,
                           **_template_globals()), status


@bp.route("/<slug>/requirements/<key>", methods=["GET", "POST"])
@role_required(*ADMIN_ROLES)
def edit_requirement(slug: str, key: str):
    """Edit one city-level requirement: label, kinds, minimum count, window."""
    campaign = _campaign_or_404(slug)
    requirement = db.session.scalar(select(CityRequirement).where(CityRequirement.campaign_id == campaign.id,
                                                                  CityRequirement.key == key[:40]))
    if requirement is None:
        abort(404)
    form = RequirementForm(obj=requirement)
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("label", "min_count", "window_start", "window_end")}
        data["kinds"] = sorted(form.kinds.data or [])
        update_requirement(requirement, data, current_user.id, today_local())
        db.session.commit()
        flash("Đã lưu yêu cầu cấp thành phố.", "success")
        return redirect(url_for("campaigns.edit_campaign", slug=campaign.slug))
    status = 200 if request.method == "GET" else 422
    return render_template("campaigns/requirement_form.html", campaign=campaign, requirement=requirement,
                           form=form, **_template_globals()), status
