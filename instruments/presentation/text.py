"""Figures and words every page and sentence shares: numbers rounded for reading,
money with its currency, periods, commodities and countries in words, and the summary
figure as a page shows it. Pure: no Django.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from instruments.calculators.numbers import is_number

# --- figures as people read them ------------------------------------------------------


def format_figure(value: Any, plain: bool = False) -> str:
    """A number rounded for reading: 18,500,000 · 82.12 · 0.1579; "—" when undefined.

    The engine never rounds; only the page does. ``plain`` leaves out the thousands
    separators (for values an official may copy back into a form).
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value) if plain else f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "—"
        if value == 0:
            return "0"
        if plain:
            return str(int(value)) if value.is_integer() else f"{value:.6g}"
        magnitude = abs(value)
        if magnitude >= 1000 or value.is_integer():
            return f"{value:,.0f}"
        if magnitude >= 1:
            return f"{value:,.2f}"
        return f"{value:.4g}"
    if hasattr(value, "item"):  # numpy scalar
        return format_figure(value.item(), plain)
    return str(value)


def format_headline(value: Any) -> str:
    """Large figures in words for the headline cards: 906.9 million, 1.25 billion."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        magnitude = abs(float(value))
        if magnitude >= 1e9:
            return f"{value / 1e9:,.2f} billion"
        if magnitude >= 1e6:
            return f"{value / 1e6:,.1f} million"
    return format_figure(value)


def mean_of(value: Any) -> Any:
    """The mean of a list of numbers (a per-period input), else the value itself."""
    if isinstance(value, list | tuple) and value:
        numbers = [v for v in value if is_number(v)]
        return sum(numbers) / len(numbers) if numbers else None
    return value


@dataclass(frozen=True)
class SummaryItem:
    """One summary figure as a page shows it: ``label`` without the unit, ``unit`` the
    result's own (USD, USD/kg, t, %), ``display`` the rounded value."""

    key: str
    name: str
    unit: str
    value: Any
    display: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name


# --- words for sentences ----------------------------------------------------------------


def money_text(value: Any, unit: str) -> str:
    """``USD 149.2 million``: a currency before the figure, other units after it."""
    display = format_headline(value)
    if not unit or display == "—":
        return display
    return (
        f"{unit} {display}"
        if unit.isalpha() and unit.isupper()
        else f"{display} {unit}"
    )


def period_span(rows: Any) -> str:
    """``2021–2025``: the first and last period of the rows, or "" without periods."""
    if rows is None or "period" not in getattr(rows, "columns", ()):
        return ""
    periods = [str(p) for p in dict.fromkeys(rows["period"])]
    if not periods:
        return ""
    return periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"


def period_word(periods: Sequence[str]) -> str:
    """What one period is called: quarter, year, month, else period."""
    first = str(periods[0]) if periods else ""
    if "Q" in first:
        return "quarter"
    if len(first) == 4 and first.isdigit():
        return "year"
    if len(first) == 7 and first[4] == "-":
        return "month"
    return "period"


def commodity_name(inputs: Mapping[str, Any]) -> str:
    """The commodity a result is about, in words: the stored series' commodity (its
    name), the request's commodity code, or "" when the request names none."""
    stored = inputs.get("stored_prices")
    if isinstance(stored, Mapping) and (
        stored.get("commodity_name") or stored.get("commodity")
    ):
        return str(stored.get("commodity_name") or stored["commodity"])
    flows = inputs.get("stored_flows")
    if isinstance(flows, Mapping) and flows.get("commodity_name"):
        return str(flows["commodity_name"])
    commodity = inputs.get("commodity")
    if isinstance(commodity, str) and commodity:
        return commodity.replace("-", " ")
    return ""


def of_commodity(inputs: Mapping[str, Any]) -> str:
    """The words ' of NdPr oxide', or nothing when no commodity is named (never
    'of the commodity')."""
    name = commodity_name(inputs)
    return f" of {name}" if name else ""


def country_name(code: str, names: Mapping[str, str]) -> str:
    """A market's or origin's code in words for a sentence: the stored partner's
    name, the rest of the world, a market's own producers; else the code."""
    words = {"ROW": "the rest of the world", "EU": "the EU", "OTH": "other exporters"}
    if code in words:
        return words[code]
    if code.endswith("-producers"):
        return f"{country_name(code.removesuffix('-producers'), names)}'s producers"
    return names.get(code, code)


def change_words(value: float, unit: str) -> str:
    """``fall by 1,234 t`` / ``rise by 5 t``."""
    verb = "fall" if value < 0 else "rise"
    return f"{verb} by {format_figure(abs(value))} {unit}".strip()
