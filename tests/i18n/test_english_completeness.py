"""English is complete (issue 15 item 4): every page of the URL map, as every role, in both languages.

In English mode no Vietnamese may be left on a page outside the data (names of communes, people, titles of
activities, campaigns, duties, official messages: whatever the database holds). A failure names the page, the
role and the exact string, so whoever adds a page knows which entry to append to
app/translations/en/LC_MESSAGES/messages.po. The catalogue itself may hold no empty translation.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import String, Text, select
from sqlalchemy.types import JSON

from tests.hardening.conftest import world  # noqa: F401 — the fixture
from tests.hardening.test_route_scope import ROLES, RULES, TOKEN, _urls
from tests.support import csrf_token

PO = Path(__file__).resolve().parents[2] / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
VI_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
VIETNAMESE = re.compile(f"[{VI_LETTERS}{VI_LETTERS.upper()}]")
# Meant to stay as they are in English mode: the product's name, the switch back to Vietnamese, a placeholder
# showing a Vietnamese name to type, and the code of a decree ("Decree 13/2023/NĐ-CP").
KEPT = ("Lan Tỏa", "Tiếng Việt", "Nguyễn Văn…", "NĐ-CP")
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-confirm")
SKIPPED_TAGS = {"script", "style", "option"}  # <option>s are lists of data (communes, audiences, messages)
# An element marked lang="vi" holds the text of a Vietnamese document (the consolidated report to the city's
# People's Committee, drafted or shown): content, marked as Vietnamese for screen readers, not interface.


class Texts(HTMLParser):
    """The strings a person reads on a page: text nodes and the attributes above, each once."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.document_tag, self.document_depth = None, 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skip += 1
        if self.document_tag == tag:
            self.document_depth += 1
        elif self.document_tag is None and dict(attrs).get("lang") == "vi":
            self.skip += 1
            self.document_tag, self.document_depth = tag, 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self.out.append(value)
            if tag == "input" and name == "value" and dict(attrs).get("type") in ("submit", "button") and value:
                self.out.append(value)

    def handle_endtag(self, tag):
        if tag == self.document_tag:
            self.document_depth -= 1
            if not self.document_depth:
                self.skip -= 1
                self.document_tag = None
        if tag in SKIPPED_TAGS and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.out.append(" ".join(data.split()))


def data_strings(db) -> list[str]:
    """Every string the database holds (the data, which stays in Vietnamese), longest first."""
    found = set()

    def walk(value):
        if isinstance(value, str):
            if VIETNAMESE.search(value):
                found.add(" ".join(value.split()))
                found.update(" ".join(line.split()) for line in value.splitlines() if line.strip())
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if columns:
            for row in db.session.execute(select(*columns)).all():
                walk(list(row))
    from app.domain.kinds import PARTNER_TAGS

    found.update(PARTNER_TAGS)  # the names of partner bodies (Sở Y tế, Hội LHPN …) are names, kept as typed
    return sorted(found, key=len, reverse=True)


def leftovers(html: str, data: list[str]) -> list[str]:
    """The strings of a page still in Vietnamese once the data and the kept strings are taken out."""
    parser = Texts()
    parser.feed(html)
    out = []
    for text in parser.out:
        rest = text
        for known in (*data, *KEPT):
            if known in rest:
                rest = rest.replace(known, " ")
        if VIETNAMESE.search(rest):
            out.append(text)
    return list(dict.fromkeys(out))


def html_pages(app, world):  # noqa: F811 — the fixture is passed in
    """(endpoint, url) of every page a browser GETs (API, static files, downloads and POST-only routes left out)."""
    for endpoint, (url, _) in sorted(_urls(app, world, "own").items()):
        rule = RULES.get(endpoint)
        if rule in ("POST",) or isinstance(rule, TOKEN) or endpoint in ("static", "main.favicon", "main.set_language"):
            continue
        yield endpoint, url


@pytest.fixture
def more_states(db, world):  # noqa: F811
    """States that bring their own words: a held activity with results, a notification, a campaign report."""
    from app.campaigns.routine import seed_campaigns

    seed_campaigns("haiphong")
    db.session.commit()


def test_every_page_is_english_in_english_mode(app, client, db, world, login, more_states):  # noqa: F811
    data = data_strings(db)
    problems = []
    pages = 0
    for role in ("anon", *ROLES):
        if role != "anon":
            if role != ROLES[0]:
                client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
            login(world["users"][role])
        client.get("/login?lang=en").close()  # the choice lives in the session, as a person's click puts it
        for endpoint, url in html_pages(app, world):
            sep = "&" if "?" in url else "?"
            response = client.get(f"{url}{sep}lang=en", follow_redirects=True)
            if response.status_code != 200 or response.mimetype != "text/html":
                response.close()
                continue
            pages += 1
            for text in leftovers(response.get_data(as_text=True), data):
                problems.append(f"{endpoint} ({url}) as {role}: {text!r}")
            response.close()
    assert pages > 40
    assert not problems, (f"{len(problems)} Vietnamese strings left in English mode; add each to "
                          "app/translations/en/LC_MESSAGES/messages.po:\n" + "\n".join(problems))


def test_the_same_pages_stay_vietnamese_by_default(app, client, db, world, login):  # noqa: F811
    login(world["users"]["city"])
    html = client.get("/activities").get_data(as_text=True)
    assert "Hoạt động" in html and 'lang="vi"' in html


def test_no_empty_translation_in_the_catalogue():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    empty = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert not empty, "empty English translations in messages.po:\n" + "\n".join(map(str, empty))
