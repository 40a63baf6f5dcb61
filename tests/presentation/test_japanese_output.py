"""Japanese in the server-made PDF and chart images: real glyphs from IPAexGothic
(installed with the project), read back by pdftotext, never boxes."""

from __future__ import annotations

import io
import shutil
import subprocess
import warnings

import numpy as np
import pytest
from PIL import Image

from instruments.calculators import translation
from instruments.presentation import fonts
from instruments.presentation.briefing import Briefing, BriefingChart, render_pdf
from instruments.presentation.charts.static_image import render_png

TITLE = "重要鉱物の最低価格"
FIGURE = {
    "data": [{"type": "scatter", "x": [2020, 2021], "y": [1, 2], "name": "日本"}],
    "layout": {"title": {"text": TITLE}, "yaxis": {"title": {"text": "米ドル/kg"}}},
}


def briefing() -> Briefing:
    return Briefing(
        title=TITLE,
        question="参加国が最低価格を設定した場合、価格はどう変わるか。",
        vintage="世界銀行 2024",
        sentences=["最低価格は価格を下げない。"],
        inputs=[("最低価格", "66 米ドル/kg")],
        headline=[("課徴金", "7330万 米ドル")],
        charts=[BriefingChart(TITLE, "説明", FIGURE, "出典：世界銀行")],
        table_title="表",
        table=[["国", "価格"], ["日本", "66"]],
        sources=["世界銀行"],
        methodology_url="https://example.org/methodology/",
    )


@pytest.fixture
def japanese(monkeypatch):
    monkeypatch.setattr(translation, "_language", lambda: "ja")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")
def test_a_japanese_briefing_prints_japanese_text(japanese, tmp_path):
    path = tmp_path / "brief.pdf"
    path.write_bytes(render_pdf(briefing()))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert TITLE in text
    assert "参加国が最低価格を設定した場合" in text
    fonts_used = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "IPAexGothic" in fonts_used


def test_the_japanese_font_is_chosen_for_japanese_only():
    assert fonts.pdf_fonts("ja") == (fonts.JAPANESE, fonts.JAPANESE)
    assert fonts.pdf_fonts("fr") == (fonts.LATIN, fonts.LATIN_BOLD)
    assert fonts.japanese_font_path().stat().st_size > 1_000_000


def test_chart_images_draw_kana_as_glyphs_not_boxes():
    """matplotlib warns "Glyph … missing from font(s)" for every character it draws
    as a box: with IPAexGothic in the font list none is missing."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_png(FIGURE)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    assert image.min() < 100  # something was drawn


def test_without_the_fallback_the_same_chart_would_show_boxes():
    """The check above can fail: DejaVu Sans alone lacks the kana."""
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with plt.rc_context({"font.family": ["DejaVu Sans"]}):
            fig = plt.figure()
            fig.suptitle(TITLE)
            fig.savefig(io.BytesIO(), format="png")
            plt.close(fig)
    assert any("missing from" in str(w.message) for w in caught)
