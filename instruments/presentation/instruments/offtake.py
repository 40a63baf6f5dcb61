"""The offtake agreement as pages show it: contract price against the market with
payments and savings, in a chart and in sentences, and who pays."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from instruments.calculators.base import Result
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import (
    PALETTE,
    Chart,
    Comparison,
    period_x,
    result_units,
    two_panel,
)
from instruments.presentation.text import (
    SummaryItem,
    format_figure,
    is_number,
    money_text,
    of_commodity,
    period_span,
)

# --- figures -------------------------------------------------------------------------


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    x = period_x(rows)
    periods = rows[x].astype(str)
    money = units["money"]
    figure = two_panel(
        gettext("Price ({unit})").format(unit=units["price"]),
        gettext("Money ({unit})").format(unit=money),
        gettext("Period"),
    )
    for column, label, style in (
        ("market_price", gettext("Market price"), {"color": PALETTE[0]}),
        (
            "contract_price",
            gettext("Contract price"),
            {"color": PALETTE[1], "width": 3},
        ),
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
        ("payment", gettext("Payments to the producer"), PALETTE[5]),
        (
            "buyer_saving",
            gettext("Buyer's saving (negative: premium paid)"),
            PALETTE[2],
        ),
        ("take_or_pay_payment", gettext("Take-or-pay payment"), PALETTE[3]),
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
            gettext("Contract price against the market, with payments and savings"),
            gettext(
                "A positive saving means the buyer paid less than buying the same at "
                "spot."
            ),
            figure,
        )
    ]


COMPARISON = Comparison(
    "period",
    "buyer_saving",
    "line",
    cumulative=True,
    title=gettext_noop("Cumulative buyer saving"),
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
    money, quantity = units["money"], units["quantity"]
    taken = float(rows["taken_quantity"].sum()) if "taken_quantity" in rows else None
    saving = summary.get("buyer_saving_total")
    if not is_number(saving) or not math.isfinite(saving):
        return []
    text = (
        gettext(
            "Buying {quantity} {unit}{commodity} over {span} under the offtake costs "
            "the buyer {payments}, {difference} less than at spot ({spot})."
        )
        if saving >= 0
        else gettext(
            "Buying {quantity} {unit}{commodity} over {span} under the offtake costs "
            "the buyer {payments}, {difference} more than at spot ({spot})."
        )
    ).format(
        quantity=format_figure(taken),
        unit=quantity,
        commodity=of_commodity(inputs),
        span=period_span(rows),
        payments=money_text(summary.get("payment_total"), money),
        difference=money_text(abs(saving), money),
        spot=money_text(summary.get("spot_cost_total"), money),
    )
    sentences = [text]
    top = summary.get("take_or_pay_total")
    if is_number(top) and top > 0:
        sentences.append(
            gettext(
                "Of this, {amount} are take-or-pay payments for quantities contracted "
                "but not taken."
            ).format(amount=money_text(top, money))
        )
    return sentences


# --- who pays ------------------------------------------------------------------------


def who_pays(summary: Mapping[str, Any], units: Mapping[str, str]) -> tuple[str, str]:
    collar: Any = summary.get("collar_value")
    risk = gettext("The buyer carries volume risk through take-or-pay.")
    if is_number(collar) and math.isfinite(collar):
        risk += " " + gettext("Collar worth {value} {unit} to the producer.").format(
            value=format_figure(collar), unit=units["price"]
        )
    return (gettext("The buyer pays the producer the contract price."), risk)
