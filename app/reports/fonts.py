"""Liberation Serif registered with ReportLab: the only font of every PDF.

Nghị định 30/2020 documents are set in Times New Roman in practice; Liberation Serif has its metrics and
every Vietnamese letter (ReportLab's built-in fonts have none). The TTF files are committed with their
licence under ``static/fonts/liberation-serif/``, so a fresh clone needs no system font package.
"""

from pathlib import Path
from typing import NamedTuple

from reportlab.lib.fonts import tt2ps
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from config import BASE_DIR

FAMILY = "Liberation Serif"
FONT_DIR = BASE_DIR / "static" / "fonts" / "liberation-serif"


class FontNames(NamedTuple):
    """ReportLab names of the four faces; ``regular`` is also the family name."""

    regular: str = "LiberationSerif"
    bold: str = "LiberationSerif-Bold"
    italic: str = "LiberationSerif-Italic"
    bold_italic: str = "LiberationSerif-BoldItalic"


FONTS = FontNames()
FILES = {
    FONTS.regular: "LiberationSerif-Regular.ttf",
    FONTS.bold: "LiberationSerif-Bold.ttf",
    FONTS.italic: "LiberationSerif-Italic.ttf",
    FONTS.bold_italic: "LiberationSerif-BoldItalic.ttf",
}


class FontUnavailableError(RuntimeError):
    """Raised when the Vietnamese font cannot be registered; we never fall back to Helvetica."""


def font_file(name: str, folder: Path | None = None) -> Path:
    """Path of one face's TTF file."""
    return (folder or FONT_DIR) / FILES[name]


def _registered() -> bool:
    """True when the four faces and the family's bold/italic mapping are in ReportLab's registry."""
    names = pdfmetrics.getRegisteredFontNames()
    try:
        mapped = tt2ps(FONTS.regular, 1, 1) == FONTS.bold_italic
    except ValueError:
        return False
    return mapped and all(name in names for name in FONTS)


def register_fonts(folder: Path | None = None) -> FontNames:
    """Register the four faces and their family once, so <b> and <i> work in Paragraphs."""
    if _registered():
        return FONTS
    try:
        loaded = [TTFont(name, str(font_file(name, folder))) for name in FONTS]
    except (OSError, TTFError) as exc:
        raise FontUnavailableError(f"cannot load {FAMILY} from {folder or FONT_DIR}: {exc}") from exc
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
