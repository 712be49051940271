"""Campaign editor pages (SPEC §18): create from a template, copy a past campaign, publish; add, remove, retire
and reorder duties and city requirements; choose the official messages. Admin only; every edit audited."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import role_required
from app.campaigns import bp, editing
from app.campaigns.forms import (
    ActionForm,
    CopyCampaignForm,
    MessagesForm,
    NewCampaignForm,
    NewDutyForm,
    NewRequirementForm,
)
from app.campaigns.lookup import campaign_or_404 as _campaign_or_404
from app.campaigns.routine import CampaignError, copy_campaign, create_from_template, publish_campaign
from app.compliance.templates import city_templates
from app.domain.roles import ADMIN_ROLES
from app.extensions import db
from app.formatting import fmt_date, today_local
from app.forms import choices
from app.idempotency import ALREADY_SENT, submit_once
from app.models import Campaign, CityRequirement, Duty, Message
from app.models.types import utcnow

DUTY_ACTIONS = ("up", "down", "retire", "restore", "remove")


def _creation_forms(template_form=None, copy_form=None):
    """The two ways to make a campaign, with their choices: the city's templates, the existing campaigns."""
    today = today_local()
    template_form = template_form or NewCampaignForm(year=today.year + (today.month > 7))
    template_form.template.choices = choices((t.key, t.name.replace(str(t.base_year), "…"))
                                             for t in city_templates(current_app.config["CITY"]))
    copy_form = copy_form or CopyCampaignForm()
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.start.desc())).all()
    copy_form.source.choices = choices((c.slug, f"{c.name} ({c.slug})") for c in campaigns)
    return template_form, copy_form


def _render_new(template_form=None, copy_form=None, status=200):
    template_form, copy_form = _creation_forms(template_form, copy_form)
    return render_template("campaigns/new.html", template_form=template_form, copy_form=copy_form), status


def _create(form, make, **forms):
    """Validate a creation form and make the campaign (commit, flash, go to its editor), or show the errors."""
    if form.validate_on_submit():
        try:
            campaign = make()
        except CampaignError as exc:
            getattr(form, exc.field, form.slug).errors.append(exc.message)
        else:
            db.session.commit()
            state = "đã công bố" if campaign.published else "bản nháp, chưa công bố cho cấp xã"
            flash(f"Đã tạo chiến dịch {campaign.name} ({state}).", "success")
            return redirect(url_for("campaigns.edit_campaign", slug=campaign.slug))
    return _render_new(status=422, **forms)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*ADMIN_ROLES)
def new_campaign():
    """Create a campaign from one of the city's templates for a year, or (second form) copy a past one."""
    if request.method == "GET":
        return _render_new()
    form, _ = _creation_forms(NewCampaignForm())
    return _create(form, lambda: create_from_template(
        form.template.data, form.year.data, current_app.config["CITY"], current_user.id, utcnow(),
        slug=form.slug.data or None, publish=form.publish.data), template_form=form)


@bp.route("/copy", methods=["POST"])
@role_required(*ADMIN_ROLES)
def copy():
    """Copy a past campaign with every date moved by whole years (a draft unless published at once)."""
    _, form = _creation_forms(copy_form=CopyCampaignForm())
    return _create(form, lambda: copy_campaign(
        db.session.scalar(select(Campaign).where(Campaign.slug == form.source.data)), form.slug.data,
        form.years.data, current_user.id, utcnow(), publish=form.publish.data), copy_form=form)


@bp.route("/<slug>/publish", methods=["POST"])
@role_required(*ADMIN_ROLES)
def publish(slug: str):
    """Publish a draft: the communes see it, its duties count for them and are reminded."""
    campaign = _campaign_or_404(slug)
    if ActionForm().validate_on_submit() and publish_campaign(campaign, current_user.id, utcnow()):
        db.session.commit()
        flash(f"Đã công bố chiến dịch {campaign.name}.", "success")
    return redirect(url_for("campaigns.edit_campaign", slug=campaign.slug))


def _duty_or_404(campaign: Campaign, no: int) -> Duty:
    duty = db.session.scalar(select(Duty).where(Duty.campaign_id == campaign.id, Duty.no == no))
    if duty is None:
        abort(404)
    return duty


def _requirement_or_404(campaign: Campaign, key: str) -> CityRequirement:
    requirement = db.session.scalar(select(CityRequirement).where(CityRequirement.campaign_id == campaign.id,
                                                                  CityRequirement.key == key[:40]))
    if requirement is None:
        abort(404)
    return requirement


@bp.route("/<slug>/duties/new", methods=["GET", "POST"])
@role_required(*ADMIN_ROLES)
def new_duty(slug: str):
    """Add a duty every commune must meet: text, evidence, kinds, minimum count, window, hint."""
    campaign = _campaign_or_404(slug)
    form = NewDutyForm(min_count=1)
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("text", "evidence", "min_count", "window_start", "window_end")}
        data.update(kinds=sorted(form.kinds.data or []) if data["evidence"] == "activity" else [],
                    hint=form.hint.data or "")
        added = []

        def create() -> str:
            added.append(editing.add_duty(campaign, data, current_user.id, today_local()))
            return url_for("campaigns.edit_campaign", slug=campaign.slug)

        url, replayed = submit_once(form.form_token.data, "campaigns.new_duty", current_user.id, utcnow(), create)
        flash(ALREADY_SENT if replayed else f"Đã thêm nhiệm vụ {added[0].no}.", "info" if replayed else "success")
        return redirect(url)
    status = 200 if request.method == "GET" else 422
    return render_template("campaigns/duty_form.html", campaign=campaign, duty=None, form=form), status


