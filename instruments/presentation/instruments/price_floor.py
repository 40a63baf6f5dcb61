"""The border-adjusted price floor as pages show it: import prices against the floor
and the levy raised, in a chart and in sentences, and who pays."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from instruments.calculators.base import Result
from instruments.presentation.charts.base import (
    FLOOR_COLOUR,
    PALETTE,
    Chart,
    Comparison,
    period_x,
    result_units,
    two_panel,
)
from instruments.presentation.text import (
    SummaryItem,
    country_name,
    format_figure,
    is_number,
    mean_of,
    money_text,
    of_commodity,
    period_span,
    period_word,
)

# --- figures -------------------------------------------------------------------------


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    x = period_x(rows)
    figure = two_panel(
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


COMPARISON = Comparison(
    "period", "revenue", "line", cumulative=False, title="Levy revenue per period"
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
    if "revenue" not in rows or "period" not in rows:
        return []
    units = result_units(inputs)
    money, price, quantity = units["money"], units["price"], units["quantity"]
    periods = [str(p) for p in dict.fromkeys(rows["period"])]
    word = period_word(periods)
    outside = rows[~rows["member"].astype(bool)] if "member" in rows else rows
    origins = ", ".join(
        country_name(str(o), names) for o in dict.fromkeys(outside.get("origin", []))
    )
    per_period = float(outside["quantity"].sum()) / max(len(periods), 1)
    floor = summary.get("reference_price_mean", mean_of(inputs.get("reference_price")))
    text = (
        f"A floor of {format_figure(floor)} {price} on "
        f"{format_figure(per_period)} {quantity} a {word}{of_commodity(inputs)}"
        + (f" from {origins}" if origins else "")
        + f" would have collected {money_text(summary.get('revenue_total'), money)}"
        + f" over {period_span(rows)}"
    )
    by_period = outside.groupby("period", sort=False)["revenue"].sum()
    nothing = [str(p) for p, v in by_period.items() if not v > 0]
    if nothing and len(nothing) < len(periods):
        plural = len(nothing) > 1
        text += (
            f"; in {', '.join(nothing)} the market price was above the floor, so "
            f"nothing was collected {'those' if plural else 'that'} "
            f"{word}{'s' if plural else ''}"
        )
    sentences = [text + "."]
    after = summary.get("revenue_total_after")
    if is_number(after) and math.isfinite(after) and after != summary["revenue_total"]:
        sentences.append(
            f"Once importers respond to the levy, imports from non-members fall and the "
            f"levy collects {money_text(after, money)} instead."
        )
    ave = summary.get("ave_weighted")
    if is_number(ave) and math.isfinite(ave):
        sentences.append(
            f"On average the levy adds {format_figure(ave * 100)} % to the price of "
            "imports from non-members; importers in the levying economies pay it."
        )
    return sentences


# --- who pays ------------------------------------------------------------------------


def who_pays(summary: Mapping[str, Any], units: Mapping[str, str]) -> tuple[str, str]:
    return (
        "Importers of non-member supply pay the levy; the government collects it.",
        "Revenue falls to nothing in periods when the market price is above the floor.",
    )
