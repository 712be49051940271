"""Unit tests for app.checkin.tokens (signed QR tokens) and app.checkin.qr (QR rendering)."""

import os
import re
import shutil
import string
import subprocess
import xml.etree.ElementTree as ET

import pytest

from app.checkin import qr, tokens
from app.checkin.tokens import InvalidToken

KEY = "test-secret-key-0123456789"
OTHER_KEY = "another-secret-key-9876543210"
URL_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")
BIG = 10**9


def _flip(token: str, index: int) -> str:
    """Return ``token`` with the character at ``index`` replaced by a different one."""
    ch = token[index]
    replacement = "A" if ch != "A" else "B"
    return token[:index] + replacement + token[index + 1 :]


def _zbarimg() -> str:
    """Return the zbarimg path, skipping (or failing on CI) when it is not installed."""
    path = shutil.which("zbarimg")
    if path is None:
        reason = "zbarimg not installed (apt-get install zbar-tools); cannot decode the QR"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def _decode(png: bytes, tmp_path) -> str:
    """Decode a QR PNG with zbarimg and return the raw payload."""
    image = tmp_path / "qr.png"
    image.write_bytes(png)
    result = subprocess.run(
        [_zbarimg(), "--raw", "-q", str(image)],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8").rstrip("\n")


# --- nonces ------------------------------------------------------------------


def test_new_qr_nonce_is_random_and_url_safe():
    """Nonces are 11 URL-safe chars and differ on every call."""
    nonces = {tokens.new_qr_nonce() for _ in range(200)}
    assert len(nonces) == 200
    assert all(len(n) == 11 and URL_SAFE.match(n) for n in nonces)


# --- activity tokens ---------------------------------------------------------


@pytest.mark.parametrize("activity_id", [0, 1, 127, 128, 300, 65_535, BIG, 2**40])
def test_activity_token_round_trip(activity_id):
    """An activity token reads back to its id and nonce."""
    nonce = tokens.new_qr_nonce()
    token = tokens.activity_token(KEY, activity_id, nonce)
    assert isinstance(token, str) and URL_SAFE.match(token)
    assert tokens.read_activity_token(KEY, token) == (activity_id, nonce)


def test_activity_token_accepts_bytes_key_and_scanner_newline():
    """A bytes key works and a USB scanner's trailing newline is tolerated."""
    token = tokens.activity_token(KEY.encode(), 42, "nonce")
    assert tokens.read_activity_token(KEY, token + "\r\n") == (42, "nonce")


def test_activity_token_does_not_reveal_id_in_clear():
    """The id is not visible as decimal text in the token."""
    token = tokens.activity_token(KEY, 123456789, tokens.new_qr_nonce())
    assert "123456789" not in token


def test_regenerated_nonce_revokes_old_token():
    """A new nonce gives a different token, and the old one carries the old nonce."""
    old_nonce = tokens.new_qr_nonce()
    new_nonce = tokens.new_qr_nonce()
    assert new_nonce != old_nonce
    old = tokens.activity_token(KEY, 7, old_nonce)
    new = tokens.activity_token(KEY, 7, new_nonce)
    assert old != new
    # The caller compares the nonce with the one stored on the activity.
    assert tokens.read_activity_token(KEY, old)[1] != new_nonce
    assert tokens.read_activity_token(KEY, new)[1] == new_nonce


def test_activity_token_every_single_char_change_is_refused():
    """Changing any one character of a token (to any other allowed char) is refused."""
    token = tokens.activity_token(KEY, 5, "D5NLI3MqtTM")
    alphabet = string.ascii_letters + string.digits + "-_."
    for i, original in enumerate(token):
        for ch in alphabet:
            if ch == original:
                continue
            tampered = token[:i] + ch + token[i + 1 :]
            with pytest.raises(InvalidToken):
                tokens.read_activity_token(KEY, tampered)


@pytest.mark.parametrize("index", [0, 5, -1])
def test_tampered_ticket_token_is_refused(index):
    """Changing one character of a ticket token is refused."""
    token = tokens.ticket_token(KEY, 11, 22, tokens.new_qr_nonce())
    with pytest.raises(InvalidToken):
        tokens.read_ticket_token(KEY, _flip(token, index))


def test_other_key_is_refused():
    """Tokens signed with another secret key are refused for both purposes."""
    nonce = tokens.new_qr_nonce()
    with pytest.raises(InvalidToken):
        tokens.read_activity_token(KEY, tokens.activity_token(OTHER_KEY, 1, nonce))
    with pytest.raises(InvalidToken):
        tokens.read_ticket_token(KEY, tokens.ticket_token(OTHER_KEY, 1, 1, nonce))


def test_other_purpose_is_refused():
    """An activity token is not a ticket, and a ticket is not an activity token."""
    nonce = tokens.new_qr_nonce()
    activity = tokens.activity_token(KEY, 1, nonce)
    ticket = tokens.ticket_token(KEY, 1, 1, nonce)
    with pytest.raises(InvalidToken):
        tokens.read_ticket_token(KEY, activity)
    with pytest.raises(InvalidToken):
        tokens.read_activity_token(KEY, ticket)


@pytest.mark.parametrize(
    "garbage",
    ["", " ", ".", "abc", "abc.def", "a" * 2000, "Điểm danh", "....", None, 123, b"\xff\xfe"],
)
def test_garbage_is_refused(garbage):
    """Garbage and wrong types raise InvalidToken, never another exception."""
    with pytest.raises(InvalidToken):
        tokens.read_activity_token(KEY, garbage)
    with pytest.raises(InvalidToken):
        tokens.read_ticket_token(KEY, garbage)


def test_signed_but_malformed_payload_is_refused():
    """A correctly signed payload that does not unpack is refused (truncated varint)."""
    from itsdangerous import URLSafeSerializer

    signer = URLSafeSerializer(KEY, salt=tokens.TICKET_SALT, serializer=_RawBytes())
    forged = signer.dumps(b"\x80")  # continuation bit set, then nothing
    with pytest.raises(InvalidToken):
        tokens.read_ticket_token(KEY, forged.decode())


class _RawBytes:
    """Serializer passing bytes through, to forge well-signed malformed payloads."""

    def dumps(self, obj):
        """Return the bytes unchanged."""
        return obj if isinstance(obj, bytes) else b""

    def loads(self, data):
        """Return the bytes unchanged."""
        return data


@pytest.mark.parametrize("bad_id", [-1, 1.5, "1", None, True])
def test_bad_ids_are_rejected_when_signing(bad_id):
    """Signing refuses ids that are not non-negative ints."""
    with pytest.raises(ValueError):
        tokens.activity_token(KEY, bad_id, "n")
    with pytest.raises(ValueError):
        tokens.ticket_token(KEY, bad_id, 1, "n")
    with pytest.raises(ValueError):
        tokens.ticket_token(KEY, 1, bad_id, "n")


@pytest.mark.parametrize("bad_nonce", ["", None, 5])
def test_bad_nonce_is_rejected_when_signing(bad_nonce):
    """Signing refuses empty or non-string nonces."""
    with pytest.raises(ValueError):
        tokens.activity_token(KEY, 1, bad_nonce)


def test_empty_secret_key_is_rejected():
    """An empty secret key would make tokens forgeable: refuse it."""
    with pytest.raises(ValueError):
        tokens.activity_token("", 1, "n")


# --- ticket tokens -----------------------------------------------------------


@pytest.mark.parametrize(("registration_id", "activity_id"), [(0, 0), (1, 2), (99_999, 12), (BIG, BIG), (2**40, 3)])
def test_ticket_token_round_trip(registration_id, activity_id):
    """A ticket token reads back to registration id, activity id and nonce."""
    nonce = tokens.new_qr_nonce()
    token = tokens.ticket_token(KEY, registration_id, activity_id, nonce)
    assert URL_SAFE.match(token)
    assert tokens.read_ticket_token(KEY, token) == (registration_id, activity_id, nonce)


# --- length ------------------------------------------------------------------


def test_tokens_are_short_for_ids_up_to_a_billion():
    """Both kinds of token stay at most 60 characters for ids up to 10**9."""
    for _ in range(50):
        nonce = tokens.new_qr_nonce()
        for i in (1, 999, BIG):
            assert len(tokens.activity_token(KEY, i, nonce)) <= 60
            assert len(tokens.ticket_token(KEY, i, i, nonce)) <= 60


# --- short codes -------------------------------------------------------------


def test_short_code_is_six_unambiguous_characters_and_random():
    """6 Crockford characters (no I, L, O, U to misread), drawn at random: 30 bits, collisions rare."""
    codes = [tokens.short_code() for _ in range(2000)]
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{6}", c) for c in codes)
    assert len(set(codes)) >= 1990
    assert {c[0] for c in codes} == set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")  # every symbol used, first place too


# --- QR rendering ------------------------------------------------------------


def test_qr_png_is_png():
    """qr_png returns PNG bytes."""
    png = qr.qr_png("https://example.test/c/abc")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_qr_png_has_quiet_zone_and_box_size():
    """The default image has a white 4-module margin at 10 px per module."""
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(qr.qr_png("https://example.test/c/abc"))).convert("L")
    width, height = image.size
    assert width == height and width % 10 == 0
    margin = 4 * 10
    border_pixels = [image.getpixel((x, y)) for x in range(width) for y in range(margin)]
    assert min(border_pixels) == 255
    assert image.getpixel((margin, margin)) == 0  # finder pattern corner is black
    small = Image.open(BytesIO(qr.qr_png("https://example.test/c/abc", box_size=2)))
    assert small.size[0] == width // 5


