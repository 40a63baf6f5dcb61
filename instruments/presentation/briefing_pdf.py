"""A brief (``briefing.Briefing``) laid out as an A4 PDF with reportlab: no browser, no
network. Page one holds the question, the four headline figures and one chart; the
detail follows, a wide table on landscape pages. The classification line is printed at
the top and the foot of every page, the issuing body's name on the first and in every
footer. Fonts come from ``fonts`` (DejaVu Sans, IPAexGothic for Japanese), so en
dashes, "›", "≤" and kana print; the charts are the page's figures drawn again by
``charts.static_image``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from instruments.calculators import translation
from instruments.calculators.translation import gettext
from instruments.presentation import fonts
from instruments.presentation.briefing import (
    Briefing,
    BriefingChart,
    date_text,
    source_line,
    units_and_source,
)
from instruments.presentation.charts.static_image import render_png

MARGIN = 18 * mm
PORTRAIT_COLUMNS = 7
"""A table with more columns than this is printed on landscape pages."""
LEAD_SENTENCES = 2
"""Sentences of "what this means" on page one (all of them in the detail)."""


def _fonts() -> tuple[str, str]:
    """(regular, bold) for the reader's language."""
    return fonts.pdf_fonts(translation.active_language())


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = ParagraphStyle(
        "body", fontName=regular, fontSize=9.5, leading=13, alignment=TA_LEFT
    )
    return {
        "body": base,
        "issuer": ParagraphStyle(
            "issuer",
            parent=base,
            fontName=bold,
            fontSize=9,
            textColor="#1f3b57",
        ),
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
        "question": ParagraphStyle(
            "question", parent=base, fontSize=11.5, leading=15.5
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        "figure": ParagraphStyle(
            "figure", parent=base, fontName=bold, fontSize=11, leading=13
        ),
        "tiny": ParagraphStyle("tiny", parent=base, fontSize=6.3, leading=7.6),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=10, bulletIndent=0),
        "classification": ParagraphStyle(
            "classification",
            parent=base,
            fontName=bold,
            fontSize=9,
            alignment=TA_CENTER,
            textColor="#a40000",
        ),
    }


# --- the document --------------------------------------------------------------------


def render_pdf(briefing: Briefing) -> bytes:
    """The brief as A4 PDF bytes."""
    fonts.register_pdf_fonts()
    s = _styles()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=briefing.title,
        author=briefing.deployment.issuer,
        subject=briefing.question,
    )
    portrait_size, landscape_size = A4, landscape(A4)
    doc.addPageTemplates(
        [
            _template("portrait", portrait_size, briefing),
            _template("landscape", landscape_size, briefing),
        ]
    )
    width = portrait_size[0] - 2 * MARGIN
    story = _page_one(briefing, s, width)
    story += _detail(briefing, s, width, landscape_size[0] - 2 * MARGIN)
    doc.build(story)
    return buffer.getvalue()


def _template(name: str, size: tuple[float, float], briefing: Briefing) -> PageTemplate:
    frame = Frame(
        MARGIN,
        16 * mm,
        size[0] - 2 * MARGIN,
        size[1] - 32 * mm,
        id=f"{name}-frame",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )

    def decorate(canvas: Any, doc: Any) -> None:
        _page_marks(canvas, doc, size, briefing)

    return PageTemplate(id=name, frames=[frame], onPage=decorate, pagesize=size)


