"""Static files (issue 16): content-hashed URLs cached for a year, bodies compressed once, one bundle per page kind.

`url_for('static', filename='css/app.css')` gives `/static/css/app.<hash>.css`; that URL answers with
`Cache-Control: public, max-age=31536000, immutable`, so a phone that has it never asks again, and a changed
file gets a new URL. The plain name (and a stale hash, from an old cached page) still answers, revalidated
each time (`no-cache`). Text files are compressed once per process (brotli at its best quality, gzip 9) and
answered in the encoding the browser accepts; images and fonts are sent as they are (already compressed).

**The bundle list is here, in `BUNDLES`, and nowhere else**: a page kind's CSS and JS are the concatenation of
its files, served as `static/bundles/<kind>.css|js`. A new script of a staff page joins the right bundle here.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import quote

import brotli
from flask import Flask, Response, abort, current_app, request
from markupsafe import Markup
from werkzeug.security import safe_join

__all__ = ["BUNDLES", "IMMUTABLE", "asset", "hashed_name", "register"]

_STAFF_CSS = ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap-icons/icons.css", "css/app.css")
_STAFF_JS = ("vendor/bootstrap/bootstrap.bundle.min.js", "js/app.js", "js/dateinput.js")

# The one list of bundles (page kind → files, in order). Templates pick a kind (base.html: `css_bundle`,
# `js_bundle`); Chart.js is only in the chart pages' bundles, the QR decoder only in the scanner's.
BUNDLES: dict[str, tuple[str, ...]] = {
    "bundles/public.css": ("css/public.css",),
    "bundles/staff.css": _STAFF_CSS,
    "bundles/scanner.css": (*_STAFF_CSS, "css/checkin.css"),
    "bundles/staff.js": _STAFF_JS,
    "bundles/activity-form.js": (*_STAFF_JS, "js/activity-form.js"),
    "bundles/task-editor.js": (*_STAFF_JS, "js/task-editor.js"),
    "bundles/dashboard.js": (*_STAFF_JS, "vendor/chartjs/chart.umd.min.js", "js/dashboard.js"),
    "bundles/targets.js": (*_STAFF_JS, "vendor/chartjs/chart.umd.min.js", "js/targets.js"),
    "bundles/scanner.js": (*_STAFF_JS, "vendor/qr-scanner/qr-scanner.umd.min.js", "js/scanner.js"),
    "bundles/periodic.js": (*_STAFF_JS, "js/periodic-form.js"),
}

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
HASH_LENGTH = 10
_HASHED = re.compile(rf"^(?P<stem>.+?)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[A-Za-z0-9]+)?$")
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
_SOURCE_MAP = re.compile(rb"\n?/[/*]# sourceMappingURL=[^\n]*")
# Relative references inside a bundled file point next to its source: made absolute (and hashed) in the bundle.
_CSS_URL = re.compile(rb"""url\((['"]?)(?!data:|https?:|/|#)(?P<path>[^'")?#]+)([?#][^'")]*)?\1\)""")
_JS_IMPORT = re.compile(rb"""import\((['"])(?P<path>\.{1,2}/[^'"]+)\1\)""")
_ENCODINGS = ("br", "gzip")


@dataclass
class Asset:
    """One servable file (or bundle): its bytes, their hash, and its compressed forms made on first need."""

    name: str
    data: bytes
    mimetype: str
    stamp: tuple
    digest: str = ""
    encoded: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """The URL hash is of the bytes served, so any change gives a new URL."""
        self.digest = hashlib.sha256(self.data).hexdigest()[:HASH_LENGTH]

    @property
    def compressible(self) -> bool:
        """Text is worth compressing; PNG, WOFF2 and the like already are compressed."""
        return self.mimetype.startswith(_TEXT_TYPES)

    def body(self, encoding: str | None, brotli_quality: int) -> bytes:
        """The bytes in `encoding` (br, gzip or None), compressed once and kept."""
        if encoding is None:
            return self.data
        found = self.encoded.get(encoding)
        if found is None:
            if encoding == "br":
                found = brotli.compress(self.data, quality=brotli_quality)
            else:
                found = gzip.compress(self.data, compresslevel=9, mtime=0)
            self.encoded[encoding] = found
        return found


_cache: dict[tuple[str, str], Asset] = {}
_lock = threading.RLock()  # a bundle hashes the files its CSS points to inside the lock


def _stamp(paths: list[str]) -> tuple:
    """What identifies the sources' current contents without reading them (mtime and size)."""
    out = []
    for path in paths:
        st = os.stat(path)
        out.append((path, st.st_mtime_ns, st.st_size))
    return tuple(out)


def _mimetype(name: str) -> str:
    """The served type; JavaScript as `text/javascript` (RFC 9239)."""
    if name.endswith(".js"):
        return "text/javascript"
    if "." not in name.rsplit("/", 1)[-1]:  # LICENSE
        return "text/plain"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _source_path(folder: str, name: str) -> str | None:
    """The file under the static folder, or None (outside it, missing, a folder)."""
    path = safe_join(folder, name)
    return path if path is not None and os.path.isfile(path) else None


def _bundle_bytes(folder: str, parts: tuple[str, ...], static_url: str) -> bytes:
    """The bundle's files one after the other; relative CSS `url(…)`s and JS `import(…)`s made absolute and hashed
    (qr-scanner imports its worker next to itself), source-map comments left out."""
    chunks = []
    for part in parts:
        with open(os.path.join(folder, part), "rb") as fh:
            data = _SOURCE_MAP.sub(b"", fh.read())
        base = os.path.dirname(part)

        def absolute(match, base=base):
            target = os.path.normpath(os.path.join(base, match["path"].decode())).replace(os.sep, "/")
            url = f"{static_url}/{hashed_name(target)}".encode()
            return b'url("%s")' % url if match.re is _CSS_URL else b'import("%s")' % url

        data = (_CSS_URL if part.endswith(".css") else _JS_IMPORT).sub(absolute, data)
        chunks.append(data.rstrip() + (b"\n" if part.endswith(".css") else b"\n;\n"))
    return b"".join(chunks)


def asset(name: str, app: Flask | None = None) -> Asset | None:
    """The current asset of that static name (a file, or a bundle of `BUNDLES`), or None."""
    app = app or current_app
    folder = app.static_folder
    parts = BUNDLES.get(name)
    if parts is not None:
        paths = [os.path.join(folder, p) for p in parts]
    else:
        path = _source_path(folder, name)
        if path is None:
            return None
        paths = [path]
    key = (folder, name)
    found = _cache.get(key)
    if found is not None and (not app.debug and not app.testing or found.stamp == _stamp(paths)):
        return found
    with _lock:
        stamp = _stamp(paths)
        if parts is not None:
            data = _bundle_bytes(folder, parts, app.static_url_path)
        else:
            with open(paths[0], "rb") as fh:
                data = fh.read()
        found = _cache[key] = Asset(name, data, _mimetype(name), stamp)
    return found


def hashed_name(name: str) -> str:
    """`css/app.css` → `css/app.<hash>.css` for the current contents; the name itself when there is no such file."""
    found = asset(name)
    if found is None:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or "/" in ext:
        return f"{name}.{found.digest}"
    return f"{stem}.{found.digest}.{ext}"


def _accepted_encoding(header: str) -> str | None:
    """br when the browser takes it, else gzip, else None (q=0 refuses)."""
    offered = {}
    for part in header.lower().split(","):
        token, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        offered[token.strip()] = q
    for encoding in _ENCODINGS:
        if offered.get(encoding, offered.get("*", 0.0)) > 0:
            return encoding
    return None


def serve_static(filename: str):
    """The static view: hashed names are immutable for a year; other names are revalidated each time."""
    match = _HASHED.match(filename)
    digest = None
    name = filename
    if match and asset(filename) is None:
        name, digest = match["stem"] + (match["ext"] or ""), match["digest"]
    found = asset(name)
    if found is None:
        abort(404)
    cache = IMMUTABLE if digest == found.digest else REVALIDATE
    encoding = _accepted_encoding(request.headers.get("Accept-Encoding", "")) if found.compressible else None
    etag = found.digest + (f"-{encoding}" if encoding else "")
    headers = {"Cache-Control": cache, "ETag": f'"{etag}"'}
    if found.compressible:
        headers["Vary"] = "Accept-Encoding"
    if request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    body = found.body(encoding, current_app.config.get("ASSET_BROTLI_QUALITY", 11))
    response = Response(body, mimetype=found.mimetype, headers=headers)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response


def _hash_static_urls(endpoint: str, values: dict) -> None:
    """`url_for('static', filename=…)` gives the content-hashed name."""
    if endpoint == "static" and "filename" in values:
        values["filename"] = hashed_name(values["filename"])


def favicon_data_uri() -> str:
    """The favicon inlined as a data: URI (residents' pages: one request fewer on a slow network)."""
    found = asset("favicon.svg")
    return "data:image/svg+xml," + quote(found.data.decode("utf-8"), safe=" :/=\"'") if found else ""


def inline_css(name: str) -> Markup:
    """A small stylesheet's text for a `<style nonce>` in the page itself: the residents' layout puts its 7 KB
    there, so a phone on a weak signal renders after one round trip instead of two (the stylesheet was the
    page's one render-blocking request; Lighthouse's simulated slow 4G counted it ~1.3 s)."""
    found = asset(name)
    if found is None:
        raise LookupError(name)
    return Markup(found.data.decode("utf-8").replace("</", "<\\/"))


def register(app: Flask) -> None:
    """Serve static files through `serve_static`, hash their URLs, and give templates `favicon_data_uri` and
    `inline_css`."""
    app.view_functions["static"] = serve_static
    app.url_defaults(_hash_static_urls)
    app.jinja_env.globals["favicon_data_uri"] = favicon_data_uri
    app.jinja_env.globals["inline_css"] = inline_css
