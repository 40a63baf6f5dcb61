"""Figures and words every page and sentence shares: numbers rounded for reading,
money with its currency, periods, commodities and countries in words, and the summary
figure as a page shows it. Pure: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from instruments.calculators.numbers import is_number
from instruments.calculators.translation import gettext, gettext_noop, translate
from instruments.presentation.numbers import (
    format_figure,
    format_headline,
    format_percent,
    format_quantity,
    money_text,
    signed_words,
)

__all__ = [
    "SummaryItem",
    "change_words",
    "commodity_name",
    "country_name",
    "format_figure",
    "format_headline",
    "format_percent",
    "format_quantity",
    "is_number",
    "mean_of",
    "money_text",
    "of_commodity",
    "per_period",
    "percent_help",
    "period_span",
    "period_word",
    "signed_words",
    "text_value",
]


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
    return gettext(" of {commodity}").format(commodity=name) if name else ""


def country_name(code: str, names: Mapping[str, str]) -> str:
    """A market's or origin's code in words for a sentence: the stored partner's
    name, the rest of the world, a market's own producers; else the code."""
    if code in _PLACE_WORDS:
        return gettext(_PLACE_WORDS[code])
    if code.endswith("-producers"):
        return gettext("{country}'s producers").format(
            country=country_name(code.removesuffix("-producers"), names)
        )
    return names.get(code, code)


_PLACE_WORDS = {
    "ROW": gettext_noop("the rest of the world"),
    "EU": gettext_noop("the EU"),
    "OTH": gettext_noop("other exporters"),
}


def change_words(value: float, unit: str) -> str:
    """``fall by 1,234 t`` / ``rise by 5 t``."""
    words = (
        gettext("fall by {quantity}") if value < 0 else gettext("rise by {quantity}")
    )
    return words.format(quantity=format_quantity(abs(value), unit)).strip()


_PER_PERIOD = {
    "quarter": gettext_noop("{quantity} {unit} a quarter"),
    "year": gettext_noop("{quantity} {unit} a year"),
    "month": gettext_noop("{quantity} {unit} a month"),
    "period": gettext_noop("{quantity} {unit} a period"),
}


def per_period(quantity: str, unit: str, word: str) -> str:
    """``115 t a quarter``: a figure per period (``period_word``'s word) in words."""
    return gettext(_PER_PERIOD.get(word, _PER_PERIOD["period"])).format(
        quantity=quantity, unit=unit
    )


_RATE_EXAMPLE = re.compile(r"\((0?[.,]\d+)\s*=\s*([^()]*)\)")


def percent_help(help_text: str) -> str:
    """A share's help as the page shows it, where it is typed as a percentage: "(0.25 =
    25 %)" becomes "(25 %)", "(0.5 = half)" becomes "(50 = half)"; the API's own
    help keeps the decimals."""

    def rewrite(match: re.Match[str]) -> str:
        percent = float(match.group(1).replace(",", ".")) * 100.0
        typed = f"{percent:g}"
        rest = match.group(2).strip()
        if rest.startswith(f"{typed} %"):
            return f"({rest})"
        return f"({typed} = {rest})"

    return _RATE_EXAMPLE.sub(rewrite, help_text)


def text_value(value: str) -> str:
    """A summary figure that is words (a note, a warning) in the reader's language
    when the catalogue has it, else as the calculator wrote it."""
    return str(translate(value))
