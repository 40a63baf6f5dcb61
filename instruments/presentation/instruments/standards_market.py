"""The standards-based market as pages show it: netback and carbon charge by supplier,
and who pays (the headline figures speak for themselves)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from instruments.calculators.base import Result
from instruments.calculators.translation import gettext, gettext_noop
from instruments.presentation.charts.base import (
    COMPLIANT_COLOUR,
    NON_COMPLIANT_COLOUR,
    Chart,
    Comparison,
    style,
)
from instruments.presentation.text import SummaryItem

# --- figures -------------------------------------------------------------------------


def build_figures(result: Result, units: dict[str, str]) -> list[Chart]:
    rows = result.rows
    names = rows["name"].astype(str) if "name" in rows else rows.index.astype(str)
    compliant = (
        rows["compliant"].astype(bool)
        if "compliant" in rows
        else pd.Series(True, index=rows.index)
    )
    figure = go.Figure()
    for flag, netback, charge, colour, pattern in (
        (
            True,
            gettext("Netback: compliant"),
            gettext("Carbon charge: compliant"),
            COMPLIANT_COLOUR,
            "",
        ),
        (
            False,
            gettext("Netback: not compliant"),
            gettext("Carbon charge: not compliant"),
            NON_COMPLIANT_COLOUR,
            "/",
        ),
    ):
        subset = compliant == flag
        if not subset.any():
            continue
        if "netback" in rows:
            figure.add_bar(
                x=names[subset],
                y=rows.loc[subset, "netback"],
                name=netback,
                marker={"color": colour, "pattern": {"shape": pattern}},
                offsetgroup="netback",
                hovertemplate=f"%{{y:,.2f}} {units['price']}",
            )
        if "carbon_charge" in rows:
            figure.add_bar(
                x=names[subset],
                y=rows.loc[subset, "carbon_charge"],
                name=charge,
                marker={
                    "color": "#7F7F7F" if flag else "#8C3B00",
                    "pattern": {"shape": "x" if not flag else ""},
                },
                offsetgroup="charge",
                hovertemplate=f"%{{y:,.2f}} {units['price']}",
            )
    style(
        figure,
        x_title=gettext("Supplier"),
        y_title=gettext("Per unit ({unit})").format(unit=units["price"]),
    )
    figure.update_layout(barmode="group", hovermode="closest")
    return [
        (
            "netback",
            gettext("Netback and carbon charge by supplier, compliant or not"),
            gettext(
                "Compliant supply earns the base price plus the premium; the rest "
                "receives the base price less its carbon charge."
            ),
            figure,
        )
    ]


COMPARISON = Comparison(
    "name", "netback", "bar", cumulative=False, title=gettext_noop("Producer netback")
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
        gettext(
            "Buyers pay the premium to compliant supply; non-compliant supply pays the "
            "carbon charge."
        ),
        gettext("Depends on the carbon price and on suppliers' intensities."),
    )
