"""SPEC §15 journey: a commune officer writes the six-month report, the connection drops, the page is reloaded —
nothing typed is lost; then the report is submitted once, and a second submit creates nothing."""

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from app.models import PeriodicReport
from tests.e2e.conftest import assert_no_page_problems

pytestmark = [pytest.mark.chromium, pytest.mark.wipe]  # a live server: the full wipe
KHO_KHAN = "Mất điện ở nhà văn hóa khu 3 nên phải dời hội nghị."
DE_XUAT = "Đề nghị cấp thêm 500 tờ gấp về BHYT hộ gia đình."


def test_draft_survives_a_dropped_connection_and_reload_and_is_submitted_once(tab, make_user, browser_login, db):
    officer = make_user("commune")
    browser_login(tab, officer)
    tab.goto("/bao-cao-dinh-ky/2026-H1/11311")
    tab.locator("#f-kho_khan").fill(KHO_KHAN)  # online: reaches the server's draft
    tab.locator("#autosave-status", has_text="máy chủ").wait_for()

    tab.context.set_offline(True)
    tab.locator("#f-de_xuat").fill(DE_XUAT)
    tab.locator("#autosave-status", has_text="Mất kết nối").wait_for()
    with contextlib.suppress(PlaywrightError):
        tab.reload()  # still offline: the browser's own error page replaces the form
    tab.context.set_offline(False)
    tab.reload()
    assert tab.locator("#f-de_xuat").input_value() == DE_XUAT  # kept in the browser, put back
    assert tab.locator("#f-kho_khan").input_value() == KHO_KHAN  # from the server's draft
    # and on the server too: sent from this browser's copy (or by the retry when the network came back)
    tab.locator("#periodic-form[data-synced=true]").wait_for(state="attached")
    db.session.expire_all()
    assert db.session.scalar(select(PeriodicReport.sections)) == {"ket_qua": "", "han_che": "", "kho_khan": KHO_KHAN,
                                                                  "de_xuat": DE_XUAT}

    form = {"csrf_token": tab.locator("#periodic-form input[name=csrf_token]").input_value(), "action": "submit",
            "ket_qua": "", "han_che": "", "kho_khan": KHO_KHAN, "de_xuat": DE_XUAT}
    tab.once("dialog", lambda dialog: dialog.accept())
    tab.locator("button[value=submit]").click()
    tab.locator(".alert", has_text="Đã gửi báo cáo").wait_for()
    assert tab.locator("a", has_text="Bản PDF đã gửi").count() == 1
    again = tab.context.request.post(tab.url, form=form)  # the same form sent a second time (a double click)
    assert again.ok and "không tạo báo cáo thứ hai" in again.text()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PeriodicReport)) == 1
    offline = [p for p in tab.context.problems if "ERR_INTERNET_DISCONNECTED" in p]  # expected while offline
    for problem in offline:
        tab.context.problems.remove(problem)
    assert_no_page_problems(tab)
