"""Activity report (SPEC §6.1): what, when, where, who, messages, results, attendance, photos."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from app.domain.kinds import COUNT, DATE, KINDS, STATUS_LABELS, URLS
from app.reports.common import CITY_LEVEL, city_header, commune_header, one_line, section
from app.reports.frame import DocHeader, build_pdf, content_width, image_fit, para, table
from app.reports.frame import field as line
from app.reports.text import fmt_date, fmt_int, fmt_time, nfc

MAX_PHOTOS = 4
TITLE = "Báo cáo kết quả tổ chức hoạt động tuyên truyền"


@dataclass(frozen=True)
class ResultLine:
    """One result of the activity with its kind's label, already formatted."""

    label: str
    value: str


@dataclass(frozen=True)
class AudienceCount:
    """Attendees of one audience group (SPEC §7)."""

    audience: str
    count: int


@dataclass(frozen=True)
class ActivityReportData:
    """Everything the activity report prints, as plain values."""

    header: DocHeader
    title: str
    kind_label: str
    status_label: str
    unit_name: str
    start: dt.datetime
    end: dt.datetime
    venue: str = ""
    organiser: str = ""
    partners: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()
    results: tuple[ResultLine, ...] = ()
    attendance: tuple[AudienceCount, ...] = ()
    checkins: int = 0
    extra_attendees: int = 0
    links: tuple[str, ...] = ()
    notes: str = ""
    cancel_reason: str = ""
    photos: tuple[str | Path | bytes, ...] = ()
    recipients: tuple[str, ...] = ("Bảo hiểm xã hội thành phố (để b/c)", "Lưu: VT")
    signer_title: str = "Người báo cáo"
    signer_name: str = ""

    @property
    def total_attendees(self) -> int:
        """Check-ins plus people counted but not checked in (SPEC §3)."""
        return self.checkins + self.extra_attendees


def result_lines(kind: str, results: Mapping) -> tuple[ResultLine, ...]:
    """The activity's results, labelled as its kind labels them, in the kind's order (SPEC §3)."""
    spec = KINDS.get(kind)
    if spec is None:
        return ()
    lines = []
    for f in spec.results:
        value = (results or {}).get(f.key)
        if value in (None, "", []):
            continue
        if f.type == COUNT:
            text = fmt_int(value)
        elif f.type == URLS:
            text = "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
        elif f.type == DATE:
            try:
                text = fmt_date(dt.date.fromisoformat(str(value)))
            except ValueError:
                text = str(value)
        else:
            text = str(value)
        lines.append(ResultLine(f.label, text))
    return tuple(lines)


def activity_report_data(
    activity,
    attendance_by_audience: Mapping[int, int],
    photo_paths: Sequence[str | Path | bytes],
    *,
    checkins: int | None = None,
    audience_names: Mapping[int, str] | None = None,
    message_texts: Mapping[int, str] | None = None,
    city=None,
    issued_on: dt.date | None = None,
    counted: Mapping[str, int] | None = None,
) -> ActivityReportData:
    """Collect the report's rows from an Activity; audience names, messages and city are read from its session."""
    from sqlalchemy import select
    from sqlalchemy.orm import object_session

    from app.activities.counted import total_results
    from app.formatting import today_local
    from app.models import Audience, City, Message

    session = object_session(activity)
    if audience_names is None:
        audience_names = dict(session.execute(select(Audience.id, Audience.short_name)).all()) if session else {}
    if message_texts is None:
        message_texts = dict(session.execute(select(Message.id, Message.text)).all()) if session else {}
    commune = activity.commune
    if city is None:
        city = commune.city if commune is not None else session.scalars(select(City).limit(1)).first()
    issued_on = issued_on or today_local()
    if commune is not None:
        header = commune_header(city.lead_office, commune.name, city.name, issued_on)
        unit = commune.name
    else:
        header = city_header(city.lead_office, city.name, issued_on)
        unit = CITY_LEVEL
    results = total_results(activity.results, counted or {})  # enrolled follow-ups + others on the spot
    counts = dict(attendance_by_audience or {})
    attendance = tuple(
        AudienceCount(audience_names.get(a, f"Nhóm {a}"), n)
        for a, n in sorted(counts.items(), key=lambda item: (item[0] is None, item[0] or 0))
        if n
    )
    return ActivityReportData(
        header=header,
        title=one_line(activity.title),
        kind_label=KINDS[activity.kind].label if activity.kind in KINDS else activity.kind,
        status_label=STATUS_LABELS.get(activity.status, activity.status),
        unit_name=unit,
        start=activity.start_at,
        end=activity.end_at,
        venue=activity.venue or "",
        organiser=activity.organiser or "",
        partners=tuple(activity.partners or ()),
        audiences=tuple(audience_names.get(a, f"Nhóm {a}") for a in (activity.audiences or ())),
        messages=tuple(message_texts[m] for m in (activity.messages or ()) if m in message_texts),
        results=result_lines(activity.kind, results),
        attendance=attendance,
        checkins=sum(counts.values()) if checkins is None else checkins,
        extra_attendees=int(results.get("extra_attendees") or 0),
        links=tuple(activity.links or ()),
        notes=activity.notes or "",
        cancel_reason=activity.cancel_reason or "",
        photos=tuple(photo_paths)[:MAX_PHOTOS],
    )


