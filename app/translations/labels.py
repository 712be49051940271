"""Labels defined in pure modules (engine, kinds) that templates translate with `_()`: listed here for extraction.

The pure modules must not import Flask-Babel; `N_` only marks a string for `pybabel extract` (-k N_).
"""


def N_(text: str) -> str:  # noqa: N802 — the gettext convention
    """Mark a string for extraction; return it unchanged."""
    return text


LABELS = (
    N_('Đã hoàn thành'),
    N_('Hoàn thành trễ hạn'),
    N_('Đã lên kế hoạch'),
    N_('Chưa thực hiện'),
    N_('Quá hạn'),
    N_('Kế hoạch'),
    N_('Đã tổ chức'),
    N_('Đã hủy'),
    N_('Ngày hội tuyên truyền, tư vấn, giải đáp chính sách'),
    N_('Hội nghị tuyên truyền, đối thoại, tư vấn trực tiếp'),
    N_('Điểm truyền thông cộng đồng / gian hàng / điểm tư vấn'),
    N_('Truyền thông nhóm nhỏ, tư vấn hộ gia đình'),
    N_('Lễ ra quân'),
    N_('Hội thi tìm hiểu chính sách'),
    N_('Tuyên truyền lồng ghép (cơ sở KCB, sinh hoạt cộng đồng, chi bộ, đoàn thể)'),
    N_('Livestream, tọa đàm trực tuyến'),
    N_('Phát thanh trên loa truyền thanh cơ sở'),
    N_('Tin, bài, infographic, video trên Fanpage / Zalo OA / Cổng TTĐT'),
    N_('Tin bài, phóng sự, tọa đàm trên báo chí, phát thanh, truyền hình'),
    N_('Băng rôn, khẩu hiệu, tuyên truyền trực quan'),
    N_('Rà soát nhóm đối tượng (nguy cơ gián đoạn, được NSNN hỗ trợ, tiềm năng)'),
    N_('Văn bản tham mưu UBND cấp xã'),
    N_('Số người tham dự không điểm danh'),
    N_('Số lượt tư vấn'),
    N_('Số người tham gia BHYT mới'),
    N_('Số người tham gia BHXH tự nguyện mới'),
    N_('Số tờ rơi, tờ gấp phát ra'),
    N_('Số câu hỏi được giải đáp'),
    N_('Số hộ gia đình được tư vấn'),
    N_('Hình thức lồng ghép (cơ sở KCB, sinh hoạt cộng đồng, chi bộ…)'),
    N_('Đường dẫn buổi phát'),
    N_('Lượt xem'),
    N_('Lượt tương tác'),
    N_('Số lần phát'),
    N_('Tổng thời lượng (phút)'),
    N_('Đường dẫn bài đăng (mỗi dòng một đường dẫn)'),
    N_('Lượt chia sẻ'),
    N_('Cơ quan báo chí'),
    N_('Đường dẫn'),
    N_('Số băng rôn, khẩu hiệu'),
    N_('Vị trí treo'),
    N_('Số người có nguy cơ gián đoạn tham gia BHYT'),
    N_('Số người được ngân sách hỗ trợ mức đóng'),
    N_('Số người tiềm năng tham gia BHYT'),
    N_('Số văn bản'),
    N_('Ngày văn bản'),
)
