"""Satisfaction (SPEC §17): one 1–5 rating per check-in through a signed token; the KPI is the share of 4–5."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, extract, func, select
from sqlalchemy.exc import IntegrityError

from app.auth.access import scope
from app.checkin.rating_tokens import InvalidToken, read_rating_token
from app.extensions import db
from app.formatting import fmt_int
from app.models import Activity, Campaign, CheckIn, Commune
from app.models.voice import Rating
from app.voice.questions import VoiceError

COMMENT_MAX = 1000
SATISFIED = (4, 5)


def checkin_for_token(token, secret_key: str) -> CheckIn:
    """The check-in a rating token was given for; 400 `invalid_token` when forged, tampered or gone."""
    try:
        checkin_id, activity_id, code = read_rating_token(secret_key, token)
    except InvalidToken as exc:
        raise VoiceError("Mã đánh giá không hợp lệ hoặc đã bị sửa.", {"token": "Mã không hợp lệ."}, status=400,
                         code="invalid_token") from exc
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None or checkin.activity_id != activity_id or (checkin.code or "-") != code:
        raise VoiceError("Mã đánh giá không còn hiệu lực.", {"token": "Mã không hợp lệ."}, status=400,
                         code="invalid_token")
    return checkin


def clean_rating(score, comment) -> tuple[int, str]:
    """A whole score 1–5 (JSON number or form text) and a comment of at most 1,000 characters."""
    errors = {}
    if isinstance(score, str) and score.strip().isascii() and score.strip().isdigit():  # "²".isdigit() is True
        score = int(score.strip())
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        errors["score"] = "Vui lòng chọn mức hài lòng từ 1 đến 5."
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        errors["comment"] = "Góp ý phải là văn bản."
    elif len(comment.strip()) > COMMENT_MAX:
        typed = fmt_int(len(comment.strip()))
        errors["comment"] = f"Góp ý tối đa {fmt_int(COMMENT_MAX)} ký tự (bạn đã nhập {typed})."
    if errors:
        raise VoiceError("Đánh giá chưa hợp lệ, vui lòng kiểm tra lại.", errors)
    return score, comment.strip()


def already_rated(checkin_id: int) -> bool:
    """Whether this check-in has its rating."""
    return db.session.scalar(select(Rating.id).where(Rating.checkin_id == checkin_id)) is not None


def rate(checkin: CheckIn, score, comment, now: datetime) -> Rating:
    """Store the one rating of a check-in; 409 `already_rated` for a second one (the unique key decides)."""
    score, comment = clean_rating(score, comment)
    if already_rated(checkin.id):
        raise VoiceError("Bạn đã đánh giá hoạt động này. Cảm ơn bạn!", {"token": "Đã đánh giá."}, status=409,
                         code="already_rated")
    activity = db.session.get(Activity, checkin.activity_id)
    rating = Rating(checkin_id=checkin.id, activity_id=activity.id, commune_id=activity.commune_id, score=score,
                    comment=comment, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError as exc:  # a concurrent second use of the same token
        raise VoiceError("Bạn đã đánh giá hoạt động này. Cảm ơn bạn!", {"token": "Đã đánh giá."}, status=409,
                         code="already_rated") from exc
    return rating


@dataclass(frozen=True)
class Satisfaction:
    """Ratings, their mean and the share of 4–5 (None when nobody rated)."""

    ratings: int
    mean: float | None
    share_satisfied: float | None

    def as_json(self) -> dict:
        return {"ratings": self.ratings, "mean": None if self.mean is None else round(self.mean, 2),
                "share_satisfied": None if self.share_satisfied is None else round(self.share_satisfied, 4)}


def _filtered(stmt, user=None, campaign: Campaign | None = None, commune_id=None, activity_id=None, year=None):
    """Restrict a SELECT over ratings joined to their activities (scope, campaign period, commune, activity, year)."""
    if user is not None:
        stmt = scope(stmt, Rating, user)
    if campaign is not None:
        stmt = stmt.where(Activity.evidence_date >= campaign.start, Activity.evidence_date <= campaign.end)
    if commune_id == "city":
        stmt = stmt.where(Rating.commune_id.is_(None))
    elif commune_id is not None:
        stmt = stmt.where(Rating.commune_id == commune_id)
    if activity_id is not None:
        stmt = stmt.where(Rating.activity_id == activity_id)
    if year is not None:
        stmt = stmt.where(extract("year", Activity.evidence_date) == year)
    return stmt


KPI_COLUMNS = (func.count(Rating.id), func.avg(Rating.score),
               func.coalesce(func.sum(case((Rating.score.in_(SATISFIED), 1), else_=0)), 0))


def _kpi(n, mean, satisfied) -> Satisfaction:
    n = int(n or 0)
    return Satisfaction(n, float(mean) if n else None, (int(satisfied) / n) if n else None)


def satisfaction(**filters) -> Satisfaction:
    """The KPI over the filtered ratings (one query); filters as `_filtered`."""
    stmt = _filtered(select(*KPI_COLUMNS).select_from(Rating).join(Activity, Activity.id == Rating.activity_id),
                     **filters)
    return _kpi(*db.session.execute(stmt).one())


def satisfaction_in_period_and_year(user, start, end, year: int) -> tuple[Satisfaction, Satisfaction]:
    """The KPI of a period (a campaign's) and of a whole year, in one query (the dashboards)."""
    in_period = Activity.evidence_date.between(start, end)
    in_year = extract("year", Activity.evidence_date) == year
    columns = []
    for cond in (in_period, in_year):
        columns += [func.coalesce(func.sum(case((cond, 1), else_=0)), 0),
                    func.avg(case((cond, Rating.score), else_=None)),
                    func.coalesce(func.sum(case((cond & Rating.score.in_(SATISFIED), 1), else_=0)), 0)]
    stmt = _filtered(select(*columns).select_from(Rating).join(Activity, Activity.id == Rating.activity_id), user=user)
    row = db.session.execute(stmt.where(in_period | in_year)).one()
    return _kpi(*row[:3]), _kpi(*row[3:])


def satisfaction_by(group: str, **filters) -> list[tuple[object, str, Satisfaction]]:
    """The KPI per commune (code, name) or per kind, largest count first (one GROUP BY)."""
    if group == "commune":
        keys = (Commune.code, Commune.name)
        stmt = (select(*keys, *KPI_COLUMNS).select_from(Rating).join(Activity, Activity.id == Rating.activity_id)
                .outerjoin(Commune, Commune.id == Rating.commune_id))
    else:
        keys = (Activity.kind, Activity.kind)
        stmt = select(Activity.kind, *KPI_COLUMNS).select_from(Rating).join(Activity, Activity.id == Rating.activity_id)
    stmt = _filtered(stmt, **filters).group_by(*dict.fromkeys(keys)).order_by(func.count(Rating.id).desc())
    out = []
    for row in db.session.execute(stmt).all():
        if group == "commune":
            code, name, *kpi = row
            out.append((code, name or "Cấp thành phố", _kpi(*kpi)))
        else:
            kind, *kpi = row
            out.append((kind, kind, _kpi(*kpi)))
    return out


def distribution(**filters) -> dict[int, int]:
    """How many ratings of each score 1–5."""
    stmt = _filtered(select(Rating.score, func.count()).select_from(Rating)
                     .join(Activity, Activity.id == Rating.activity_id), **filters).group_by(Rating.score)
    counts = dict.fromkeys(range(1, 6), 0)
    counts.update(dict(db.session.execute(stmt).all()))
    return counts


def comments(limit: int = 20, **filters) -> list[tuple[int, str, str]]:
    """A sample of comments (newest first): (score, comment, activity title)."""
    stmt = _filtered(select(Rating.score, Rating.comment, Activity.title).select_from(Rating)
                     .join(Activity, Activity.id == Rating.activity_id).where(Rating.comment != ""), **filters)
    return [tuple(r) for r in db.session.execute(stmt.order_by(Rating.created_at.desc()).limit(limit)).all()]
