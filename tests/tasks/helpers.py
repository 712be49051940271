"""Names the task register's tests share (imported from here)."""

HP_PLAN = "phat-trien-bhxh-2026-2030"
