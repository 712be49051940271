"""The icon and colour of each status word (SPEC §4.3, §14): one table for the campaign and task pages."""

STATUS_ICONS = {
    "done": ("bi-check-circle-fill", "text-success"),
    "late": ("bi-clock-history", "text-warning"),
    "planned": ("bi-calendar-check", "text-primary"),
    "pending": ("bi-hourglass-split", "text-secondary"),
    "overdue": ("bi-x-octagon-fill", "text-danger"),
    "upcoming": ("bi-calendar", "text-muted"),
}
