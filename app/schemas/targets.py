"""Payloads of the commune targets and actuals (SPEC §12 second wave, §16): `PUT /api/v1/targets/communes` and
`PUT /api/v1/actuals/communes`. A payload is a list of rows; any error refuses the whole of it."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictFloat, StrictInt, StrictStr

MAX_ROWS = 2000  # a city has a few hundred commune-level units; several years fit
MAX_PEOPLE = 100_000_000

People = Annotated[StrictInt, Field(ge=0, le=MAX_PEOPLE)]
Rate = Annotated[StrictFloat, Field(ge=0, le=100, allow_inf_nan=False)]  # an integer is accepted too

# Vietnamese per-field messages for any invalid value of the field (the API's error shape, 422).
FIELD_MESSAGES = {
    "code": "Bắt buộc: mã đơn vị cấp xã (chuỗi 5 chữ số, ví dụ 11311).",
    "year": "Bắt buộc: năm, số nguyên từ 2000 đến 2100.",
    "month": "Bắt buộc: tháng dạng YYYY-MM, ví dụ 2026-06.",
    "bhxh_bat_buoc": "Bắt buộc: số người tham gia BHXH bắt buộc, số nguyên không âm.",
    "bhxh_tu_nguyen": "Bắt buộc: số người tham gia BHXH tự nguyện, số nguyên không âm.",
    "bhyt_rate": "Bắt buộc: tỷ lệ bao phủ BHYT (%), số từ 0 đến 100.",
}
UNKNOWN_FIELD = "Trường không được hỗ trợ."
NOT_A_LIST = f"Nội dung phải là một danh sách dòng (tối đa {MAX_ROWS} dòng)."
NOT_A_ROW = "Mỗi dòng phải là một đối tượng JSON."


class _Figures(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: StrictStr = Field(min_length=1, max_length=10, description="Mã đơn vị cấp xã, ví dụ `11311`.")
    bhxh_bat_buoc: People = Field(description="Số người tham gia BHXH bắt buộc.")
    bhxh_tu_nguyen: People = Field(description="Số người tham gia BHXH tự nguyện.")
    bhyt_rate: Rate = Field(description="Tỷ lệ bao phủ BHYT, %.")


class CommuneTargetIn(_Figures):
    """The yearly target of one commune ("bảng phân bổ chi tiết")."""

    year: StrictInt = Field(ge=2000, le=2100, description="Năm của chỉ tiêu.")


class CommuneActualIn(_Figures):
    """The actual figures of one commune at the end of a month (from the BHXH data system)."""

    month: StrictStr = Field(pattern=r"^20\d\d-(0[1-9]|1[0-2])$", description="Tháng, `YYYY-MM`, ví dụ `2026-06`.")


class CommuneTargetsIn(RootModel[Annotated[list[CommuneTargetIn], Field(min_length=1, max_length=MAX_ROWS)]]):
    """`PUT /targets/communes`: rows `{code, year, bhxh_bat_buoc, bhxh_tu_nguyen, bhyt_rate}`."""


class CommuneActualsIn(RootModel[Annotated[list[CommuneActualIn], Field(min_length=1, max_length=MAX_ROWS)]]):
    """`PUT /actuals/communes`: rows `{code, month, bhxh_bat_buoc, bhxh_tu_nguyen, bhyt_rate}`."""


class CommuneTarget(CommuneTargetIn):
    """A stored yearly target, with the commune's name."""

    name: str = Field(description="Tên đơn vị cấp xã.")


class CommuneActual(CommuneActualIn):
    """A stored monthly actual, with the commune's name."""

    name: str = Field(description="Tên đơn vị cấp xã.")


def row_errors(exc) -> dict[str, str]:
    """A pydantic ValidationError of a list payload as {"<row>.<field>": Vietnamese message} (rows from 0)."""
    fields = {}
    for error in exc.errors():
        loc = error.get("loc") or ()
        if len(loc) < 1 or not isinstance(loc[0], int):
            fields["body"] = NOT_A_LIST
        elif len(loc) < 2:
            fields[str(loc[0])] = NOT_A_ROW
        else:
            name = str(loc[1])
            message = UNKNOWN_FIELD if error["type"] == "extra_forbidden" else FIELD_MESSAGES.get(name, NOT_A_ROW)
            fields[f"{loc[0]}.{name}"] = message
    return fields


class EmulationParts(BaseModel):
    """The parts of an emulation score, each a percentage; null when it cannot be measured (then it weighs nothing
    and the other weights are scaled to sum to 1). `tasks` is null until the task register exists."""

    duties: float | None = Field(description="Nhiệm vụ hoàn thành đúng hạn / nhiệm vụ đến hạn, các chiến dịch của năm.")
    tasks: float | None = Field(description="Công việc hoàn thành / đến hạn; null khi chưa có sổ công việc.")
    targets: float | None = Field(description="Trung bình min(thực hiện / chỉ tiêu, 1) của ba chỉ tiêu năm.")


class EmulationStanding(BaseModel):
    """A commune's emulation standing (default weights: 40 % duties, 20 % tasks, 40 % targets)."""

    code: str
    name: str
    score: float = Field(description="Điểm 0–100, hai chữ số thập phân.")
    rank: int = Field(description="Hạng; điểm bằng nhau cùng hạng (1, 1, 3), xếp theo tên tiếng Việt.")
    parts: EmulationParts
