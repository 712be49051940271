"""Unguessable check-in tokens (activity poster QR, personal ticket) and short codes.

Today's tokens are short random codes stored with the activity or the registration (`new_public_token`):
13 symbols of an alphabet without look-alikes, 64.4 bits, so the poster URL with
`https://lantoa.example.gov.vn` is 45 characters (QR version 4 at level Q). The older signed tokens
(`activity_token`, `ticket_token`) are still read, so links printed before keep working until regenerated.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from functools import lru_cache

from itsdangerous import BadData, Signer, URLSafeSerializer
from itsdangerous.encoding import base64_encode, want_bytes

__all__ = [
    "PUBLIC_TOKEN_LENGTH",
    "InvalidToken",
    "activity_token",
    "is_public_token",
    "new_public_token",
    "new_qr_nonce",
    "read_activity_token",
    "read_ticket_token",
    "short_code",
    "short_ticket",
    "ticket_token",
]

# One salt per purpose: a token minted for one purpose never verifies for another.
ACTIVITY_SALT = "lantoa.checkin.activity-qr.v1"
TICKET_SALT = "lantoa.checkin.ticket.v1"

# Crockford base32: no I, L, O, U, so codes read aloud or retyped are unambiguous.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_LENGTH = 6

# Printed under the poster QR and read off a phone screen: digits and lower-case letters without the look-alikes
# 0/O, 1/l/I (and o, i). 31 symbols; 13 of them are 13 × log2(31) = 64.4 bits, chosen by `secrets`.
PUBLIC_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
PUBLIC_TOKEN_LENGTH = 13
_PUBLIC_SET = frozenset(PUBLIC_ALPHABET)

_MAX_VARINT_BYTES = 10  # enough for any id below 2**70; guards against absurd input


class InvalidToken(Exception):
    """The token is garbage, tampered with, for another purpose or signed with another key."""


class _PackedSerializer:
    """Compact binary payload: ``n_ints`` unsigned varints followed by one UTF-8 string."""

    def __init__(self, n_ints: int) -> None:
        """Remember how many leading integers the payload holds."""
        self.n_ints = n_ints

    def dumps(self, values: Sequence[int | str]) -> bytes:
        """Pack ``[int, ..., str]``; itsdangerous probes with ``{}``, which packs to b''."""
        if not values:
            return b""
        *ints, text = values
        if len(ints) != self.n_ints:
            raise ValueError(f"expected {self.n_ints} integers and a string")
        return b"".join(_varint(i) for i in ints) + text.encode("utf-8")

    def loads(self, data: bytes) -> list[int | str]:
        """Unpack what :meth:`dumps` produced; raise ValueError on malformed data."""
        out: list[int | str] = []
        pos = 0
        for _ in range(self.n_ints):
            value, pos = _read_varint(data, pos)
            out.append(value)
        out.append(data[pos:].decode("utf-8"))
        return out


def _varint(value: int) -> bytes:
    """Encode a non-negative int as unsigned LEB128."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Decode one canonical unsigned LEB128 int at ``pos``; return (value, next position)."""
    value = 0
    for i in range(_MAX_VARINT_BYTES):
        if pos + i >= len(data):
            raise ValueError("truncated integer")
        byte = data[pos + i]
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            if byte == 0 and i > 0:
                raise ValueError("non-canonical integer")
            return value, pos + i + 1
    raise ValueError("integer too long")


class _KeyedSigner(Signer):
    """itsdangerous' Signer with its key derived and its HMAC keyed once: the same signatures, one hash each."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._keyed = hmac.new(self.derive_key(), digestmod=self.digest_method)

    def get_signature(self, value: str | bytes) -> bytes:
        """The signature of `value`, as Signer's HMAC algorithm gives it."""
        mac = self._keyed.copy()
        mac.update(want_bytes(value))
        return base64_encode(mac.digest())


class _TokenSerializer(URLSafeSerializer):
    """URLSafeSerializer keeping one signer per salt (it builds a new one, and derives its key, per token)."""

    default_signer = _KeyedSigner

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._signers: dict = {}

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        """The signer for `salt` (this serializer's own by default), made on first use."""
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer


@lru_cache(maxsize=16)
def _serializer(secret_key: str | bytes, salt: str, n_ints: int) -> URLSafeSerializer:
    """The signing serializer for one purpose, built once per key. Building one test-serialises a payload, and
    each token made its signer anew: together a tenth of a check-in's CPU, whose answer carries a rating token
    (tokens.py's test compares both ways token for token)."""
    if not secret_key:
        raise ValueError("secret_key must not be empty")
    return _TokenSerializer(secret_key, salt=salt, serializer=_PackedSerializer(n_ints))


