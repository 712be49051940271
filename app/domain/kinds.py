"""The 14 activity kinds of SPEC §3 and their typed results — pure data and validation (no Flask).

Used by the models, forms, the API, the seed and the compliance loader, so that one schema validates every path.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from app.domain.dates import MAX_YEAR, MIN_YEAR, parse_date

COUNT, URL, URLS, TEXT, DATE = "count", "url", "urls", "text", "date"
MAX_COUNT = 10_000_000


@dataclass(frozen=True)
class ResultField:
    """One result of an activity kind; `required` = needed to mark the activity held."""

    key: str
    label: str
    type: str
    required: bool = False


@dataclass(frozen=True)
class Kind:
    """An activity kind: code, Vietnamese label, whether residents check in by QR, its results."""

    code: str
    label: str
    qr: bool
    results: tuple[ResultField, ...]

    @property
    def required(self) -> tuple[str, ...]:
        """Result keys needed to mark it held."""
        return tuple(f.key for f in self.results if f.required)


def _f(key, label, type_=COUNT, required=False):
    return ResultField(key, label, type_, required)


EXTRA = _f("extra_attendees", "Số người tham dự không điểm danh")
CONSULT = _f("consultations", "Số lượt tư vấn", COUNT, True)
NEW_BHYT = _f("new_bhyt", "Số người tham gia BHYT mới")
NEW_BHXH = _f("new_bhxh", "Số người tham gia BHXH tự nguyện mới")
LEAFLETS = _f("leaflets", "Số tờ rơi, tờ gấp phát ra")
# Given out at any activity (seed 001 §IV.13, messages 18–19 of seed 002): recorded by every kind (SPEC §16).
DONATED = (_f("donated_books", "Số sổ BHXH trao tặng"), _f("donated_cards", "Số thẻ BHYT trao tặng"))

_KINDS = (
    Kind("fair", "Ngày hội tuyên truyền, tư vấn, giải đáp chính sách", True,
         (EXTRA, CONSULT, NEW_BHYT, NEW_BHXH, LEAFLETS)),
    Kind("conference", "Hội nghị tuyên truyền, đối thoại, tư vấn trực tiếp", True,
         (EXTRA, _f("questions", "Số câu hỏi được giải đáp"), NEW_BHYT, NEW_BHXH)),
    Kind("communication_point", "Điểm truyền thông cộng đồng / gian hàng / điểm tư vấn", True,
         (EXTRA, CONSULT, LEAFLETS, NEW_BHYT, NEW_BHXH)),
    Kind("small_group", "Truyền thông nhóm nhỏ, tư vấn hộ gia đình", True,
         (EXTRA, _f("households", "Số hộ gia đình được tư vấn"), NEW_BHYT, NEW_BHXH)),
    Kind("launch", "Lễ ra quân", True, (EXTRA,)),
    Kind("contest", "Hội thi tìm hiểu chính sách", True, (EXTRA,)),
    Kind("integrated", "Tuyên truyền lồng ghép (cơ sở KCB, sinh hoạt cộng đồng, chi bộ, đoàn thể)", True,
         (EXTRA, _f("setting", "Hình thức lồng ghép (cơ sở KCB, sinh hoạt cộng đồng, chi bộ…)", TEXT), NEW_BHYT,
          NEW_BHXH)),
    Kind("livestream", "Livestream, tọa đàm trực tuyến", False,
         (_f("url", "Đường dẫn buổi phát", URL, True), _f("views", "Lượt xem"),
          _f("interactions", "Lượt tương tác"), _f("questions", "Số câu hỏi được giải đáp"))),
    Kind("radio", "Phát thanh trên loa truyền thanh cơ sở", False,
         (_f("broadcasts", "Số lần phát", COUNT, True), _f("minutes", "Tổng thời lượng (phút)"))),
    Kind("online_post", "Tin, bài, infographic, video trên Fanpage / Zalo OA / Cổng TTĐT", False,
         (_f("urls", "Đường dẫn bài đăng (mỗi dòng một đường dẫn)", URLS, True), _f("views", "Lượt xem"),
          _f("shares", "Lượt chia sẻ"))),
    Kind("press", "Tin bài, phóng sự, tọa đàm trên báo chí, phát thanh, truyền hình", False,
         (_f("outlet", "Cơ quan báo chí", TEXT, True), _f("url", "Đường dẫn", URL))),
    Kind("banner", "Băng rôn, khẩu hiệu, tuyên truyền trực quan", False,
         (_f("count", "Số băng rôn, khẩu hiệu", COUNT, True), _f("locations", "Vị trí treo", TEXT))),
    Kind("review", "Rà soát nhóm đối tượng (nguy cơ gián đoạn, được NSNN hỗ trợ, tiềm năng)", False,
         (_f("at_risk", "Số người có nguy cơ gián đoạn tham gia BHYT", COUNT, True),
          _f("state_supported", "Số người được ngân sách hỗ trợ mức đóng", COUNT, True),
          _f("potential", "Số người tiềm năng tham gia BHYT", COUNT, True))),
    Kind("advisory", "Văn bản tham mưu UBND cấp xã", False,
         (_f("doc_number", "Số văn bản", TEXT, True), _f("doc_date", "Ngày văn bản", DATE, True))),
)
KINDS: dict[str, Kind] = {k.code: Kind(k.code, k.label, k.qr, k.results + DONATED) for k in _KINDS}
# The direct kinds (SPEC §16): each records the new BHYT and BHXH participants enrolled there.
DIRECT_KINDS = ("fair", "communication_point", "conference", "small_group", "integrated")
QR_KINDS = frozenset(k for k, v in KINDS.items() if v.qr)
STATUSES = ("planned", "held", "cancelled")
STATUS_LABELS = {"planned": "Kế hoạch", "held": "Đã tổ chức", "cancelled": "Đã hủy"}
PARTNER_TAGS = ("Sở Y tế", "Sở Nội vụ", "Sở VHTTDL", "UBND xã", "Ủy ban MTTQ", "Liên đoàn Lao động",
                "Hội Nông dân", "Hội LHPN", "Đoàn Thanh niên", "Cơ sở KCB", "Tổ chức dịch vụ thu", "Báo chí")
_PARTNERS_BY_FOLD = {t.casefold(): t for t in PARTNER_TAGS}


def canonical_partner(name: str) -> str:
    """A listed partner however it was typed ("cơ sở kcb" → "Cơ sở KCB"), so one partner is written one way
    (issue 15 item 11); any other name as given."""
    return _PARTNERS_BY_FOLD.get(name.strip().casefold(), name)


def is_http_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value.strip()


def _clean_one(field: ResultField, raw) -> tuple[object, str | None]:
    """(clean value, Vietnamese error) for one result; empty input gives (None, None)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None, None
    if field.type == COUNT:
        if isinstance(raw, bool):
            return None, "Vui lòng nhập một số nguyên."
        try:
            value = int(raw) if not isinstance(raw, float) or raw.is_integer() else None
        except (TypeError, ValueError):
            value = None
        if value is None:
            return None, "Vui lòng nhập một số nguyên."
        if value < 0:
            return None, "Số lượng không được âm."
        if value > MAX_COUNT:
            return None, "Số lượng quá lớn."
        return value, None
    if field.type == URL:
        value = str(raw).strip()
        if len(value) > 1000 or not is_http_url(value):
            return None, "Đường dẫn phải bắt đầu bằng http:// hoặc https://."
        return value, None
    if field.type == URLS:
        items = raw if isinstance(raw, list) else str(raw).replace(",", "\n").splitlines()
        items = [str(i).strip() for i in items if str(i).strip()]
        if len(items) > 50:
            return None, "Tối đa 50 đường dẫn."
        bad = [i for i in items if len(i) > 1000 or not is_http_url(i)]
        if bad:
            return None, "Mỗi đường dẫn phải bắt đầu bằng http:// hoặc https://."
        return items or None, None
    if field.type == DATE:
        if isinstance(raw, date):
            value = raw
        else:
            value = parse_date(str(raw))
        if value is None:
            return None, "Ngày không hợp lệ (dd/mm/yyyy)."
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            return None, f"Năm phải trong khoảng {MIN_YEAR}–{MAX_YEAR}."
        return value.isoformat(), None
    value = str(raw).strip()
    if len(value) > 500:
        return None, "Tối đa 500 ký tự."
    return value, None



