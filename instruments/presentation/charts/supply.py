"""Where a commodity's supply comes from, as Plotly figure dicts (commodity pages).

No Django here: the selectors give DataFrames (top exporters per market, concentration
by year, unit values by year) and these functions turn them into JSON-ready figures,
in the style of ``charts.py`` (Okabe–Ito colours, ``to_plain``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from instruments.presentation.charts.base import PALETTE, house_layout, to_plain

BACI_ATTRIBUTION = "Source: CEPII, BACI database (HS 1992), Gaulier and Zignago (2010)"


def _layout(figure: go.Figure, *, height: int = 420, also: str = "") -> None:
    # The legend and the source line sit at fixed distances (px) below the plot,
    # whatever its height: paper fractions put them off a taller chart.
    top, bottom = 50, 150
    plot = height - top - bottom
    house_layout(
        figure,
        height=height,
        margin={"l": 70, "r": 20, "t": top, "b": bottom},
        legend_y=-62 / plot,
    )
    figure.update_layout(
        annotations=[
            *figure.layout.annotations,
            {
                # Two lines: one is wider than a phone.
                "text": BACI_ATTRIBUTION.replace(" (HS 1992), ", " (HS 1992),<br>")
                + (f"<br>{also}" if also else ""),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -112 / plot,
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 10},
                "xanchor": "left",
            },
        ],
    )


def build_top_exporters_figure(
    top: Mapping[str, pd.DataFrame],
    *,
    year: int,
    limit: int = 8,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Horizontal bars, one panel per market: each exporter's share of the market's
    imports (by value, per cent) in ``year``; ``top`` has ``origin, share`` rows, and
    ``names`` (ISO3 → name) labels the exporters in words."""
    words = names or {}
    markets = list(top)
    # One panel under another: side by side, three panels of exporters named in
    # words overlapped each other's labels at a phone's width.
    figure = make_subplots(
        rows=max(len(markets), 1),
        cols=1,
        subplot_titles=[f"Into {name}" for name in markets],
        vertical_spacing=0.12 if len(markets) > 1 else 0.0,
    )
    for column, name in enumerate(markets, start=1):
        rows = top[name].head(limit).iloc[::-1]
        figure.add_trace(
            go.Bar(
                x=(rows["share"] * 100).round(1).tolist(),
                y=[words.get(code, code) for code in rows["origin"]],
                orientation="h",
                name=name,
                marker={"color": PALETTE[(column - 1) % len(PALETTE)]},
                hovertemplate="%{y}: %{x:.1f} % of value<extra>" + name + "</extra>",
                showlegend=False,
            ),
            row=column,
            col=1,
        )
        figure.update_xaxes(title_text="% of value", row=column, col=1)
    _layout(figure, height=200 + 260 * max(len(markets), 1))
    return to_plain(figure)


def build_concentration_figure(
    concentration: Mapping[str, pd.DataFrame],
) -> dict[str, Any]:
    """Two panels over the years: the Herfindahl–Hirschman index (0–10,000) of each
    market's suppliers, and the largest supplier's share (per cent)."""
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        subplot_titles=[
            "Suppliers' HHI (0–10,000)",
            "Largest supplier's share (%)",
        ],
        vertical_spacing=0.12,
    )
    for index, (name, rows) in enumerate(concentration.items()):
        colour = PALETTE[index % len(PALETTE)]
        years = [int(y) for y in rows["year"]]
        figure.add_trace(
            go.Scatter(
                x=years,
                y=rows["hhi"].round(0).tolist(),
                mode="lines+markers",
                name=name,
                line={"color": colour},
                hovertemplate="%{x}: HHI %{y:,.0f}<extra>" + name + "</extra>",
            ),
            row=1,
            col=1,
        )
        figure.add_trace(
            go.Scatter(
                x=years,
                y=(rows["top_share"] * 100).round(1).tolist(),
                mode="lines+markers",
                name=name,
                line={"color": colour, "dash": "dot"},
                text=rows["top_exporter"].tolist(),
                hovertemplate="%{x}: %{text} %{y:.1f} %<extra>" + name + "</extra>",
                showlegend=False,
            ),
            row=2,
            col=1,
        )
    figure.update_yaxes(rangemode="tozero")
    _layout(figure, height=560)
    return to_plain(figure)


def build_unit_value_figure(
    unit_values: pd.DataFrame,
    *,
    title: str,
    unit: str = "USD/t",
    prices: pd.Series | None = None,
    price_name: str = "",
    price_source: str = "",
) -> dict[str, Any]:
    """Trade unit values (value ÷ tonnes) by year, in ``unit``; with ``prices`` (the
    yearly mean of a stored price series, in the same unit, index = year) the series
    beside them on the same axis."""
    figure = go.Figure(
        go.Scatter(
            x=[int(y) for y in unit_values["year"]],
            y=unit_values["unit_value"].round(2).tolist(),
            mode="lines+markers",
            name="Trade unit value (value ÷ tonnes)",
            line={"color": PALETTE[0]},
            hovertemplate="%{x}: %{y:,.2f} " + unit + "<extra>unit value</extra>",
        )
    )
    if prices is not None and not prices.empty:
        figure.add_trace(
            go.Scatter(
                x=[int(y) for y in prices.index],
                y=prices.round(2).tolist(),
                mode="lines+markers",
                name=price_name or "Price series",
                line={"color": PALETTE[1], "dash": "dot"},
                hovertemplate="%{x}: %{y:,.2f} " + unit + "<extra>price</extra>",
            )
        )
    figure.update_layout(
        title={"text": title},
        yaxis={"title": {"text": unit}, "rangemode": "tozero"},
        xaxis={"title": {"text": "year"}},
    )
    shown = prices is not None and not prices.empty
    _layout(figure, also=f"Prices: {price_source}" if shown and price_source else "")
    return to_plain(figure)