def _check_id(name: str, value: object) -> int:
    """Accept only non-negative plain ints as ids."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    return value


def _check_nonce(nonce: object) -> str:
    """Accept only non-empty string nonces."""
    if not isinstance(nonce, str) or not nonce:
        raise ValueError("nonce must be a non-empty string")
    return nonce


def _dump(secret_key: str | bytes, salt: str, ints: list[int], nonce: str) -> str:
    """Sign ``ints + [nonce]`` and return the URL-safe token text."""
    token = _serializer(secret_key, salt, len(ints)).dumps([*ints, nonce])
    return token.decode("ascii") if isinstance(token, bytes) else token


def _load(secret_key: str | bytes, salt: str, n_ints: int, token: object) -> list:
    """Verify and unpack a token, mapping every failure to InvalidToken."""
    if not isinstance(token, (str, bytes)) or not token or len(token) > 512:
        raise InvalidToken("malformed token")
    if isinstance(token, str):
        try:
            token = token.encode("ascii")
        except UnicodeEncodeError as exc:
            raise InvalidToken("malformed token") from exc
    token = token.strip()  # USB scanners type a trailing Enter
    serializer = _serializer(secret_key, salt, n_ints)
    try:
        values = serializer.loads(token)
    except BadData as exc:
        raise InvalidToken(str(exc)) from exc
    if not values[-1]:
        raise InvalidToken("empty nonce")
    # Base64 ignores the spare low bits of a final character, so a few one-character
    # variants of a signature decode identically; accept only the exact token we issue.
    if not hmac.compare_digest(serializer.dumps(values), token):
        raise InvalidToken("non-canonical token")
    return values


def new_public_token() -> str:
    """A fresh short random token (≥ 64 bits) for a poster QR or a personal ticket; stored, never derived from an id."""
    return "".join(secrets.choice(PUBLIC_ALPHABET) for _ in range(PUBLIC_TOKEN_LENGTH))


def is_public_token(text: object) -> bool:
    """Whether `text` has the shape of a short token (then it is looked up; the signed kind is verified instead)."""
    return isinstance(text, str) and len(text) == PUBLIC_TOKEN_LENGTH and _PUBLIC_SET.issuperset(text)


def short_ticket(text: object) -> str | None:
    """A scanned ticket's text, stripped as a ticket is read (USB scanners type a trailing Enter), when it has the
    shape of a short token; else None (a signed ticket, or no ticket)."""
    text = text.strip() if isinstance(text, str) else text
    return text if is_public_token(text) else None


def new_qr_nonce() -> str:
    """Return a fresh random per-activity nonce (stored on the activity; replace it to revoke)."""
    return secrets.token_urlsafe(8)


def activity_token(secret_key: str | bytes, activity_id: int, nonce: str) -> str:
    """Return the signed token printed in an activity's poster QR."""
    ids = [_check_id("activity_id", activity_id)]
    return _dump(secret_key, ACTIVITY_SALT, ids, _check_nonce(nonce))


def read_activity_token(secret_key: str | bytes, token: str) -> tuple[int, str]:
    """Verify a poster token and return ``(activity_id, nonce)``; raise InvalidToken otherwise."""
    activity_id, nonce = _load(secret_key, ACTIVITY_SALT, 1, token)
    return activity_id, nonce


def ticket_token(secret_key: str | bytes, registration_id: int, activity_id: int, nonce: str) -> str:
    """Return the signed token in a pre-registered person's personal QR ticket."""
    ids = [_check_id("registration_id", registration_id), _check_id("activity_id", activity_id)]
    return _dump(secret_key, TICKET_SALT, ids, _check_nonce(nonce))


def read_ticket_token(secret_key: str | bytes, token: str) -> tuple[int, int, str]:
    """Verify a ticket; return ``(registration_id, activity_id, nonce)`` or raise InvalidToken."""
    registration_id, activity_id, nonce = _load(secret_key, TICKET_SALT, 2, token)
    return registration_id, activity_id, nonce


def short_code() -> str:
    """A random 6-character code shown on the thank-you page, read aloud or retyped (not unique, not secret)."""
    bits = secrets.randbits(5 * SHORT_CODE_LENGTH)
    return "".join(_CROCKFORD[(bits >> (5 * i)) & 31] for i in reversed(range(SHORT_CODE_LENGTH)))
