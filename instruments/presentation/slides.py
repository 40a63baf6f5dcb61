"""A brief (``briefing.Briefing``) as a 16:9 slide pack with python-pptx: a title slide
(the question naming the policy), the headline figures (four boxes: value and unit,
P5–P95 range, source), one slide per chart (the static image ``charts.static_image``
draws for the PDF, with its title, units and source), the comparison table when there
is one, and the data vintage and sources. The classification line heads every slide
and the issuing body signs every foot. Opens in PowerPoint and LibreOffice Impress.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from instruments.calculators.translation import active_language, gettext
from instruments.presentation import fonts
from instruments.presentation.briefing import (
    Briefing,
    BriefingChart,
    date_text,
    source_line,
    units_and_source,
)
from instruments.presentation.charts.static_image import render_png

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
NAVY = RGBColor(0x1F, 0x3B, 0x57)
GREY = RGBColor(0x55, 0x55, 0x55)
RED = RGBColor(0xA4, 0x00, 0x00)
INK = RGBColor(0x1A, 0x1A, 0x1A)
TABLE_ROWS = 14
"""Rows of a comparison table on one slide (the PDF has them all)."""


def render_pptx(briefing: Briefing) -> bytes:
    """The brief as .pptx bytes, its text set in the reader's language's fonts."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, briefing)
    if briefing.key_figures:
        _figures_slide(deck, briefing)
    elif briefing.table:
        _table_slide(deck, briefing)
    for chart in briefing.charts:
        _chart_slide(deck, briefing, chart)
    _sources_slide(deck, briefing)
    for number, slide in enumerate(deck.slides, start=1):
        _marks(slide, briefing, number)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


# --- slides ----------------------------------------------------------------------------


def _blank(deck: Any) -> Any:
    return deck.slides.add_slide(deck.slide_layouts[6])  # the blank layout


def _title_slide(deck: Any, briefing: Briefing) -> None:
    slide = _blank(deck)
    inner = WIDTH - 2 * MARGIN
    _text(
        slide,
        briefing.deployment.issuer,
        MARGIN,
        Inches(1.0),
        inner,
        Inches(0.5),
        size=16,
        bold=True,
        colour=NAVY,
    )
    _text(
        slide,
        briefing.title,
        MARGIN,
        Inches(1.6),
        inner,
        Inches(1.2),
        size=34,
        bold=True,
    )
    _text(slide, briefing.question, MARGIN, Inches(3.0), inner, Inches(1.8), size=22)
    _text(
        slide,
        gettext("Brief of {date}. {vintage}").format(
            date=date_text(briefing.date), vintage=briefing.vintage
        ),
        MARGIN,
        Inches(5.2),
        inner,
        Inches(1.0),
        size=12,
        colour=GREY,
    )


def _figures_slide(deck: Any, briefing: Briefing) -> None:
    slide = _blank(deck)
    _heading(slide, gettext("The answer in four figures"))
    box_w = (WIDTH - 2 * MARGIN - Inches(0.4)) / 2
    box_h = Inches(2.35)
    for i, figure in enumerate(briefing.key_figures[:4]):
        left = MARGIN + (box_w + Inches(0.4)) * (i % 2)
        top = Inches(1.35) + (box_h + Inches(0.25)) * (i // 2)
        box = slide.shapes.add_shape(
            1, Emu(int(left)), Emu(int(top)), Emu(int(box_w)), Emu(int(box_h))
        )
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor(0xE8, 0xEE, 0xF4)
        box.line.color.rgb = RGBColor(0xBB, 0xBB, 0xBB)
        frame = box.text_frame
        frame.word_wrap = True
        center = PP_ALIGN.CENTER
        _paragraph(
            frame,
            figure.value_with_unit,
            size=32,
            bold=True,
            colour=NAVY,
            first=True,
            align=center,
        )
        _paragraph(frame, figure.name, size=16, align=center)
        spread = (
            gettext("P5–P95: {range}").format(range=figure.range_with_unit)
            if figure.range
            else gettext("One calculation: no range drawn")
        )
        _paragraph(frame, spread, size=13, colour=GREY, align=center)
    _text(
        slide,
        source_line(briefing.basis),
        MARGIN,
        Inches(6.45),
        WIDTH - 2 * MARGIN,
        Inches(0.5),
        size=11,
        colour=GREY,
    )


def _table_slide(deck: Any, briefing: Briefing) -> None:
    slide = _blank(deck)
    _heading(slide, briefing.table_title)
    rows = briefing.table[: TABLE_ROWS + 1]
    columns = len(rows[0])
    shape = slide.shapes.add_table(
        len(rows),
        columns,
        MARGIN,
        Inches(1.3),
        WIDTH - 2 * MARGIN,
        Inches(0.35) * len(rows),
    )
    table = shape.table
    for r, row in enumerate(rows):
        for c in range(columns):
            cell = table.cell(r, c)
            cell.text = str(row[c]) if c < len(row) else ""
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(11 if columns <= 5 else 9)
                    run.font.bold = r == 0
                    _east_asian_font(run)
    if len(briefing.table) > TABLE_ROWS + 1:
        _text(
            slide,
            gettext("More rows in the PDF brief."),
            MARGIN,
            Inches(6.5),
            WIDTH - 2 * MARGIN,
            Inches(0.4),
            size=11,
            colour=GREY,
        )


def _chart_slide(deck: Any, briefing: Briefing, chart: BriefingChart) -> None:
    slide = _blank(deck)
    _heading(slide, chart.title)
    if chart.description:
        _text(
            slide,
            chart.description,
            MARGIN,
            Inches(1.05),
            WIDTH - 2 * MARGIN,
            Inches(0.4),
            size=12,
            colour=GREY,
        )
    # Drawn small and shown large: the chart's lettering reads from the back.
    png = render_png(chart.figure, width_in=8.0, height_in=3.9)
    top = Inches(1.5)
    room_h = Inches(6.3) - top
    picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top, height=room_h)
    if picture.width > WIDTH - 2 * MARGIN:  # keep it on the slide
        ratio = (WIDTH - 2 * MARGIN) / picture.width
        picture.width = Emu(int(picture.width * ratio))
        picture.height = Emu(int(picture.height * ratio))
    picture.left = Emu(int((WIDTH - picture.width) / 2))
    _text(
        slide,
        units_and_source(chart, briefing),
        MARGIN,
        Inches(6.35),
        WIDTH - 2 * MARGIN,
        Inches(0.5),
        size=11,
        colour=GREY,
    )


