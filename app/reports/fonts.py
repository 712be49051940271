"""Be Vietnam Pro registered with ReportLab: the only font of every PDF (its built-in fonts lack Vietnamese)."""

from typing import NamedTuple

import fontpkg
from reportlab.lib.fonts import tt2ps
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FAMILY = "Be Vietnam Pro"


class FontNames(NamedTuple):
    """ReportLab names of the four faces; ``regular`` is also the family name."""

    regular: str = "BeVietnamPro"
    bold: str = "BeVietnamPro-Bold"
    italic: str = "BeVietnamPro-Italic"
    bold_italic: str = "BeVietnamPro-BoldItalic"


FONTS = FontNames()


class FontUnavailableError(RuntimeError):
    """Raised when the Vietnamese font cannot be registered; we never fall back to Helvetica."""


def _font_file(weight: int, style: str = "normal") -> str:
    """Path of one face; an italic the package lacks falls back to the upright face of that weight."""
    try:
        return str(fontpkg.path(FAMILY, weight, style))
    except fontpkg.FontpkgError as exc:
        if style == "italic":
            return _font_file(weight)
        raise FontUnavailableError(
            f"{FAMILY} {weight} is not installed (pip install fontpkg-be-vietnam-pro): {exc}"
        ) from exc


def _registered() -> bool:
    """True when the four faces and the family's bold/italic mapping are in ReportLab's registry."""
    names = pdfmetrics.getRegisteredFontNames()
    try:
        mapped = tt2ps(FONTS.regular, 1, 1) == FONTS.bold_italic
    except ValueError:
        return False
    return mapped and all(name in names for name in FONTS)


def register_fonts() -> FontNames:
    """Register the four faces and their family once, so <b> and <i> work in Paragraphs."""
    if _registered():
        return FONTS
    faces = {
        FONTS.regular: (400, "normal"),
        FONTS.bold: (700, "normal"),
        FONTS.italic: (400, "italic"),
        FONTS.bold_italic: (700, "italic"),
    }
    try:
        loaded = [TTFont(name, _font_file(*face)) for name, face in faces.items()]
    except (OSError, TTFError) as exc:
        raise FontUnavailableError(f"cannot load {FAMILY}: {exc}") from exc
    for font in loaded:
        pdfmetrics.registerFont(font)
    # Last: registering a TTF maps its own name to itself for <b>/<i>, which this overrides.
    pdfmetrics.registerFontFamily(
        FONTS.regular,
        normal=FONTS.regular,
        bold=FONTS.bold,
        italic=FONTS.italic,
        boldItalic=FONTS.bold_italic,
    )
    return FONTS
