"""Role decorators and the one commune-scoping helper every query of commune-owned data goes through (SPEC §1)."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from app.domain.roles import CITY_OFFICE_ROLES
from app.extensions import db
from app.models import Campaign


def role_required(*roles: str):
    """Allow only logged-in users whose role is in `roles` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def scope(stmt: Select, model, user) -> Select:
    """Restrict a SELECT of a commune-owned model to what `user` may see.

    City roles and viewers see every commune; an agency user only rows whose `agency_id` is its own; a commune user
    sees only rows whose
    `commune_id` (or the model's `__scope_column__`) is their own (city-level rows, commune_id NULL, included only when
    the model says `city_rows_visible_to_communes`).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return stmt.where(False)
    if user.role == "agency":
        # An agency user sees only rows of its own agency; a model with no agency column shows it nothing.
        column = getattr(model, getattr(model, "__agency_scope_column__", "agency_id"), None)
        return stmt.where(False) if column is None else stmt.where(column == user.agency_id)
    if user.role == "commune":
        column = getattr(model, getattr(model, "__scope_column__", "commune_id"))
        if getattr(model, "city_rows_visible_to_communes", False):
            return stmt.where((column == user.commune_id) | (column.is_(None)))
        return stmt.where(column == user.commune_id)
    return stmt


def get_scoped_or_404(model, ident, user):
    """One commune-owned row by primary key, or 404 when it does not exist *or* is out of scope."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    return first_scoped_or_404(select(model).where(model.id == ident), model, user)


def get_writable_or_404(model, ident, user):
    """A commune-owned row by primary key that `user` may change: 404 out of scope, 403 when they may only read it."""
    obj = get_scoped_or_404(model, ident, user)
    if not can_edit_unit(user, obj.commune_id, getattr(obj, "agency_id", None)):
        abort(403)
    return obj


def first_scoped_or_404(stmt: Select, model, user):
    """The first row of a scoped SELECT, or 404 (out of scope looks exactly like missing)."""
    obj = db.session.scalars(scope(stmt, model, user)).first()
    if obj is None:
        abort(404)
    return obj


def can_edit_unit(user, commune_id: int | None, agency_id: int | None = None) -> bool:
    """Whether `user` may write data owned by a commune, an agency, or (both None) the city level."""
    if user.role == "agency":
        return agency_id is not None and commune_id is None and agency_id == user.agency_id
    return agency_id is None and can_edit_commune(user, commune_id) or user.role in CITY_OFFICE_ROLES


def can_edit_commune(user, commune_id: int | None) -> bool:
    """Whether `user` may write data owned by `commune_id` (None = city level)."""
    if user.role in CITY_OFFICE_ROLES:
        return True
    return user.role == "commune" and commune_id is not None and commune_id == user.commune_id


def sees_drafts(user) -> bool:
    """Whether a user sees draft campaigns (the city office); communes and viewers see published ones only."""
    return user is not None and getattr(user, "role", None) in CITY_OFFICE_ROLES


def visible(stmt, user):
    """Narrow a SELECT of campaigns to what the user may see (SPEC §18: communes see published campaigns only)."""
    return stmt if sees_drafts(user) else stmt.where(Campaign.state == "published")
