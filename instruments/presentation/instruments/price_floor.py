"""The border-adjusted price floor as pages show it: import prices against the floor
and the levy raised, in a chart and in sentences, and who pays."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from instruments.calculators.base import Result
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import (
    FLOOR_COLOUR,
    OTHERS_COLOUR,
    PALETTE,
    Chart,
    Comparison,
    period_x,
    result_units,
    two_panel,
)
from instruments.presentation.charts.legible import MAX_SERIES, OTHERS, top_keys
from instruments.presentation.text import (
    SummaryItem,
    country_name,
    format_figure,
    is_number,
    mean_of,
    money_text,
    of_commodity,
    per_period,
    period_span,
    period_word,
)

# --- figures -------------------------------------------------------------------------


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = _with_others(result.rows)
    x = period_x(rows)
    figure = two_panel(
        gettext("Price ({unit})").format(unit=units["price"]),
        gettext("Levy revenue ({unit})").format(unit=units["money"]),
        gettext("Period"),
    )
    origins = list(dict.fromkeys(rows["origin"])) if "origin" in rows else [None]
    for i, origin in enumerate(origins):
        flow = rows if origin is None else rows[rows["origin"] == origin]
        colour = OTHERS_COLOUR if origin == OTHERS else PALETTE[i % len(PALETTE)]
        member = bool(flow["member"].iloc[0]) if "member" in flow else False
        label = (
            gettext("Other origins (mean)")
            if origin == OTHERS
            else (
                gettext("{origin} (member)")
                if member
                else gettext("{origin} (non-member)")
            ).format(origin=origin)
        )
        # One legend entry per origin: its import price; its landed price (dotted)
        # and its revenue (bars) follow it in the legend group.
        figure.add_scatter(
            x=flow[x].astype(str),
            y=flow["import_price"],
            name=gettext("{origin}: import price").format(origin=label),
            mode="lines+markers",
            line={"color": colour},
            legendgroup=str(origin),
            hovertemplate=f"{label}: import price %{{y:,.2f}} {units['price']}"
            "<extra></extra>",
            row=1,
            col=1,
        )
        if not member and "landed_price" in flow:
            figure.add_scatter(
                x=flow[x].astype(str),
                y=flow["landed_price"],
                name=gettext("{origin}: landed price with levy").format(origin=label),
                mode="lines",
                line={"color": colour, "dash": "dot"},
                legendgroup=str(origin),
                showlegend=False,
                row=1,
                col=1,
            )
        if "revenue" in flow:
            figure.add_bar(
                x=flow[x].astype(str),
                y=flow["revenue"],
                name=gettext("{origin}: levy revenue").format(origin=label),
                marker_color=colour,
                legendgroup=str(origin),
                showlegend=False,
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
    floor = rows.drop_duplicates(x)
    if "reference_price" in rows:
        # Drawn last, over the origins' lines, and named at its end.
        figure.add_scatter(
            x=floor[x].astype(str),
            y=floor["reference_price"],
            name=gettext("Floor (reference price)"),
            mode="lines",
            line={"color": FLOOR_COLOUR, "width": 3.5, "dash": "dash"},
            row=1,
            col=1,
        )
        last = floor.iloc[-1]
        figure.add_annotation(
            x=str(last[x]),
            y=float(last["reference_price"]),
            text=gettext("Floor {level}").format(
                level=format_figure(float(last["reference_price"]))
            ),
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"color": FLOOR_COLOUR, "size": 12},
            bgcolor="rgba(255,255,255,0.8)",
            row=1,
            col=1,
        )
    figure.update_layout(barmode="stack")
    return [
        (
            "price-floor",
            gettext("Import prices against the floor, and the levy it raises"),
            gettext(
                "Top: each origin's import price (solid), the floor (dashed) and, for "
                "non-members, the landed price once the levy is paid (dotted). Bottom: "
                "levy revenue by origin in each period. At most {count} origins "
                "are named (the largest by import value); the rest are drawn together."
            ).format(count=MAX_SERIES - 1),
            figure,
        )
    ]


def _with_others(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with the origins beyond the largest (by import value) as one
    "others" flow per period and membership: quantities and revenue summed, prices
    quantity-weighted."""
    if "origin" not in rows or rows["origin"].nunique() <= MAX_SERIES:
        return rows
    value = (
        (rows["import_price"] * rows.get("quantity", 1.0))
        .groupby(rows["origin"], sort=False)
        .sum()
    )
    kept = set(top_keys(value))
    named = rows[rows["origin"].isin(kept)]
    rest = rows[~rows["origin"].isin(kept)]
    x = period_x(rows)
    weight = rest["quantity"] if "quantity" in rest else pd.Series(1.0, rest.index)
    weight = weight.where(weight > 0, 1e-12)
    parts: dict[str, Any] = {}
    for column in ("import_price", "landed_price", "reference_price"):
        if column in rest:
            parts[column] = (rest[column] * weight).groupby(rest[x], sort=False).sum()
    total = weight.groupby(rest[x], sort=False).sum()
    others = pd.DataFrame({k: v / total for k, v in parts.items()})
    for column in ("revenue", "quantity"):
        if column in rest:
            others[column] = rest[column].groupby(rest[x], sort=False).sum()
    others = others.reset_index().rename(columns={"index": x})
    others["origin"] = OTHERS
    if "member" in rows:
        others["member"] = bool(rest["member"].all())
    return pd.concat([named, others], ignore_index=True)


