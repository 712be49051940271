"""Navigation by role: a menu item shows once its feature's endpoint exists and the role may use it."""

from dataclasses import dataclass

from flask import Flask, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.domain.roles import ADMIN_ROLES, CITY_OFFICE_ROLES, CITY_READER_ROLES, READER_ROLES, ROLES, STAFF_ROLES

ROLE_LABELS = {
    "admin": _l("Quản trị hệ thống"),
    "city": _l("Cán bộ BHXH thành phố"),
    "commune": _l("Cán bộ cơ sở"),
    "viewer": _l("Đơn vị phối hợp (chỉ xem)"),
    "agency": _l("Cán bộ cơ quan, đơn vị"),
}


@dataclass(frozen=True)
class NavItem:
    """One menu entry."""

    endpoint: str
    label: object
    icon: str
    roles: tuple[str, ...]
    group: str | None = None  # shown under that menu of the navbar (NAV_GROUPS); the home page lists every item


# The navbar's drop-down menus, so that an administrator's thirteen entries fit 1366 px on one line.
NAV_GROUPS = (("voice", _l("Người dân"), "bi-people"), ("reports", _l("Báo cáo"), "bi-file-earmark-text"),
              ("admin", _l("Quản trị"), "bi-gear"))


NAV = (
    NavItem("main.index", _l("Trang chủ"), "bi-house", ROLES),
    NavItem("dashboard.city", _l("Bảng điều khiển"), "bi-speedometer2", CITY_READER_ROLES),
    NavItem("dashboard.commune", _l("Bảng điều khiển"), "bi-speedometer2", ("commune",)),
    NavItem("activities.list_activities", _l("Hoạt động"), "bi-calendar-event", ROLES),
    NavItem("campaigns.index", _l("Chiến dịch"), "bi-clipboard-check", READER_ROLES),
    NavItem("voice.questions", _l("Câu hỏi"), "bi-chat-left-text", STAFF_ROLES, "voice"),
    NavItem("voice.followups_index", _l("Theo dõi"), "bi-telephone-outbound", STAFF_ROLES, "voice"),
    NavItem("tasks.index", _l("Nhiệm vụ kế hoạch"), "bi-list-task", ROLES),
    NavItem("periodic.index", _l("Báo cáo định kỳ"), "bi-calendar-check", ROLES, "reports"),
    NavItem("reports.index", _l("Báo cáo (PDF)"), "bi-file-earmark-pdf", READER_ROLES, "reports"),
    NavItem("targets.communes", _l("Chỉ tiêu"), "bi-graph-up-arrow", READER_ROLES),  # city totals linked from it
    NavItem("main.communes", _l("Đơn vị cấp xã"), "bi-geo-alt", CITY_READER_ROLES, "admin"),
    NavItem("agencies.index", _l("Cơ quan, đơn vị"), "bi-building", CITY_OFFICE_ROLES, "admin"),
    NavItem("admin.users", _l("Người dùng"), "bi-people", ADMIN_ROLES, "admin"),
    NavItem("voice.erase_resident", _l("Dữ liệu người dân"), "bi-person-x", ADMIN_ROLES, "admin"),
    NavItem("admin.jobs", _l("Tác vụ định kỳ"), "bi-clock-history", ADMIN_ROLES, "admin"),
)


def nav_items() -> list[NavItem]:
    """The menu for the current user."""
    if not current_user.is_authenticated:
        return []
    endpoints = current_app.view_functions
    return [i for i in NAV if current_user.role in i.roles and i.endpoint in endpoints]


def _unread_count() -> int:
    """The bell's number: one COUNT query per page, remembered for the rest of the request."""
    if not current_user.is_authenticated:
        return 0
    if "unread_count" not in g:
        from app.notifications.services import unread_count

        g.unread_count = unread_count(current_user.id)
    return g.unread_count


def register(app: Flask) -> None:
    """Expose the menu helpers to templates and set g.lang."""

    @app.before_request
    def _set_lang():
        # JSON answers and static files render no template: skip the locale and session work (a session read
        # would add `Vary: Cookie` to year-long cached static files).
        if request.blueprint == "api" or request.endpoint == "static":
            return
        from flask_babel import get_locale

        g.lang = str(get_locale() or "vi")

    @app.context_processor
    def _nav():
        return {
            "nav_items": nav_items,
            "nav_groups": NAV_GROUPS,
            "nav_endpoints": lambda: current_app.view_functions,
            "role_label": lambda role: ROLE_LABELS.get(role, role),
            "unread_count": _unread_count,
        }
