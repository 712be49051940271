"""Short check-in links (issue 16): a 45-character poster URL, regenerated ones refused, old long links still read,
short personal tickets, and a poster QR that still decodes from a blurred, skewed, tilted phone photo."""

import io
import math
import re
import subprocess

import pytest
from PIL import Image, ImageFilter

from app.checkin import qr as qrmod
from app.checkin import services as svc
from app.checkin.tokens import PUBLIC_ALPHABET, PUBLIC_TOKEN_LENGTH, activity_token, new_public_token, ticket_token
from app.models import Registration
from app.models.types import utcnow
from tests.checkin.conftest import PERSON, count
from tests.support import post_form, require_tool

BASE = "https://lantoa.example.gov.vn"
CONFUSABLE = set("0Oo1lIi")


@pytest.fixture
def public_base(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)


def zbar(path) -> str:
    """The text zbarimg reads from an image file ('' when it finds no code)."""
    zbarimg = require_tool("zbarimg", "decode QR codes as a phone would")
    result = subprocess.run([zbarimg, "-q", "--raw", str(path)], capture_output=True, text=True, timeout=60)
    return result.stdout.strip()


def test_the_token_is_unguessable_random_and_has_no_look_alike_characters():
    assert PUBLIC_TOKEN_LENGTH * math.log2(len(PUBLIC_ALPHABET)) >= 64
    assert not CONFUSABLE & set(PUBLIC_ALPHABET)
    tokens = {new_public_token() for _ in range(2000)}
    assert len(tokens) == 2000 and all(len(t) == PUBLIC_TOKEN_LENGTH for t in tokens)


def test_the_poster_qr_decodes_to_a_url_of_at_most_62_characters_that_opens_the_form(app, client, login, make_user,
                                                                                      make_activity, public_base,
                                                                                      tmp_path):
    pdftoppm = require_tool("pdftoppm", "render the poster")
    activity = make_activity()
    login(make_user("commune"))
    (tmp_path / "poster.pdf").write_bytes(client.get(f"/activities/{activity.id}/poster.pdf").data)
    subprocess.run([pdftoppm, "-r", "150", "-png", str(tmp_path / "poster.pdf"), str(tmp_path / "p")], check=True)
    url = zbar(tmp_path / "p-1.png")
    assert url.startswith(BASE + "/c/") and len(url) <= 62, url
    assert not CONFUSABLE & set(url.rsplit("/", 1)[1])  # the printed short link reads without doubt
    assert qrmod._qr(url, 10, 4).version <= 4
    page = client.get(url[len(BASE):])
    assert page.status_code == 200 and 'name="full_name"' in page.get_data(as_text=True)


def test_two_activities_never_share_a_token_and_it_hides_the_id(app, make_activity):
    first, second = make_activity(), make_activity()
    a, b = (svc.poster_token(x, app.config["SECRET_KEY"]) for x in (first, second))
    assert a != b and str(first.id) not in (a, b) and str(second.id) not in (a, b)


def test_a_regenerated_qr_answers_replaced_for_its_old_short_and_long_links(app, client, db, make_user, make_activity):
    activity = make_activity()
    key = app.config["SECRET_KEY"]
    short = svc.poster_token(activity, key)
    long = activity_token(key, activity.id, activity.qr_nonce)  # a poster printed before issue 16
    db.session.commit()
    assert client.get(f"/c/{long}").status_code == 200  # old long links keep working until regenerated
    svc.regenerate_qr(activity, make_user("commune"), utcnow())
    db.session.commit()
    for old in (short, long):
        page = client.get(f"/c/{old}")
        assert page.status_code == 410
        assert 'data-reason="revoked_token"' in page.get_data(as_text=True)
        assert "đã được thay" in page.get_data(as_text=True)
    fresh = svc.poster_token(activity, key)
    assert fresh != short and client.get(f"/c/{fresh}").status_code == 200
    assert client.get(f"/c/{new_public_token()}").status_code == 400  # never issued: invalid, not "replaced"


