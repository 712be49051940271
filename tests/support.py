"""Helpers the tests share that are not fixtures: tools, a browser-like test client, forms with their CSRF token.

Plain functions, imported from here (never from a conftest module).
"""

import os
import re
import shutil

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient

REFERENCE_TABLES = {"cities", "communes", "audiences", "messages", "alembic_version"}


CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by .ci/run
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]


def require_tool(path_or_name: str, why: str) -> str:
    """The tool's path, or a visible skip on a laptop; under CI=true a missing tool fails the test."""
    found = path_or_name if os.path.isabs(path_or_name) and os.path.exists(path_or_name) else shutil.which(path_or_name)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{path_or_name} is required in CI ({why})")
    pytest.skip(f"{path_or_name} not installed: {why}")


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, `g` and DB session, as in production.

    Tests hold an app context open to query the database; without this, requests would share
    that context's `g` (Flask-WTF caches the CSRF token there) and its session's identity map.
    """

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token in a rendered form."""
    match = CSRF_RE.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def csrf_token(client, url: str = "/login") -> str:
    """Fetch a page with a form and return its CSRF token (valid for this client's session)."""
    response = client.get(url)
    return csrf_from(response.get_data(as_text=True))


def post_form(client, url: str, data: dict, form_url: str | None = None, **kwargs):
    """POST a form like a browser: with the CSRF token of the page that shows it."""
    payload = dict(data)
    payload["csrf_token"] = csrf_token(client, form_url or url)
    return client.post(url, data=payload, **kwargs)


FRAGMENT_RE = re.compile(r'data-fragment="([^"]+)" data-block="([^"]+)"')


def dashboard_with_blocks(client, url: str) -> str:
    """The city dashboard as a browser ends up showing it: the page, then each block it fetches after it is
    shown (`data-fragment`, with the header the page's script sends) appended."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    blocks = FRAGMENT_RE.findall(html)
    assert blocks, "the dashboard names no block to fetch"
    for src, _name in blocks:
        part = client.get(src.replace("&amp;", "&"), headers={"X-Fragment": "1"})
        assert part.status_code == 200 and "<html" not in part.get_data(as_text=True)
        html += part.get_data(as_text=True)
    return html


def xlsx_bytes(rows, sheet_xml=None) -> bytes:
    """An .xlsx of `rows`; `sheet_xml(body) -> body` rewrites its first sheet's XML as an attacker would."""
    import io
    import zipfile

    from openpyxl import Workbook

    wb, buf = Workbook(), io.BytesIO()
    for row in rows:
        wb.active.append(row)
    wb.save(buf)
    if sheet_xml is None:
        return buf.getvalue()
    src, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for entry in src.infolist():
            body = src.read(entry)
            z.writestr(entry, sheet_xml(body) if entry.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()
