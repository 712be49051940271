"""The signed rating token the thank-you page and the check-in API's 201 answer give for one check-in (SPEC §17).

Single use is the database's job (one rating per check-in); the token only proves which check-in it is.
"""

from app.checkin.tokens import InvalidToken, _check_id, _dump, _load

RATING_SALT = "lantoa.voice.rating.v1"

__all__ = ["InvalidToken", "rating_token", "read_rating_token"]


def rating_token(secret_key: str | bytes, checkin_id: int, activity_id: int, code: str) -> str:
    """The token for rating (and asking after) one check-in; `code` is the check-in's random short code."""
    ids = [_check_id("checkin_id", checkin_id), _check_id("activity_id", activity_id)]
    return _dump(secret_key, RATING_SALT, ids, code or "-")


def read_rating_token(secret_key: str | bytes, token) -> tuple[int, int, str]:
    """`(checkin_id, activity_id, code)` of a rating token; InvalidToken when forged, tampered or malformed."""
    checkin_id, activity_id, code = _load(secret_key, RATING_SALT, 2, token)
    return checkin_id, activity_id, code