def test_a_resident_checks_in_through_the_short_link(app, client, db, make_activity):
    activity = make_activity()
    url = f"/c/{svc.poster_token(activity, app.config['SECRET_KEY'])}"
    db.session.commit()
    response = post_form(client, url, PERSON)
    assert "Cảm ơn" in response.get_data(as_text=True)
    assert count(db, activity.id) == 1


def test_personal_tickets_are_short_and_old_signed_tickets_still_scan(app, client, db, make_user, login,
                                                                      make_activity):
    activity = make_activity(preregistration=True)
    key = app.config["SECRET_KEY"]
    registration, _ = svc.register(activity, PERSON, utcnow())
    db.session.commit()
    ticket = svc.ticket_for(registration, key)
    assert re.fullmatch(f"[{PUBLIC_ALPHABET}]{{{PUBLIC_TOKEN_LENGTH}}}", ticket)
    assert qrmod._qr(ticket, 8, 4).version == 1  # 21×21 modules on the phone screen
    assert client.get(f"/t/{ticket}.png").status_code == 200
    assert svc.registration_for_ticket(activity, ticket + "\n", key).id == registration.id

    other = make_activity(preregistration=True)
    with pytest.raises(svc.CheckinRefused) as refused:
        svc.registration_for_ticket(other, ticket, key)
    assert refused.value.code == "wrong_activity"
    with pytest.raises(svc.CheckinRefused) as refused:
        svc.registration_for_ticket(activity, f"{BASE}/c/{svc.poster_token(activity, key)}", key)
    assert "dán tại sự kiện" in refused.value.message

    # A registration made before short tickets: its signed ticket goes on working.
    made, _ = svc.register(activity, {**PERSON, "phone": "0987654321"}, utcnow())
    old = db.session.get(Registration, made.id)
    old.ticket_nonce = "Ab3_legacy-x"
    db.session.commit()
    signed = ticket_token(key, old.id, activity.id, old.ticket_nonce)
    assert svc.ticket_for(old, key) == signed
    assert svc.registration_for_ticket(activity, signed, key).id == old.id
    assert client.get(f"/t/{signed}.png").status_code == 200
    assert client.get(f"/t/{new_public_token()}.png").status_code == 404


def _perspective(size, squeeze: float) -> tuple:
    """PIL's PERSPECTIVE coefficients that show an image with its top edge `squeeze` narrower (a photo from below)."""
    w, h = size
    out = [(w * squeeze / 2, 0), (w * (1 - squeeze / 2), 0), (w, h), (0, h)]  # where the corners land
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    rows, rhs = [], []
    for (x, y), (u, v) in zip(out, src, strict=True):  # output (x, y) is read from input (u, v)
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    return tuple(_solve(rows, rhs))


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (8 unknowns; no numpy needed)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def test_a_poster_photographed_by_a_phone_from_afar_still_decodes(app, client, db, login, make_user, make_activity,
                                                                  public_base, tmp_path):
    """The poster page at 150 dpi scaled to 20 %, Gaussian blur σ 1.5, rotated 15°, 15 % perspective, JPEG q30."""
    pdftoppm = require_tool("pdftoppm", "render the poster")
    activity = make_activity()
    login(make_user("commune"))
    (tmp_path / "poster.pdf").write_bytes(client.get(f"/activities/{activity.id}/poster.pdf").data)
    subprocess.run([pdftoppm, "-r", "150", "-png", str(tmp_path / "poster.pdf"), str(tmp_path / "p")], check=True)
    page = Image.open(tmp_path / "p-1.png").convert("L")
    photo = page.resize((round(page.width * 0.2), round(page.height * 0.2)), Image.Resampling.LANCZOS)
    photo = photo.filter(ImageFilter.GaussianBlur(1.5))
    photo = photo.rotate(15, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    photo = photo.transform(photo.size, Image.Transform.PERSPECTIVE, _perspective(photo.size, 0.15),
                            resample=Image.Resampling.BICUBIC, fillcolor=255)
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=30)
    (tmp_path / "photo.jpg").write_bytes(buf.getvalue())
    db.session.refresh(activity)
    assert zbar(tmp_path / "photo.jpg") == f"{BASE}/c/{activity.public_token}"
