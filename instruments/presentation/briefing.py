"""The PDF briefing: one to three A4 pages an official can print or attach.

Built from presenters (sentences, plain-word inputs, headline figures, comparison
tables) and charts (the page's figures, drawn again as images by
``charts.static_image``), with reportlab: no browser, no network. Fonts come from
``fonts`` (DejaVu Sans, IPAexGothic for Japanese), so en dashes, "›", "≤" and kana print.

``briefing_for_calculation`` and ``briefing_for_comparison`` gather what a briefing
says; ``render_pdf`` lays it out. No Django here: views pass the addresses in.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from instruments.calculators import translation
from instruments.calculators.base import Calculator, Result
from instruments.calculators.text import shorten
from instruments.presentation import fonts, presenters
from instruments.presentation.charts.results import build_result_figures
from instruments.presentation.charts.static_image import render_png
from instruments.presentation.jsonify import rows_as_records
from instruments.presentation.presenters import sources_of, vintage_of
from instruments.presentation.text import commodity_name, format_figure, period_span

MAX_CHARTS = 2
"""Charts in a briefing of one result (the first ones: the page's main charts)."""
MAX_TABLE_ROWS = 24
MAX_TABLE_COLUMNS = 7
MAX_INPUT_ROWS = 30


@dataclass(frozen=True)
class BriefingChart:
    title: str
    description: str
    figure: Mapping[str, Any]
    source: str


@dataclass
class Briefing:
    """What a briefing says, in reading order."""

    title: str
    question: str
    vintage: str
    sentences: list[str]
    inputs: list[tuple[str, str]]
    headline: list[tuple[str, str]]
    charts: list[BriefingChart]
    table_title: str
    table: list[list[str]]
    sources: list[str]
    methodology_url: str
    notes: str = ""
    date: dt.date = field(default_factory=lambda: dt.datetime.now(dt.UTC).date())
    sections: list[tuple[str, list[str]]] = field(default_factory=list)


# --- what a briefing says ----------------------------------------------------------------


def question_of(calculator: Calculator, inputs: Mapping[str, Any], rows: Any) -> str:
    """The question the briefing answers, in one sentence."""
    span = period_span(rows)
    commodity = commodity_name(inputs)
    about = f" on {commodity}" if commodity else ""
    over = f" over {span}" if span else ""
    return (
        f"What would a {calculator.title.lower()}{about}, as set out below, mean in "
        f"money and trade{over}, and who would pay?"
    )


def briefing_for_calculation(
    calculator: Calculator,
    result: Result,
    inputs: Mapping[str, Any],
    *,
    title: str,
    methodology_url: str,
    notes: str = "",
    names: Mapping[str, str] | None = None,
) -> Briefing:
    """``names`` (ISO3 code → name) puts countries in words, as on the page."""
    headline, _ = presenters.summary_items(
        calculator, result.summary, inputs, bands=result.extras.get("summary_bands")
    )
    figures = build_result_figures(calculator, result, inputs)
    source_line = "; ".join(sources_of(inputs))
    return Briefing(
        title=title,
        question=question_of(calculator, inputs, result.rows),
        vintage=vintage_of(inputs),
        sentences=presenters.headline_sentences(calculator, result, inputs, names),
        inputs=_inputs(calculator, inputs),
        headline=[(item.label, item.display) for item in headline],
        charts=[
            BriefingChart(f["title"], f["description"], f["figure"], source_line)
            for f in figures[:MAX_CHARTS]
        ],
        table_title="The rows (first ones; the CSV and XLSX downloads have them all)",
        table=_table(calculator, result),
        sources=sources_of(inputs),
        methodology_url=methodology_url,
        notes=notes,
    )


def briefing_for_comparison(
    title: str,
    question: str,
    runs: Sequence[tuple[str, Calculator, Result, Mapping[str, Any]]],
    table: list[list[str]],
    figure: Mapping[str, Any] | None,
    *,
    methodology_url: str,
    names: Mapping[str, str] | None = None,
) -> Briefing:
    """Several results side by side: the comparison table, one chart, and each
    scenario's own sentences (countries in words with ``names``)."""
    sections = [
        (name, presenters.headline_sentences(calculator, result, inputs, names))
        for name, calculator, result, inputs in runs
    ]
    sources = list(dict.fromkeys(s for *_, inputs in runs for s in sources_of(inputs)))
    vintages = list(dict.fromkeys(vintage_of(inputs) for *_, inputs in runs))
    chart = (
        [
            BriefingChart(
                str(figure.get("title", "")), "", figure["figure"], "; ".join(sources)
            )
        ]
        if figure
        else []
    )
    return Briefing(
        title=title,
        question=question,
        vintage=" ".join(vintages),
        sentences=[],
        inputs=[],
        headline=[],
        charts=chart,
        table_title="Side by side",
        table=table,
        sources=sources,
        methodology_url=methodology_url,
        sections=sections,
    )


def _inputs(calculator: Calculator, inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    shown = {k: v for k, v in inputs.items() if not k.startswith("stored_")}
    pairs = presenters.plain_inputs(calculator, shown)
    # Settings left unset ("—") say nothing to a reader and pushed the sources onto
    # a fourth page.
    pairs = [(label, value) for label, value in pairs if value not in ("", "None", "—")]
    if len(pairs) > MAX_INPUT_ROWS:
        rest = len(pairs) - MAX_INPUT_ROWS
        pairs = [
            *pairs[:MAX_INPUT_ROWS],
            (f"… and {rest} more", "see the saved scenario"),
        ]
    return [(label, shorten(value, 90)) for label, value in pairs]


def _table(calculator: Calculator, result: Result) -> list[list[str]]:
    records = rows_as_records(result.rows)
    columns = [
        c
        for c in (calculator.columns or result.rows.columns)
        if c in result.rows.columns and any(r.get(c) is not None for r in records)
    ][:MAX_TABLE_COLUMNS]
    header = [c.replace("_", " ").capitalize() for c in columns]
    body = [
        [format_figure(r.get(c)) for c in columns] for r in records[:MAX_TABLE_ROWS]
    ]
    return [header, *body] if columns else []


# --- layout ------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts.pdf_fonts(translation.active_language())
    base = ParagraphStyle(
        "body", fontName=regular, fontSize=9.5, leading=13, alignment=TA_LEFT
    )
    return {
        "body": base,
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=17, leading=21
        ),
        "meta": ParagraphStyle("meta", parent=base, fontSize=8.5, textColor="#444444"),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=bold,
            fontSize=12,
            leading=15,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName=bold,
            fontSize=10,
            spaceBefore=4,
            keepWithNext=1,
        ),
        "question": ParagraphStyle("question", parent=base, fontSize=11, leading=15),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=10, bulletIndent=0),
    }


