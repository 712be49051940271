"""All models, one module per aggregate; importing this package registers every table."""

from app.models.activities import Activity, Photo
from app.models.audit import AuditLog
from app.models.checkins import BHYT_STATUSES, CHECKIN_SOURCES, CheckIn, Registration
from app.models.org import COMMUNE_KINDS, Audience, City, Commune, Message
from app.models.users import CITY_ROLES, ROLES, ApiToken, LoginAttempt, User

__all__ = [
    "Activity",
    "Photo",
    "BHYT_STATUSES",
    "CHECKIN_SOURCES",
    "CheckIn",
    "Registration",
    "COMMUNE_KINDS",
    "CITY_ROLES",
    "ROLES",
    "ApiToken",
    "Audience",
    "AuditLog",
    "City",
    "Commune",
    "LoginAttempt",
    "Message",
    "User",
]
