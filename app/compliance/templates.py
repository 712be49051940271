"""Campaign templates the product ships (SPEC §4.1, §4.2); the city office edits copies."""

import re
from datetime import date

from app.compliance.engine import (
    EVIDENCE_ACTIVITY,
    EVIDENCE_REPORT,
    CampaignSpec,
    CityRequirementSpec,
    DutySpec,
)

BHYT_DAY_2026_SLUG = "bhyt-day-2026"
THANG_VAN_DONG_SLUG = "thang-van-dong-{year}"
_THANG_VAN_DONG_RE = re.compile(r"thang-van-dong-(\d{4})")

# Seed 002, Appendix II, duty 2: any direct or online communication activity.
COMMUNICATION_KINDS = frozenset(
    {"conference", "fair", "communication_point", "small_group", "livestream", "launch", "contest"}
)
# Seed 003 III.12 (choice, SPEC §4.2): a direct activity in May.
DIRECT_KINDS = frozenset({"conference", "communication_point", "small_group", "fair"})


def bhyt_day_2026() -> CampaignSpec:
    """Peak campaign for Vietnam Health Insurance Day 01/7/2026 (seed 002, SPEC §4.1)."""
    start, end = date(2026, 6, 22), date(2026, 7, 11)
    fair_day = date(2026, 7, 1)

    def activity_duty(no, text, kinds, hint, window_start=start, window_end=end):
        """A duty met by one held activity of these kinds, in the period unless told."""
        return DutySpec(no, text, EVIDENCE_ACTIVITY, frozenset(kinds), 1, window_start, window_end, hint)

    duties = (
        activity_duty(
            1,
            "Tham mưu UBND xã, phường, đặc khu triển khai các hoạt động hưởng ứng "
            "Ngày Bảo hiểm y tế Việt Nam 01/7/2026",
            {"advisory"},
            "Ghi nhận văn bản tham mưu UBND xã, phường, đặc khu (số, ngày văn bản) trước 30/6/2026.",
            window_start=None,
            window_end=date(2026, 6, 29),
        ),
        activity_duty(
            2,
            "Phối hợp tổ chức ít nhất 01 hoạt động tuyên truyền, tư vấn, giải đáp chính sách "
            "Bảo hiểm xã hội, Bảo hiểm y tế tại địa bàn",
            COMMUNICATION_KINDS,
            "Ghi nhận ít nhất 01 hội nghị, ngày hội, điểm truyền thông, truyền thông nhóm nhỏ, "
            "livestream, lễ ra quân hoặc hội thi đã tổ chức trong đợt cao điểm (22/6 – 11/7/2026).",
        ),
        activity_duty(
            3,
            "Phối hợp tổ chức Ngày hội tuyên truyền, tư vấn, giải đáp chính sách Bảo hiểm xã hội, Bảo hiểm y tế",
            {"fair"},
            "Ghi nhận Ngày hội tuyên truyền, tư vấn, giải đáp chính sách tổ chức đúng ngày 01/7/2026.",
            window_start=fair_day,
            window_end=fair_day,
        ),
        activity_duty(
            4,
            "Tổ chức hoặc phối hợp xây dựng ít nhất 01 điểm truyền thông cộng đồng, điểm tư vấn "
            "chính sách Bảo hiểm xã hội, Bảo hiểm y tế phù hợp điều kiện địa phương",
            {"communication_point"},
            "Ghi nhận ít nhất 01 điểm truyền thông cộng đồng, điểm tư vấn đã hoạt động "
            "trong đợt cao điểm (22/6 – 11/7/2026).",
        ),
        activity_duty(
            5,
            "Phối hợp với hệ thống truyền thanh cơ sở tăng cường phát thanh tuyên truyền về "
            "chính sách Bảo hiểm y tế và các nội dung mới có hiệu lực từ 01/7/2026",
            {"radio"},
            "Ghi nhận các buổi phát thanh trên loa truyền thanh cơ sở từ 22/6 đến 05/7/2026.",
            window_end=date(2026, 7, 5),
        ),
        activity_duty(
            6,
            "Đăng tải, chia sẻ tin, bài, infographic, video clip trên Fanpage, Zalo OA, "
            "Cổng TTĐT và các nền tảng số của đơn vị",
            {"online_post"},
            "Ghi nhận tin, bài, infographic, video clip đã đăng (kèm đường dẫn) trong đợt cao điểm (22/6 – 11/7/2026).",
        ),
        activity_duty(
            7,
            "Rà soát nhóm đối tượng có nguy cơ gián đoạn tham gia Bảo hiểm y tế; nhóm được ngân "
            "sách hỗ trợ mức đóng; nhóm tiềm năng tham gia Bảo hiểm y tế để tuyên truyền, vận động",
            {"review"},
            "Ghi nhận kết quả rà soát ba nhóm đối tượng (nguy cơ gián đoạn, được ngân sách "
            "hỗ trợ, tiềm năng) trong đợt cao điểm (22/6 – 11/7/2026).",
        ),
        activity_duty(
            8,
            "Tuyên truyền lồng ghép tại cơ sở khám chữa bệnh Bảo hiểm y tế, hội nghị, sinh hoạt cộng đồng",
            {"integrated"},
            "Ghi nhận ít nhất 01 buổi tuyên truyền lồng ghép tại cơ sở khám chữa bệnh, hội nghị "
            "hoặc sinh hoạt cộng đồng trong đợt cao điểm (22/6 – 11/7/2026).",
        ),
        DutySpec(
            9,
            "Tổng hợp kết quả thực hiện, báo cáo kết quả thực hiện về Bảo hiểm xã hội thành phố",
            EVIDENCE_REPORT,
            frozenset(),
            1,
            None,
            date(2026, 7, 7),
            "Gửi báo cáo kết quả thực hiện đợt cao điểm về Bảo hiểm xã hội thành phố trước 08/7/2026.",
        ),
    )
    city_requirements = (
        CityRequirementSpec(
            "communication_points",
            "Tối thiểu 03 điểm truyền thông cộng đồng, gian hàng, điểm tuyên truyền, tư vấn trên toàn thành phố",
            frozenset({"communication_point"}),
            3,
            start,
            end,
        ),
        CityRequirementSpec(
            "livestream",
            "Tối thiểu 01 hội nghị, tọa đàm trực tuyến (livestream) tuyên truyền, giải đáp, tư vấn chính sách",
            frozenset({"livestream"}),
            1,
            start,
            end,
        ),
        CityRequirementSpec(
            "banners",
            "Treo băng rôn, khẩu hiệu từ ngày 26/6/2026 đến ngày 11/7/2026",
            frozenset({"banner"}),
            1,
            date(2026, 6, 26),
            date(2026, 7, 11),
        ),
        CityRequirementSpec(
            "fair",
            "Ngày hội tuyên truyền, tư vấn, giải đáp chính sách Bảo hiểm xã hội, Bảo hiểm y tế ngày 01/7/2026",
            frozenset({"fair"}),
            1,
            fair_day,
            fair_day,
        ),
        CityRequirementSpec(
            "launch",
            "Lễ ra quân hưởng ứng Ngày Bảo hiểm y tế Việt Nam, chủ đề "
            "“Bảo hiểm y tế toàn dân - Nền tảng an sinh bền vững”",
            frozenset({"launch"}),
            1,
            start,
            end,
        ),
    )
    return CampaignSpec(
        BHYT_DAY_2026_SLUG,
        "Đợt cao điểm tuyên truyền, giải đáp, tư vấn chính sách nhân Ngày Bảo hiểm y tế Việt Nam 01/7/2026",
        start,
        end,
        duties,
        city_requirements,
    )