def render_pdf(briefing: Briefing) -> bytes:
    """The briefing as A4 PDF bytes."""
    fonts.register_pdf_fonts()
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=briefing.title,
        author="Critical-minerals trade instruments",
    )
    width = A4[0] - 36 * mm
    story: list[Any] = [
        Paragraph(_x(briefing.title), s["title"]),
        Paragraph(
            _x(f"Briefing of {briefing.date:%d %B %Y}. {briefing.vintage}"), s["meta"]
        ),
        Spacer(1, 4 * mm),
        Paragraph(f"<b>The question.</b> {_x(briefing.question)}", s["question"]),
    ]
    if briefing.notes:
        story.append(Paragraph(_x(briefing.notes), s["small"]))
    if briefing.sentences:
        story.append(Paragraph("What this means", s["h2"]))
        story += [
            Paragraph(_x(t), s["bullet"], bulletText="•") for t in briefing.sentences
        ]
    for name, sentences in briefing.sections:
        story.append(Paragraph(_x(name), s["h3"]))
        story += [Paragraph(_x(t), s["bullet"], bulletText="•") for t in sentences]
    if briefing.headline:
        story.append(Paragraph("Headline figures", s["h2"]))
        story.append(_grid(briefing.headline, [width * 0.68, width * 0.32], s, True))
    for chart in briefing.charts:
        image = render_png(chart.figure, width_in=7.0)
        picture = Image(io.BytesIO(image), width=width, height=_height(image, width))
        block = [
            Paragraph(_x(chart.title), s["h3"]),
            picture,
            Paragraph(_x(f"Source: {chart.source}"), s["small"]),
        ]
        if chart.description:
            block.insert(1, Paragraph(_x(chart.description), s["small"]))
        story.append(KeepTogether(block))
    if briefing.table:
        story.append(Paragraph(_x(briefing.table_title), s["h2"]))
        n = len(briefing.table[0])
        story.append(_grid(briefing.table, [width / n] * n, s, header=True))
    if briefing.inputs:
        story.append(Paragraph("The inputs", s["h2"]))
        story.append(_grid(briefing.inputs, [width * 0.6, width * 0.4], s, False))
    story.append(Paragraph("Sources", s["h2"]))
    story += [Paragraph(_x(t), s["small"]) for t in briefing.sources]
    story.append(
        Paragraph(
            f'Formulas and assumptions: <link href="{_x(briefing.methodology_url)}">'
            f"{_x(briefing.methodology_url)}</link>. Illustrative policy analysis, not "
            "legal text.",
            s["small"],
        )
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def _grid(
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    s: Mapping[str, ParagraphStyle],
    header: bool,
) -> Table:
    cells = [[Paragraph(_x(str(v)), s["cell"]) for v in row] for row in rows]
    table = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0)
    commands: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")))
    table.setStyle(TableStyle(commands))
    return table


def _height(png: bytes, width: float) -> float:
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as img:
        w, h = img.size
    return width * h / w


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(fonts.pdf_fonts(translation.active_language())[0], 7.5)
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.drawString(18 * mm, 9 * mm, "Critical-minerals trade instruments · briefing")
    canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"Page {doc.page}")
    canvas.restoreState()


def _x(text: str) -> str:
    return escape(str(text))
