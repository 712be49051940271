"""Synthetic campaign facts for the report tests and bench/pdf.py: a season of one activity per duty kind."""

import csv
import datetime as dt
from pathlib import Path

from app.compliance.engine import ActivityFact, CommuneFact, SubmissionFact, evaluate
from app.compliance.templates import bhyt_day_2026
from app.reports.commune_report import ActivitySummary

COMMUNES_CSV = Path(__file__).resolve().parents[2] / "app" / "data" / "communes-haiphong.csv"
SEASON = [  # (kind, title, date): one held activity for each activity duty of Appendix II
    ("advisory", "Tờ trình số 15/TTr-BHXH gửi UBND", dt.date(2026, 6, 20)),
    ("conference", "Hội nghị đối thoại chính sách BHXH, BHYT", dt.date(2026, 6, 24)),
    ("fair", "Ngày hội tuyên truyền, tư vấn BHYT", dt.date(2026, 7, 1)),
    ("communication_point", "Điểm truyền thông tại chợ trung tâm", dt.date(2026, 6, 27)),
    ("radio", "Phát thanh trên loa truyền thanh cơ sở", dt.date(2026, 6, 23)),
    ("online_post", "Infographic trên Zalo OA", dt.date(2026, 6, 25)),
    ("review", "Rà soát ba nhóm đối tượng", dt.date(2026, 6, 26)),
    ("integrated", "Tuyên truyền lồng ghép tại trạm y tế", dt.date(2026, 6, 29)),
]


def communes(n: int | None = None) -> list[CommuneFact]:
    """The Hải Phòng communes of the shipped CSV (the first n)."""
    with COMMUNES_CSV.open(encoding="utf-8") as fh:
        rows = [CommuneFact(r["code"], r["name"], r["kind"]) for r in csv.DictReader(fh)]
    return rows[:n] if n else rows


def season(communes_: list[CommuneFact], skip_every: int = 3):
    """Activities and submissions: every `skip_every`-th commune misses the fair and its report."""
    facts, summaries, submissions = [], {}, []
    next_id = 1
    for i, commune in enumerate(communes_):
        for kind, title, day in SEASON:
            if kind == "fair" and i % skip_every == 0:
                continue
            facts.append(ActivityFact(next_id, commune.code, kind, "held", day))
            summaries[next_id] = ActivitySummary(next_id, f"{title} - {commune.name}", day, kind)
            next_id += 1
        if i % skip_every:
            submissions.append(SubmissionFact(i + 1, commune.code, dt.date(2026, 7, 6)))
    for kind, day in (("communication_point", dt.date(2026, 6, 27)), ("livestream", dt.date(2026, 6, 30)),
                      ("launch", dt.date(2026, 6, 22))):
        facts.append(ActivityFact(next_id, None, kind, "held", day))
        next_id += 1
    return facts, summaries, submissions


def matrix(n: int | None = None, as_of: dt.date = dt.date(2026, 7, 9), skip_every: int = 3):
    """The engine's matrix of the BHYT-day campaign over a synthetic season, with the activity summaries."""
    communes_ = communes(n)
    facts, summaries, submissions = season(communes_, skip_every)
    return evaluate(bhyt_day_2026(), communes_, facts, submissions, as_of), summaries