def _page_one(
    briefing: Briefing, s: Mapping[str, ParagraphStyle], width: float
) -> list[Any]:
    story: list[Any] = [
        Paragraph(_x(briefing.deployment.issuer), s["issuer"]),
        Spacer(1, 1.5 * mm),
        Paragraph(_x(briefing.title), s["title"]),
        Paragraph(
            _x(
                gettext("Brief of {date} · {classification}").format(
                    date=date_text(briefing.date),
                    classification=briefing.deployment.classification,
                )
            ),
            s["meta"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            "<b>" + _x(gettext("The question.")) + f"</b> {_x(briefing.question)}",
            s["question"],
        ),
    ]
    if briefing.notes:
        story.append(Paragraph(_x(briefing.notes), s["small"]))
    if briefing.key_figures:
        story.append(Paragraph(_x(gettext("The answer in four figures")), s["h2"]))
        story.append(_key_figures(briefing, s, width))
        story.append(Paragraph(_x(source_line(briefing.basis)), s["small"]))
    elif briefing.table:
        story.append(Paragraph(_x(briefing.table_title), s["h2"]))
        story.append(_data_table(briefing.table, s, width))
    if briefing.sentences:
        story.append(Spacer(1, 2 * mm))
        story += [
            Paragraph(_x(t), s["bullet"], bulletText="•")
            for t in briefing.sentences[:LEAD_SENTENCES]
        ]
    if briefing.charts:
        story.append(_chart(briefing.charts[0], briefing, s, width, height_in=3.3))
    story.append(Paragraph(_x(briefing.vintage), s["small"]))
    return story


def _detail(
    briefing: Briefing,
    s: Mapping[str, ParagraphStyle],
    width: float,
    wide_width: float,
) -> list[Any]:
    story: list[Any] = [PageBreak(), Paragraph(_x(gettext("The detail")), s["title"])]
    if briefing.sentences:
        story.append(Paragraph(_x(gettext("What this means")), s["h2"]))
        story += [
            Paragraph(_x(t), s["bullet"], bulletText="•") for t in briefing.sentences
        ]
    for name, sentences in briefing.sections:
        story.append(Paragraph(_x(name), s["h3"]))
        story += [Paragraph(_x(t), s["bullet"], bulletText="•") for t in sentences]
    if briefing.headline:
        story.append(Paragraph(_x(gettext("Every summary figure")), s["h2"]))
        story.append(_grid(briefing.headline, [width * 0.62, width * 0.38], s, True))
    if briefing.caveats:
        heading = gettext("Caveats and notes from the calculation")
        story.append(Paragraph(_x(heading), s["h2"]))
        story += [Paragraph(_x(t), s["small"]) for t in briefing.caveats]
    for chart in briefing.charts[1:]:
        story.append(_chart(chart, briefing, s, width))
    if briefing.table and briefing.key_figures:
        wide = len(briefing.table[0]) > PORTRAIT_COLUMNS
        title = Paragraph(_x(briefing.table_title), s["h2"])
        if wide:
            story += [NextPageTemplate("landscape"), PageBreak(), title]
            story.append(_data_table(briefing.table, s, wide_width))
            story += [NextPageTemplate("portrait"), PageBreak()]
        else:
            story += [title, _data_table(briefing.table, s, width)]
        story.append(
            Paragraph(
                _x(gettext("The CSV and XLSX downloads give every row and column.")),
                s["small"],
            )
        )
    if briefing.inputs:
        heading = gettext("The inputs (every one that differs from its default)")
        story.append(Paragraph(_x(heading), s["h2"]))
        story.append(_grid(briefing.inputs, [width * 0.45, width * 0.55], s, False))
    story.append(Paragraph(_x(gettext("Sources and data vintage")), s["h2"]))
    story.append(Paragraph(_x(briefing.vintage), s["small"]))
    story += [Paragraph(_x(t), s["small"]) for t in briefing.sources]
    story.append(
        Paragraph(
            _x(
                gettext(
                    "Formulas and assumptions: {address}. Illustrative policy "
                    "analysis, not legal text."
                )
            ).replace(
                "{address}",
                f'<link href="{_x(briefing.methodology_url)}">'
                f"{_x(briefing.methodology_url)}</link>",
            ),
            s["small"],
        )
    )
    return story


# --- pieces ----------------------------------------------------------------------------


def _key_figures(
    briefing: Briefing, s: Mapping[str, ParagraphStyle], width: float
) -> Table:
    rows = [
        [
            Paragraph(_x(gettext("Figure")), s["cell"]),
            Paragraph(_x(gettext("Value")), s["cell"]),
            Paragraph(
                _x(gettext("Range (P5–P95 of the uncertainty draws)")), s["cell"]
            ),
        ]
    ]
    for figure in briefing.key_figures:
        rows.append(
            [
                Paragraph(_x(figure.name), s["body"]),
                Paragraph(_x(figure.value_with_unit), s["figure"]),
                Paragraph(
                    _x(figure.range_with_unit)
                    if figure.range
                    else _x(gettext("no range: one calculation")),
                    s["cell"],
                ),
            ]
        )
    table = Table(rows, colWidths=[width * 0.47, width * 0.27, width * 0.26])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 1), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 3),
            ]
        )
    )
    return table


