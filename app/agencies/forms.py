"""Agency forms: only the shapes; the rules are in `services` (messages next to the fields)."""

from wtforms import SelectField, StringField

from app.forms import BaseForm, choices
from app.models import AGENCY_KINDS

KIND_LABELS = {"state": "Sở, ngành", "mass": "MTTQ và đoàn thể", "media": "Báo, đài", "insurance": "Bảo hiểm xã hội"}


class AgencyForm(BaseForm):
    """Add an agency (its code is chosen once) or edit its name and kind."""

    code = StringField("Mã (viết hoa, không dấu, ví dụ SYT)", render_kw={"maxlength": 16, "autocomplete": "off"})
    name = StringField("Tên cơ quan, đơn vị", render_kw={"maxlength": 200})
    kind = SelectField("Loại", choices=choices((k, KIND_LABELS[k]) for k in AGENCY_KINDS), validate_choice=False)


class StateForm(BaseForm):
    """Retire or bring back (a POST with only the CSRF token)."""
