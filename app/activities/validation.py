"""Activity validation shared by the form and the API (SPEC §3, §12): one set of rules, Vietnamese messages."""

from sqlalchemy import select

from app.domain.dates import MAX_YEAR, MIN_YEAR, parse_datetime
from app.domain.kinds import KINDS, QR_KINDS, STATUSES, clean_results, evidence_date, is_http_url
from app.extensions import db
from app.formatting import fmt_int, local
from app.models import Activity, Commune

MAX_TITLE, MAX_VENUE, MAX_ORGANISER, MAX_REASON, MAX_NOTES = 300, 300, 200, 500, 5000
MAX_PARTNERS, MAX_PARTNER_LEN, MAX_LINKS, MAX_LINK_LEN = 20, 100, 20, 1000
AUDIENCE_IDS, MESSAGE_IDS = range(1, 7), range(1, 20)
FIELDS = ("commune_code", "kind", "title", "start", "end", "venue", "organiser", "status", "cancel_reason",
          "partners", "audiences", "messages", "results", "links", "notes", "preregistration")


class ActivityError(Exception):
    """Validation failed: `errors` maps each field to its Vietnamese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _int_list(raw, allowed: range, name: str, errors: dict) -> list[int]:
    """Whole numbers within `allowed`, deduplicated and sorted."""
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list | tuple):
        errors[name] = "Phải là một danh sách số."
        return []
    out = set()
    for item in raw:
        try:
            if isinstance(item, bool) or isinstance(item, float):
                raise ValueError
            number = int(item)
        except (TypeError, ValueError):
            errors[name] = f"Giá trị “{str(item)[:20]}” không hợp lệ."
            return []
        if number not in allowed:
            errors[name] = f"Chỉ chọn trong khoảng {allowed.start}–{allowed.stop - 1}."
            return []
        out.add(number)
    return sorted(out)


def _str_list(raw, name: str, errors: dict) -> list[str]:
    """A list of stripped non-empty strings (a string splits on new lines)."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = raw.splitlines()
    if not isinstance(raw, list | tuple):
        errors[name] = "Phải là một danh sách."
        return []
    out: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            errors[name] = "Mỗi phần tử phải là một chuỗi ký tự."
            return []
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


def _text(raw, name: str, limit: int, errors: dict, label: str, required: bool = False) -> str:
    """A stripped string of at most `limit` characters."""
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        errors[name] = f"{label} phải là chuỗi ký tự."
        return ""
    value = raw.strip()
    if required and not value:
        errors[name] = f"Vui lòng nhập {label.lower()}."
    elif len(value) > limit:
        errors[name] = f"{label} tối đa {fmt_int(limit)} ký tự (đang có {fmt_int(len(value))})."
    return value


def _commune_id(code, actor, errors: dict) -> int | None:
    """The commune's id; commune users only for their own commune (SPEC §1); admin/city may pick none (city level)."""
    code = (str(code).strip() if code is not None else "")
    if actor.role == "commune":
        if not code:
            return actor.commune_id
        commune = db.session.scalar(select(Commune).where(Commune.code == code[:10]))
        if commune is None:
            errors["commune_code"] = f"Không có đơn vị cấp xã mã “{code[:10]}”."
        elif commune.id != actor.commune_id:
            errors["commune_code"] = "Bạn chỉ được ghi hoạt động của đơn vị mình."
        return actor.commune_id
    if not code:
        return None
    commune = db.session.scalar(select(Commune).where(Commune.code == code[:10]))
    if commune is None:
        errors["commune_code"] = f"Không có đơn vị cấp xã mã “{code[:10]}”."
        return None
    return commune.id


