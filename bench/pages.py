"""What a phone downloads (issue 16): bytes on the wire, requests and server time of the resident's check-in page
and of the city dashboard, first visit (empty cache) and repeat visit, measured by Chromium's own network log.

    python -m bench.pages [--port 5360] [--rounds 15]

Serves the app with gunicorn (2 workers) on a fresh SQLite database with the demo season, opens each page in
headless Chromium through Playwright and sums the Network domain's `encodedDataLength` (headers + compressed
body, as on the wire) of every request that went to the network; a request answered from the browser's
cache is not counted. Server time is the median time to the last byte of the page's HTML over `--rounds`
requests with brotli. The baseline, measured in the same run, is the same page and every file it links sent
uncompressed (Accept-Encoding: identity): the ratio is what compression saves on top of the light layout.

Budgets: check-in first visit ≤ 60 KB and ≤ 4 requests, repeat visit 1 request (the HTML); dashboard ≤ 300 KB,
its deferred blocks (`/dashboard/khoi/…`, documents, never cached) included.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import gunicorn  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
CHECKIN_BYTES, CHECKIN_REQUESTS, DASHBOARD_BYTES = 60 * 1024, 4, 300 * 1024


DEFERRED = "/dashboard/khoi/"  # the city dashboard's blocks, fetched by the page once it is shown


def network_log(page, url: str) -> list[dict]:
    """Open `url` in `page`; one row per request that went to the network: url, bytes on the wire, encoding."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    rows: dict[str, dict] = {}

    def row(event) -> dict:
        return rows.setdefault(event["requestId"], {"bytes": 0, "cached": False, "url": "", "encoding": ""})

    def on_request(event):
        row(event)["url"] = event["request"]["url"]

    def on_response(event):
        r, response = row(event), event["response"]
        r["cached"] |= bool(response.get("fromDiskCache") or response.get("fromPrefetchCache"))
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        r["encoding"] = headers.get("content-encoding", "")

    cdp.on("Network.requestWillBeSent", on_request)
    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.requestServedFromCache", lambda e: row(e).update(cached=True))
    cdp.on("Network.loadingFinished", lambda e: row(e).update(bytes=e["encodedDataLength"]))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")  # late requests (favicon, the dashboard's deferred blocks) count too
    cdp.detach()
    return [r for r in rows.values() if not r["url"].startswith("data:") and not r["cached"] and r["bytes"] > 0]


def visits(context, url: str) -> tuple[list[dict], list[dict]]:
    """The network log of a first visit (this context's cache empty) and of a repeat visit in a new tab."""
    first = network_log(context.new_page(), url)
    repeat = network_log(context.new_page(), url)
    return first, repeat


def login(context, base: str, username: str, password: str) -> None:
    """Sign in through the login form."""
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)
    page.close()


def uncompressed_bytes(port: int, path: str, cookie: str = "") -> int:
    """Bytes of the page and every stylesheet, script and image it links, without compression (the baseline)."""
    def get(p: str) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", p, headers={"Accept-Encoding": "identity", "Cookie": cookie})
        body = conn.getresponse().read()
        conn.close()
        return body

    html = get(path)
    linked = set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html))
    return len(html) + sum(len(get(p.decode())) for p in linked)


def server_ms(port: int, path: str, rounds: int, cookie: str = "") -> float:
    """Median milliseconds to the last byte of the page (brotli), `rounds` requests on one connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"Accept-Encoding": "br", "Cookie": cookie})
        conn.getresponse().read()
        times.append((time.perf_counter() - t0) * 1000)
    conn.close()
    return statistics.median(times)


def prepare(db_url: str, env: dict) -> str:
    """Schema, reference data, the demo season and a fair happening now; return its check-in path."""
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    from datetime import timedelta

    from app import create_app
    from app.activities.services import create_activity
    from app.extensions import db
    from app.formatting import TZ
    from app.models import User
    from app.models.types import utcnow

    app = create_app("development", SQLALCHEMY_DATABASE_URI=db_url)
    with app.app_context():
        officer = db.session.query(User).filter_by(username="coso").one()
        start = utcnow().astimezone(TZ) - timedelta(minutes=30)
        fair = create_activity({"commune_code": officer.commune.code, "kind": "fair", "status": "planned",
                                "title": "Ngày hội tuyên truyền, tư vấn chính sách BHXH, BHYT",
                                "start": start.isoformat(), "end": (start + timedelta(hours=4)).isoformat(),
                                "venue": "Nhà văn hóa khu dân cư số 3"}, officer, utcnow())
        db.session.commit()
        path = f"/c/{fair.public_token}"
        db.session.remove()
        db.engine.dispose()
    return path


def report(name: str, first: list[dict], repeat: list[dict], baseline: int, ms: float, budget: int,
           max_requests: int | None) -> bool:
    """Print one page's figures against its budget; True when within it."""
    total = sum(r["bytes"] for r in first)
    encodings = sorted({r["encoding"] or "none" for r in first})
    ok = total <= budget and (max_requests is None or len(first) <= max_requests)
    # A repeat visit fetches the HTML only — and the documents it asks for after it is shown (the dashboard's
    # deferred blocks, private answers that are never cached): no static file again.
    ok &= len([r for r in repeat if DEFERRED not in r["url"]]) == 1
    print(f"{name}: first visit {total / 1024:.1f} KB in {len(first)} requests (budget {budget // 1024} KB"
          + (f", {max_requests} requests" if max_requests else "") + f"; encodings {', '.join(encodings)}); "
          f"repeat visit {sum(r['bytes'] for r in repeat) / 1024:.1f} KB in {len(repeat)} request(s); "
          f"server {ms:.1f} ms (median); baseline uncompressed {baseline / 1024:.1f} KB, "
          f"ratio {total / baseline:.3f} — {'OK' if ok else 'OVER BUDGET'}")
    for r in first:
        print(f"    {r['bytes']:>7} B  {r['encoding'] or '-':<5} {r['url']}")
    return ok


def main() -> int:
    """Serve, measure both pages, print against the budgets; exit 1 when over a budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5360)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = tempfile.mkdtemp(prefix="bench-pages-")
    db_url = f"sqlite:///{tmp}/pages.db"
    env = {**os.environ, "DATABASE_URL": db_url, "FLASK_CONFIG": "development", "UPLOAD_DIR": tmp}
    checkin = prepare(db_url, env)
    ok = True
    with gunicorn("wsgi:app", env, workers=2, threads=2, port=args.port) as port, sync_playwright() as p:
        base = f"http://127.0.0.1:{port}"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        first, repeat = visits(phone, base + checkin)
        ok &= report("check-in /c/<token>", first, repeat, uncompressed_bytes(port, checkin),
                     server_ms(port, checkin, args.rounds), CHECKIN_BYTES, CHECKIN_REQUESTS)
        desk = browser.new_context(viewport={"width": 1366, "height": 768})
        login(desk, base, "thanhpho", "LanToa2026")
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in desk.cookies())
        first, repeat = visits(desk, base + "/dashboard")
        ok &= report("city dashboard /dashboard", first, repeat, uncompressed_bytes(port, "/dashboard", cookie),
                     server_ms(port, "/dashboard", args.rounds, cookie), DASHBOARD_BYTES, None)
        browser.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
