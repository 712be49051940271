"""All models, one module per aggregate; importing this package registers every table."""

from app.models.activities import Activity, Photo, RetiredPublicToken
from app.models.agencies import AGENCY_KINDS, Agency, Plan, Task, TaskSubmission
from app.models.audit import AuditLog
from app.models.campaigns import (
    Campaign,
    CampaignMessage,
    CityRequirement,
    CityRequirementRevision,
    Duty,
    DutyRevision,
    ReportSubmission,
)
from app.models.checkins import BHYT_STATUSES, CHECKIN_SOURCES, CheckIn, ImportUpload, Registration
from app.models.idempotency import FormSubmission
from app.models.notifications import ComplianceSnapshot, JobRun, Notification, SchedulerLock
from app.models.org import COMMUNE_KINDS, Audience, City, Commune, Message
from app.models.periodic import PeriodicReport, PeriodicReportVersion, ReportingPeriod
from app.models.targets import CommuneActual, CommuneTarget, EmulationWeights, Shortfall, Target, TargetActual
from app.models.users import ApiToken, LoginAttempt, LoginThrottle, User
from app.models.voice import FollowUp, Question, Rating

__all__ = [
    "Activity",
    "Photo",
    "RetiredPublicToken",
    "AGENCY_KINDS",
    "Agency",
    "Plan",
    "Task",
    "TaskSubmission",
    "BHYT_STATUSES",
    "CHECKIN_SOURCES",
    "CheckIn",
    "ImportUpload",
    "Registration",
    "COMMUNE_KINDS",
    "ApiToken",
    "Audience",
    "AuditLog",
    "Campaign",
    "CampaignMessage",
    "CityRequirement",
    "CityRequirementRevision",
    "Duty",
    "DutyRevision",
    "ReportSubmission",
    "City",
    "CommuneActual",
    "CommuneTarget",
    "EmulationWeights",
    "Shortfall",
    "ComplianceSnapshot",
    "JobRun",
    "Notification",
    "SchedulerLock",
    "Commune",
    "LoginAttempt",
    "LoginThrottle",
    "FormSubmission",
    "Message",
    "Target",
    "TargetActual",
    "User",
    "FollowUp",
    "Question",
    "Rating",
    "PeriodicReport",
    "PeriodicReportVersion",
    "ReportingPeriod",
]
