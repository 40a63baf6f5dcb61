"""Charts of the offtake agreement."""

from __future__ import annotations

from instruments.calculators.base import Result
from instruments.presentation.charts.base import (
    PALETTE,
    Chart,
    Comparison,
    period_x,
    two_panel,
)


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    x = period_x(rows)
    periods = rows[x].astype(str)
    money = units["money"]
    figure = two_panel(f"Price ({units['price']})", f"Money ({money})", "Period")
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


COMPARISON = Comparison(
    "period", "buyer_saving", "line", cumulative=True, title="Cumulative buyer saving"
)
"""What a comparison of scenarios overlays."""
