"""A realistic, deterministic demo season of activities (May 2026 and the BHYT-Day peak 22/6–11/7/2026).

Every commune gets several activities; some miss duties, some are late, some planned but never held,
a few are cancelled; the city office records its own launch, livestream, banners and fair (SPEC §4.1).
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from app.checkin.tokens import new_public_token, new_qr_nonce
from app.domain.kinds import QR_KINDS, clean_results, evidence_date
from app.extensions import db
from app.formatting import TZ
from app.models import Activity, City, Commune, User
from app.models.audit import record

DEMO_NOTE = "Dữ liệu minh họa (demo)."
SEED = 20260701
PARTNERS = ("UBND xã", "Ủy ban MTTQ", "Hội LHPN", "Hội Nông dân", "Đoàn Thanh niên", "Cơ sở KCB",
            "Tổ chức dịch vụ thu", "Liên đoàn Lao động")
VENUES = ("Nhà văn hóa tổ dân phố {n}", "Hội trường UBND {c}", "Trạm Y tế {c}", "Chợ trung tâm {c}",
          "Sân Nhà văn hóa thôn {n}", "Trường THCS {c}", "Điểm bưu điện văn hóa {c}")
CANCEL_REASONS = ("Mưa lớn kéo dài, hoãn sang đợt sau.", "Trùng lịch hội nghị của UBND, lùi thời gian.",
                  "Ảnh hưởng bão, không tổ chức được.")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


class _Season:
    """Builds the rows of one season with one random generator (same rows on every run)."""

    def __init__(self, actor_id: int | None):
        self.rng = random.Random(SEED)
        self.rows: list[dict] = []
        self.actor_id = actor_id

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def add(self, commune, kind, title, start, minutes, status="held", results=None, venue=None, reason=None,
            links=()):
        """One activity row; results are checked by the same rules as the form (clean_results)."""
        rng = self.rng
        results = results or {}
        clean, errors = clean_results(kind, results, held=status == "held")
        assert not errors, (kind, errors)
        name = commune.name if commune else "thành phố"
        self.rows.append({
            "commune_id": commune.id if commune else None, "kind": kind, "title": title,
            "start_at": start.astimezone(UTC), "end_at": (start + timedelta(minutes=minutes)).astimezone(UTC),
            "evidence_date": evidence_date(kind, start.date(), clean),
            "venue": venue if venue is not None else rng.choice(VENUES).format(n=rng.randint(1, 12), c=name),
            "organiser": f"BHXH cơ sở phối hợp UBND {name}" if commune else "Bảo hiểm xã hội thành phố",
            "partners": rng.sample(PARTNERS, rng.randint(1, 3)), "audiences": sorted(rng.sample(range(1, 7), 2)),
            "messages": sorted(rng.sample(range(1, 20), 2)), "status": status, "cancel_reason": reason,
            "results": clean if status == "held" else {}, "links": list(links), "notes": DEMO_NOTE,
            "qr_nonce": new_qr_nonce() if kind in QR_KINDS else None,
            "public_token": new_public_token() if kind in QR_KINDS else None,
            "created_by_id": self.actor_id, "updated_by_id": self.actor_id,
            "created_at": (start - timedelta(days=10)).astimezone(UTC),
            "updated_at": (start + timedelta(days=1)).astimezone(UTC),
        })

    def direct_results(self, kind):
        rng = self.rng
        base = {"extra_attendees": rng.randint(20, 150)}
        if kind in ("fair", "communication_point"):
            base.update(consultations=rng.randint(15, 120), new_bhyt=rng.randint(0, 25),
                        new_bhxh=rng.randint(0, 8), leaflets=rng.choice((200, 300, 500, 1000)))
        elif kind == "conference":
            base["questions"] = rng.randint(3, 25)
        elif kind == "small_group":
            base["households"] = rng.randint(8, 40)
        return base

    def commune(self, c):
        """May activities and the nine duties of Appendix II, with realistic gaps and lateness."""
        rng, name = self.rng, c.name
        may_titles = {
            "conference": f"Hội nghị đối thoại chính sách BHXH tự nguyện tại {name}",
            "communication_point": f"Điểm tư vấn BHXH, BHYT Tháng vận động tại {name}",
            "small_group": f"Tư vấn nhóm nhỏ hộ gia đình chưa tham gia BHYT ({name})",
            "fair": f"Ngày hội BHXH toàn dân tại {name}",
        }
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(list(may_titles))
            status = "held" if rng.random() < 0.85 else "planned"
            self.add(c, kind, may_titles[kind], _at(self.day(date(2026, 5, 4), date(2026, 5, 29)),
                                                    rng.choice((8, 9, 14))), 150, status, self.direct_results(kind))
        r = rng.random()  # 1 advisory ≤ 29/6
        if r < 0.85:
            doc_day = self.day(date(2026, 6, 10), date(2026, 6, 29)) if r < 0.78 else self.day(date(2026, 6, 30),
                                                                                               date(2026, 7, 3))
            self.add(c, "advisory", f"Tham mưu UBND {name} triển khai hưởng ứng Ngày BHYT Việt Nam 01/7/2026",
                     _at(doc_day, 8), 0, results={"doc_number": f"{rng.randint(40, 260)}/KH-UBND",
                                                  "doc_date": doc_day.isoformat()}, venue="")
        r = rng.random()  # 3 fair on 01/7
        fair_title = f"Ngày hội tuyên truyền, tư vấn chính sách BHXH, BHYT tại {name}"
        if r < 0.72:
            self.add(c, "fair", fair_title, _at(date(2026, 7, 1), 7, 30), 240, results=self.direct_results("fair"))
        elif r < 0.80:
            self.add(c, "fair", fair_title, _at(date(2026, 7, 2), 7, 30), 240, results=self.direct_results("fair"))
        elif r < 0.88:
            self.add(c, "fair", fair_title, _at(date(2026, 7, 1), 7, 30), 240, status="planned")
        if rng.random() < 0.8:  # 4 communication point
            self.add(c, "communication_point", f"Điểm truyền thông cộng đồng về BHYT tại {name}",
                     _at(self.day(date(2026, 6, 22), date(2026, 7, 10)), 7), 300,
                     results=self.direct_results("communication_point"))
        r = rng.random()  # 5 radio 22/6–05/7
        if r < 0.82:
            for _ in range(rng.randint(1, 3)):
                self.add(c, "radio", f"Phát thanh chính sách BHYT trên loa truyền thanh {name}",
                         _at(self.day(date(2026, 6, 22), date(2026, 7, 5)), 6), 30, venue="Hệ thống loa truyền thanh",
                         results={"broadcasts": rng.randint(2, 10), "minutes": rng.randint(15, 90)})
        elif r < 0.88:
            self.add(c, "radio", f"Phát thanh chính sách BHYT trên loa truyền thanh {name}", _at(date(2026, 7, 7), 6),
                     30, venue="Hệ thống loa truyền thanh", results={"broadcasts": 3, "minutes": 20})
        if rng.random() < 0.8:  # 6 online post
            url = f"https://www.facebook.com/bhxh.{c.code}/posts/{rng.randint(10**6, 10**7)}"
            self.add(c, "online_post", f"Infographic “BHYT toàn dân - Nền tảng an sinh bền vững” trên Fanpage {name}",
                     _at(self.day(date(2026, 6, 22), date(2026, 7, 11)), 9), 15, venue="Fanpage, Zalo OA",
                     results={"urls": [url], "views": rng.randint(300, 8000), "shares": rng.randint(5, 200)},
                     links=[url])
        if rng.random() < 0.75:  # 7 review
            self.add(c, "review", f"Rà soát nhóm đối tượng chưa tham gia, có nguy cơ gián đoạn BHYT tại {name}",
                     _at(self.day(date(2026, 6, 22), date(2026, 7, 8)), 8), 480, venue=f"UBND {name}",
                     results={"at_risk": rng.randint(50, 600), "state_supported": rng.randint(20, 300),
                              "potential": rng.randint(100, 1500)})
        r = rng.random()  # 8 integrated
        if r < 0.7:
            self.add(c, "integrated", f"Tuyên truyền lồng ghép BHYT tại sinh hoạt chi bộ, tổ dân phố ({name})",
                     _at(self.day(date(2026, 6, 22), date(2026, 7, 11)), 19), 90,
                     results={"extra_attendees": rng.randint(20, 80), "setting": "Sinh hoạt chi bộ, tổ dân phố"})
        elif r < 0.76:
            self.add(c, "integrated", f"Tuyên truyền lồng ghép tại Trạm Y tế {name}",
                     _at(self.day(date(2026, 6, 22), date(2026, 7, 11)), 8), 90, status="cancelled",
                     reason=rng.choice(CANCEL_REASONS))
        if rng.random() < 0.06:
            self.add(c, "conference", f"Hội nghị tuyên truyền BHYT học sinh, sinh viên tại {name}",
                     _at(self.day(date(2026, 6, 22), date(2026, 7, 11)), 14), 120, status="cancelled",
                     reason=rng.choice(CANCEL_REASONS))

    def city_level(self, city_name: str):
        """The city office's own activities (SPEC §4.1 city requirements)."""
        theme = "“Bảo hiểm y tế toàn dân - Nền tảng an sinh bền vững”"
        self.add(None, "launch", f"Lễ ra quân hưởng ứng Ngày Bảo hiểm y tế Việt Nam 01/7/2026, chủ đề {theme}",
                 _at(date(2026, 6, 22), 7, 30), 120, results={"extra_attendees": 450},
                 venue=f"Quảng trường trung tâm {city_name}")
        url = "https://www.facebook.com/bhxhhaiphong/videos/livestream-bhyt-2026"
        self.add(None, "livestream", "Tọa đàm trực tuyến: Chính sách BHYT mới có hiệu lực từ 01/7/2026",
                 _at(date(2026, 6, 30), 20), 90, results={"url": url, "views": 18400, "interactions": 2300,
                                                          "questions": 46}, venue="Fanpage BHXH thành phố",
                 links=[url])
        self.add(None, "banner", "Treo băng rôn, khẩu hiệu hưởng ứng Ngày BHYT Việt Nam trên các tuyến phố chính",
                 _at(date(2026, 6, 26), 7), 60 * 24 * 15, results={"count": 120,
                                                                   "locations": "Lạch Tray, Lê Thánh Tông, Trần Phú"},
                 venue="Các tuyến phố trung tâm")
        self.add(None, "fair", "Ngày hội tuyên truyền, tư vấn chính sách BHXH, BHYT cấp thành phố",
                 _at(date(2026, 7, 1), 7), 300, results={"extra_attendees": 900, "consultations": 640,
                                                         "new_bhyt": 85, "new_bhxh": 31, "leaflets": 5000},
                 venue="Cung Văn hóa Thiếu nhi thành phố")
        self.add(None, "press", f"Phóng sự truyền hình: {city_name} hướng tới BHYT toàn dân",
                 _at(date(2026, 7, 2), 19), 15, results={"outlet": f"Đài Phát thanh và Truyền hình {city_name}"},
                 venue="Truyền hình")


