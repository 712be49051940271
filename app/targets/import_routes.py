"""Loading and editing the commune allocation (SPEC §16), on the targets blueprint: an Excel file with a preview,
per-row errors and nothing written until confirmed; or the figures typed on a page. The city office only."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from pydantic import ValidationError

from app import params
from app.auth.access import role_required
from app.domain.roles import CITY_OFFICE_ROLES
from app.extensions import db
from app.formatting import today_local
from app.models.types import utcnow
from app.schemas.targets import FIELD_MESSAGES, CommuneTargetIn
from app.targets import allocation_import as importer
from app.targets import bp
from app.targets import communes as store
from app.targets.figures import city_total_check, commune_figures
from app.targets.forms import ImportForm
from app.targets.sheet_reader import parse_count, parse_rate

PERIOD_WORDS = {"targets": "Chỉ tiêu năm {}", "actuals": "Số thực hiện tháng {}"}


def _period_arg(kind: str):
    """The period of the preview URL: a year for targets, "YYYY-MM" for actuals (404 when malformed)."""
    raw = (request.args.get("period") or "")[:7]
    if kind == "targets" and raw.isdigit() and len(raw) == 4:
        return int(raw)
    if kind == "actuals" and len(raw) == 7 and raw[4] == "-" and raw[:4].isdigit() and raw[5:].isdigit() \
            and 1 <= int(raw[5:]) <= 12:
        return raw
    abort(404)


@bp.route("/nhap", methods=["GET", "POST"])
@role_required(*CITY_OFFICE_ROLES)
def import_targets():
    """Upload the allocation or a month's actuals as Excel; the next page previews it."""
    form = ImportForm()
    if request.method == "GET":
        today = today_local()
        form.year.data, form.month.data = str(today.year), f"{today.month:02d}/{today.year}"
        form.kind.data = request.args.get("kind") if request.args.get("kind") in importer.KINDS else "targets"
    elif form.validate_on_submit():
        period = form.period()
        upload = request.files.get("file")
        if not upload or not upload.filename:
            form.file.errors = ["Chọn một tệp Excel (.xlsx)."]
        elif period is not None:
            try:
                upload_id = importer.save_upload(upload, current_app.config["UPLOAD_DIR"],
                                                 current_app.config["UPLOAD_MAX_BYTES"])
            except importer.ImportRefused as exc:
                form.file.errors = [str(exc)]
            else:
                return redirect(url_for("targets.import_preview", upload_id=upload_id, kind=form.kind.data,
                                        period=period))
    status = 422 if request.method == "POST" else 200
    return render_template("targets/import.html", form=form), status


def _checked(upload_id: str):
    kind = request.args.get("kind") if request.args.get("kind") in importer.KINDS else abort(404)
    period = _period_arg(kind)
    path = importer.upload_path(upload_id, current_app.config["UPLOAD_DIR"], utcnow())
    if path is None:
        abort(404)
    return kind, period, path


@bp.route("/nhap/<upload_id>")
@role_required(*CITY_OFFICE_ROLES)
def import_preview(upload_id):
    """Every row of the file checked, its errors by row number; nothing is written."""
    kind, period, path = _checked(upload_id)
    preview = importer.preview(path, kind, period)
    return render_template("targets/import_preview.html", preview=preview, kind=kind, period=period,
                           upload_id=upload_id, title=PERIOD_WORDS[kind].format(period))


@bp.route("/nhap/<upload_id>", methods=["POST"])
@role_required(*CITY_OFFICE_ROLES)
def import_confirm(upload_id):
    """Store every row of the previewed file, or none when a row has an error."""
    kind, period, path = _checked(upload_id)
    try:
        stored = importer.confirm(path, kind, period, current_user.id)
    except importer.ImportRefused as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for("targets.import_preview", upload_id=upload_id, kind=kind, period=period))
    db.session.commit()
    importer.discard(path)
    flash(f"Đã lưu {stored} dòng.", "success")
    year = period if kind == "targets" else int(period[:4])
    return redirect(url_for("targets.communes", year=year))


def _typed_rows(form, lines, year: int) -> tuple[list, dict[str, str]]:
    """The rows typed on the edit page as declarations, and {"<code>.<field>": message} for the wrong ones; a row
    left wholly empty is not stored."""
    rows, errors = [], {}
    for line in lines:
        raw = {name: (form.get(f"{name}-{line.code}") or "").strip() for name in store.FIGURES}
        if not any(raw.values()):
            continue
        body = {"code": line.code, "year": year}
        for name, text in raw.items():
            value, error = (parse_rate(text) if name == "bhyt_rate" else parse_count(text))
            if error:
                errors[f"{line.code}.{name}"] = error
            elif value is not None:
                body[name] = value
        try:
            rows.append(CommuneTargetIn.model_validate(body))
        except ValidationError as exc:
            for problem in exc.errors():
                name = str(problem["loc"][0])
                errors.setdefault(f"{line.code}.{name}", FIELD_MESSAGES.get(name, "Giá trị không hợp lệ."))
    return rows, errors


@bp.route("/sua", methods=["GET", "POST"])
@role_required(*CITY_OFFICE_ROLES)
def edit_targets():
    """Type or correct every commune's yearly target on one page; a wrong figure is shown next to its field and
    nothing is stored until every row is right."""
    try:
        year = params.year(request.args.get("year"), today_local().year)
    except params.ParamError:
        abort(404)
    lines = commune_figures(year, today_local())
    errors, typed = {}, {}
    if request.method == "POST":
        from flask_wtf.csrf import validate_csrf
        from wtforms.validators import ValidationError as CsrfError

        try:
            validate_csrf(request.form.get("csrf_token"))
        except CsrfError:
            abort(400)
        rows, errors = _typed_rows(request.form, lines, year)
        if not errors:
            _, ids = store.row_problems(rows)
            store.store_targets(rows, ids, current_user.id)
            db.session.commit()
            flash(f"Đã lưu chỉ tiêu năm {year} của {len(rows)} đơn vị.", "success")
            return redirect(url_for("targets.communes", year=year))
        typed = request.form
    return render_template("targets/edit.html", lines=lines, year=year, errors=errors, typed=typed,
                           checks=city_total_check(year, lines)), 422 if errors else 200
