"""Issue 15 item 11: every text box a staff form sends carries the `maxlength` the server enforces, so the browser
stops typing where the server would refuse (or cut), on every page of the URL map as an admin and a commune officer."""

import re

from tests.hardening.conftest import world  # noqa: F401 — the fixture
from tests.i18n.test_english_completeness import html_pages
from tests.support import csrf_token

FIELD = re.compile(r"<(?:input|textarea)\b[^>]*>")
TEXT_TYPES = ("text", "url", "tel", "search", "email")
# Limited per line, not as a whole (each link ≤ 1,000, each partner ≤ 100, each section "I. Tên phần"), or by
# nothing the server counts: a plan's title is a Text column; `q` is a search box (a GET filter), `years` a list.
PER_LINE_OR_UNLIMITED = {"links", "partners_other", "sections", "years", "q"}
UNLIMITED_BY_PAGE = {("tasks.new_plan", "title"), ("tasks.edit_plan", "title")}


def test_every_text_box_of_a_staff_form_has_a_maxlength(app, client, db, world, login):  # noqa: F811
    missing = []
    for role in ("admin", "commune"):
        if role != "admin":
            client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
        login(world["users"][role])
        for endpoint, url in html_pages(app, world):
            response = client.get(url, follow_redirects=True)
            if response.status_code != 200 or response.mimetype != "text/html":
                response.close()  # a download: its file handle closed
                continue
            html = response.get_data(as_text=True)
            response.close()
            for tag in FIELD.findall(html):
                kind = re.search(r'\btype="([^"]+)"', tag)
                name = re.search(r'\bname="([^"]+)"', tag)
                if name is None or "maxlength=" in tag or (kind and kind.group(1) not in TEXT_TYPES):
                    continue
                name = name.group(1)
                if name in PER_LINE_OR_UNLIMITED or name.endswith("-urls") or (endpoint, name) in UNLIMITED_BY_PAGE:
                    continue
                missing.append(f"{endpoint} ({url}) as {role}: {name}")
    assert not missing, "\n".join(dict.fromkeys(missing))
