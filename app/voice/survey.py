"""Data of the yearly satisfaction survey report (SPEC §17): rows from the ratings, for the PDF in app/reports/."""

import datetime as dt

from sqlalchemy import select

from app.domain.kinds import KINDS
from app.extensions import db
from app.models import City, Commune
from app.reports.common import city_header, commune_header
from app.reports.satisfaction_survey import KpiRow, SatisfactionSurveyData
from app.voice import ratings

COMMENT_SAMPLE = 20


def _row(label: str, kpi: ratings.Satisfaction) -> KpiRow:
    return KpiRow(label, kpi.ratings, kpi.mean, kpi.share_satisfied)


def survey_data(year: int, commune: Commune | None, user, issued_on: dt.date) -> SatisfactionSurveyData:
    """The survey of a year for the whole city or one commune, in `user`'s scope (five queries)."""
    filters = {"user": user, "year": year, "commune_id": commune.id if commune else None}
    city = db.session.scalars(select(City).limit(1)).one()
    if commune is not None:
        header, unit = commune_header(city.lead_office, commune.name, city.name, issued_on), commune.name
    else:
        header, unit = city_header(city.lead_office, city.name, issued_on), "Toàn thành phố"
    distribution = ratings.distribution(**filters)
    return SatisfactionSurveyData(
        header=header, year=year, unit_name=unit, total=_row("Tổng cộng", ratings.satisfaction(**filters)),
        distribution=tuple((s, distribution[s]) for s in range(5, 0, -1)),
        by_commune=tuple(_row(name, kpi) for _code, name, kpi in ratings.satisfaction_by("commune", **filters)),
        by_kind=tuple(_row(KINDS[kind].label if kind in KINDS else kind, kpi)
                      for kind, _, kpi in ratings.satisfaction_by("kind", **filters)),
        comments=tuple(ratings.comments(COMMENT_SAMPLE, **filters)))