def validate(data: dict, actor) -> tuple[dict, dict]:
    """Check a full activity (API field names) and return (model values, {field: Vietnamese error}).

    One place for the rules of SPEC §3, §7, §8, §12, used by the form, the API and the seed.
    """
    errors: dict[str, str] = {}
    values: dict = {}
    for key in data:
        if key not in FIELDS:
            errors[key] = "Trường này không được hỗ trợ."
    values["commune_id"] = _commune_id(data.get("commune_code"), actor, errors)
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        errors["kind"] = "Loại hoạt động không hợp lệ: chọn một trong 14 loại."
        kind = None
    values["kind"] = kind
    values["title"] = _text(data.get("title"), "title", MAX_TITLE, errors, "Tiêu đề", required=True)
    values["venue"] = _text(data.get("venue"), "venue", MAX_VENUE, errors, "Địa điểm")
    values["organiser"] = _text(data.get("organiser"), "organiser", MAX_ORGANISER, errors, "Đơn vị chủ trì")
    values["notes"] = _text(data.get("notes"), "notes", MAX_NOTES, errors, "Ghi chú")
    for name, label, end_of_day in (("start", "thời gian bắt đầu", False), ("end", "thời gian kết thúc", True)):
        raw = data.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[name] = f"Vui lòng nhập {label}."
            values[name] = None
            continue
        parsed = parse_datetime(raw, end_of_day=end_of_day)
        if parsed is None:
            errors[name] = "Ngày giờ không hợp lệ (dd/mm/yyyy HH:MM hoặc ISO 8601)."
        elif not MIN_YEAR <= parsed.year <= MAX_YEAR:
            errors[name] = f"Năm phải trong khoảng {MIN_YEAR}–{MAX_YEAR}."
            parsed = None
        values[name] = parsed
    if values.get("start") and values.get("end") and values["end"] < values["start"]:
        errors["end"] = "Thời gian kết thúc phải sau thời gian bắt đầu."
    partners = _str_list(data.get("partners"), "partners", errors)
    if len(partners) > MAX_PARTNERS:
        errors["partners"] = f"Tối đa {MAX_PARTNERS} đơn vị phối hợp."
    elif any(len(p) > MAX_PARTNER_LEN for p in partners):
        errors["partners"] = f"Tên mỗi đơn vị phối hợp tối đa {MAX_PARTNER_LEN} ký tự."
    values["partners"] = partners
    values["audiences"] = _int_list(data.get("audiences"), AUDIENCE_IDS, "audiences", errors)
    values["messages"] = _int_list(data.get("messages"), MESSAGE_IDS, "messages", errors)
    links = _str_list(data.get("links"), "links", errors)
    if len(links) > MAX_LINKS:
        errors["links"] = f"Tối đa {MAX_LINKS} đường dẫn."
    elif any(len(u) > MAX_LINK_LEN or not is_http_url(u) for u in links):
        errors["links"] = "Mỗi đường dẫn phải bắt đầu bằng http:// hoặc https://."
    values["links"] = links
    status = data.get("status") or "planned"
    if status not in STATUSES:
        errors["status"] = "Trạng thái không hợp lệ (planned, held, cancelled)."
        status = "planned"
    values["status"] = status
    reason = _text(data.get("cancel_reason"), "cancel_reason", MAX_REASON, errors, "Lý do hủy")
    if status == "cancelled" and not reason and "cancel_reason" not in errors:
        errors["cancel_reason"] = "Vui lòng nhập lý do hủy."
    values["cancel_reason"] = reason or None
    pre = data.get("preregistration", False)
    if pre is None:
        pre = False
    if not isinstance(pre, bool):
        errors["preregistration"] = "Phải là true hoặc false."
    elif pre and kind and kind not in QR_KINDS:
        errors["preregistration"] = "Chỉ hoạt động điểm danh bằng mã QR mới cho đăng ký trước."
    values["preregistration"] = pre is True
    values["results"] = {}
    if kind:
        results, result_errors = clean_results(kind, data.get("results") or {}, held=status == "held")
        for key, message in result_errors.items():
            errors["results" if key == "results" else f"results.{key}"] = message
        values["results"] = results
    if values.get("start") and kind:
        values["evidence_date"] = evidence_date(kind, values["start"].date(), values["results"])
    values["start_at"] = values.pop("start")
    values["end_at"] = values.pop("end")
    return values, errors


def as_input(activity: Activity) -> dict:
    """An activity in API field names (the starting point of a partial update)."""
    return {
        "commune_code": activity.commune.code if activity.commune else None,
        "kind": activity.kind, "title": activity.title, "start": local(activity.start_at),
        "end": local(activity.end_at), "venue": activity.venue or "", "organiser": activity.organiser or "",
        "status": activity.status, "cancel_reason": activity.cancel_reason, "partners": list(activity.partners or []),
        "audiences": list(activity.audiences or []), "messages": list(activity.messages or []),
        "results": dict(activity.results or {}), "links": list(activity.links or []), "notes": activity.notes or "",
        "preregistration": bool(activity.preregistration),
    }
