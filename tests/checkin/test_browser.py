"""Browser tests (Chromium): the scanner's offline queue and the self check-in form at 390×844."""

import re

import pytest
from playwright.sync_api import expect

from app.checkin import services as svc
from app.models.types import utcnow
from bench.server import gunicorn
from tests.checkin.conftest import PERSON, count
from tests.support import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction



@pytest.fixture
def live(app, db):
    """The app under gunicorn on the test database; yields its base URL."""
    env = {"FLASK_CONFIG": "testing", "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    with gunicorn("wsgi:app", env, workers=2, threads=2) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.mark.chromium
@pytest.mark.slow
def test_three_tickets_scanned_offline_are_sent_once_when_online(live, chromium, db, app, make_user, make_activity):
    activity = make_activity(preregistration=True)
    key = app.config["SECRET_KEY"]
    tickets = []
    for i in range(3):
        reg, _ = svc.register(activity, {**PERSON, "full_name": f"Khách {i}", "phone": f"090000000{i}"}, utcnow())
        db.session.flush()
        tickets.append(svc.ticket_for(reg, key))
    db.session.commit()
    user = make_user("commune")
    activity_id = activity.id

    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live + "/login")
    page.fill("#username", user.username)
    page.fill("#password", user.plain_password)
    page.click("button[type=submit]")
    page.goto(f"{live}/activities/{activity_id}/scanner")
    # Plain HTTP on 127.0.0.1 is a secure context, so the insecure notice stays hidden here.
    context.set_offline(True)
    for ticket in tickets:
        page.fill("#usb-input", ticket)
        page.press("#usb-input", "Enter")
    expect(page.locator("[data-pending] span")).to_have_text("3")
    assert "chờ gửi (3)" in page.inner_text("[data-pending]")
    assert count(db, activity_id) == 0
    context.set_offline(False)
    expect(page.locator("[data-pending]")).to_have_class(re.compile(r"\bd-none\b"), timeout=15000)
    page.wait_for_timeout(600)  # let a second flush (interval) run: it must find nothing to send
    assert count(db, activity_id) == 3
    # Scanning the same ticket again answers amber, writes nothing.
    page.fill("#usb-input", tickets[0])
    page.press("#usb-input", "Enter")
    expect(page.locator("#scan-panel")).to_have_attribute("data-state", "dup")
    assert "Đã điểm danh lúc" in page.inner_text("#scan-panel")
    assert count(db, activity_id) == 3
    context.close()


@pytest.mark.chromium
@pytest.mark.slow
def test_self_checkin_fits_a_390_by_844_phone(live, chromium, db, make_activity, tmp_path):
    activity = make_activity()
    url = f"{live}/c/{svc.poster_token(activity, 'test-secret')}"
    db.session.commit()
    context = chromium.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    page.goto(url)
    shot = tmp_path / "checkin-390.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    button = page.locator("button[type=submit]").bounding_box()
    assert button["height"] >= 44 and button["width"] >= 300  # a large touch target
    assert page.locator("#consent").bounding_box()["height"] >= 20
    page.fill("#full_name", "Phạm Thị Hoa")
    page.check("#consent")
    page.click("button[type=submit]")
    assert "Cảm ơn Phạm Thị Hoa" in page.inner_text("main")
    assert count(db, activity.id) == 1
    context.close()


def _y4m(png: bytes, path) -> None:
    """A few frames of a still image as a Y4M video (Chromium's fake camera), the QR centred on white."""
    import io

    from PIL import Image

    qr = Image.open(io.BytesIO(png)).convert("L")
    frame = Image.new("L", (640, 480), 255)
    qr.thumbnail((440, 440))
    frame.paste(qr, ((640 - qr.width) // 2, (480 - qr.height) // 2))
    chroma = bytes([128]) * (320 * 240 * 2)
    with open(path, "wb") as fh:
        fh.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            fh.write(b"FRAME\n" + frame.tobytes() + chroma)


@pytest.mark.chromium
@pytest.mark.slow
def test_camera_scan_of_a_ticket_checks_in_with_the_vendored_decoder(live, db, app, make_user, make_activity,
                                                                      tmp_path, playwright_driver):
    from app.checkin.qr import qr_png

    activity = make_activity(preregistration=True)
    reg, _ = svc.register(activity, {**PERSON, "full_name": "Khách Máy Ảnh"}, utcnow())
    db.session.commit()
    _y4m(qr_png(svc.ticket_for(reg, app.config["SECRET_KEY"]), box_size=6), tmp_path / "qr.y4m")
    user = make_user("commune")
    activity_id = activity.id
    args = [*LAUNCH_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={tmp_path / 'qr.y4m'}"]
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    try:
        context = browser.new_context(permissions=["camera"])
        page = context.new_page()
        page.goto(live + "/login")
        page.fill("#username", user.username)
        page.fill("#password", user.plain_password)
        page.click("button[type=submit]")
        page.goto(f"{live}/activities/{activity_id}/scanner")
        page.click("#camera-toggle")
        expect(page.locator("#scan-panel")).to_have_attribute("data-state", "ok", timeout=15000)
        assert "Khách Máy Ảnh" in page.inner_text("#scan-panel")
    finally:
        browser.close()
    assert count(db, activity_id) == 1


def _lan_address() -> str | None:
    """A non-loopback address of this machine (pages served there are not a secure context)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.mark.chromium
@pytest.mark.slow
def test_scanner_without_https_says_the_camera_is_unavailable_and_the_usb_box_still_works(
        app, db, chromium, make_user, make_activity):
    address = _lan_address()
    if address is None:
        pytest.skip("no non-loopback address to serve on")
    activity = make_activity(preregistration=True)
    reg, _ = svc.register(activity, {**PERSON}, utcnow())
    db.session.commit()
    ticket = svc.ticket_for(reg, app.config["SECRET_KEY"])
    user = make_user("commune")
    activity_id = activity.id
    env = {"FLASK_CONFIG": "testing", "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    with gunicorn("wsgi:app", env, workers=1, threads=2, host=address) as port:
        base = f"http://{address}:{port}"
        context = chromium.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(base + "/login")
        page.fill("#username", user.username)
        page.fill("#password", user.plain_password)
        page.click("button[type=submit]")
        page.goto(f"{base}/activities/{activity_id}/scanner")
        assert page.evaluate("window.isSecureContext") is False
        assert page.is_visible("#scan-insecure")
        assert "không dùng HTTPS" in page.inner_text("#scan-insecure")
        assert page.is_disabled("#camera-toggle")
        page.fill("#usb-input", ticket)
        page.press("#usb-input", "Enter")
        expect(page.locator("#scan-panel")).to_have_attribute("data-state", "ok")
        context.close()
    assert count(db, activity_id) == 1