def _sources_slide(deck: Any, briefing: Briefing) -> None:
    slide = _blank(deck)
    _heading(slide, gettext("Sources and data vintage"))
    box = slide.shapes.add_textbox(MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(5.0))
    frame = box.text_frame
    frame.word_wrap = True
    lines = [
        briefing.vintage,
        *briefing.sources,
        gettext("Formulas and assumptions: {address}").format(
            address=briefing.methodology_url
        ),
    ]
    size = 14 if sum(len(t) for t in lines) < 900 else 10
    for i, line in enumerate(lines):
        _paragraph(frame, line, size=size, first=i == 0)


# --- pieces ----------------------------------------------------------------------------


def _heading(slide: Any, text: str) -> None:
    _text(
        slide,
        text,
        MARGIN,
        Inches(0.45),
        WIDTH - 2 * MARGIN,
        Inches(0.8),
        size=26,
        bold=True,
        colour=NAVY,
    )


def _marks(slide: Any, briefing: Briefing, number: int) -> None:
    """The classification line on top; the issuer and the slide number at the foot."""
    if briefing.deployment.classification:
        _text(
            slide,
            briefing.deployment.classification,
            MARGIN,
            Inches(0.08),
            WIDTH - 2 * MARGIN,
            Inches(0.35),
            size=11,
            bold=True,
            colour=RED,
            align=PP_ALIGN.CENTER,
        )
    _text(
        slide,
        f"{briefing.deployment.issuer} · {briefing.title}"[:120],
        MARGIN,
        Inches(7.0),
        WIDTH - 2 * MARGIN - Inches(1.0),
        Inches(0.35),
        size=10,
        colour=GREY,
    )
    _text(
        slide,
        str(number),
        WIDTH - MARGIN - Inches(1.0),
        Inches(7.0),
        Inches(1.0),
        Inches(0.35),
        size=10,
        colour=GREY,
        align=PP_ALIGN.RIGHT,
    )


def _text(
    slide: Any,
    text: str,
    left: Any,
    top: Any,
    width: Any,
    height: Any,
    *,
    size: float,
    bold: bool = False,
    colour: RGBColor | None = None,
    align: Any = None,
) -> Any:
    box = slide.shapes.add_textbox(
        Emu(int(left)), Emu(int(top)), Emu(int(width)), Emu(int(height))
    )
    frame = box.text_frame
    frame.word_wrap = True
    _paragraph(
        frame, text, size=size, bold=bold, colour=colour, first=True, align=align
    )
    return box


def _paragraph(
    frame: Any,
    text: str,
    *,
    size: float,
    bold: bool = False,
    colour: RGBColor | None = None,
    first: bool = False,
    align: Any = None,
) -> None:
    paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour or INK  # a shape's own style would make it white
    _east_asian_font(run)


def _east_asian_font(run: Any) -> None:
    """Name the East-Asian typeface (``a:ea``) of a run of Japanese text, so that
    PowerPoint and Impress set kana and kanji in a Japanese font, not boxes."""
    if not active_language().lower().startswith("ja"):
        return
    properties = run._r.get_or_add_rPr()
    east_asian = properties.find(qn("a:ea"))
    if east_asian is None:  # after the colour: a:ea follows a:solidFill in a:rPr
        east_asian = properties.makeelement(qn("a:ea"), {})
        properties.append(east_asian)
    east_asian.set("typeface", fonts.JAPANESE)


def slide_texts(content: bytes) -> Sequence[str]:
    """Every slide's text (its text boxes and table cells), for tests and checks: one
    string a slide."""
    deck = Presentation(io.BytesIO(content))
    texts = []
    for slide in deck.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        texts.append(" ".join(parts))
    return texts
