"""What the targets pages and the dashboard's targets block read from the query string and show (SPEC §16)."""

from flask import request

from app import params
from app.formatting import today_local
from app.targets.figures import commune_figures
from app.targets.services import sort_lines
from app.targets.standings import ranking, weights_for

BAD_AS_OF = "Ngày xem số liệu không hợp lệ (định dạng dd/mm/yyyy); đang hiển thị số liệu hôm nay."
BAD_YEAR = "Năm không hợp lệ (2000–2100); đang hiển thị năm của ngày xem số liệu."
DASHBOARD_RANKS = 10
DASHBOARD_SORTS = ("name", "bhxh_bat_buoc", "bhxh_tu_nguyen", "bhyt_rate", "band")  # the columns the block shows


def selection():
    """The as-of day and the year from the query string, and a Vietnamese message for each bad value (a bad
    value falls back to its default, never an error page)."""
    today, errors = today_local(), {}
    try:
        as_of = params.as_of(request.args.get("as_of"), today)
    except params.ParamError:
        as_of, errors["as_of"] = today, BAD_AS_OF
    try:
        year = params.year(request.args.get("year"), as_of.year)
    except params.ParamError:
        year, errors["year"] = as_of.year, BAD_YEAR
    return year, as_of, errors


def dashboard_block(as_of, args, city_id: int | None) -> dict:
    """The city dashboard's targets block for the year of `as_of`: every commune's % achieved in the order of
    `?tsort=&tdir=`, how many are below pro-rata, and the ranking's top and bottom ten."""
    year = as_of.year
    lines = commune_figures(year, as_of, activities=False)  # the block shows no enrolments at activities, no notes
    sort, descending = args.get("tsort") or "band", args.get("tdir") == "desc"
    sort = sort if sort in DASHBOARD_SORTS else "band"
    ranked = ranking(year, as_of, weights_for(city_id, year), lines)  # the same lines: read once
    return {"year": year, "lines": sort_lines(lines, sort, descending), "sort": sort, "descending": descending,
            "listed": sum(1 for f in lines if f.judged.listed), "targeted": sum(1 for f in lines if f.target),
            "top": ranked[:DASHBOARD_RANKS], "bottom": ranked[::-1][:DASHBOARD_RANKS]}
