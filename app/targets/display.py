"""How a pace band is shown (SPEC §16): an icon and a word beside the colour, never the colour alone."""

# band → (word, Bootstrap icon, CSS class of the badge, Excel fill)
BAND_DISPLAY = {
    "done": ("Đã đạt chỉ tiêu năm", "bi-check-circle-fill", "text-bg-success", "C6EFCE"),
    "on_track": ("Đạt tiến độ", "bi-check-circle", "text-bg-success", "C6EFCE"),
    "behind": ("Chậm tiến độ", "bi-exclamation-triangle", "text-bg-warning", "FFEB9C"),
    "far_behind": ("Chậm nhiều", "bi-x-circle-fill", "text-bg-danger", "FFC7CE"),
    "no_data": ("Chưa có số liệu", "bi-dash-circle", "text-bg-secondary", "EDEDED"),
    "no_target": ("Chưa giao chỉ tiêu", "bi-dash-circle", "text-bg-light", "FFFFFF"),
}
FIGURE_LABELS = {"bhxh_bat_buoc": "BHXH bắt buộc", "bhxh_tu_nguyen": "BHXH tự nguyện", "bhyt_rate": "Tỷ lệ BHYT"}


def band_words():
    """Template globals: the band display table and the figure labels."""
    return {"band_display": BAND_DISPLAY, "figure_labels": FIGURE_LABELS}
