"""Fonts for the server-made PDFs and chart images, Japanese included.

Latin text is set in DejaVu Sans (bundled with matplotlib). Japanese needs a font
with CJK glyphs and TrueType outlines (reportlab embeds no CFF outlines): IPAexGothic
(IPA Font License, redistributable), installed from PyPI with the project as part of
``japanize-matplotlib``, whose package is only used as the font's carrier (never
imported). Nothing is looked up on the system, so ``make run`` needs no root.
"""

from __future__ import annotations

import functools
from importlib.util import find_spec
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

LATIN = "DejaVuSans"
LATIN_BOLD = "DejaVuSans-Bold"
JAPANESE = "IPAexGothic"


@functools.cache
def japanese_font_path() -> Path:
    """IPAexGothic's file in the installed carrier package."""
    spec = find_spec("japanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "japanize-matplotlib (IPAexGothic) is not installed: run make install"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
    if not path.is_file():
        raise RuntimeError(f"IPAexGothic is missing from {path.parent}")
    return path


@functools.cache
def register_pdf_fonts() -> None:
    """DejaVu Sans (regular, bold) and IPAexGothic for reportlab, once per process."""
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(LATIN, str(ttf / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(LATIN_BOLD, str(ttf / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(LATIN, normal=LATIN, bold=LATIN_BOLD)
    pdfmetrics.registerFont(TTFont(JAPANESE, str(japanese_font_path())))
    pdfmetrics.registerFontFamily(JAPANESE, normal=JAPANESE, bold=JAPANESE)


def pdf_fonts(language: str) -> tuple[str, str]:
    """(regular, bold) reportlab font names for text in ``language``."""
    if language.lower().startswith("ja"):
        return JAPANESE, JAPANESE  # IPAexGothic has no bold face and sets Latin too
    return LATIN, LATIN_BOLD


@functools.cache
def chart_font_families() -> tuple[str, ...]:
    """matplotlib's font list: DejaVu Sans, then IPAexGothic for the glyphs it lacks."""
    font_manager.fontManager.addfont(str(japanese_font_path()))
    name = font_manager.FontProperties(fname=str(japanese_font_path())).get_name()
    return ("DejaVu Sans", name)
