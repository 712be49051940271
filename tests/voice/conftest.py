"""Residents' voice helpers: a resident checking in through the poster form, the rating token on the thank-you page."""

import re

import pytest

from app.checkin import services as svc
from tests.support import post_form

PERSON = {"full_name": "Trần Thị Bình", "phone": "0987654321", "birth_year": "1975", "audience": "4",
          "residence_code": "11311", "bhyt_status": "valid", "consent": "y"}
RATING_ACTION = re.compile(r'action="/cam-on/([^"/]+)/danh-gia"')


@pytest.fixture
def check_in(app):
    """A resident checks in on the poster form (`/c/<token>`); returns (thank-you HTML, rating token)."""

    def do(client, activity, **changes):
        data = {k: v for k, v in {**PERSON, **changes}.items() if v is not None}
        url = f"/c/{svc.poster_token(activity, app.config['SECRET_KEY'])}"
        response = post_form(client, url, data)
        html = response.get_data(as_text=True)
        match = RATING_ACTION.search(html)
        return html, match.group(1) if match else None

    return do

