"""How a compliance status is drawn on a page (SPEC §4): its Vietnamese word, a Bootstrap icon and its colour."""

from app.compliance.engine import STATUS_LABELS_VI, STATUSES
from app.status_icons import STATUS_ICONS

# The matrix's compact cells (issue 15 item 6): icon + one short word, the full word in the cell's title and legend.
STATUS_SHORT_VI = {
    "done": "Xong",
    "late": "Trễ hạn",
    "planned": "Kế hoạch",
    "pending": "Chưa làm",
    "overdue": "Quá hạn",
}


def compliance_words() -> dict:
    """Template context of the pages that draw compliance cells (campaigns, dashboards): words, icons, order."""
    return {"status_labels": STATUS_LABELS_VI, "status_short": STATUS_SHORT_VI, "status_icons": STATUS_ICONS,
            "statuses": STATUSES}
