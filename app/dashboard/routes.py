"""Dashboard pages: targets against actuals (the campaign dashboards come with the compliance engine)."""

from io import BytesIO

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.auth.access import role_required
from app.dashboard import bp
from app.dashboard.forms import ActualForm
from app.dashboard.services import record_actual, targets_table
from app.extensions import db
from app.formatting import today_local


@bp.route("/targets", methods=["GET", "POST"])
@role_required("admin", "city", "viewer")
def targets():
    """Targets 2026–2030 against recorded actuals; the city office records actual figures (SPEC §9)."""
    form = ActualForm()
    if request.method == "GET":
        today = today_local()
        form.year.data, form.month.data = today.year, today.month
    can_record = current_user.role in ("admin", "city")
    if request.method == "POST":
        if not can_record:
            return render_template("errors/error.html", status=403,
                                   message="Bạn không có quyền ghi nhận số liệu."), 403
        if form.validate_on_submit():
            record_actual(form.year.data, form.month.data, form.metric.data, form.value.data, current_user.id)
            db.session.commit()
            flash("Đã ghi nhận số liệu thực hiện.", "success")
            return redirect(url_for("dashboard.targets"))
    rows = targets_table()
    chart = [r for r in rows if r["metric"] in ("bhxh_participants", "bhxh_voluntary")]
    status = 422 if request.method == "POST" else 200
    return render_template("dashboard/targets.html", rows=rows, chart=chart, form=form,
                           can_record=can_record), status


@bp.route("/targets.xlsx")
@role_required("admin", "city", "viewer")
def targets_xlsx():
    """The targets table as an Excel file."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ tiêu"
    ws.append(["Chỉ tiêu", "Đơn vị", "Năm", "Chỉ tiêu giao", "Thực hiện", "Tháng", "Tỷ lệ đạt",
               "Ghi nhận tại hoạt động"])
    for r in targets_table():
        ws.append([r["label"], r["unit"], r["year"], r["target"], r["actual"], r["month"],
                   r["ratio"], r["recorded_at_activities"]])
        ws.cell(ws.max_row, 7).number_format = "0.0%"
    for col, width in zip("ABCDEFGH", (48, 8, 8, 14, 14, 8, 10, 14), strict=True):
        ws.column_dimensions[col].width = width
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return send_file(buf, as_attachment=True, download_name="chi-tieu-bhxh-bhyt.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
