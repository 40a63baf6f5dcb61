"""One module per instrument, holding everything its pages say about it: its charts
(``build_figures``), what a comparison of scenarios overlays (``COMPARISON``), its
headline in sentences (``sentences``) and who pays (``who_pays``).

``INSTRUMENTS`` maps each calculator's slug to its module; a new calculator adds a
module here and one entry to the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from instruments.calculators.base import Calculator, Result
from instruments.presentation.charts.base import Chart, Comparison
from instruments.presentation.instruments import (
    offtake,
    plurilateral,
    price_floor,
    price_gap_subsidy,
    project_support,
    standards_market,
    stockpile,
    trade_response,
)
from instruments.presentation.text import SummaryItem


class InstrumentPresentation(Protocol):
    """What every instrument's module provides."""

    COMPARISON: Comparison
    """The column a comparison of scenarios overlays."""

    def build_figures(self, result: Result, units: dict[str, str]) -> list[Chart]:
        """The charts of one result: ``(id, title, description, figure)``."""
        ...

    def sentences(
        self,
        result: Result,
        inputs: Mapping[str, Any],
        headline: Sequence[SummaryItem],
        names: Mapping[str, str],
    ) -> list[str]:
        """The headline in the instrument's own words ([] to read the figures out)."""
        ...

    def who_pays(
        self, summary: Mapping[str, Any], units: Mapping[str, str]
    ) -> tuple[str, str]:
        """(who pays, with what risk) for the comparison of instruments."""
        ...


INSTRUMENTS: dict[str, InstrumentPresentation] = {
    "price-floor": price_floor,
    "trade-response": trade_response,
    "plurilateral": plurilateral,
    "standards-market": standards_market,
    "price-gap-subsidy": price_gap_subsidy,
    "offtake": offtake,
    "project-support": project_support,
    "stockpile": stockpile,
}


def presentation_of(calculator: Calculator) -> InstrumentPresentation:
    """The presentation module of a calculator."""
    return INSTRUMENTS[calculator.slug]