@bp.route("/<slug>/requirements/new", methods=["GET", "POST"])
@role_required(*ADMIN_ROLES)
def new_requirement(slug: str):
    """Add a city-level requirement: label, kinds, minimum count city-wide, window."""
    campaign = _campaign_or_404(slug)
    form = NewRequirementForm(min_count=1)
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("label", "min_count", "window_start", "window_end")}
        data["kinds"] = sorted(form.kinds.data or [])

        def create() -> str:
            editing.add_requirement(campaign, data, current_user.id, today_local())
            return url_for("campaigns.edit_campaign", slug=campaign.slug)

        url, replayed = submit_once(form.form_token.data, "campaigns.new_requirement", current_user.id, utcnow(),
                                    create)
        flash(ALREADY_SENT if replayed else "Đã thêm yêu cầu cấp thành phố.", "info" if replayed else "success")
        return redirect(url)
    status = 200 if request.method == "GET" else 422
    return render_template("campaigns/requirement_form.html", campaign=campaign, requirement=None,
                           form=form), status


def _act(campaign: Campaign, obj, action: str, name: str):
    """Move, retire, restore or remove a duty or requirement; a removal with evidence is refused with a message."""
    if action not in DUTY_ACTIONS:
        abort(404)
    if not ActionForm().validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng tải lại trang và thử lại.", "danger")
        return redirect(url_for("campaigns.edit_campaign", slug=campaign.slug))
    today = today_local()
    if action in ("up", "down"):
        editing.move(obj, campaign, -1 if action == "up" else 1, current_user.id)
    elif action in ("retire", "restore"):
        editing.retire(obj, campaign, current_user.id, today, restore=action == "restore")
        flash(f"Đã cho {name} thôi áp dụng từ ngày {fmt_date(today)}; trạng thái các ngày trước giữ nguyên."
              if action == "retire" else f"Đã áp dụng lại {name}.", "success")
    else:
        try:
            removed = editing.remove(obj, campaign, current_user.id, today)
        except editing.InUse as exc:
            flash(f"Không thể xóa {name}: đã có {exc.count} minh chứng (hoạt động hoặc báo cáo) được tính. "
                  "Hãy chọn “Thôi áp dụng” để dừng từ hôm nay mà vẫn giữ kết quả đã ghi nhận.", "danger")
            return redirect(url_for("campaigns.edit_campaign", slug=campaign.slug))
        flash(f"Đã xóa {name}." if removed else
              f"Chiến dịch đã bắt đầu nên {name} được thôi áp dụng từ ngày {fmt_date(today)} thay vì xóa hẳn: "
              "các ngày trước vẫn tính như cũ.", "success")
    db.session.commit()
    return redirect(url_for("campaigns.edit_campaign", slug=campaign.slug))


@bp.route("/<slug>/duties/<int:no>/<action>", methods=["POST"])
@role_required(*ADMIN_ROLES)
def duty_action(slug: str, no: int, action: str):
    """Move a duty up or down, retire it from today, bring it back, or remove it (only without evidence)."""
    campaign = _campaign_or_404(slug)
    return _act(campaign, _duty_or_404(campaign, no), action, f"nhiệm vụ {no}")


@bp.route("/<slug>/requirements/<key>/<action>", methods=["POST"])
@role_required(*ADMIN_ROLES)
def requirement_action(slug: str, key: str, action: str):
    """Move a city requirement, retire it from today, bring it back, or remove it (only if nothing counts)."""
    campaign = _campaign_or_404(slug)
    return _act(campaign, _requirement_or_404(campaign, key), action, "yêu cầu cấp thành phố")


@bp.route("/<slug>/messages", methods=["GET", "POST"])
@role_required(*ADMIN_ROLES)
def messages(slug: str):
    """Choose the campaign's official messages (the 19 of SPEC §8 by default) and add new ones."""
    campaign = _campaign_or_404(slug)
    catalogue = db.session.scalars(select(Message).order_by(Message.id)).all()
    form = MessagesForm() if request.method == "POST" else MessagesForm(
        messages=[str(m.message_id) for m in campaign.messages])
    form.messages.choices = choices((m.id, f"{m.id}. {m.text}") for m in catalogue)
    if form.validate_on_submit():
        chosen = [int(v) for v in form.messages.data or [] if v.isdigit()]
        changed = editing.set_messages(campaign, chosen, current_user.id)
        if (form.new_message.data or "").strip():
            message = editing.add_message(campaign, form.new_message.data, current_user.id)
            flash(f"Đã thêm thông điệp {message.id}.", "success")
        elif changed:
            flash("Đã lưu thông điệp của chiến dịch.", "success")
        db.session.commit()
        return redirect(url_for("campaigns.messages", slug=campaign.slug))
    status = 200 if request.method == "GET" else 422
    return render_template("campaigns/messages.html", campaign=campaign, form=form), status