DEMO_COMMUNE_CODES = {"11311", "00004"}  # the demo commune user's unit: left for them to submit


def _demo_submissions(communes, actor_id) -> int:
    """Campaign reports of the 01/7 campaign (duty 9): most on time (03–07/7), some late on paper (08–10/7),
    some never sent; deterministic. Inserted in bulk; the report page renders them live (no frozen copy)."""
    from app.models import Campaign, ReportSubmission

    campaign_id = db.session.scalar(select(Campaign.id).where(Campaign.slug == "bhyt-day-2026"))
    if campaign_id is None:
        return 0
    rng = random.Random(SEED + 9)
    rows = []
    for commune in communes:
        if commune.code in DEMO_COMMUNE_CODES:
            continue
        draw = rng.random()
        if draw < 0.72:
            day, source = date(2026, 7, rng.randint(3, 7)), "online"
        elif draw < 0.86:
            day, source = date(2026, 7, rng.randint(8, 10)), "paper"
        else:
            continue
        rows.append({"campaign_id": campaign_id, "commune_id": commune.id, "submitted_on": day, "source": source,
                     "submitted_at": _at(day, rng.randint(8, 16), rng.choice((0, 15, 30, 45))).astimezone(UTC),
                     "submitted_by_id": actor_id, "note": DEMO_NOTE})
    if rows:
        db.session.execute(insert(ReportSubmission), rows)
    return len(rows)


