"""What every chart shares: colours, layout, units and the JSON-ready form."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from instruments.calculators.units import money_unit
from instruments.presentation.charts.hover import readable_hover
from instruments.presentation.charts.legible import distinct_colours, readable_axes
from instruments.presentation.numbers import current_format

# --- calculator results (officials' pages) -------------------------------------------

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#882255",
    "#999933",
)
"""Eight distinct colours: a chart names at most eight series (``legible``)."""
SPARE_COLOURS = ("#117733", "#44AA99", "#AA4499", "#DDCC77", "#332288", "#661100")
"""Used only when a chart's own colours would repeat in its legend."""
OTHERS_COLOUR = "#9A9A9A"
FLOOR_COLOUR = "#222222"

PLOTLY_CONFIG: dict[str, Any] = {
    "responsive": True,
    # Privacy: no "share" or "edit in Chart Studio" button (they offer to upload the
    # chart to Plotly's cloud), no link to plotly.com and no logo.
    "displaylogo": False,
    # Shown on hover only (app.js hides it at a phone's width): never over the legend.
    "displayModeBar": "hover",
    "showLink": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showSources": False,
    "modeBarButtonsToRemove": [
        "sendDataToCloud",
        "sendChartToCloud",
        "editInChartStudio",
        "lasso2d",
        "select2d",
    ],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
"""The one Plotly config of every chart (``Plotly.newPlot``'s third argument): pages
read it from the ``plotly-config`` JSON element that ``{% plotly_config %}`` writes."""
COMPLIANT_COLOUR = "#0072B2"
NON_COMPLIANT_COLOUR = "#D55E00"


def to_plain(figure: go.Figure) -> dict[str, Any]:
    """A figure as plain JSON data: numpy arrays to lists, NaN to null; its axes and
    hover labels written by the one formatter, in the reader's number format.

    ``json_script`` uses plain ``json.dumps``, which would write NaN as invalid JSON;
    plotly's encoder writes null.
    """
    distinct_colours(figure, (*PALETTE, *SPARE_COLOURS))
    readable_hover(figure)  # before the axes move a unit to its multiple (t → kt)
    readable_axes(figure)
    figure.update_layout(separators=_separators())
    return dict(_plain_arrays(json.loads(pio.to_json(figure, validate=False))))


def _separators() -> str:
    """Plotly's decimal mark and thousands separator (hover labels): the reader's."""
    fmt = current_format()
    return f"{fmt.decimal}{fmt.thousands or ' '}"


def _plain_arrays(node: Any) -> Any:
    """Plotly writes numeric arrays as base64 typed arrays; pages, tests and people
    reading the page source get plain lists (NaN as null) instead."""
    if isinstance(node, dict):
        if set(node) >= {"dtype", "bdata"}:
            values = np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"])
            if "shape" in node:
                shape = [int(n) for n in str(node["shape"]).split(",")]
                values = values.reshape(shape)
            return _plain_arrays(values.tolist())
        return {key: _plain_arrays(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain_arrays(value) for value in node]
    if isinstance(node, float) and not math.isfinite(node):
        return None
    return node


Chart = tuple[str, str, str, go.Figure]
"""``(id, title, description, figure)`` of one chart."""


@dataclass(frozen=True)
class Comparison:
    """What the comparison of several scenarios of one instrument overlays: ``y``
    summed by ``x`` (and accumulated when ``cumulative``), as lines or bars; ``unit``
    is the kind of ``y`` (``money``, ``quantity`` or ``price``, one of
    ``result_units``' keys) shown on the axis."""

    x: str
    y: str
    kind: Literal["line", "bar"]
    cumulative: bool
    title: str
    unit: Literal["money", "quantity", "price"] = "money"


def result_units(inputs: Mapping[str, Any]) -> dict[str, str]:
    """The units a result is expressed in, from its inputs: price, quantity, money."""
    price_unit = str(inputs.get("price_unit") or "")
    currency = money_unit(price_unit) if "/" in price_unit else ""
    # Without a price unit (trade response) money is in whatever unit imports are in.
    currency = str(inputs.get("currency") or currency or "imports' currency")
    return {
        "price": price_unit or "price unit",
        "quantity": str(inputs.get("quantity_unit") or "quantity unit"),
        "money": currency,
    }


TOOLBAR_MARGIN = 44
"""Pixels right of the plot where the upright toolbar stands."""


def house_layout(
    figure: go.Figure,
    *,
    height: int = 420,
    margin: Mapping[str, int] | None = None,
    legend_y: float | None = None,
) -> None:
    """What every chart shares: template, size, font, colours, and a legend above the
    plot, where turned tick labels and axis titles at phone width never reach it
    (``legend_y`` below zero puts it below, for charts whose subplot titles sit on
    top)."""
    legend = (
        {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}
        if legend_y is None
        else {"orientation": "h", "x": 0, "y": legend_y, "yanchor": "top"}
    )
    box = dict(margin or {"l": 70, "r": 20, "t": 30, "b": 60})
    # The toolbar (on hover, never at a phone's width: app.js) stands upright in a
    # right margin of its own, beside the plot, never over the legend or a label.
    box["r"] = max(box.get("r", 20), TOOLBAR_MARGIN)
    figure.update_layout(
        template="plotly_white",
        height=height,
        margin=box,
        modebar={"orientation": "v", "bgcolor": "rgba(255,255,255,0.9)"},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
        legend=legend,
        colorway=list(PALETTE),
    )


def style(
    figure: go.Figure,
    *,
    x_title: str,
    y_title: str,
    height: int = 420,
) -> None:
    house_layout(figure, height=height)
    figure.update_layout(hovermode="x unified")
    figure.update_xaxes(title_text=x_title, type="category")
    # ticks: ``legible.readable_axes`` writes them when the figure is made plain
    figure.update_yaxes(title_text=y_title)


def period_x(rows: pd.DataFrame) -> str:
    return "period" if "period" in rows else rows.columns[0]


def two_panel(
    price_title: str, money_title: str, x_title: str, third_title: str = ""
) -> go.Figure:
    """Prices on top, money below (and a third panel, e.g. the cumulative cost)."""
    n = 3 if third_title else 2
    figure = make_subplots(
        rows=n,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.07,
        row_heights=[0.4, 0.3, 0.3] if n == 3 else [0.55, 0.45],
    )
    style(figure, x_title="", y_title="", height=700 if n == 3 else 560)
    figure.update_yaxes(title_text=price_title, row=1, col=1)
    figure.update_yaxes(title_text=money_title, row=2, col=1)
    if third_title:
        figure.update_yaxes(title_text=third_title, row=3, col=1)
    figure.update_xaxes(title_text=x_title, row=n, col=1)
    return figure
