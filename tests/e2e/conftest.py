"""Browser journeys: Debian's Chromium driven by Playwright against a live server on the test database.

The server is werkzeug's, in a thread of this process, serving the session's `app` (SQLite file, or
PostgreSQL when DATABASE_URL is set); test data is written through services in the test's own app
context and committed before the browser asks for it. A failed test leaves a full-page screenshot in
test-results/; every page records CSP violations, console errors and uncaught exceptions.
"""

import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

TIMEOUT_MS = 10_000

# Runs in every document before its own scripts: a CSP violation is reported to the test through a binding.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__reportProblem("CSP " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                         + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


class QuietHandler(WSGIRequestHandler):
    """No access log line per request (a journey makes hundreds); errors are still logged."""

    def log_request(self, *args, **kwargs):
        pass


class OneAtATime:
    """The app answering one request at a time, its body read whole inside. Every request of the live server runs
    on the test's one database connection (tests/conftest.py `db`), which two requests at once leave invalid — a
    page's parallel fetches, or the last page of one test still loading while the next test's pages begin (seen
    under pytest-xdist, when two workers share the two cores) — and every later browser test then fails."""

    def __init__(self, app):
        self.app, self.lock = app, threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            body = self.app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                if hasattr(body, "close"):
                    body.close()


class ServerThread(threading.Thread):
    """werkzeug's threaded server on a free loopback port, stopped at the end of the session."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.server = make_server("127.0.0.1", 0, OneAtATime(app), threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def run(self):
        self.server.serve_forever()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(app):
    """The base URL of the app served live (the test's database, the test config)."""
    server = ServerThread(app)
    server.start()
    yield server.url
    server.stop()


class PageProblems(list):
    """CSP violations, console errors and uncaught exceptions seen by one browser context, with their page."""

    def add(self, page, text: str) -> None:
        self.append(f"{page.url}: {text}")


def open_context(chromium, base_url: str, **options):
    """A fresh context (cookies, storage) in Vietnamese time that records its pages' problems in `.problems`."""
    settings = {"viewport": {"width": 1366, "height": 900}, "locale": "vi-VN", **options}  # en-US: an English browser
    context = chromium.new_context(base_url=base_url, timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True,
                                   **settings)
    context.set_default_timeout(TIMEOUT_MS)
    problems = PageProblems()
    context.expose_binding("__reportProblem", lambda source, text: problems.add(source["page"], text))
    context.add_init_script(CSP_LISTENER)

    def on_console(page, msg):
        # Chromium's own PDF viewer asks for /favicon.ico (our pages link /static/favicon.svg): not a page error.
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            problems.add(page, f"console: {msg.text} ({msg.location.get('url', '')})")

    def watch(page):
        page.on("console", lambda msg: on_console(page, msg))
        page.on("pageerror", lambda exc: problems.add(page, f"uncaught: {exc}"))

    context.on("page", watch)
    context.problems = problems
    return context


@pytest.fixture
def new_page(chromium, live_server, db):
    """Factory: a page in a context of its own (a second person, a phone viewport); all closed after the test."""
    contexts = []

    def make(**options):
        context = open_context(chromium, live_server, **options)
        contexts.append(context)
        return context.new_page()

    make.contexts = contexts
    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def tab(new_page):
    """The test's first browser tab (1366×900). Not named `page`: pytest-playwright would parametrize it."""
    return new_page()


@pytest.fixture
def browser_login(live_server):
    """Log a user in through the login form, as a person does."""

    def do(page, user, password=None):
        page.goto("/login")
        page.locator("input[name=username]").fill(user.username)
        page.locator("input[name=password]").fill(password or user.plain_password)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    return do


def assert_no_page_problems(page_or_context) -> None:
    """Fail with every CSP violation, console error or uncaught exception the context saw."""
    context = getattr(page_or_context, "context", page_or_context)
    for p in context.pages:
        p.wait_for_load_state("load")
    assert list(context.problems) == [], "\n".join(context.problems)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, save a full-page screenshot of each of the test's pages to test-results/ and print the paths."""
    report = yield
    factory = getattr(item, "funcargs", {}).get("new_page")
    if not (report.failed and report.when == "call" and factory is not None):
        return report
    folder = Path(item.config.rootpath) / "test-results"
    folder.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
    pages = [p for context in factory.contexts for p in context.pages if not p.is_closed()]
    terminal = item.config.pluginmanager.get_plugin("terminalreporter")
    for n, page in enumerate(pages, 1):
        path = folder / f"{stem}{'' if n == 1 else f'-{n}'}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as exc:  # noqa: BLE001 — a failed screenshot must not hide the failure itself
            line = f"screenshot could not be taken: {exc}"
        else:
            line = f"screenshot of the failure: {path} (page {page.url})"
        report.sections.append(("screenshot", line))
        if terminal is not None:
            terminal.write_line(line)
    return report
