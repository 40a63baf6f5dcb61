"""Disruptions and stockpiles as pages show them: each member's price path with and
without stocks, the stocks left, the shortfall, and the net benefit over the sizes
compared, in charts and in sentences, and who pays."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from instruments.calculators.base import Result
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import (
    FLOOR_COLOUR,
    PALETTE,
    Chart,
    Comparison,
    result_units,
    style,
)
from instruments.presentation.text import (
    SummaryItem,
    country_name,
    format_figure,
    is_number,
    money_text,
    of_commodity,
)

# --- figures -------------------------------------------------------------------------


def _members(rows: pd.DataFrame) -> list[str]:
    """The stocked markets, else every market whose price moves."""
    members = list(dict.fromkeys(rows.loc[rows["member"].astype(bool), "market"]))
    if members:
        return [str(m) for m in members]
    moved = rows.groupby("market")["price_change_without"].max()
    return [str(m) for m in moved[moved.abs() > 1e-9].index]


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    if rows is None or rows.empty or "price_with" not in rows:
        return []
    members = _members(rows)
    charts: list[Chart] = []
    if members:
        charts.append(_prices(rows, members, units))
        charts.append(_shortfall(rows, members, units))
        if rows["member"].astype(bool).any():
            charts.append(_stocks(rows, members, units))
    sizes = result.extras.get("sizes")
    if isinstance(sizes, pd.DataFrame) and not sizes.empty:
        charts.append(_sizes(sizes, units))
    return charts


def _prices(rows: pd.DataFrame, members: list[str], units: dict[str, str]) -> Chart:
    figure = make_subplots(
        rows=1,
        cols=len(members),
        shared_yaxes=True,
        subplot_titles=members,
        horizontal_spacing=0.04,
    )
    for col, code in enumerate(members, start=1):
        mine = rows[rows["market"] == code]
        for column, label, colour, dash in (
            ("price_without", gettext("Without stocks"), FLOOR_COLOUR, "dot"),
            ("price_with", gettext("With stocks"), PALETTE[0], "solid"),
        ):
            figure.add_scatter(
                x=mine["month"].astype(str),
                y=mine[column],
                name=label,
                legendgroup=label,
                showlegend=col == 1,
                line={"color": colour, "dash": dash},
                hovertemplate=f"%{{y:,.2f}} {units['price']}",
                row=1,
                col=col,
            )
    style(
        figure,
        x_title=gettext("Month"),
        y_title=gettext("Price ({unit})").format(unit=units["price"]),
    )
    # The members' names title the panels on top: the legend goes below the plot.
    figure.update_layout(
        margin={"b": 150},
        legend={"orientation": "h", "x": 0, "y": -0.45, "yanchor": "top"},
    )
    return (
        "price-paths",
        gettext("Price in each member's market, with and without stocks"),
        gettext(
            "The market's consumer price index each month (months up to 0 are the "
            "build-up): stocks are released when it passes the trigger."
        ),
        figure,
    )


def _shortfall(rows: pd.DataFrame, members: list[str], units: dict[str, str]) -> Chart:
    figure = go.Figure()
    mine = rows[rows["market"].isin(members)]
    for i, (column, label) in enumerate(
        (
            ("shortfall_without", gettext("Without stocks")),
            ("shortfall_with", gettext("With stocks")),
        )
    ):
        total = mine.groupby("month")[column].sum()
        figure.add_bar(
            x=total.index.astype(str),
            y=total.to_numpy(),
            name=label,
            marker_color=FLOOR_COLOUR if i == 0 else PALETTE[0],
            hovertemplate=f"%{{y:,.0f}} {units['quantity']}",
        )
    style(
        figure,
        x_title=gettext("Month"),
        y_title=gettext("Shortfall ({unit} a month)").format(unit=units["quantity"]),
    )
    figure.update_layout(barmode="group")
    return (
        "shortfall",
        gettext("The members' shortfall, with and without stocks"),
        gettext(
            "Base consumption less consumption, summed over the members, each month."
        ),
        figure,
    )


def _stocks(rows: pd.DataFrame, members: list[str], units: dict[str, str]) -> Chart:
    figure = go.Figure()
    for i, code in enumerate(members):
        mine = rows[rows["market"] == code]
        figure.add_scatter(
            x=mine["month"].astype(str),
            y=mine["stock_left"],
            name=code,
            mode="lines+markers",
            line={"color": PALETTE[i % len(PALETTE)]},
            hovertemplate=f"%{{y:,.0f}} {units['quantity']}",
        )
    style(
        figure,
        x_title=gettext("Month"),
        y_title=gettext("Stock ({unit})").format(unit=units["quantity"]),
    )
    return (
        "stock-levels",
        gettext("Stocks left at the end of each month"),
        gettext("Bought during the build-up (months up to 0), drawn down by releases."),
        figure,
    )


def _sizes(sizes: pd.DataFrame, units: dict[str, str]) -> Chart:
    figure = go.Figure()
    x = sizes["days"].astype(float)
    figure.add_scatter(
        x=x,
        y=sizes["net_benefit"],
        name=gettext("Net benefit, this disruption"),
        mode="lines+markers",
        line={"color": PALETTE[0]},
        hovertemplate=f"%{{y:,.0f}} {units['money']}",
    )
    if "expected_net_benefit" in sizes:
        figure.add_scatter(
            x=x,
            y=sizes["expected_net_benefit"],
            name=gettext("Expected net benefit, scenarios"),
            mode="lines+markers",
            line={"color": PALETTE[1]},
            hovertemplate=f"%{{y:,.0f}} {units['money']}",
        )
    style(
        figure,
        x_title=gettext("Days of consumption"),
        y_title=gettext("Net benefit ({unit})").format(unit=units["money"]),
    )
    figure.update_xaxes(type="linear")
    return (
        "net-benefit-by-size",
        gettext("Net benefit by stock size"),
        gettext("Every member holding the same days of its consumption."),
        figure,
    )


COMPARISON = Comparison(
    "month",
    "shortfall_with",
    "line",
    cumulative=False,
    title=gettext_noop("Shortfall with stocks, every market"),
    unit="quantity",
)
"""What a comparison of scenarios overlays."""


# --- what this means -----------------------------------------------------------------


def _share(value: Any) -> str:
    return f"{format_figure(float(value) * 100)} %"


def sentences(
    result: Result,
    inputs: Mapping[str, Any],
    headline: Sequence[SummaryItem],
    names: Mapping[str, str],
) -> list[str]:
    """How high prices go in each member and how short it is, what the stocks do,
    what they cost, the size that holds the price and what pooling adds."""
    summary = result.summary
    members = result.extras.get("members")
    units = result_units(inputs)
    money, quantity = units["money"], units["quantity"]
    disruption = inputs.get("disruption") or {}
    out: list[str] = []
    if isinstance(disruption, Mapping) and disruption.get("origin"):
        origin = country_name(str(disruption["origin"]), names)
        out.append(
            gettext(
                "{origin} withholds {cut} of its sales{commodity} for {months} months: "
                "the cut works like an export tax of {tax}, and {origin} keeps {rent} "
                "of scarcity rent."
            ).format(
                origin=origin,
                cut=_share(disruption.get("cut", 0)),
                commodity=of_commodity(inputs),
                months=disruption.get("months", ""),
                tax=_share(summary.get("export_tax_equivalent", 0)),
                rent=money_text(summary.get("scarcity_rent"), money),
            )
        )
    if isinstance(members, pd.DataFrame) and not members.empty:
        parts = [
            gettext(
                "{market} +{rise} (with stocks +{rise_with}), short {short} {unit} "
                "(with stocks {short_with})"
            ).format(
                market=country_name(str(m["market"]), names),
                rise=_share(m["peak_price_change_without"]),
                rise_with=_share(m["peak_price_change_with"]),
                short=format_figure(m["shortfall_without"]),
                unit=quantity,
                short_with=format_figure(m["shortfall_with"]),
            )
            for _, m in members.iterrows()
        ]
        out.append(
            gettext("Peak price rise and shortfall by member: {members}.").format(
                members="; ".join(parts)
            )
        )
    elif is_number(summary.get("peak_price_change_without")):
        out.append(
            gettext("Prices in the markets cut rise by up to {rise}.").format(
                rise=_share(summary["peak_price_change_without"])
            )
        )
    if is_number(summary.get("stock_total")) and summary["stock_total"] > 0:
        out.append(
            gettext(
                "The stocks ({stock} {unit}) cost {building} to build and {holding} to "
                "hold; they avoid {avoided} of consumers' loss, for a net benefit of "
                "{net}."
            ).format(
                stock=format_figure(summary["stock_total"]),
                unit=quantity,
                building=money_text(summary.get("building_cost"), money),
                holding=money_text(summary.get("holding_cost"), money),
                avoided=money_text(summary.get("consumer_loss_avoided"), money),
                net=money_text(summary.get("net_benefit"), money),
            )
        )
        gain = summary.get("coordination_gain")
        if is_number(gain):
            out.append(
                gettext(
                    "Releasing together rather than each alone adds {amount} to the "
                    "members' consumers."
                ).format(amount=money_text(gain, money))
            )
    days = summary.get("days_to_hold_trigger")
    if is_number(days) and math.isfinite(days):
        out.append(
            gettext(
                "Of the sizes compared, {days} days of consumption is the smallest "
                "that holds every member's price at its trigger."
            ).format(days=format_figure(days))
        )
        if is_number(summary.get("building_cost_to_hold_trigger")):
            out.append(
                gettext(
                    "That stock costs {building} to build and {holding} to hold; "
                    "releasing it together adds {gain} over each member releasing "
                    "alone."
                ).format(
                    building=money_text(
                        summary["building_cost_to_hold_trigger"], money
                    ),
                    holding=money_text(
                        summary.get("holding_cost_to_hold_trigger"), money
                    ),
                    gain=money_text(
                        summary.get("coordination_gain_to_hold_trigger"), money
                    ),
                )
            )
    best = summary.get("best_size")
    if is_number(best) and math.isfinite(best):
        out.append(
            gettext(
                "The best size compared is {days} days (net benefit {net})."
            ).format(
                days=format_figure(best),
                net=money_text(summary.get("best_net_benefit"), money),
            )
        )
    return out


# --- who pays ------------------------------------------------------------------------


def who_pays(summary: Mapping[str, Any], units: Mapping[str, str]) -> tuple[str, str]:
    return (
        gettext(
            "Governments (or agencies) buy and hold the stocks; consumers gain when "
            "they are released."
        ),
        gettext(
            "Holding costs are certain; the benefit comes only if a disruption does."
        ),
    )