def test_qr_png_decodes_with_zbar(tmp_path):
    """A real decoder reads back exactly the URL."""
    url = "https://example.test/c/abc"
    assert _decode(qr.qr_png(url), tmp_path) == url


def test_qr_png_of_real_ticket_url_decodes_with_zbar(tmp_path):
    """A URL carrying a real ticket token survives the round trip through a QR image."""
    token = tokens.ticket_token(KEY, BIG, BIG, tokens.new_qr_nonce())
    url = f"https://lantoa.example.vn/ve/{token}"
    decoded = _decode(qr.qr_png(url, box_size=4), tmp_path)
    assert decoded == url
    assert tokens.read_ticket_token(KEY, decoded.rsplit("/", 1)[1])[:2] == (BIG, BIG)


def test_qr_svg_is_xml_with_svg_root():
    """qr_svg returns an XML document whose root is <svg>."""
    svg = qr.qr_svg("https://example.test/c/abc")
    assert isinstance(svg, bytes)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox")
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_qr_rejects_non_str():
    """Only text payloads are accepted."""
    with pytest.raises(TypeError):
        qr.qr_png(b"bytes")  # type: ignore[arg-type]


def test_tokens_are_those_of_a_plain_itsdangerous_serializer_and_verify_both_ways():
    # The serializer keeps its signer and keyed HMAC (app/checkin/tokens.py): the tokens must stay byte for byte
    # those itsdangerous makes, so a link or rating token issued before still verifies.
    from itsdangerous import URLSafeSerializer

    from app.checkin.rating_tokens import RATING_SALT, rating_token, read_rating_token
    from app.checkin.tokens import TICKET_SALT, _PackedSerializer

    for n in range(300):
        ids, code = (n, 7 * n + 1), f"C{n:05d}"
        plain = URLSafeSerializer(KEY, salt=RATING_SALT, serializer=_PackedSerializer(2)).dumps([*ids, code]).decode()
        assert rating_token(KEY, *ids, code) == plain
        assert read_rating_token(KEY, plain) == (*ids, code)
        ticket = URLSafeSerializer(KEY, salt=TICKET_SALT, serializer=_PackedSerializer(2)).dumps([*ids, code]).decode()
        assert tokens.ticket_token(KEY, *ids, code) == ticket
    with pytest.raises(InvalidToken):
        read_rating_token(OTHER_KEY, rating_token(KEY, 1, 2, "ABC"))


def test_short_ticket_is_the_stripped_short_token_and_none_for_anything_else():
    from app.checkin.tokens import new_public_token, short_ticket, ticket_token

    short = new_public_token()
    assert short_ticket(short) == short
    assert short_ticket(f"  {short}\r\n") == short  # a USB scanner's trailing Enter
    assert short_ticket(ticket_token(KEY, 7, 3, "n")) is None  # a signed ticket is verified, not looked up
    assert [short_ticket(x) for x in (None, 123, "", short[:-1], short + "x")] == [None] * 5
