"""Security headers (issue 9): a CSP of 'self' only, frame denial, no sniffing, a strict referrer policy."""

import secrets

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface

from app.idempotency import new_form_token


class AppSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that an API answer or a static file does not depend on it."""

    def save_session(self, app, session, response):
        """For a session that stayed empty and unchanged, only what Flask would do too: Vary if it was read.

        An API answer (bearer token) or a static file does not depend on the cookie even when Flask-Login's
        remember-me refresh read the session: an unchanged session adds no `Vary: Cookie` there (a year-long
        cached file would otherwise be fetched again after every login) and is not sent back.
        """
        if not session.modified and (request.blueprint == "api" or request.endpoint == "static"):
            return
        if not session and not session.modified:
            if session.accessed:  # Flask-Login looks at every request's session
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def csp_nonce() -> str:
    """A per-response nonce for the rare inline <script> (templates: `nonce="{{ csp_nonce() }}"`)."""
    state = g._get_current_object()
    nonce = state.get("csp_nonce")
    if nonce is None:
        nonce = state.csp_nonce = secrets.token_urlsafe(16)
    return nonce


JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"


def content_security_policy(nonce: str) -> str:
    """Everything from this origin only; camera streams and QR images as blob:/data: of this page."""
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",  # the residents' layout inlines its small stylesheet
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def _shared_cache_allowed(headers) -> bool | None:
    """None when no Cache-Control was set; True when a view chose caching on purpose (public or max-age);
    False for what `send_file` sets by itself (no-cache: stored, revalidated) — replaced by no-store."""
    value = headers.get("Cache-Control", "")
    if not value:
        return None
    return "max-age" in value or "public" in value or "immutable" in value


def fixed_headers(config) -> list[tuple[str, str]]:
    """The headers every answer gets (HSTS once the cookies are HTTPS-only)."""
    fixed = [("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"),
             ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")]
    if config.get("SESSION_COOKIE_SECURE"):
        fixed.append(("Strict-Transport-Security", "max-age=31536000"))
    return fixed


def api_json_headers(config) -> list[tuple[str, str]]:
    """Every header `_headers` below gives a JSON answer of the API: what the check-in door sends
    (app/api/checkin_door.py), Content-Length aside."""
    return [("Content-Type", "application/json"), *fixed_headers(config), ("Cache-Control", "no-store"),
            ("Content-Security-Policy", JSON_POLICY)]


def register(app: Flask) -> None:
    """Add the headers to every response; the session interface."""
    app.session_interface = AppSessionInterface()
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.jinja_env.globals["form_token"] = new_form_token  # a plain form's one-time token (app/idempotency.py)
    fixed = [(key.lower(), key, value) for key, value in fixed_headers(app.config)]

    @app.after_request
    def _headers(response):
        headers = response.headers
        # One pass over the few headers already set (a missing-key lookup in werkzeug's Headers raises and
        # catches an exception per header: measurable on the check-in path, which answers hundreds per second).
        present = {key.lower() for key in headers.keys()}
        missing = [(key, value) for lower, key, value in fixed if lower not in present]
        if "cache-control" not in present or _shared_cache_allowed(headers) is False:
            # Pages, JSON and exports carry personal data (names, phones, check-ins): never kept by a browser,
            # a shared office computer's back button or a proxy (issue 22). Static files keep their caching.
            if request.endpoint != "static":
                headers["Cache-Control"] = "no-store"
        if "content-security-policy" not in present:
            # JSON loads nothing and is framed by nobody: the strictest policy, no nonce to make (OWASP REST).
            policy = JSON_POLICY if response.mimetype == "application/json" else content_security_policy(csp_nonce())
            missing.append(("Content-Security-Policy", policy))
        headers.extend(missing)
        return response
