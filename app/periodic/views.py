"""What the periodic reports' pages share: the role sets, the city, the period and the unit of a URL (404 when out
of scope), and the template globals. Not a routes module: `routes.py` and `office_routes.py` both use it."""

from datetime import date

from flask import abort, current_app, flash, request
from flask_login import current_user

from app import params
from app.compliance.engine import TASK_STATUS_LABELS_VI, TASK_STATUSES
from app.domain.roles import CITY_OFFICE_ROLES, ROLES, SUBMITTER_ROLES
from app.formatting import today_local
from app.params import ParamError
from app.periodic import bp
from app.periodic.calendar import period_by_key
from app.periodic.pdf import figure_lines
from app.periodic.services import city_of, may_see, reads_all, unit_by_code
from app.schemas.periodic import SECTION_KEYS, SECTION_LABELS
from app.status_icons import STATUS_ICONS

READERS = ROLES
WRITERS = SUBMITTER_ROLES
OFFICE = CITY_OFFICE_ROLES
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALREADY_SENT = "Báo cáo kỳ này đã được gửi trước đó; không tạo báo cáo thứ hai."


@bp.context_processor
def _globals():
    return {"status_labels": TASK_STATUS_LABELS_VI, "status_icons": STATUS_ICONS, "statuses": TASK_STATUSES,
            "section_keys": SECTION_KEYS, "section_labels": SECTION_LABELS, "figure_lines": figure_lines}


def city_or_404():
    city = city_of(current_app.config["CITY"])
    if city is None:
        abort(404)
    return city


def period_or_404(city, key: str):
    period = period_by_key(city.id, key)
    if period is None:
        abort(404)
    return period


def unit_or_404(city, code: str):
    """The unit of this code as the user may see it (404 otherwise: another unit's report looks missing)."""
    unit = unit_by_code(city.id, code)
    if unit is None or not may_see(current_user, unit):
        abort(404)
    return unit


def as_of_arg() -> date:
    try:
        return params.as_of(request.args.get("as_of"), today_local())
    except ParamError as exc:
        flash(exc.fields["as_of"], "danger")
        return today_local()


def own_unit_code() -> str | None:
    if current_user.role == "commune" and current_user.commune:
        return current_user.commune.code
    if current_user.role == "agency" and current_user.agency:
        return current_user.agency.code
    return None


def consolidating(period: str):
    """(city, period) for the readers of every unit's report (city office, viewers, Sở Nội vụ); 403 otherwise."""
    if not reads_all(current_user):
        abort(403)
    city = city_or_404()
    return city, period_or_404(city, period)
