"""Shared sample data for the activity tests."""

from datetime import datetime

from app.activities import services
from app.extensions import db
from app.formatting import TZ

SAMPLE_RESULTS = {
    "fair": {"consultations": 12, "extra_attendees": 40, "new_bhyt": 3},
    "conference": {"questions": 7, "extra_attendees": 20},
    "communication_point": {"consultations": 25, "leaflets": 300},
    "small_group": {"households": 9},
    "launch": {"extra_attendees": 150},
    "contest": {"extra_attendees": 60},
    "integrated": {"setting": "Trạm y tế phường", "extra_attendees": 35},
    "livestream": {"url": "https://facebook.com/bhxhhaiphong/live/1", "views": 1184000},
    "radio": {"broadcasts": 6, "minutes": 45},
    "online_post": {"urls": ["https://zalo.me/bhxh/bai-1"], "views": 900},
    "press": {"outlet": "Báo Hải Phòng", "url": "https://baohaiphong.vn/bai-viet"},
    "banner": {"count": 12, "locations": "Ngã tư Lạch Tray"},
    "review": {"at_risk": 120, "state_supported": 80, "potential": 300},
    "advisory": {"doc_number": "125/BHXH-TT", "doc_date": "2026-06-25"},
}


def payload(kind="fair", **overrides) -> dict:
    """A valid API body (SPEC §12) for a held activity of that kind in Phường Hồng Bàng."""
    body = {
        "commune_code": "11311", "kind": kind, "title": f"Hoạt động {kind} hưởng ứng Ngày BHYT",
        "start": "2026-07-01T08:00:00+07:00", "end": "2026-07-01T11:30:00+07:00",
        "venue": "Nhà văn hóa tổ dân phố 5", "status": "held", "partners": ["Hội LHPN", "Đoàn phường"],
        "audiences": [1, 4], "messages": [3, 4], "results": dict(SAMPLE_RESULTS[kind]),
        "links": ["https://bhxhhaiphong.gov.vn/tin-tuc"],
    }
    body.update(overrides)
    return body


def make_activity(actor, kind="fair", commune_code="11311", **overrides):
    """Create an activity through the service and commit."""
    activity = services.create_activity(payload(kind, commune_code=commune_code, **overrides), actor,
                                        datetime(2026, 6, 1, 9, 0, tzinfo=TZ))
    db.session.commit()
    return activity


def form_data(kind="fair", **overrides) -> dict:
    """The create/edit form's fields for a held activity of that kind."""
    data = {
        "kind": kind, "title": f"Hoạt động {kind} tại phường", "start": "2026-07-01T08:00",
        "end": "2026-07-01T11:00", "venue": "Hội trường UBND phường", "organiser": "BHXH cơ sở",
        "status": "held", "partners": ["Hội LHPN"], "partners_other": "Tổ dân phố 3",
        "audiences": ["1", "4"], "messages": ["4"], "links": "https://bhxhhaiphong.gov.vn/tin", "notes": "",
    }
    for key, value in SAMPLE_RESULTS[kind].items():
        data[f"r-{kind}-{key}"] = "\n".join(value) if isinstance(value, list) else str(value)
    data.update(overrides)
    return data
