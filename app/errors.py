"""Error pages in Vietnamese, JSON errors for the API; a 500 rolls the session back; a lost database is a 503.

Nothing escapes to the WSGI server: the session's teardown cannot raise (a connection that died under a request
is invalidated, not rolled back), and an error that still gets past Flask's handlers (a handler's own template
failing, say) is answered by `LastResort` with the same JSON or a plain page — never the server's English page.
"""

import json
import sys

from flask import Flask, current_app, jsonify, make_response, render_template, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.params import ParamError

MESSAGES_VI = {
    400: "Yêu cầu không hợp lệ.",
    401: "Cần đăng nhập hoặc mã truy cập (token) hợp lệ.",
    403: "Bạn không có quyền truy cập trang này.",
    404: "Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.",
    405: "Phương thức không được hỗ trợ.",
    409: "Dữ liệu xung đột với dữ liệu đã có.",
    413: "Tệp gửi lên quá lớn.",
    422: "Dữ liệu không hợp lệ.",
    429: "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.",
    500: "Đã có lỗi xảy ra phía máy chủ. Dữ liệu của bạn chưa bị thay đổi; vui lòng thử lại.",
    503: "Hệ thống tạm thời không truy cập được cơ sở dữ liệu. Dữ liệu vừa gửi chưa được lưu; "
         "vui lòng thử lại sau ít giây.",
}
RETRY_AFTER_SECONDS = 5
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
         429: "rate_limited", 500: "server_error", 503: "unavailable"}


def wants_json() -> bool:
    """API paths answer JSON."""
    return request.path.startswith("/api/")


def json_error(status: int, message: str | None = None, fields: dict | None = None, code: str | None = None):
    """The API's one error builder: {"error": {"code", "message", "fields"}} (422 with `fields` for bad input)."""
    body = {"error": {"code": code or CODES.get(status, "error"),
                      "message": message or MESSAGES_VI.get(status, "Lỗi."),
                      "fields": fields or {}}}
    return jsonify(body), status


def database_unavailable(exc: BaseException | None) -> bool:
    """True when the error, or one it was raised from, means the database cannot be reached (refused, dropped,
    pool exhausted) — not a bug. A session left unusable by such an error (PendingRollbackError) counts too."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError
                      | sa_exc.PendingRollbackError):
            return True
        if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def unavailable_response():
    """503 with a Vietnamese message and Retry-After; the HTML page needs no database (no menu, no bell)."""
    if wants_json():
        response, status = json_error(503)
    else:
        response, status = make_response(render_template("errors/unavailable.html", message=MESSAGES_VI[503])), 503
    response.status_code = status
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _safe_teardown(exc: BaseException | None = None) -> None:
    """Flask-SQLAlchemy's teardown, unable to raise: when closing the session fails (the rollback of a connection
    that died under the request), the session is forgotten. A lost connection is already invalidated by
    SQLAlchemy, so the pool replaces it; nothing else is touched (another error leaves the connection alone)."""
    try:
        db.session.remove()
    except Exception:
        current_app.logger.warning("closing the session failed", exc_info=True)
        db.session.registry.clear()


class LastResort:
    """WSGI wrapper: an exception that got past Flask's own handlers is answered here, not by the server."""

    def __init__(self, wsgi_app, logger):
        self.wsgi_app = wsgi_app
        self.logger = logger

    def __call__(self, environ, start_response):
        try:
            return self.wsgi_app(environ, start_response)
        except Exception as exc:
            self.logger.exception("error outside the handlers on %s", environ.get("PATH_INFO"))
            status = 503 if database_unavailable(exc) else 500
            message = MESSAGES_VI[status]
            headers = [("Cache-Control", "no-store")]
            if status == 503:
                headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
            if environ.get("PATH_INFO", "").startswith("/api/"):
                body = json.dumps({"error": {"code": CODES[status], "message": message, "fields": {}}},
                                  ensure_ascii=False).encode()
                headers.append(("Content-Type", "application/json"))
            else:
                body = (f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lỗi {status}</title>'
                        f"<p>{message}</p></html>").encode()
                headers.append(("Content-Type", "text/html; charset=utf-8"))
            headers.append(("Content-Length", str(len(body))))
            start_response(f"{status} {'Service Unavailable' if status == 503 else 'Internal Server Error'}",
                           headers, sys.exc_info())
            return [body]


def register(app: Flask) -> None:
    """Install the handlers, the teardown that cannot raise and the last-resort wrapper."""
    funcs = app.teardown_appcontext_funcs
    app.teardown_appcontext_funcs[:] = [_safe_teardown if getattr(f, "__self__", None) is db else f for f in funcs]
    app.wsgi_app = LastResort(app.wsgi_app, app.logger)

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        status = exc.code or 500
        # A view's own abort(…, description=…) says what went wrong; Werkzeug's English default does not.
        own = exc.description if exc.description != type(exc).description else None
        if wants_json():
            return json_error(status, own)
        return render_template("errors/error.html", status=status,
                               message=own or MESSAGES_VI.get(status, exc.description)), status

    @app.errorhandler(ParamError)
    def handle_bad_params(exc: ParamError):
        """Refused query parameters: 422 with a message per field (API), 400 with the messages (pages)."""
        if wants_json():
            return json_error(422, exc.message, exc.fields)
        return render_template("errors/error.html", status=400, message=" ".join(exc.fields.values())), 400

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        try:
            db.session.rollback()
        except Exception:  # the connection is gone: the pool invalidates it; nothing to roll back
            app.logger.warning("rollback failed on %s", request.path)
        if database_unavailable(exc):
            app.logger.warning("database unavailable on %s: %s", request.path, str(exc).splitlines()[0][:200])
            return unavailable_response()
        app.logger.exception("unhandled error on %s", request.path)
        if wants_json():
            return json_error(500)
        return render_template("errors/error.html", status=500, message=MESSAGES_VI[500]), 500
