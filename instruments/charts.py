"""Plotly figure builders: a result or a price history in, a JSON-ready figure dict out.

No Django here. Pages pass the dict to the template with json_script and draw it with
Plotly.newPlot from the project's own static plotly.min.js.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from instruments.calculators.base import Result
from instruments.calculators.units import money_unit

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
            name="price",
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
                name="estimated",
                marker={
                    "color": "white",
                    "size": 9,
                    "line": {"color": ESTIMATED_COLOUR, "width": 2},
                },
                hovertemplate=(
                    f"%{{x}}: %{{y:,.2f}} {history.unit} (estimated)<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        title={"text": f"{history.series_name} ({history.unit})"},
        xaxis={"title": {"text": "period"}, "type": "category"},
        yaxis={"title": {"text": history.unit}, "rangemode": "tozero"},
        margin={"l": 60, "r": 20, "t": 50, "b": 80},
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.25},
        annotations=[
            {
                "text": f"Source: {_shorten(history.source, 140)}",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.35,
                "showarrow": False,
                "font": {"size": 10},
                "xanchor": "left",
            }
        ],
        template="plotly_white",
    )
    figure: dict[str, Any] = json.loads(pio.to_json(fig, validate=False))
    return figure


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- calculator results (officials' pages) -------------------------------------------

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
)
FLOOR_COLOUR = "#222222"
COMPLIANT_COLOUR = "#0072B2"
NON_COMPLIANT_COLOUR = "#D55E00"


def build_result_figures(
    slug: str, result: Result, inputs: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The charts of one calculation: ``[{"id", "script_id", "title", "description",
    "figure"}]``, each figure a JSON-ready Plotly dict."""
    builder = _RESULT_BUILDERS.get(slug)
    if builder is None or (result.rows.empty and not result.extras):
        return []
    units = _units(inputs)
    charts = []
    for chart_id, title, description, figure in builder(result, units):
        charts.append(
            {
                "id": f"chart-{chart_id}",
                "script_id": f"chart-{chart_id}-data",
                "title": title,
                "description": description,
                "figure": to_plain(figure),
            }
        )
    return charts


def build_comparison_figure(
    slug: str, runs: Sequence[tuple[str, Result, Mapping[str, Any]]]
) -> dict[str, Any] | None:
    """One chart overlaying the scenarios being compared, or None with no runs."""
    spec = _COMPARISONS.get(slug)
    if spec is None or not runs:
        return None
    x_column, y_column, kind, cumulative, title = spec
    currencies = [_units(inputs)["money"] for _, _, inputs in runs]
    # Different currencies are never added up on one axis unlabelled.
    mixed = len(set(currencies)) > 1
    figure = go.Figure()
    for i, (name, result, _) in enumerate(runs):
        rows = result.rows
        if x_column not in rows or y_column not in rows:
            continue
        values = rows.groupby(x_column, sort=False)[y_column].sum()
        if cumulative:
            values = values.cumsum()
        colour = PALETTE[i % len(PALETTE)]
        x = [str(v) for v in values.index]
        label = f"{name} ({currencies[i]})" if mixed else name
        if kind == "bar":
            figure.add_bar(x=x, y=values.to_numpy(), name=label, marker_color=colour)
        else:
            figure.add_scatter(
                x=x,
                y=values.to_numpy(),
                name=label,
                mode="lines+markers",
                line={"color": colour, "width": 2.5},
            )
    y_unit = "each scenario's own currency" if mixed else currencies[0]
    _style(
        figure,
        x_title=x_column.replace("_", " ").capitalize(),
        y_title=f"{title} ({y_unit})",
    )
    figure.update_layout(barmode="group")
    return {
        "id": "chart-compare",
        "script_id": "chart-compare-data",
        "title": f"{title}, scenario by scenario",
        "description": "",
        "figure": to_plain(figure),
    }


def to_plain(figure: go.Figure) -> dict[str, Any]:
    """A figure as plain JSON data: numpy arrays to lists, NaN to null.

    ``json_script`` uses plain ``json.dumps``, which would write NaN as invalid JSON;
    plotly's encoder writes null.
    """
    return dict(_plain_arrays(json.loads(pio.to_json(figure, validate=False))))


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


