"""The commune targets part of the OpenAPI document, from the pydantic declarations of app/schemas/targets.py."""

from app.api.voice_docs import _json, _op, _query, _ref
from app.schemas import targets as schemas

MODELS = (schemas.CommuneTargetsIn, schemas.CommuneActualsIn, schemas.CommuneTarget, schemas.CommuneActual,
          schemas.EmulationStanding)
SCHEMAS: dict = {}
for _model in MODELS:
    _schema = _model.model_json_schema(ref_template="#/components/schemas/{model}")
    SCHEMAS.update(_schema.pop("$defs", {}))
    SCHEMAS[_model.__name__] = _schema


def _tagged(op: dict) -> dict:
    return op | {"tags": ["targets"]}


YEAR = _query("year", {"type": "integer", "minimum": 2000, "maximum": 2100}, "Năm; mặc định là năm nay.")
PATHS = {
    "/targets/communes": {
        "get": _tagged(_op(
            "commune_targets", "Chỉ tiêu năm của các đơn vị cấp xã; người dùng cấp xã chỉ thấy đơn vị mình.", "200",
            _json({"type": "array", "items": _ref("CommuneTarget")}, "Bảng phân bổ."), ("403", "422"),
            parameters=[YEAR])),
        "put": _tagged(_op(
            "put_commune_targets", "Ghi (thêm hoặc thay) chỉ tiêu năm theo đơn vị (BHXH thành phố); một dòng sai thì "
            "không dòng nào được lưu (422, lỗi theo dòng `<dòng>.<trường>`).", "200",
            _json({"type": "array", "items": _ref("CommuneTarget")}, "Các chỉ tiêu đã lưu."), ("403", "422"),
            body="CommuneTargetsIn"))},
    "/actuals/communes": {
        "put": _tagged(_op(
            "put_commune_actuals", "Ghi (thêm hoặc thay) số thực hiện cuối tháng theo đơn vị (BHXH thành phố); một "
            "dòng sai thì không dòng nào được lưu (422).", "200",
            _json({"type": "array", "items": _ref("CommuneActual")}, "Các số thực hiện đã lưu."), ("403", "422"),
            body="CommuneActualsIn"))},
    "/emulation": {
        "get": _tagged(_op(
            "emulation", "Xếp hạng thi đua của năm tại một ngày: điểm, hạng, các phần (nhiệm vụ đúng hạn theo bộ máy "
            "đánh giá tại ngày đó, công việc, chỉ tiêu theo số thực hiện của các tháng đã hết); người dùng cấp xã "
            "chỉ thấy dòng của mình.", "200",
            _json({"type": "array", "items": _ref("EmulationStanding")}, "Bảng xếp hạng, cao nhất trước."),
            ("403", "422"),
            parameters=[YEAR, _query("as_of", {"type": "string", "format": "date"}, "Tính đến ngày; mặc định hôm nay.")]))},
}