def clean_results(kind: str, raw: dict, held: bool) -> tuple[dict, dict]:
    """Validate an activity's results for its kind: (clean results, {key: Vietnamese error}).

    Unknown keys are errors; a held activity needs every required result of its kind (SPEC §3).
    """
    spec = KINDS[kind]
    raw = raw or {}
    errors: dict[str, str] = {}
    if not isinstance(raw, dict):
        return {}, {"results": "Kết quả phải là một đối tượng {khóa: giá trị}."}
    known = {f.key: f for f in spec.results}
    for key in raw:
        if key not in known:
            errors[key] = f"Loại hoạt động này không có kết quả “{key}”."
    clean: dict = {}
    for field in spec.results:
        value, error = _clean_one(field, raw.get(field.key))
        if error:
            errors[field.key] = error
        elif value is not None:
            clean[field.key] = value
        elif held and field.required:
            errors[field.key] = f"Cần nhập “{field.label}” để đánh dấu đã tổ chức."
    return clean, errors


def evidence_date(kind: str, start_local_date: date, results: dict) -> date:
    """The date that counts for the duties: an advisory's document date, else the local start date."""
    if kind == "advisory" and results.get("doc_date"):
        try:
            return date.fromisoformat(results["doc_date"])
        except ValueError:
            pass
    return start_local_date
