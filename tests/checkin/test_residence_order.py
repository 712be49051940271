"""The residence list of the public check-in page is in Vietnamese alphabetical order (issue 15 item 8)."""

import re
from urllib.parse import urlparse

from app.checkin.links import checkin_url
from app.collation import vi_sorted


def test_residence_options_are_in_vietnamese_order(app, client, make_activity):
    activity = make_activity()
    path = urlparse(checkin_url(activity, "http://localhost/", app.config["SECRET_KEY"])).path
    html = client.get(path).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="residence_code"[^>]*>(.*?)</select>', html, re.S).group(1)
    names = [n.strip() for n in re.findall(r'<option [^>]*value="\d+"[^>]*>([^<]+)</option>', select)]
    assert len(names) == 114
    assert names == vi_sorted(names)
    phuong = [n for n in names if n.startswith("Phường ")]
    assert phuong.index("Phường Ái Quốc") < phuong.index("Phường An Biên") < phuong.index("Phường Bạch Đằng")
    assert phuong.index("Phường Dương Kinh") < phuong.index("Phường Đông Hải") < phuong.index("Phường Hải Dương")


def test_the_key_agrees_with_postgresqls_vi_icu_collation(db):
    """On PostgreSQL, ICU's Vietnamese collation orders the 114 communes exactly as our key does."""
    import pytest
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no ICU collation (the suite runs on PostgreSQL in .ci/run)")
    icu = db.session.execute(text('SELECT name FROM communes ORDER BY name COLLATE "vi-x-icu"')).scalars().all()
    assert icu == vi_sorted(icu)