def _chart(
    chart: BriefingChart,
    briefing: Briefing,
    s: Mapping[str, ParagraphStyle],
    width: float,
    height_in: float | None = None,
) -> KeepTogether:
    image = render_png(chart.figure, width_in=7.0, height_in=height_in)
    picture = Image(io.BytesIO(image), width=width, height=_height(image, width))
    block: list[Any] = [Paragraph(_x(chart.title), s["h3"])]
    if chart.description:
        block.append(Paragraph(_x(chart.description), s["small"]))
    block.append(picture)
    block.append(Paragraph(_x(units_and_source(chart, briefing)), s["small"]))
    return KeepTogether(block)


def _data_table(
    rows: Sequence[Sequence[str]], s: Mapping[str, ParagraphStyle], width: float
) -> Table:
    """A table that fits ``width``: columns as wide as their longest word or value."""
    n = len(rows[0])
    style = s["tiny"] if n > PORTRAIT_COLUMNS else s["cell"]
    columns = [[str(r[i]) if i < len(r) else "" for r in rows] for i in range(n)]

    def wide(text: str) -> float:
        return 13 + stringWidth(text, style.fontName, style.fontSize)  # padding 6 + 6

    # Every column at least as wide as its longest word; the room left is shared
    # by what the longer cells would need to stand on one line.
    least = [
        max(wide("000"), *(wide(w) for c in col for w in c.split())) for col in columns
    ]
    most = [max(wide("000"), *(wide(c) for c in col)) for col in columns]
    spare = width - sum(least)
    if spare <= 0:
        widths = [width * w / sum(least) for w in least]
    else:
        extra = [m - w for m, w in zip(most, least, strict=True)]
        share = min(1.0, spare / sum(extra)) if sum(extra) else 0.0
        widths = [w + e * share for w, e in zip(least, extra, strict=True)]
        left = width - sum(widths)
        widths = [w + left / n for w in widths]
    cells = [[Paragraph(_x(str(v)), style) for v in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(_grid_style(header=True)))
    return table


def _grid(
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    s: Mapping[str, ParagraphStyle],
    header: bool,
) -> Table:
    cells = [[Paragraph(_x(str(v)), s["cell"]) for v in row] for row in rows]
    table = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0)
    table.setStyle(TableStyle(_grid_style(header=header)))
    return table


def _grid_style(*, header: bool) -> list[Any]:
    commands: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")))
    return commands


def _height(png: bytes, width: float) -> float:
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(png)) as img:
        w, h = img.size
    return width * h / w


def _page_marks(
    canvas: Any, doc: Any, size: tuple[float, float], briefing: Briefing
) -> None:
    """The classification line at the top and the foot; the issuer and page number."""
    page_width, page_height = size
    canvas.saveState()
    classification = briefing.deployment.classification
    if classification:
        canvas.setFont(_fonts()[1], 8.5)
        canvas.setFillColor(colors.HexColor("#a40000"))
        canvas.drawCentredString(page_width / 2, page_height - 10 * mm, classification)
        canvas.drawCentredString(page_width / 2, 5 * mm, classification)
    canvas.setFont(_fonts()[0], 7.5)
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.drawString(
        MARGIN, 10 * mm, f"{briefing.deployment.issuer} · {briefing.title}"[:120]
    )
    canvas.drawRightString(
        page_width - MARGIN, 10 * mm, gettext("Page {number}").format(number=doc.page)
    )
    canvas.restoreState()


def _x(text: str) -> str:
    return escape(str(text))
