"""Campaign endpoints of the API (SPEC §12): campaigns, the compliance matrix, report submissions."""


from flask import jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import params
from app.api import bp
from app.api.auth import api_roles, api_user
from app.auth.access import visible
from app.campaigns.services import SubmissionExists, matrix_as_dict, submit_report
from app.compliance.loader import load_matrix
from app.errors import json_error
from app.extensions import db
from app.formatting import today_local
from app.models import Campaign, Commune, ReportSubmission
from app.models.types import utcnow
from app.schemas.campaigns import SubmissionInput


def duty_as_dict(d) -> dict:
    """A duty in the API."""
    return {"no": d.no, "text": d.text, "evidence": d.evidence, "kinds": sorted(d.kinds or []),
            "min_count": d.min_count,
            "window_start": d.window_start.isoformat() if d.window_start else None,
            "window_end": d.window_end.isoformat() if d.window_end else None, "hint": d.hint}


def campaign_as_dict(c: Campaign) -> dict:
    """A campaign in the API (SPEC §12): its period, state and duties in their order."""
    return {"slug": c.slug, "name": c.name, "start": c.start.isoformat(), "end": c.end.isoformat(),
            "active": c.active, "state": c.state,
            "duties": [duty_as_dict(d) for d in c.duties if d.retired_on is None or d.retired_on > today_local()]}


def submission_as_dict(s: ReportSubmission) -> dict:
    """A report submission in the API."""
    return {"id": s.id, "campaign": s.campaign.slug, "commune_code": s.commune.code,
            "submitted_on": s.submitted_on.isoformat(), "submitted_at": s.submitted_at.isoformat(),
            "source": s.source, "submitted_by": s.submitted_by.username if s.submitted_by else None,
            "note": s.note, "unlocked_at": s.unlocked_at.isoformat() if s.unlocked_at else None}


def _campaign(slug: str) -> Campaign | None:
    """The campaign if the caller may see it (a draft is the city office's alone, SPEC §18)."""
    return db.session.scalar(visible(select(Campaign).where(Campaign.slug == slug[:64]), api_user()))


@bp.get("/campaigns")
def campaigns():
    """`[{slug, name, start, end, duties[]}]`, newest first; drafts only for the city office (SPEC §18)."""
    rows = db.session.scalars(visible(select(Campaign), api_user()).options(selectinload(Campaign.duties))
                              .order_by(Campaign.start.desc())).all()
    return jsonify([campaign_as_dict(c) for c in rows])


@bp.get("/campaigns/<slug>/compliance")
def compliance(slug: str):
    """The commune × duty matrix as of a date (default today, Asia/Ho_Chi_Minh); commune users get their row."""
    as_of = params.as_of(request.args.get("as_of"), today_local())  # dd/mm/yyyy or ISO; a bad one: 422 naming it
    if _campaign(slug) is None:
        return json_error(404, "Không có chiến dịch này.")
    try:
        matrix = load_matrix(slug[:64], as_of)
    except LookupError:
        return json_error(404, "Không có chiến dịch này.")
    user = api_user()
    codes = {user.commune.code} if user.role == "commune" and user.commune else None
    if user.role == "commune" and not user.commune:
        codes = set()
    return jsonify(matrix_as_dict(matrix, codes))


@bp.post("/campaigns/<slug>/reports")
@api_roles("admin", "city", "commune")
def submit(slug: str):
    """Submit a commune's campaign report (201); `submitted_on` only for admin/city (paper); 409 if already in."""
    campaign = _campaign(slug)
    if campaign is None:
        return json_error(404, "Không có chiến dịch này.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(400, "Nội dung phải là một đối tượng JSON.")
    user = api_user()
    if body.get("submitted_on") is not None and user.role not in ("admin", "city"):
        return json_error(403, "Chỉ BHXH thành phố được ghi nhận ngày nhận báo cáo giấy.",
                          {"submitted_on": "Không được phép."})
    payload = SubmissionInput.parse(body, today=today_local())  # Invalid: 422 (app/api/__init__.py)
    commune = db.session.scalar(select(Commune).where(Commune.code == payload.commune_code))
    if commune is None or (user.role == "commune" and commune.id != user.commune_id):
        return json_error(404, "Không tìm thấy đơn vị.")
    submitted_on, note = payload.submitted_on, payload.note
    try:
        submission = submit_report(campaign, commune, user, utcnow(), submitted_on=submitted_on, note=note)
    except SubmissionExists as exc:
        return json_error(409, f"Đơn vị đã nộp báo cáo ngày {exc.submission.submitted_on:%d/%m/%Y}.",
                          code="already_submitted")
    db.session.commit()
    return jsonify(submission_as_dict(submission)), 201