COMPARISON = Comparison(
    "period",
    "revenue",
    "line",
    cumulative=False,
    title=gettext_noop("Levy revenue per period"),
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
    text = (
        gettext(
            "A floor of {floor} {price} on {quantity}{commodity} from {origins} would "
            "have collected {amount} over {span}"
        )
        if origins
        else gettext(
            "A floor of {floor} {price} on {quantity}{commodity} would have collected "
            "{amount} over {span}"
        )
    ).format(
        floor=_floor_words(rows, summary, inputs),
        price=price,
        quantity=per_period(
            format_figure(float(outside["quantity"].sum()) / max(len(periods), 1)),
            quantity,
            word,
        ),
        commodity=of_commodity(inputs),
        origins=origins,
        amount=money_text(summary.get("revenue_total"), money),
        span=period_span(rows),
    )
    by_period = outside.groupby("period", sort=False)["revenue"].sum()
    nothing = [str(p) for p, v in by_period.items() if not v > 0]
    if nothing and len(nothing) < len(periods):
        text = gettext(
            "{sentence}; in {periods} the market price was above the floor, so "
            "nothing was collected {those_periods}"
        ).format(
            sentence=text,
            periods=", ".join(nothing),
            those_periods=_those_periods(word, len(nothing)),
        )
    sentences = [gettext("{parts}.").format(parts=text)]
    after = summary.get("revenue_total_after")
    if is_number(after) and math.isfinite(after) and after != summary["revenue_total"]:
        sentences.append(
            gettext(
                "Once importers respond to the levy, imports from non-members fall and "
                "the levy collects {amount} instead."
            ).format(amount=money_text(after, money))
        )
    ave = summary.get("ave_weighted")
    if is_number(ave) and math.isfinite(ave):
        sentences.append(
            gettext(
                "On average the levy adds {percent} % to the price of imports from "
                "non-members; importers in the levying economies pay it."
            ).format(percent=format_figure(ave * 100))
        )
    return sentences


def _floor_words(
    rows: pd.DataFrame, summary: Mapping[str, Any], inputs: Mapping[str, Any]
) -> str:
    """The floor as a sentence says it: its level in the periods it levied (never
    averaged over periods with no levy), a range when it moved ("60 to 66")."""
    if "reference_price" in rows and "revenue" in rows:
        levied = rows.groupby("period", sort=False).agg(
            floor=("reference_price", "first"), revenue=("revenue", "sum")
        )
        levels = levied.loc[levied["revenue"] > 0, "floor"]
        if levels.empty:
            levels = levied["floor"]
        low, high = float(levels.min()), float(levels.max())
        if format_figure(low) == format_figure(high):
            return format_figure(low)
        return gettext("{low} to {high}").format(
            low=format_figure(low), high=format_figure(high)
        )
    floor = summary.get("reference_price_mean", mean_of(inputs.get("reference_price")))
    return format_figure(floor)


# --- who pays ------------------------------------------------------------------------


def who_pays(summary: Mapping[str, Any], units: Mapping[str, str]) -> tuple[str, str]:
    return (
        gettext(
            "Importers of non-member supply pay the levy; the government collects it."
        ),
        gettext(
            "Revenue falls to nothing in periods when the market price is above the "
            "floor."
        ),
    )


_THOSE_PERIODS = {
    ("quarter", False): gettext_noop("that quarter"),
    ("quarter", True): gettext_noop("those quarters"),
    ("year", False): gettext_noop("that year"),
    ("year", True): gettext_noop("those years"),
    ("month", False): gettext_noop("that month"),
    ("month", True): gettext_noop("those months"),
    ("period", False): gettext_noop("that period"),
    ("period", True): gettext_noop("those periods"),
}


def _those_periods(word: str, count: int) -> str:
    """ "that quarter", "those years": the periods in which nothing was collected."""
    return gettext(
        _THOSE_PERIODS.get((word, count > 1), _THOSE_PERIODS["period", True])
    )
