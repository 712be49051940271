"""Security headers on pages and API answers; production refuses the default secret key."""

import pytest

from app import create_app


@pytest.mark.parametrize("url", ["/login", "/api/v1/communes", "/khong-co"])
def test_security_headers_everywhere(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    if response.mimetype == "application/json":  # JSON loads nothing: nothing at all is allowed
        assert csp == "default-src 'none'; frame-ancestors 'none'"
    else:
        assert "default-src 'self'" in csp and "script-src 'self' 'nonce-" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_without_nonce(client, make_user, login):
    login(make_user("admin"))
    for url in ("/", "/communes", "/admin/users", "/admin/users/new", "/profile"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page, url
        assert " style=" not in page, url


def test_production_refuses_default_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY="dev-secret-change-me")


def test_production_cookies_are_secure():
    app = create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_no_template_needs_unsafe_inline():
    """The CSP forbids inline script, event-handler attributes, style attributes and <style> blocks: no template may use them."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\sstyle=\"", r"\son[a-z]+=\"", r"<script(?![^>]*\b(src=|type=\"application/json\"|nonce=))[^>]*>",
                        r"<style(?![^>]*\bnonce=)[^>]*>"):
            for match in re.finditer(pattern, text):
                offenders.append(f"{path.relative_to(root)}: {match.group(0).strip()}")
    assert offenders == []
