"""Excel of the targets pages, through app/tabular.py (the formula guard): the same lines as the page."""

from datetime import date

from app.tabular import Sheet
from app.targets.display import BAND_DISPLAY
from app.targets.figures import CommuneFigures

HEADER = ["Mã", "Đơn vị cấp xã", "Chỉ tiêu BHXH bắt buộc", "Thực hiện BHXH bắt buộc", "Tỷ lệ đạt BHXH bắt buộc",
          "Chỉ tiêu BHXH tự nguyện", "Thực hiện BHXH tự nguyện", "Tỷ lệ đạt BHXH tự nguyện", "Chỉ tiêu BHYT (%)",
          "Thực hiện BHYT (%)", "Tỷ lệ đạt BHYT", "Số liệu tháng", "Tiến độ yêu cầu", "Đánh giá",
          "BHXH tự nguyện mới ghi nhận tại hoạt động", "BHYT mới ghi nhận tại hoạt động", "Nguyên nhân",
          "Trách nhiệm", "Giải pháp khắc phục"]


def _row(line: CommuneFigures) -> list:
    target, actual, achieved = line.target or {}, line.actual or {}, line.judged.achieved
    note = line.note
    cells = [line.code, line.name]
    for figure in ("bhxh_bat_buoc", "bhxh_tu_nguyen", "bhyt_rate"):
        cells += [target.get(figure), actual.get(figure), achieved.get(figure)]
    cells += [f"{line.month:02d}/{line.year}" if line.month else None, line.judged.expected,
              BAND_DISPLAY[line.judged.band][0], line.recorded["new_bhxh"], line.recorded["new_bhyt"],
              note.cause if note else None, note.responsibility if note else None, note.remedy if note else None]
    return cells


def figures_sheet(lines: list[CommuneFigures], year: int, as_of: date) -> Sheet:
    """Every commune's line of `year` as of `as_of`, coloured by band (the word is in its own column)."""
    fills = [{13: BAND_DISPLAY[line.judged.band][3]} for line in lines]
    return Sheet("Chỉ tiêu theo xã", HEADER, [_row(line) for line in lines],
                 (8, 28, 12, 12, 10, 12, 12, 10, 10, 10, 10, 10, 10, 18, 14, 14, 30, 30, 30),
                 caption=f"Chỉ tiêu và thực hiện năm {year}, số liệu đến ngày {as_of:%d/%m/%Y}", freeze="C3",
                 column_formats={4: "0.0%", 7: "0.0%", 10: "0.0%", 12: "0.0%"}, fills=fills)


RANKING_HEADER = ["Hạng", "Mã", "Đơn vị cấp xã", "Điểm", "Nhiệm vụ chiến dịch đúng hạn (%)", "Đúng hạn",
                  "Đến hạn", "Nhiệm vụ kế hoạch hoàn thành (%)", "Hoàn thành", "Đến hạn", "Đạt chỉ tiêu (%)",
                  "Đồng hạng với"]


def _ranking_row(row) -> list:
    s, d = row.standing, row.detail
    return [s.rank, s.code, s.name, s.score, s.parts["duties"], d.duties[0], d.duties[1], s.parts["tasks"],
            d.tasks[0], d.tasks[1], s.parts["targets"], ", ".join(row.tied_with) or None]


def commendation_sheets(rows, year: int, as_of: date, weights: dict, top: int) -> list[Sheet]:
    """"Đề xuất khen thưởng": the communes ranked `top` or better, then the whole ranking (same columns)."""
    caption = (f"Năm {year}, số liệu đến ngày {as_of:%d/%m/%Y}; trọng số: nhiệm vụ chiến dịch "
               f"{round(100 * weights['duties'])} %, nhiệm vụ kế hoạch {round(100 * weights['tasks'])} %, "
               f"chỉ tiêu {round(100 * weights['targets'])} %")
    widths = (7, 8, 28, 8, 14, 9, 9, 14, 10, 9, 12, 30)
    chosen = [_ranking_row(r) for r in rows if r.standing.rank <= top]
    return [Sheet("Đề xuất khen thưởng", RANKING_HEADER, chosen, widths, caption=caption, freeze="D3"),
            Sheet("Bảng xếp hạng", RANKING_HEADER, [_ranking_row(r) for r in rows], widths, caption=caption,
                  freeze="D3")]
