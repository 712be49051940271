"""The change history in words (issue 15 item 7): labels and values a person reads, never column names."""

from app.activities.history import describe


def test_start_time_change_reads_in_vietnamese():
    changes = describe({"start_at": ["2026-07-01T08:00+07:00", "2026-07-01T09:00+07:00"]}, {})
    assert [(c.label, c.old, c.new) for c in changes] == [
        ("Thời gian bắt đầu", "08:00 01/07/2026", "09:00 01/07/2026")]


def test_commune_kind_status_and_dates_are_named():
    changes = describe({"commune_id": [None, 7], "kind": ["fair", "radio"], "status": ["planned", "held"],
                        "evidence_date": ["2026-06-30", "2026-07-01"]}, {7: "Phường Hồng Bàng"})
    assert [(c.label, c.old, c.new) for c in changes] == [
        ("Đơn vị", "Cấp thành phố", "Phường Hồng Bàng"),
        ("Loại hoạt động", "Ngày hội tuyên truyền, tư vấn, giải đáp chính sách", "Phát thanh trên loa truyền thanh cơ sở"),
        ("Trạng thái", "Kế hoạch", "Đã tổ chức"),
        ("Ngày tính minh chứng", "30/06/2026", "01/07/2026"),
    ]
    assert not any(name in repr(changes) for name in ("commune_id", "evidence_date", "start_at"))


def test_results_are_one_line_each_with_their_labels():
    changes = describe({"results": [{"consultations": 3}, {"consultations": 1184000, "extra_attendees": 12}]}, {},
                       kind="fair")
    assert [(c.label, c.detail, c.old, c.new) for c in changes] == [
        ("Kết quả", "Số lượt tư vấn", "3", "1.184.000"),
        ("Kết quả", "Số người tham dự không điểm danh", "—", "12"),
    ]


def test_an_empty_list_replacing_nothing_is_no_change():
    assert describe({"partners": [None, []], "title": ["A", "B"]}, {})[0].label == "Tiêu đề"
    assert len(describe({"partners": [None, []]}, {})) == 0
