"""Payloads of the periodic reports (SPEC §12 second wave, §15), declared once as pydantic models.

The page's form and autosave post the same `PeriodicReportIn` fields as the API, so both surfaces read them alike.
"""

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.tasks import IsoDate, field_errors  # noqa: F401  (the same per-field messages as the task API)

SECTION_KEYS = ("ket_qua", "han_che", "kho_khan", "de_xuat")
SECTION_LABELS = {
    "ket_qua": "Kết quả thực hiện",
    "han_che": "Tồn tại, hạn chế, nguyên nhân",
    "kho_khan": "Khó khăn, vướng mắc",
    "de_xuat": "Đề xuất, kiến nghị",
}
SECTION_MAX = 20_000
STATUS_VALUES = Literal["done", "late", "planned", "pending", "overdue", "upcoming"]


class PeriodicReportSections(BaseModel):
    """The plan's free sections of a report (seed 000 §VIII.2)."""

    model_config = ConfigDict(extra="forbid", title="PeriodicReportSections")

    ket_qua: str = Field("", max_length=SECTION_MAX, description=SECTION_LABELS["ket_qua"])
    han_che: str = Field("", max_length=SECTION_MAX, description=SECTION_LABELS["han_che"])
    kho_khan: str = Field("", max_length=SECTION_MAX, description=SECTION_LABELS["kho_khan"])
    de_xuat: str = Field("", max_length=SECTION_MAX, description=SECTION_LABELS["de_xuat"])


class PeriodicReportIn(BaseModel):
    """A draft saved or a report submitted; `submitted_on` only for admin/city (a report received on paper)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, title="PeriodicReportInput")

    unit_type: Literal["commune", "agency"]
    unit_code: str = Field(min_length=1, max_length=16)
    period: str = Field(min_length=1, max_length=24, description="Kỳ báo cáo: `2026-H1`, `2026-Y`, kỳ đột xuất…")
    sections: PeriodicReportSections = Field(default_factory=PeriodicReportSections)
    submit: bool = False
    submitted_on: IsoDate = None


class PeriodicReportRow(BaseModel):
    """One reporting unit for a period, submitted or not, and its status as of the date asked."""

    model_config = ConfigDict(title="PeriodicReportRow")

    unit_type: Literal["commune", "agency"]
    unit_code: str
    unit_name: str
    period: str
    status: STATUS_VALUES
    state: Literal["none", "draft", "submitted"]
    submitted_on: date | None
    submitted_at: str | None
    pdf_url: str | None


class PeriodicReportOut(BaseModel):
    """A unit's report as saved: its state, sections, and (once submitted) its frozen figures and PDF."""

    model_config = ConfigDict(title="PeriodicReport")

    id: int
    unit_type: Literal["commune", "agency"]
    unit_code: str
    period: str
    state: Literal["draft", "submitted"]
    status: STATUS_VALUES
    sections: PeriodicReportSections
    figures: dict | None
    submitted_on: date | None
    version: int
    pdf_url: str | None

