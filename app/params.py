"""Request parameters, parsed one way for the pages, the exports and the API (SPEC §11, §12).

Each parser takes the raw text and returns a clean value or raises `ParamError` with a Vietnamese message per
parameter. What a surface does with the error is its own: a page shows it beside the field or as a flash and
falls back to the default, a PDF link answers 400 with the message, the API answers 422 (app/errors.py).
No parser reads `request` or `current_user`: the caller passes the arguments and the user.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app.auth.access import visible
from app.domain.dates import MAX_YEAR, MIN_YEAR, parse_date
from app.domain.kinds import KINDS, STATUSES
from app.extensions import db
from app.formatting import fmt_int
from app.models import Campaign, Commune

MAX_PAGE = 100_000  # the highest page number a list accepts, so the OFFSET stays in range
MAX_PER_PAGE = 200  # rows per page the API gives at most
BAD_DATE = "Ngày không hợp lệ (dd/mm/yyyy)."


class ParamError(ValueError):
    """Refused request parameters: `fields` maps each one to its Vietnamese message."""

    def __init__(self, fields: dict[str, str], message: str = "Tham số không hợp lệ."):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields
        self.message = message


def day(raw: str | None, name: str = "date") -> date | None:
    """A date typed as dd/mm/yyyy or sent as ISO yyyy-mm-dd, in the years the app knows; None when empty."""
    text = (raw or "").strip()[:20]
    if not text:
        return None
    value = parse_date(text)
    if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ParamError({name: BAD_DATE}, BAD_DATE)
    return value


def as_of(raw: str | None, today: date) -> date:
    """`?as_of=`: the day a matrix, dashboard or report is computed for; empty means today (SPEC §4)."""
    return day(raw, "as_of") or today


BAD_YEAR = "Năm phải là số nguyên từ 2000 đến 2100."


def year(raw: str | None, default: int) -> int:
    """`?year=` of the targets and emulation pages (2000–2100); empty means `default`."""
    text = (raw or "").strip()
    if not text:
        return default
    if text.isascii() and text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100:
        return int(text)
    raise ParamError({"year": BAD_YEAR}, BAD_YEAR)


def page(raw: str | None) -> int:
    """`?page=` of a page: 1–MAX_PAGE, junk → 1, huge → MAX_PAGE, so the OFFSET stays in range."""
    text = (raw or "").strip()
    if not text.isascii() or not text.isdigit():  # "²".isdigit() is True, int("²") raises
        return 1
    return min(max(int(text[:12]) if len(text) <= 12 else MAX_PAGE, 1), MAX_PAGE)


def exact_page(raw: str | None, per_page_raw: str | None, default_per_page: int = 50) -> tuple[int, int]:
    """`?page=&per_page=` of the API, where a bad value is an error rather than a default."""
    page_text, per_text = raw or "1", per_page_raw or str(default_per_page)
    fields = {}
    if not page_text.isascii() or not page_text.isdigit() or len(page_text) > 6 or not 1 <= int(page_text) <= MAX_PAGE:
        fields["page"] = f"Số trang phải là số nguyên từ 1 đến {fmt_int(MAX_PAGE)}."
    if not per_text.isascii() or not per_text.isdigit() or len(per_text) > 3 or not 1 <= int(per_text) <= MAX_PER_PAGE:
        fields["per_page"] = f"per_page phải trong khoảng 1–{MAX_PER_PAGE}."
    if fields:
        raise ParamError(fields, "Tham số phân trang không hợp lệ.")
    return int(page_text), int(per_text)


@dataclass(frozen=True)
class ActivityFilter:
    """The activity filter of the list page, the calendar, the exports and the API, cleaned."""

    query: dict  # keyword arguments of app.activities.services.filtered_activities
    values: dict  # what the form shows back (the accepted values, as typed or ISO)
    errors: dict = field(default_factory=dict)  # {parameter: Vietnamese message} of the refused values

    @property
    def args(self) -> dict:
        """The accepted values that are set: the query string of links that keep the filter."""
        return {k: v for k, v in self.values.items() if v}


def activity_filter(args, user) -> ActivityFilter:
    """Commune code (or `city`), kind, status, start dates `from`/`to`, `campaign` period and words `q`.

    A commune user's `commune` is ignored: the scope already narrows the list to their own commune.
    """
    values = {"commune": "", "kind": "", "status": "", "from": "", "to": "", "q": (args.get("q") or "").strip()[:100]}
    query: dict = {"q": values["q"] or None}
    errors: dict[str, str] = {}
    code = (args.get("commune") or "").strip()[:10]
    if code and getattr(user, "role", None) != "commune":
        commune_id = "city" if code == "city" else db.session.scalar(select(Commune.id).where(Commune.code == code))
        if commune_id is None:
            errors["commune"] = f"Không có đơn vị cấp xã mã “{code}”."
        else:
            query["commune_id"], values["commune"] = commune_id, code
    for name, allowed, message in (("kind", KINDS, "Loại hoạt động không hợp lệ."),
                                   ("status", STATUSES, "Trạng thái không hợp lệ (planned, held, cancelled).")):
        raw = args.get(name) or ""
        if raw in allowed:
            query[name] = values[name] = raw
        elif raw:
            errors[name] = message
    for name, key in (("from", "date_from"), ("to", "date_to")):
        try:
            value = day(args.get(name), name)
        except ParamError as exc:
            errors.update(exc.fields)
        else:
            if value is not None:
                query[key], values[name] = value, value.isoformat()
    slug = (args.get("campaign") or "").strip()[:60]
    if slug:
        # The stored campaign's period, as the city office edited it (SPEC §18), among those the user may see.
        period = db.session.execute(visible(select(Campaign.start, Campaign.end).where(Campaign.slug == slug),
                                            user)).first()
        if period is None:
            errors["campaign"] = f"Không có chiến dịch “{slug}”."
        else:
            (query["evidence_from"], query["evidence_to"]), values["campaign"] = period, slug
    return ActivityFilter(query, values, errors)
