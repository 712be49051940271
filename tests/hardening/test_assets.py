"""Static files under content-hashed URLs, cached for a year, compressed; pages compressed but never cached (issue 16)."""

import gzip
import re
from pathlib import Path

import brotli
import pytest
from flask import url_for

from app.assets import BUNDLES, IMMUTABLE

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
TEXT_SUFFIXES = {".css", ".js", ".svg", ".json", ".md", ".txt", ""}
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def static_names() -> list[str]:
    """Every file under static/, as `url_for('static', filename=…)` names it."""
    return sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file())


def hashed_url(app, name: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=name)


@pytest.mark.parametrize("name", static_names() + sorted(BUNDLES))
def test_every_static_file_is_immutable_under_its_hashed_url_and_compressed_when_asked(app, client, name):
    url = hashed_url(app, name)
    assert re.search(r"\.[0-9a-f]{10}(\.[A-Za-z0-9]+)?$", url), url  # the content hash is in the name
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert plain.headers["Cache-Control"] == IMMUTABLE
    assert "Cookie" not in plain.headers.get("Vary", "")  # else a login would make the browser fetch it again
    if name in BUNDLES:
        assert len(plain.data) >= sum((STATIC / part).stat().st_size for part in BUNDLES[name]) * 0.9
    else:
        assert plain.data == (STATIC / name).read_bytes()
    if Path(name).suffix in TEXT_SUFFIXES:
        for encoding in ("br", "gzip"):
            packed = client.get(url, headers={"Accept-Encoding": f"{encoding}, deflate"})
            assert packed.headers["Content-Encoding"] == encoding
            assert packed.headers["Cache-Control"] == IMMUTABLE
            assert "Accept-Encoding" in packed.headers["Vary"]
            assert DECODE[encoding](packed.data) == plain.data
            if len(plain.data) > 2000:
                assert len(packed.data) < len(plain.data) * 0.6


def test_a_changed_file_gets_a_new_url_and_old_or_plain_names_are_revalidated(app, client):
    url = hashed_url(app, "css/app.css")
    for stale in ("/static/css/app.css", "/static/css/app.0123456789.css"):
        response = client.get(stale)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
        assert response.data == (STATIC / "css/app.css").read_bytes()
    etag = client.get(url, headers={"Accept-Encoding": "br"}).headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("path", ["/static/../config.py", "/static/nothing.css", "/static/bundles/nothing.js",
                                  "/static/css/", "/static/%2e%2e/wsgi.py"])
def test_static_paths_outside_or_missing_are_404(client, path):
    assert client.get(path).status_code == 404


def test_pages_and_api_answers_are_compressed_and_never_cached_for_a_year(client, make_user, api_token):
    user = make_user("admin")
    page = client.get("/login", headers={"Accept-Encoding": "gzip, br"})
    assert page.headers["Content-Encoding"] == "br"
    assert "immutable" not in page.headers.get("Cache-Control", "")
    assert "<html" in brotli.decompress(page.data).decode()
    api = client.get("/api/v1/communes", headers={**api_token(user), "Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip" and "immutable" not in api.headers.get("Cache-Control", "")
    assert b'"code"' in gzip.decompress(api.data)


def test_pages_link_their_bundles_and_only_chart_pages_load_chart_js(client, make_user, login):
    login(make_user("city"))
    dashboard = client.get("/dashboard").get_data(as_text=True)
    activities = client.get("/activities").get_data(as_text=True)
    for html in (dashboard, activities):
        assert re.search(r'href="/static/bundles/staff\.[0-9a-f]{10}\.css"', html)
        assert len(re.findall(r"<script src=", html)) == 1  # one JS bundle per page
        assert "/static/vendor/" not in html  # nothing loaded outside a bundle
    assert re.search(r'src="/static/bundles/dashboard\.[0-9a-f]{10}\.js"', dashboard)
    assert re.search(r'src="/static/bundles/staff\.[0-9a-f]{10}\.js"', activities)
    assert all("chartjs" not in part for part in BUNDLES["bundles/staff.js"])


def test_every_icon_a_page_names_is_in_the_icon_subset():
    """The pages load a subset of Bootstrap Icons; an icon outside it shows as a blank: run scripts/subset_icons.py."""
    subset = (STATIC / "vendor/bootstrap-icons/icons.css").read_text(encoding="utf-8")
    full = (STATIC / "vendor/bootstrap-icons/bootstrap-icons.min.css").read_text(encoding="utf-8")
    named = set()
    for folder in ("templates", "app", "static/js"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".html", ".py", ".js"):
                named.update(re.findall(r"\bbi-[a-z0-9-]+", path.read_text(encoding="utf-8")))
    missing = sorted(n for n in named if f".{n}::before" in full and f".{n}::before" not in subset)
    assert missing == [], f"icons not in static/vendor/bootstrap-icons/icons.css: {missing}"
