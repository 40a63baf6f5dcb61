"""Charts of a sensitivity analysis: the headline figures along a one-way sweep, and
the tornado of the first headline figure's swing when each input moves by ±x %."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from instruments.calculators.translation import gettext
from instruments.presentation.charts.base import PALETTE, TOOLBAR_MARGIN, style


def build_sweep_figure(
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    labels: Mapping[str, str],
    *,
    x_title: str,
    y_title: str = "",
) -> go.Figure:
    """One line per headline figure against the varied input's value (figures of one
    unit, so that one axis reads them all)."""
    figure = go.Figure()
    xs = [r["value"] for r in rows]
    for i, key in enumerate(keys):
        figure.add_scatter(
            x=xs,
            y=[r.get(key) for r in rows],
            name=labels.get(key, key),
            mode="lines+markers",
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
        )
    style(figure, x_title=x_title, y_title=y_title or gettext("Headline figure"))
    figure.update_xaxes(type="linear")
    return figure


def build_tornado_figure(
    rows: Sequence[Mapping[str, Any]], *, label: str, change: float
) -> go.Figure:
    """Horizontal bars from the figure at −x % to +x % of each input, widest on top."""
    ordered = list(reversed(rows))
    names = [str(r["input"]) for r in ordered]
    base = ordered[0]["base"] if ordered else 0.0
    figure = go.Figure()
    for key, name, colour in (
        ("low", gettext("Input {change} lower"), PALETTE[0]),
        ("high", gettext("Input {change} higher"), PALETTE[1]),
    ):
        figure.add_bar(
            y=names,
            x=[(r[key] or 0.0) - (r["base"] or 0.0) for r in ordered],
            base=[r["base"] or 0.0 for r in ordered],
            orientation="h",
            name=name.format(change=f"{change:.0%}"),
            marker_color=colour,
        )
    style(figure, x_title=label, y_title="", height=max(260, 60 + 45 * len(rows)))
    figure.update_xaxes(type="linear")
    figure.update_yaxes(type="category", tickformat="", automargin=True)
    figure.update_xaxes(nticks=5, automargin=True)
    figure.update_layout(
        barmode="overlay",
        hovermode="y unified",
        margin={"l": 20, "r": TOOLBAR_MARGIN, "t": 30, "b": 90},
        legend={"orientation": "h", "y": -0.35, "x": 0},
    )
    if ordered:
        figure.add_vline(x=base, line={"color": "#222222", "width": 1})
    return figure
