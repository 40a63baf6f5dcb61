"""Price histories (admin and data pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from instruments.calculators.text import shorten
from instruments.calculators.translation import gettext
from instruments.presentation.charts.base import to_plain

# --- price histories (admin and data pages) ------------------------------------------

if TYPE_CHECKING:  # selectors use the ORM; charts only read the dataclass
    from instruments.selectors import PriceHistory

PRICE_COLOUR = "#0072B2"
ESTIMATED_COLOUR = "#D55E00"


def build_price_history_figure(history: PriceHistory) -> dict[str, Any]:
    """A line chart of a stored price series; estimated values are marked apart.

    The x axis is the period labels as categories (``2025-01``, ``2025Q1``, ``2025``),
    so monthly, quarterly and annual series read the same way.
    """
    labels = [str(label) for label in history.prices.index]
    prices = [float(p) for p in history.prices.to_numpy(dtype=float)]
    estimated = [bool(e) for e in history.estimated.to_numpy(dtype=bool)]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=prices,
            mode="lines+markers" if len(labels) <= 40 else "lines",
            name=gettext("price"),
            line={"color": PRICE_COLOUR, "width": 2},
            hovertemplate=f"%{{x}}: %{{y:,.2f}} {history.unit}<extra></extra>",
        )
    )
    if any(estimated):
        fig.add_trace(
            go.Scatter(
                x=[x for x, e in zip(labels, estimated, strict=True) if e],
                y=[y for y, e in zip(prices, estimated, strict=True) if e],
                mode="markers",
                name=gettext("estimated"),
                marker={
                    "color": "white",
                    "size": 9,
                    "line": {"color": ESTIMATED_COLOUR, "width": 2},
                },
                hovertemplate=(
                    f"%{{x}}: %{{y:,.2f}} {history.unit} "
                    f"({gettext('estimated')})<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        title={"text": f"{history.series_name} ({history.unit})"},
        xaxis={"title": {"text": gettext("period")}, "type": "category"},
        yaxis={"title": {"text": history.unit}, "rangemode": "tozero"},
        margin={"l": 60, "r": 20, "t": 50, "b": 120},
        hovermode="x unified",
        # Below the axis title, and the source line below the legend, each anchored
        # by its top so that neither grows into the other at phone width.
        legend={"orientation": "h", "y": -0.26, "yanchor": "top", "x": 0},
        annotations=[
            {
                "text": gettext("Source: {source}").format(
                    source=shorten(history.short_citation or history.source, 140)
                ),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.4,
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 10},
                "xanchor": "left",
            }
        ],
        template="plotly_white",
    )
    return to_plain(fig)