def thang_van_dong(year: int) -> CampaignSpec:
    """May campaign "Tháng vận động triển khai BHXH toàn dân" of a year (seed 003 III.12, SPEC §4.2)."""
    return CampaignSpec(
        THANG_VAN_DONG_SLUG.format(year=year),
        f"Tháng vận động triển khai BHXH toàn dân năm {year}",
        date(year, 4, 1),
        date(year, 6, 5),
        (
            DutySpec(
                1,
                "Xây dựng kế hoạch triển khai Tháng vận động triển khai BHXH toàn dân",
                EVIDENCE_ACTIVITY,
                frozenset({"advisory"}),
                1,
                None,
                date(year, 4, 30),
                f"Ghi nhận kế hoạch triển khai Tháng vận động (số, ngày văn bản) trước 01/5/{year}.",
            ),
            DutySpec(
                2,
                "Tổ chức ít nhất 01 hoạt động tuyên truyền, tư vấn trực tiếp trong Tháng vận động "
                "triển khai BHXH toàn dân",
                EVIDENCE_ACTIVITY,
                DIRECT_KINDS,
                1,
                date(year, 5, 1),
                date(year, 5, 31),
                "Ghi nhận ít nhất 01 hội nghị, điểm truyền thông, truyền thông nhóm nhỏ hoặc "
                f"ngày hội đã tổ chức trong tháng 5/{year}.",
            ),
            DutySpec(
                3,
                "Báo cáo kết quả thực hiện Tháng vận động triển khai BHXH toàn dân",
                EVIDENCE_REPORT,
                frozenset(),
                1,
                None,
                date(year, 6, 5),
                f"Gửi báo cáo kết quả Tháng vận động về Bảo hiểm xã hội thành phố trước 06/6/{year}.",
            ),
        ),
    )


def template_for(slug: str) -> CampaignSpec | None:
    """The shipped template with this slug (SPEC §12 campaign slugs), or None."""
    if slug == BHYT_DAY_2026_SLUG:
        return bhyt_day_2026()
    match = _THANG_VAN_DONG_RE.fullmatch(slug)
    if match:
        return thang_van_dong(int(match.group(1)))
    return None
