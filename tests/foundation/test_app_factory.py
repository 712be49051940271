"""The app class: `ensure_sync` answered once per function (the check-in hot path asks it for every hook)."""

from flask import Flask

from app import LanToaFlask, create_app


def _app():
    return create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")


def _count_flask_answers(monkeypatch) -> list:
    """Every function Flask's own `ensure_sync` is asked about, from now on."""
    asked = []
    original = Flask.ensure_sync

    def counting(self, func):
        asked.append(func)
        return original(self, func)

    monkeypatch.setattr(Flask, "ensure_sync", counting)
    return asked


def test_factory_builds_a_lantoa_flask_app():
    assert isinstance(_app(), LanToaFlask)


def test_plain_function_is_its_own_sync_form_and_asked_once(monkeypatch):
    app = _app()
    asked = _count_flask_answers(monkeypatch)

    def view():
        return "ok"

    first = app.ensure_sync(view)
    assert first is view
    assert app.ensure_sync(view) is first
    assert asked == [view]


def test_unhashable_callable_is_still_served():
    class Handler:
        __hash__ = None

        def __call__(self):
            return "ok"

    handler = Handler()
    app = _app()
    assert app.ensure_sync(handler) is handler
    assert app.ensure_sync(handler)() == "ok"


def test_hooks_and_views_are_asked_about_once_across_requests(monkeypatch):
    app = _app()
    asked = _count_flask_answers(monkeypatch)
    client = app.test_client()
    assert client.get("/login").status_code == 200
    after_first = len(asked)
    assert after_first > 0
    assert client.get("/login").status_code == 200
    assert len(asked) == after_first, "the second request asked Flask again"
