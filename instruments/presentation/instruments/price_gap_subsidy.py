"""The price-gap subsidy as pages show it: settlement, simulated fan, bad years and
totals, in charts and in sentences, and who pays."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from instruments.calculators.base import Result
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import (
    FLOOR_COLOUR,
    PALETTE,
    Chart,
    Comparison,
    period_x,
    result_units,
    style,
    two_panel,
)
from instruments.presentation.text import (
    SummaryItem,
    format_figure,
    format_quantity,
    is_number,
    mean_of,
    money_text,
    of_commodity,
    period_span,
    signed_words,
)

# --- figures -------------------------------------------------------------------------


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    charts: list[Chart] = []
    x = period_x(rows)
    periods = rows[x].astype(str)
    money = units["money"]
    if "market_price" in rows and rows["market_price"].notna().any():
        figure = two_panel(
            gettext("Price ({unit})").format(unit=units["price"]),
            gettext("Paid per period ({unit})").format(unit=money),
            gettext("Period"),
            third_title=gettext("Cumulative ({unit})").format(unit=money),
        )
        if "strike" in rows:
            figure.add_scatter(
                x=periods,
                y=rows["strike"],
                name=gettext("Strike"),
                mode="lines",
                line={"color": FLOOR_COLOUR, "width": 3, "dash": "dash"},
                row=1,
                col=1,
            )
        figure.add_scatter(
            x=periods,
            y=rows["market_price"],
            name=gettext("Market price"),
            mode="lines+markers",
            line={"color": PALETTE[0]},
            row=1,
            col=1,
        )
        for column, label, colour in (
            ("payment", gettext("Payments to producers"), PALETTE[1]),
            ("upside", gettext("Upside returned"), PALETTE[2]),
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
                name=gettext("Cumulative net cost"),
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
                gettext(
                    "Market price against the strike, with payments and cumulative cost"
                ),
                gettext("Bars below zero are money the government receives back."),
                figure,
            )
        )
    fan = result.extras.get("fan")
    if isinstance(fan, pd.DataFrame) and not fan.empty:
        charts.append(
            (
                "fan",
                # xgettext:no-python-format
                gettext("Simulated market price: the middle 90 % of paths"),
                gettext(
                    "The band runs from the 5th to the 95th percentile of the simulated "
                    "price; the line is the median."
                ),
                _fan_figure(fan, rows, units),
            )
        )
    annual = result.extras.get("annual_net_cost")
    if isinstance(annual, pd.DataFrame) and not annual.empty:
        charts.append(
            (
                "bad-year",
                gettext("Net cost by year: expected and in a bad year"),
                gettext(
                    "For each year, the average over the simulated paths and the cost "
                    "that only 1 path in 20 exceeds."
                ),
                _annual_cost_figure(annual, money),
            )
        )
    bins = result.extras.get("net_cost_histogram")
    if isinstance(bins, pd.DataFrame) and not bins.empty:
        histogram = go.Figure()
        histogram.add_bar(
            x=(bins["bin_start"] + bins["bin_end"]) / 2,
            y=bins["count"],
            width=bins["bin_end"] - bins["bin_start"],
            customdata=bins[["bin_start", "bin_end"]].to_numpy(),
            name=gettext("Simulated paths"),
            marker_color=PALETTE[0],
            hovertemplate=(
                f"%{{customdata[0]:,.0f}} to %{{customdata[1]:,.0f}} {money}: "
                "%{y} paths<extra></extra>"
            ),
        )
        for key, label, colour in (
            ("expected_cost", gettext("Mean"), PALETTE[2]),
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
        style(
            histogram,
            x_title=gettext("Total net cost over the horizon ({unit})").format(
                unit=money
            ),
            y_title=gettext("Number of simulated paths"),
        )
        histogram.update_xaxes(type="linear")
        histogram.update_layout(hovermode="closest", bargap=0.02, showlegend=False)
        charts.append(
            (
                "distribution",
                gettext("Distribution of the total cost across simulated paths"),
                gettext(
                    "How often each total cost came up; the dashed lines mark the mean "
                    "and the 95th percentile (a bad outcome, 1 in 20)."
                ),
                histogram,
            )
        )
    return charts


def _annual_cost_figure(annual: pd.DataFrame, money: str) -> go.Figure:
    figure = go.Figure()
    years = annual["year"].astype(str)
    for column, label, colour in (
        ("net_cost_mean", gettext("Expected"), PALETTE[0]),
        ("net_cost_p95", gettext("Bad year (1 in 20)"), PALETTE[1]),
    ):
        figure.add_bar(
            x=years,
            y=annual[column],
            name=label,
            marker_color=colour,
            hovertemplate=f"%{{x}}: %{{y:,.0f}} {money}<extra>{label}</extra>",
        )
    style(
        figure,
        x_title=gettext("Year"),
        y_title=gettext("Net cost in the year ({unit})").format(unit=money),
    )
    figure.update_layout(barmode="group")
    return figure


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
            name=gettext("P50 (median)"),
            mode="lines",
            line={"color": PALETTE[0], "width": 3},
        )
    strike_col = pick("strike")
    if strike_col is not None:
        figure.add_scatter(
            x=x,
            y=fan[strike_col],
            name=gettext("Strike"),
            mode="lines",
            line={"color": FLOOR_COLOUR, "dash": "dash", "width": 2},
        )
    elif "strike" in rows and len(rows) == len(fan):
        figure.add_scatter(
            x=x,
            y=rows["strike"],
            name=gettext("Strike"),
            mode="lines",
            line={"color": FLOOR_COLOUR, "dash": "dash", "width": 2},
        )
    style(
        figure,
        x_title=gettext("Period")
        if x_col is None or "period" in str(x_col)
        else gettext("Step"),
        y_title=gettext("Simulated market price ({unit})").format(unit=units["price"]),
    )
    return figure


COMPARISON = Comparison(
    "period",
    "net_cost",
    "line",
    cumulative=True,
    title=gettext_noop("Cumulative net cost"),
)
"""What a comparison of scenarios overlays."""


# --- what this means -----------------------------------------------------------------


def sentences(
    result: Result,
    inputs: Mapping[str, Any],
    headline: Sequence[SummaryItem],
    names: Mapping[str, str],
) -> list[str]:
    summary, rows = result.summary, result.rows
    units = result_units(inputs)
    money, price, quantity = units["money"], units["price"], units["quantity"]
    strike = summary.get("strike_mean", mean_of(inputs.get("strike")))
    net: Any = summary.get("net_cost_total")
    # a negative net cost is a gain: said in words, never "a cost of −17.8 million"
    npv = summary.get("npv")
    present = (
        gettext(" (present value: {value})").format(
            value=signed_words(-npv, money, negative=gettext_noop("a cost of {amount}"))
        )
        if is_number(npv) and math.isfinite(npv) and npv != net
        else ""
    )
    gain = is_number(net) and net < 0
    text = (
        gettext(
            "Guaranteeing a price of {strike} {price} on {quantity}{commodity} over "
            "{span} would bring the government {amount} net of any upside it "
            "receives{present_value}; the treasury pays, producers receive."
        )
        if gain
        else gettext(
            "Guaranteeing a price of {strike} {price} on {quantity}{commodity} over "
            "{span} would cost the government {amount} net of any upside it "
            "receives{present_value}; the treasury pays, producers receive."
        )
    ).format(
        strike=format_figure(strike),
        price=price,
        quantity=format_quantity(summary.get("quantity_total"), quantity),
        commodity=of_commodity(inputs),
        span=period_span(rows),
        amount=signed_words(-net, money) if gain else money_text(net, money),
        present_value=present,
    )
    sentences = [text]
    p95 = summary.get("p95")
    if is_number(p95) and math.isfinite(p95):
        sentences.append(
            gettext(
                "With simulated market prices the expected cost is {expected}; in a "
                "1-in-20 bad case it rises to {bad_case}."
            ).format(
                expected=money_text(summary.get("expected_cost"), money),
                bad_case=money_text(p95, money),
            )
        )
    return sentences


# --- who pays ------------------------------------------------------------------------


def who_pays(summary: Mapping[str, Any], units: Mapping[str, str]) -> tuple[str, str]:
    risk = ""
    if is_number(summary.get("p95")):
        risk = gettext(
            "Cost rises when prices fall: 1-in-20 bad case {amount}."
        ).format(amount=money_text(summary["p95"], units["money"]))
    return (gettext("The treasury pays producers the gap to the strike."), risk)
