"""Render a payload string (e.g. a check-in URL) as a QR code image: PNG or SVG bytes."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError
from qrcode.image.svg import SvgPathFillImage

__all__ = ["qr_png", "qr_svg"]

QUIET_ZONE = 4  # modules of white margin required by ISO/IEC 18004


def _qr(data: str, box_size: int, border: int) -> qrcode.QRCode:
    """The smallest QR code that holds `data` at level M, at the strongest error correction that size still holds.

    A 45-character check-in URL is version 4 at M, and version 4 holds it at Q too: the same module size on the
    poster, and a quarter of the code may be blurred, creased or glared away instead of 15 %.
    """
    if not isinstance(data, str):
        raise TypeError("data must be a str")
    code = qrcode.QRCode(version=None, error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(data)
    code.make(fit=True)
    for level in (ERROR_CORRECT_H, ERROR_CORRECT_Q):
        stronger = qrcode.QRCode(version=code.version, error_correction=level, box_size=box_size, border=border)
        stronger.add_data(data)
        try:
            stronger.make(fit=False)
        except DataOverflowError:
            continue
        return stronger
    return code


def qr_png(data: str, box_size: int = 10, border: int = QUIET_ZONE) -> bytes:
    """Return a black-on-white PNG of ``data`` (``box_size`` pixels per module)."""
    image = _qr(data, box_size, border).make_image(fill_color="black", back_color="white")
    buf = io.BytesIO()
    image.save(buf, kind="PNG")
    return buf.getvalue()


def qr_svg(data: str) -> bytes:
    """Return a UTF-8 SVG document of ``data`` (one path on a white background, 4-module margin)."""
    image = _qr(data, box_size=10, border=QUIET_ZONE).make_image(image_factory=SvgPathFillImage)
    buf = io.BytesIO()
    image.save(buf)
    return buf.getvalue()