# ``(x column, y column, "line" | "bar", cumulative, what is plotted)``
_COMPARISONS: dict[str, tuple[str, str, str, bool, str]] = {
    "price-floor": ("period", "revenue", "line", False, "Levy revenue per period"),
    "trade-response": ("origin", "imports_after", "bar", False, "Imports after"),
    "standards-market": ("name", "netback", "bar", False, "Producer netback"),
    "price-gap-subsidy": (
        "period",
        "net_cost",
        "line",
        True,
        "Cumulative net cost",
    ),
    "offtake": ("period", "buyer_saving", "line", True, "Cumulative buyer saving"),
}

Chart = tuple[str, str, str, go.Figure]


def result_units(inputs: Mapping[str, Any]) -> dict[str, str]:
    """The units a result is expressed in, from its inputs: price, quantity, money."""
    price_unit = str(inputs.get("price_unit") or "")
    currency = money_unit(price_unit) if "/" in price_unit else ""
    # Without a price unit (trade response) money is in whatever unit imports are in.
    currency = str(inputs.get("currency") or currency or "value")
    return {
        "price": price_unit or "price unit",
        "quantity": str(inputs.get("quantity_unit") or "quantity unit"),
        "money": currency,
    }


_units = result_units


def _style(
    figure: go.Figure,
    *,
    x_title: str,
    y_title: str,
    height: int = 420,
) -> None:
    figure.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 70, "r": 20, "t": 30, "b": 60},
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
        legend={"orientation": "h", "y": -0.18, "x": 0},
        hovermode="x unified",
        colorway=list(PALETTE),
        separators=".,",
    )
    figure.update_xaxes(title_text=x_title, type="category")
    figure.update_yaxes(title_text=y_title, tickformat=",~r", separatethousands=True)


def _period_x(rows: pd.DataFrame) -> str:
    return "period" if "period" in rows else rows.columns[0]


