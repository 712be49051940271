"""How a compliance status is drawn on a page (SPEC §4): its Vietnamese word, a Bootstrap icon and its colour."""

from app.compliance.engine import STATUS_LABELS_VI, STATUSES
from app.status_icons import STATUS_ICONS


def compliance_words() -> dict:
    """Template context of the pages that draw compliance cells (campaigns, dashboards): words, icons, order."""
    return {"status_labels": STATUS_LABELS_VI, "status_icons": STATUS_ICONS, "statuses": STATUSES}
