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
from instruments.calculators.translation import gettext
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
            ("price_without", "Without stocks", FLOOR_COLOUR, "dot"),
            ("price_with", "With stocks", PALETTE[0], "solid"),
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
    style(figure, x_title="Month", y_title=f"Price ({units['price']})")
    # The members' names title the panels on top: the legend goes below the plot.
    figure.update_layout(
        margin={"b": 150},
        legend={"orientation": "h", "x": 0, "y": -0.45, "yanchor": "top"},
    )
    return (
        "price-paths",
        "Price in each member's market, with and without stocks",
        "The market's consumer price index each month (months up to 0 are the "
        "build-up): stocks are released when it passes the trigger.",
        figure,
    )


def _shortfall(rows: pd.DataFrame, members: list[str], units: dict[str, str]) -> Chart:
    figure = go.Figure()
    mine = rows[rows["market"].isin(members)]
    for i, (column, label) in enumerate(
        (("shortfall_without", "Without stocks"), ("shortfall_with", "With stocks"))
    ):
        total = mine.groupby("month")[column].sum()
        figure.add_bar(
            x=total.index.astype(str),
            y=total.to_numpy(),
            name=label,
            marker_color=FLOOR_COLOUR if i == 0 else PALETTE[0],
            hovertemplate=f"%{{y:,.0f}} {units['quantity']}",
        )
    style(figure, x_title="Month", y_title=f"Shortfall ({units['quantity']} a month)")
    figure.update_layout(barmode="group")
    return (
        "shortfall",
        "The members' shortfall, with and without stocks",
        "Base consumption less consumption, summed over the members, each month.",
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
    style(figure, x_title="Month", y_title=f"Stock ({units['quantity']})")
    return (
        "stock-levels",
        "Stocks left at the end of each month",
        "Bought during the build-up (months up to 0), drawn down by releases.",
        figure,
    )


def _sizes(sizes: pd.DataFrame, units: dict[str, str]) -> Chart:
    figure = go.Figure()
    x = sizes["days"].astype(float)
    figure.add_scatter(
        x=x,
        y=sizes["net_benefit"],
        name="Net benefit, this disruption",
        mode="lines+markers",
        line={"color": PALETTE[0]},
        hovertemplate=f"%{{y:,.0f}} {units['money']}",
    )
    if "expected_net_benefit" in sizes:
        figure.add_scatter(
            x=x,
            y=sizes["expected_net_benefit"],
            name="Expected net benefit, scenarios",
            mode="lines+markers",
            line={"color": PALETTE[1]},
            hovertemplate=f"%{{y:,.0f}} {units['money']}",
        )
    style(
        figure, x_title="Days of consumption", y_title=f"Net benefit ({units['money']})"
    )
    figure.update_xaxes(type="linear")
    return (
        "net-benefit-by-size",
        "Net benefit by stock size",
        "Every member holding the same days of its consumption.",
        figure,
    )


COMPARISON = Comparison(
    "month",
    "shortfall_with",
    "line",
    cumulative=False,
    title="Shortfall with stocks, every market",
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
            f"{origin} withholds {_share(disruption.get('cut', 0))} of its sales"
            f"{of_commodity(inputs)} for {disruption.get('months', '')} months: the "
            f"cut works like an export tax of {_share(summary.get('export_tax_equivalent', 0))}, "
            f"and {origin} keeps {money_text(summary.get('scarcity_rent'), money)} "
            "of scarcity rent."
        )
    if isinstance(members, pd.DataFrame) and not members.empty:
        parts = [
            f"{country_name(str(m['market']), names)} +{_share(m['peak_price_change_without'])} "
            f"(with stocks +{_share(m['peak_price_change_with'])}), "
            f"short {format_figure(m['shortfall_without'])} {quantity} "
            f"(with stocks {format_figure(m['shortfall_with'])})"
            for _, m in members.iterrows()
        ]
        out.append("Peak price rise and shortfall by member: " + "; ".join(parts) + ".")
    elif is_number(summary.get("peak_price_change_without")):
        out.append(
            f"Prices in the markets cut rise by up to "
            f"{_share(summary['peak_price_change_without'])}."
        )
    if is_number(summary.get("stock_total")) and summary["stock_total"] > 0:
        out.append(
            f"The stocks ({format_figure(summary['stock_total'])} {quantity}) cost "
            f"{money_text(summary.get('building_cost'), money)} to build and "
            f"{money_text(summary.get('holding_cost'), money)} to hold; they avoid "
            f"{money_text(summary.get('consumer_loss_avoided'), money)} of consumers' "
            f"loss, for a net benefit of {money_text(summary.get('net_benefit'), money)}."
        )
        gain = summary.get("coordination_gain")
        if is_number(gain):
            out.append(
                f"Releasing together rather than each alone adds "
                f"{money_text(gain, money)} to the members' consumers."
            )
    days = summary.get("days_to_hold_trigger")
    if is_number(days) and math.isfinite(days):
        out.append(
            f"Of the sizes compared, {format_figure(days)} days of consumption is the "
            "smallest that holds every member's price at its trigger."
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
            f"The best size compared is {format_figure(best)} days "
            f"(net benefit {money_text(summary.get('best_net_benefit'), money)})."
        )
    return out


# --- who pays ------------------------------------------------------------------------


def who_pays(summary: Mapping[str, Any], units: Mapping[str, str]) -> tuple[str, str]:
    return (
        "Governments (or agencies) buy and hold the stocks; consumers gain when they "
        "are released.",
        "Holding costs are certain; the benefit comes only if a disruption does.",
    )
