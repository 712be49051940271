"""The commune targets, actuals and emulation operations of the OpenAPI document; their schemas come from
app/schemas/targets.py."""

from app.api.docs import DATE_QUERY, YEAR_QUERY, operation, query
from app.schemas import targets as schemas

YEAR = query("year", YEAR_QUERY, "Năm; mặc định là năm nay.")

operation("/targets/communes", "get", "commune_targets", "Chỉ tiêu năm của các đơn vị cấp xã; người dùng cấp xã chỉ "
          "thấy đơn vị mình.", "targets", (200, [schemas.CommuneTarget], "Bảng phân bổ."), ("403", "422"),
          parameters=[YEAR])
operation("/targets/communes", "put", "put_commune_targets", "Ghi (thêm hoặc thay) chỉ tiêu năm theo đơn vị (BHXH "
          "thành phố); một dòng sai thì không dòng nào được lưu (422, lỗi theo dòng `<dòng>.<trường>`).", "targets",
          (200, [schemas.CommuneTarget], "Các chỉ tiêu đã lưu."), ("403", "422"), body=schemas.CommuneTargetsIn)
operation("/actuals/communes", "put", "put_commune_actuals", "Ghi (thêm hoặc thay) số thực hiện cuối tháng theo đơn vị "
          "(BHXH thành phố); một dòng sai thì không dòng nào được lưu (422).", "targets",
          (200, [schemas.CommuneActual], "Các số thực hiện đã lưu."), ("403", "422"), body=schemas.CommuneActualsIn)
operation("/emulation", "get", "emulation", "Xếp hạng thi đua của năm tại một ngày: điểm, hạng, các phần (nhiệm vụ đúng "
          "hạn theo bộ máy đánh giá tại ngày đó, công việc, chỉ tiêu theo số thực hiện của các tháng đã hết); người "
          "dùng cấp xã chỉ thấy dòng của mình.", "targets",
          (200, [schemas.EmulationStanding], "Bảng xếp hạng, cao nhất trước."), ("403", "422"),
          parameters=[YEAR, query("as_of", DATE_QUERY, "Tính đến ngày; mặc định hôm nay.")])
