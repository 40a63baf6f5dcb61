"""The chart comparing instruments on one commodity: each scenario's own money figure
(the one its instrument module's ``COMPARISON`` overlays), accumulated over the periods."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from instruments.calculators.base import Calculator, Result
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import PALETTE, result_units, style
from instruments.presentation.instruments import presentation_of

MONEY_FIGURES = (
    gettext_noop("buyer saving"),
    gettext_noop("levy revenue"),
    gettext_noop("net cost"),
    gettext_noop("cash flow after tax, without support"),
    gettext_noop("producer netback"),
)
"""The money figures instruments overlay (their ``COMPARISON`` titles without
"cumulative" and "per period"), for the catalogues."""


def build_instrument_comparison_figure(
    runs: Sequence[tuple[str, Calculator, Result, Mapping[str, Any]]],
) -> go.Figure:
    figure = go.Figure()
    currencies = []
    for i, (title, calculator, result, inputs) in enumerate(runs):
        spec = presentation_of(calculator).COMPARISON
        rows = result.rows
        if spec.unit != "money" or spec.x not in rows or spec.y not in rows:
            continue
        currencies.append(result_units(inputs)["money"])
        # Years on one axis: instruments settle monthly, quarterly or yearly.
        years = rows[spec.x].astype(str).str[:4] if spec.x == "period" else rows[spec.x]
        values = rows.groupby(years, sort=True)[spec.y].sum().cumsum()
        figure.add_scatter(
            x=[str(v) for v in values.index],
            y=values.to_numpy(),
            name=gettext("{scenario}: {figure}, summed over the years").format(
                scenario=title, figure=gettext(spec.title)
            ),
            mode="lines+markers",
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
        )
    unit = (
        currencies[0]
        if len(set(currencies)) == 1
        else gettext("each scenario's currency")
    )
    style(
        figure,
        x_title=gettext("Year"),
        y_title=gettext("Cumulative money ({unit})").format(unit=unit),
    )
    figure.update_layout(height=460)
    return figure