def _when(start: dt.datetime, end: dt.datetime) -> str:
    """ "08:00 – 11:30 ngày 01/07/2026", or both dates when it spans days."""
    if fmt_date(start) == fmt_date(end):
        return f"{fmt_time(start)} – {fmt_time(end)} ngày {fmt_date(start)}"
    return f"{fmt_time(start)} ngày {fmt_date(start)} – {fmt_time(end)} ngày {fmt_date(end)}"


def _photo_grid(photos: Sequence[str | Path | bytes], width: float) -> Flowable | None:
    """Up to four photos, two a row (one alone is larger), each scaled to fit; unreadable ones are left out."""
    photos = list(photos[:MAX_PHOTOS])
    box = (width * 0.8, 95 * mm) if len(photos) == 1 else ((width - 6 * mm) / 2, 62 * mm)
    images = []
    for photo in photos:
        try:
            images.append(image_fit(photo, *box))
        except (OSError, ValueError):
            continue  # a missing or corrupt upload must not stop the report
    if not images:
        return None
    columns = 1 if len(images) == 1 else 2
    rows = [images[i:i + columns] + [""] * (columns - len(images[i:i + columns]))
            for i in range(0, len(images), columns)]
    return Table(
        rows,
        colWidths=[width / columns] * columns,
        style=TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]),
    )


def build_activity_report(data: ActivityReportData) -> bytes:
    """Draw the activity report in the ND 30/2020 frame and return the PDF bytes."""
    width = content_width()
    body: list[Flowable] = section("I. THÔNG TIN HOẠT ĐỘNG")
    body += [
        line("Tên hoạt động", data.title),
        line("Loại hoạt động", data.kind_label),
        line("Đơn vị", data.unit_name),
        line("Thời gian", _when(data.start, data.end)),
        line("Địa điểm", data.venue or "—"),
        line("Đơn vị chủ trì", data.organiser or "—"),
        line("Đơn vị phối hợp", ", ".join(data.partners) if data.partners else "—"),
        line("Đối tượng tuyên truyền", "; ".join(data.audiences) if data.audiences else "—"),
        line("Trạng thái", data.status_label + (f" (lý do: {data.cancel_reason})" if data.cancel_reason else "")),
    ]
    body.extend(section("II. THÔNG ĐIỆP TUYÊN TRUYỀN"))
    if data.messages:
        body += [para(f"{i}. {m}") for i, m in enumerate(data.messages, 1)]
    else:
        body.append(para("Không ghi nhận thông điệp.", "note"))
    body.extend(section("III. KẾT QUẢ"))
    rows = [["STT", "Chỉ tiêu", "Kết quả"]]
    rows += [[str(i), r.label, r.value] for i, r in enumerate(data.results, 1)]
    if data.checkins or data.extra_attendees:
        rows.append([str(len(rows)), "Số người điểm danh bằng QR", fmt_int(data.checkins)])
        rows.append([str(len(rows)), "Tổng số người tham dự", fmt_int(data.total_attendees)])
    if len(rows) > 1:
        body.append(table(rows, [12 * mm, width - 12 * mm - 50 * mm, 50 * mm], align=["CENTER", "LEFT", "RIGHT"]))
    else:
        body.append(para("Chưa nhập kết quả.", "note"))
    if data.links:
        body.append(Spacer(1, 2 * mm))
        body.append(line("Đường dẫn", "\n".join(data.links), "small"))
    body.extend(section("IV. NGƯỜI THAM DỰ THEO NHÓM ĐỐI TƯỢNG"))
    if data.attendance:
        rows = [["STT", "Nhóm đối tượng", "Số người"]]
        rows += [[str(i), a.audience, fmt_int(a.count)] for i, a in enumerate(data.attendance, 1)]
        rows.append(["", para("Cộng", "cell_bold"), para(fmt_int(sum(a.count for a in data.attendance)), "cell_bold")])
        body.append(table(rows, [12 * mm, width - 12 * mm - 35 * mm, 35 * mm], align=["CENTER", "LEFT", "RIGHT"]))
    else:
        body.append(para("Chưa có người điểm danh theo nhóm đối tượng.", "note"))
    if data.notes:
        body += [*section("V. GHI CHÚ"), para(data.notes)]
    grid = _photo_grid(data.photos, width)
    if grid is not None:
        body += [*section("HÌNH ẢNH HOẠT ĐỘNG"), grid]
    return build_pdf(
        data.header,
        TITLE,
        body,
        subtitle=nfc(data.title),
        recipients=data.recipients,
        signer_title=data.signer_title,
        signer_name=data.signer_name,
    )