def _two_panel(
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
    _style(figure, x_title="", y_title="", height=700 if n == 3 else 560)
    figure.update_yaxes(title_text=price_title, row=1, col=1)
    figure.update_yaxes(title_text=money_title, row=2, col=1)
    if third_title:
        figure.update_yaxes(title_text=third_title, row=3, col=1)
    figure.update_xaxes(title_text=x_title, row=n, col=1)
    return figure


def _price_floor_charts(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    x = _period_x(rows)
    figure = _two_panel(
        f"Price ({units['price']})", f"Levy revenue ({units['money']})", "Period"
    )
    origins = list(dict.fromkeys(rows["origin"])) if "origin" in rows else [None]
    floor = rows.drop_duplicates(x)
    if "reference_price" in rows:
        figure.add_scatter(
            x=floor[x].astype(str),
            y=floor["reference_price"],
            name="Floor (reference price)",
            mode="lines",
            line={"color": FLOOR_COLOUR, "width": 3, "dash": "dash"},
            row=1,
            col=1,
        )
    for i, origin in enumerate(origins):
        flow = rows if origin is None else rows[rows["origin"] == origin]
        colour = PALETTE[i % len(PALETTE)]
        member = bool(flow["member"].iloc[0]) if "member" in flow else False
        label = f"{origin} ({'member' if member else 'non-member'})"
        figure.add_scatter(
            x=flow[x].astype(str),
            y=flow["import_price"],
            name=f"{label}: import price",
            mode="lines+markers",
            line={"color": colour},
            legendgroup=str(origin),
            row=1,
            col=1,
        )
        if not member and "landed_price" in flow:
            figure.add_scatter(
                x=flow[x].astype(str),
                y=flow["landed_price"],
                name=f"{label}: landed price with levy",
                mode="lines",
                line={"color": colour, "dash": "dot"},
                legendgroup=str(origin),
                row=1,
                col=1,
            )
        if "revenue" in flow:
            figure.add_bar(
                x=flow[x].astype(str),
                y=flow["revenue"],
                name=f"{origin}: levy revenue",
                marker_color=colour,
                legendgroup=str(origin),
                customdata=flow.get("levy"),
                hovertemplate=(
                    f"%{{y:,.0f}} {units['money']}"
                    + (
                        f" (levy %{{customdata:,.2f}} {units['price']})"
                        if "levy" in flow
                        else ""
                    )
                ),
                row=2,
                col=1,
            )
    figure.update_layout(barmode="stack")
    return [
        (
            "price-floor",
            "Import prices against the floor, and the levy it raises",
            "Top: each origin's import price, the floor and, for non-members, the landed "
            "price once the levy is paid. Bottom: levy revenue by origin in each period.",
            figure,
        )
    ]


def _trade_response_charts(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    x = rows["origin"].astype(str) if "origin" in rows else rows.index.astype(str)
    money = units["money"]
    figure = go.Figure()
    for i, (column, label) in enumerate(
        (
            ("trade_creation", "Trade creation"),
            ("trade_diversion", "Trade diversion"),
        )
    ):
        if column in rows:
            figure.add_bar(
                x=x,
                y=rows[column],
                name=label,
                marker_color=PALETTE[i],
                hovertemplate=f"%{{y:,.2f}} {money}",
            )
    if {"trade_creation", "trade_diversion"} <= set(rows.columns):
        figure.add_scatter(
            x=x,
            y=rows["trade_creation"] + rows["trade_diversion"],
            name="Net change",
            mode="markers",
            marker={"color": FLOOR_COLOUR, "symbol": "diamond", "size": 11},
            hovertemplate=f"%{{y:,.2f}} {money}",
        )
    _style(figure, x_title="Origin", y_title=f"Change in imports ({money})")
    figure.update_layout(barmode="relative", hovermode="x unified")
    charts: list[Chart] = [
        (
            "trade-effects",
            "Trade creation and diversion by origin",
            "Negative creation means less imported in total; diversion moves trade "
            "between members and non-members.",
            figure,
        )
    ]
    if "imports_after" in rows and {"trade_creation", "trade_diversion"} <= set(
        rows.columns
    ):
        before = (
            rows["imports_after"] - rows["trade_creation"] - rows["trade_diversion"]
        )
        imports = go.Figure()
        imports.add_bar(x=x, y=before, name="Imports before", marker_color=PALETTE[5])
        imports.add_bar(
            x=x, y=rows["imports_after"], name="Imports after", marker_color=PALETTE[0]
        )
        _style(imports, x_title="Origin", y_title=f"Imports ({money})")
        imports.update_layout(barmode="group")
        charts.append(
            (
                "imports",
                "Imports by origin, before and after",
                "",
                imports,
            )
        )
    return charts


def _standards_market_charts(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    names = rows["name"].astype(str) if "name" in rows else rows.index.astype(str)
    compliant = (
        rows["compliant"].astype(bool)
        if "compliant" in rows
        else pd.Series(True, index=rows.index)
    )
    figure = go.Figure()
    for flag, label, colour, pattern in (
        (True, "Compliant", COMPLIANT_COLOUR, ""),
        (False, "Not compliant", NON_COMPLIANT_COLOUR, "/"),
    ):
        subset = compliant == flag
        if not subset.any():
            continue
        if "netback" in rows:
            figure.add_bar(
                x=names[subset],
                y=rows.loc[subset, "netback"],
                name=f"Netback: {label.lower()}",
                marker={"color": colour, "pattern": {"shape": pattern}},
                offsetgroup="netback",
                hovertemplate=f"%{{y:,.2f}} {units['price']}",
            )
        if "carbon_charge" in rows:
            figure.add_bar(
                x=names[subset],
                y=rows.loc[subset, "carbon_charge"],
                name=f"Carbon charge: {label.lower()}",
                marker={
                    "color": "#7F7F7F" if flag else "#8C3B00",
                    "pattern": {"shape": "x" if not flag else ""},
                },
                offsetgroup="charge",
                hovertemplate=f"%{{y:,.2f}} {units['price']}",
            )
    _style(figure, x_title="Supplier", y_title=f"Per unit ({units['price']})")
    figure.update_layout(barmode="group", hovermode="closest")
    return [
        (
            "netback",
            "Netback and carbon charge by supplier, compliant or not",
            "Compliant supply earns the base price plus the premium; the rest receives "
            "the base price less its carbon charge.",
            figure,
        )
    ]


def _price_gap_subsidy_charts(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    charts: list[Chart] = []
    x = _period_x(rows)
    periods = rows[x].astype(str)
    money = units["money"]
    if "market_price" in rows and rows["market_price"].notna().any():
        figure = _two_panel(
            f"Price ({units['price']})",
            f"Paid per period ({money})",
            "Period",
            third_title=f"Cumulative ({money})",
        )
        if "strike" in rows:
            figure.add_scatter(
                x=periods,
                y=rows["strike"],
                name="Strike",
                mode="lines",
                line={"color": FLOOR_COLOUR, "width": 3, "dash": "dash"},
                row=1,
                col=1,
            )
        figure.add_scatter(
            x=periods,
            y=rows["market_price"],
            name="Market price",
            mode="lines+markers",
            line={"color": PALETTE[0]},
            row=1,
            col=1,
        )
        for column, label, colour in (
            ("payment", "Payments to producers", PALETTE[1]),
            ("upside", "Upside returned", PALETTE[2]),
        ):
            if column in rows:
                sign = -1 if column == "upside" else 1
                figure.add_bar(
                    x=periods,
                    y=sign * rows[column],
                    name=label,
                    marker_color=colour,
                    hovertemplate=f"%{{y:,.0f}} {money}",
                    row=2,
                    col=1,
                )
        if "cumulative_net_cost" in rows:
            figure.add_scatter(
                x=periods,
                y=rows["cumulative_net_cost"],
                name="Cumulative net cost",
                mode="lines+markers",
                line={"color": FLOOR_COLOUR},
                hovertemplate=f"%{{y:,.0f}} {money}",
                row=3,
                col=1,
            )
        figure.update_layout(barmode="relative")
        charts.append(
            (
                "strike",
                "Market price against the strike, with payments and cumulative cost",
                "Bars below zero are money the government receives back.",
                figure,
            )
        )
    fan = _fan_frame(result)
    if fan is not None:
        charts.append(
            (
                "fan",
                "Simulated market price: the middle 90 % of paths",
                "The band runs from the 5th to the 95th percentile of the simulated "
                "price; the line is the median.",
                _fan_figure(fan, rows, units),
            )
        )
    annual = result.extras.get("annual_net_cost")
    if isinstance(annual, pd.DataFrame) and not annual.empty:
        charts.append(
            (
                "bad-year",
                "Net cost by year: expected and in a bad year",
                "For each year, the average over the simulated paths and the cost that "
                "only 1 path in 20 exceeds.",
                _annual_cost_figure(annual, money),
            )
        )
    extra_bins = result.extras.get("net_cost_histogram")
    bins = (
        extra_bins
        if isinstance(extra_bins, pd.DataFrame) and not extra_bins.empty
        else None
    )
    distribution = _distribution(result)
    if bins is not None or distribution is not None:
        histogram = go.Figure()
        if bins is not None:
            histogram.add_bar(
                x=(bins["bin_start"] + bins["bin_end"]) / 2,
                y=bins["count"],
                width=bins["bin_end"] - bins["bin_start"],
                customdata=bins[["bin_start", "bin_end"]].to_numpy(),
                name="Simulated paths",
                marker_color=PALETTE[0],
                hovertemplate=(
                    f"%{{customdata[0]:,.0f}} to %{{customdata[1]:,.0f}} {money}: "
                    "%{y} paths<extra></extra>"
                ),
            )
        else:
            histogram.add_histogram(
                x=distribution,
                nbinsx=50,
                name="Simulated paths",
                marker_color=PALETTE[0],
                hovertemplate=f"%{{x}} {money}: %{{y}} paths<extra></extra>",
            )
        for key, label, colour in (
            ("expected_cost", "Mean", PALETTE[2]),
            ("p95", "P95", PALETTE[1]),
        ):
            value = result.summary.get(key)
            if isinstance(value, int | float) and pd.notna(value):
                histogram.add_vline(
                    x=float(value),
                    line={"color": colour, "dash": "dash", "width": 2},
                    annotation_text=label,
                    annotation_position="top",
                )
        _style(
            histogram,
            x_title=f"Total net cost over the horizon ({money})",
            y_title="Number of simulated paths",
        )
        histogram.update_xaxes(type="linear")
        histogram.update_layout(hovermode="closest", bargap=0.02, showlegend=False)
        charts.append(
            (
                "distribution",
                "Distribution of the total cost across simulated paths",
                "How often each total cost came up; the dashed lines mark the mean "
                "and the 95th percentile (a bad outcome, 1 in 20).",
                histogram,
            )
        )
    return charts


def _annual_cost_figure(annual: pd.DataFrame, money: str) -> go.Figure:
    figure = go.Figure()
    years = annual["year"].astype(str)
    for column, label, colour in (
        ("net_cost_mean", "Expected", PALETTE[0]),
        ("net_cost_p95", "Bad year (1 in 20)", PALETTE[1]),
    ):
        figure.add_bar(
            x=years,
            y=annual[column],
            name=label,
            marker_color=colour,
            hovertemplate=f"%{{x}}: %{{y:,.0f}} {money}<extra>{label}</extra>",
        )
    _style(figure, x_title="Year", y_title=f"Net cost in the year ({money})")
    figure.update_layout(barmode="group")
    return figure


def _fan_frame(result: Result) -> pd.DataFrame | None:
    for key in ("fan", "price_fan", "simulated_fan"):
        fan = result.extras.get(key)
        if isinstance(fan, pd.DataFrame) and not fan.empty:
            return fan
    return None


def _distribution(result: Result) -> list[float] | None:
    for key in ("net_cost_totals", "total_cost_distribution", "total_cost"):
        values = result.extras.get(key)
        if values is None:
            continue
        series = pd.Series(values, dtype="float64").dropna()
        if not series.empty:
            return [float(v) for v in series]
    return None


def _fan_figure(
    fan: pd.DataFrame, rows: pd.DataFrame, units: dict[str, str]
) -> go.Figure:
    columns = {str(c).lower(): c for c in fan.columns}

    def pick(*names: str) -> Any:
        return next((columns[n] for n in names if n in columns), None)

    x_col = pick("period", "step", "time")
    x = fan[x_col].astype(str) if x_col is not None else fan.index.astype(str)
    low = pick("price_p5", "p5", "p05")
    mid = pick("price_p50", "p50", "median")
    high = pick("price_p95", "p95")
    figure = go.Figure()
    if low is not None and high is not None:
        figure.add_scatter(
            x=x,
            y=fan[high],
            name="P95",
            mode="lines",
            line={"color": "rgba(0,114,178,0.5)", "width": 1},
        )
        figure.add_scatter(
            x=x,
            y=fan[low],
            name="P5",
            mode="lines",
            fill="tonexty",
            fillcolor="rgba(0,114,178,0.18)",
            line={"color": "rgba(0,114,178,0.5)", "width": 1},
        )
    if mid is not None:
        figure.add_scatter(
            x=x,
            y=fan[mid],
            name="P50 (median)",
            mode="lines",
            line={"color": PALETTE[0], "width": 3},
        )
    strike_col = pick("strike")
    if strike_col is not None:
        figure.add_scatter(
            x=x,
            y=fan[strike_col],
            name="Strike",
            mode="lines",
            line={"color": FLOOR_COLOUR, "dash": "dash", "width": 2},
        )
    elif "strike" in rows and len(rows) == len(fan):
        figure.add_scatter(
            x=x,
            y=rows["strike"],
            name="Strike",
            mode="lines",
            line={"color": FLOOR_COLOUR, "dash": "dash", "width": 2},
        )
    _style(
        figure,
        x_title="Period" if x_col is None or "period" in str(x_col) else "Step",
        y_title=f"Simulated market price ({units['price']})",
    )
    return figure


def _offtake_charts(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    x = _period_x(rows)
    periods = rows[x].astype(str)
    money = units["money"]
    figure = _two_panel(f"Price ({units['price']})", f"Money ({money})", "Period")
    for column, label, style in (
        ("market_price", "Market price", {"color": PALETTE[0]}),
        ("contract_price", "Contract price", {"color": PALETTE[1], "width": 3}),
    ):
        if column in rows:
            figure.add_scatter(
                x=periods,
                y=rows[column],
                name=label,
                mode="lines+markers",
                line=style,
                row=1,
                col=1,
            )
    for column, label, colour in (
        ("payment", "Payments to the producer", PALETTE[5]),
        ("buyer_saving", "Buyer's saving (negative: premium paid)", PALETTE[2]),
        ("take_or_pay_payment", "Take-or-pay payment", PALETTE[3]),
    ):
        if column in rows and rows[column].fillna(0).abs().sum() > 0:
            figure.add_bar(
                x=periods,
                y=rows[column],
                name=label,
                marker_color=colour,
                hovertemplate=f"%{{y:,.0f}} {money}",
                row=2,
                col=1,
            )
    figure.update_layout(barmode="group")
    return [
        (
            "offtake",
            "Contract price against the market, with payments and savings",
            "A positive saving means the buyer paid less than buying the same at spot.",
            figure,
        )
    ]


_RESULT_BUILDERS: dict[str, Callable[[Result, dict[str, str]], list[Chart]]] = {
    "price-floor": _price_floor_charts,
    "trade-response": _trade_response_charts,
    "standards-market": _standards_market_charts,
    "price-gap-subsidy": _price_gap_subsidy_charts,
    "offtake": _offtake_charts,
}