def seed_demo_season(city_key: str) -> list[str]:
    """Insert the demo season once (idempotent, deterministic, bulk); returns lines for the CLI to print."""
    if db.session.scalar(select(Activity.id).where(Activity.notes == DEMO_NOTE).limit(1)) is not None:
        total = db.session.scalar(select(func.count()).select_from(Activity).where(Activity.notes == DEMO_NOTE))
        return [f"Mùa hoạt động demo đã có từ trước ({total} hoạt động), không thêm gì."]
    city = db.session.scalar(select(City).where(City.key == city_key))
    communes = db.session.scalars(select(Commune).where(Commune.city_id == city.id).order_by(Commune.code)).all()
    actor_id = db.session.scalar(select(User.id).where(User.role.in_(("city", "admin"))).order_by(User.id).limit(1))
    season = _Season(actor_id)
    for commune in communes:
        season.commune(commune)
    season.city_level(city.name)
    db.session.execute(insert(Activity), season.rows)
    submitted = _demo_submissions(communes, actor_id)
    record(actor_id, "seed_demo", "activity", None, rows=len(season.rows), submissions=submitted)
    db.session.flush()
    by_kind: dict[str, int] = {}
    for row in season.rows:
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + 1
    return [f"Mùa hoạt động demo: {len(season.rows)} hoạt động của {len(communes)} đơn vị và cấp thành phố; "
            f"{submitted} báo cáo chiến dịch đã nộp.",
            "  " + ", ".join(f"{k}: {n}"
                             for k, n in sorted(by_kind.items(), key=lambda kv: -kv[1]))]
