"""The one place that builds the public check-in address printed in a poster's QR (SPEC §5, §12)."""

from flask import current_app, request

from app.domain.kinds import QR_KINDS


def public_base_url() -> str:
    """The address residents' phones reach: PUBLIC_BASE_URL, else the one this request came to."""
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url


def checkin_url(activity, base_url: str, secret_key: str) -> str | None:
    """`<base>/c/<signed token>` of a QR-capable activity (gives it a QR nonce if it has none), else None."""
    from app.checkin.services import poster_token

    if activity.kind not in QR_KINDS or activity.id is None:
        return None
    return f"{base_url.rstrip('/')}/c/{poster_token(activity, secret_key)}"


def current_checkin_url(activity) -> str | None:
    """The check-in address of an activity for the current request's app."""
    return checkin_url(activity, public_base_url(), current_app.config["SECRET_KEY"])


def unreachable_by_phones(url: str | None) -> bool:
    """True when a printed QR would send residents' phones to this machine or a private network
    (localhost, 127.0.0.1, 10.x, 192.168.x, …) because PUBLIC_BASE_URL is not set (issue 15 item 3)."""
    import ipaddress
    from urllib.parse import urlsplit

    if not url or current_app.config.get("PUBLIC_BASE_URL"):
        return False
    host = (urlsplit(url).hostname or "").lower()
    if host in ("localhost", "") or host.endswith((".localhost", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local
