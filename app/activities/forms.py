"""Activity forms. Only the shapes live here: every rule is checked once, in `validation.validate`."""

from flask import current_app
from sqlalchemy import select
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import Optional

from app.auth.access import sees_drafts
from app.collation import vi_sorted
from app.domain.kinds import KINDS, PARTNER_TAGS, QR_KINDS, STATUS_LABELS
from app.domain.roles import CITY_OFFICE_ROLES
from app.extensions import db
from app.forms import DATETIME_INPUT, BaseForm, choices
from app.idempotency import OnceForm
from app.models import Agency, Audience, Campaign, CampaignMessage, City, Commune, Message
from app.schemas.activities import MAX_NOTES, MAX_ORGANISER, MAX_REASON, MAX_TITLE, MAX_VENUE

AGENCY_PREFIX = "cq:"  # an agency in the owner list ("cq:SYT"); commune codes are digits


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of check boxes (no script needed)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ActivityForm(OnceForm):
    """Create or edit an activity; result inputs are named `r-<kind>-<key>` and read by the view."""

    commune_code = SelectField("Đơn vị", choices=[], validate_choice=False)
    kind = SelectField("Loại hoạt động", choices=choices((k, v.label) for k, v in KINDS.items()),
                       validate_choice=False)
    title = StringField("Tiêu đề", render_kw={"maxlength": MAX_TITLE})
    start = StringField("Bắt đầu", render_kw=DATETIME_INPUT)
    end = StringField("Kết thúc", render_kw=DATETIME_INPUT)
    venue = StringField("Địa điểm", render_kw={"maxlength": MAX_VENUE})
    organiser = StringField("Đơn vị chủ trì", render_kw={"maxlength": MAX_ORGANISER})
    partners = CheckboxesField("Đơn vị phối hợp", choices=choices((t, t) for t in PARTNER_TAGS),
                               validate_choice=False, validators=[Optional()])
    partners_other = TextAreaField("Đơn vị phối hợp khác (mỗi dòng một đơn vị)", render_kw={"rows": 2})
    audiences = CheckboxesField("Đối tượng tuyên truyền", choices=[], validate_choice=False, validators=[Optional()])
    messages = CheckboxesField("Thông điệp sử dụng", choices=[], validate_choice=False, validators=[Optional()])
    links = TextAreaField("Đường dẫn liên quan (mỗi dòng một đường dẫn)", render_kw={"rows": 2})
    status = SelectField("Trạng thái", choices=choices([("planned", STATUS_LABELS["planned"]),
                                                        ("held", STATUS_LABELS["held"])]), validate_choice=False)
    notes = TextAreaField("Ghi chú", render_kw={"rows": 3, "maxlength": MAX_NOTES})
    preregistration = BooleanField("Cho người dân đăng ký trước và nhận vé QR cá nhân")

    def __init__(self, *args, actor=None, keep_messages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_editable = actor is not None and actor.role in CITY_OFFICE_ROLES
        owners = [("", "— Cấp thành phố —")]
        if self.commune_editable:  # the city office records for a commune, an agency (SPEC §13) or the city
            owners += vi_sorted(db.session.execute(select(Commune.code, Commune.name)).all(), key=lambda c: c.name)
            owners += [(f"{AGENCY_PREFIX}{code}", f"Cơ quan: {name}") for code, name in vi_sorted(db.session.execute(
                select(Agency.code, Agency.name).join(City).where(City.key == current_app.config["CITY"],
                                                                  Agency.active.is_(True))).all(), key=lambda a: a.name)]
        self.commune_code.choices = choices(owners)
        self.audiences.choices = choices((a.id, f"{a.id}. {a.short_name}")
                                         for a in db.session.scalars(select(Audience).order_by(Audience.id)))
        self.messages.choices = choices((m.id, f"{m.id}. {m.text}") for m in offered_messages(actor, keep_messages))

    def to_input(self, result_form) -> dict:
        """The form's values in the API's field names (SPEC §12), results read from `result_form`."""
        kind = self.kind.data
        results = {}
        if kind in KINDS:
            for field in KINDS[kind].results:
                results[field.key] = result_form.get(f"r-{kind}-{field.key}", "")
        partners = list(self.partners.data or []) + (self.partners_other.data or "").splitlines()
        data = {
            "kind": kind, "title": self.title.data or "", "start": self.start.data or "", "end": self.end.data or "",
            "venue": self.venue.data or "", "organiser": self.organiser.data or "", "partners": partners,
            "audiences": list(self.audiences.data or []), "messages": list(self.messages.data or []),
            "links": (self.links.data or "").splitlines(), "status": self.status.data or "planned",
            "results": results, "notes": self.notes.data or "",
            "preregistration": bool(self.preregistration.data) and kind in QR_KINDS,
        }
        if self.commune_editable:
            owner = self.commune_code.data or ""
            agency = owner.startswith(AGENCY_PREFIX)
            data["agency_code"] = owner[len(AGENCY_PREFIX):] if agency else None
            data["commune_code"] = None if agency else owner or None
        return data


def offered_messages(actor, keep=()) -> list[Message]:
    """The official messages an activity form offers (SPEC §8, §18): those of the active campaigns the user may see
    (the 19 by default, as the city office chose them, and those it added), and the activity's own; the whole
    catalogue when there is no campaign yet."""
    chosen = select(CampaignMessage.message_id).join(Campaign).where(Campaign.active.is_(True))
    if not sees_drafts(actor):
        chosen = chosen.where(Campaign.state == "published")
    ids = set(db.session.scalars(chosen)) | {int(i) for i in keep or ()}
    query = select(Message).order_by(Message.id)
    return list(db.session.scalars(query.where(Message.id.in_(ids)) if ids else query))


class ResultsForm(BaseForm):
    """Mark held: only the CSRF token; the result inputs are named `r-<kind>-<key>`."""


class CancelForm(BaseForm):
    """Cancel an activity with a reason."""

    cancel_reason = TextAreaField("Lý do hủy", render_kw={"rows": 2, "maxlength": MAX_REASON})


class CopyForm(OnceForm):
    """Copy an activity to new dates."""

    start = StringField("Bắt đầu", render_kw=DATETIME_INPUT)
    end = StringField("Kết thúc", render_kw=DATETIME_INPUT)


class ConfirmForm(BaseForm):
    """A POST with only the CSRF token (delete)."""
