"""The trade response as pages show it: trade creation and diversion by origin, and
who pays (the headline figures speak for themselves)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from instruments.calculators.base import Result
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import (
    FLOOR_COLOUR,
    PALETTE,
    Chart,
    Comparison,
    style,
)
from instruments.presentation.text import SummaryItem

# --- figures -------------------------------------------------------------------------


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    x = rows["origin"].astype(str) if "origin" in rows else rows.index.astype(str)
    money = units["money"]
    figure = go.Figure()
    for i, (column, label) in enumerate(
        (
            ("trade_creation", gettext("Trade creation")),
            ("trade_diversion", gettext("Trade diversion")),
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
            name=gettext("Net change"),
            mode="markers",
            marker={"color": FLOOR_COLOUR, "symbol": "diamond", "size": 11},
            hovertemplate=f"%{{y:,.2f}} {money}",
        )
    style(
        figure,
        x_title=gettext("Origin"),
        y_title=gettext("Change in imports ({unit})").format(unit=money),
    )
    figure.update_layout(barmode="relative", hovermode="x unified")
    charts: list[Chart] = [
        (
            "trade-effects",
            gettext("Trade creation and diversion by origin"),
            gettext(
                "Negative creation means less imported in total; diversion moves trade "
                "between members and non-members."
            ),
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
        imports.add_bar(
            x=x, y=before, name=gettext("Imports before"), marker_color=PALETTE[5]
        )
        imports.add_bar(
            x=x,
            y=rows["imports_after"],
            name=gettext("Imports after"),
            marker_color=PALETTE[0],
        )
        style(
            imports,
            x_title=gettext("Origin"),
            y_title=gettext("Imports ({unit})").format(unit=money),
        )
        imports.update_layout(barmode="group")
        charts.append(
            (
                "imports",
                gettext("Imports by origin, before and after"),
                "",
                imports,
            )
        )
    return charts


COMPARISON = Comparison(
    "origin",
    "imports_after",
    "bar",
    cumulative=False,
    title=gettext_noop("Imports after"),
)
"""What a comparison of scenarios overlays."""


# --- what this means -----------------------------------------------------------------


def sentences(
    result: Result,
    inputs: Mapping[str, Any],
    headline: Sequence[SummaryItem],
    names: Mapping[str, str],
) -> list[str]:
    """None of its own: the headline figures are read out as they are."""
    return []


# --- who pays ------------------------------------------------------------------------


def who_pays(summary: Mapping[str, Any], units: Mapping[str, str]) -> tuple[str, str]:
    return (
        gettext("Consumers and the treasury (tariff revenue)."),
        gettext("Depends on the elasticities."),
    )
