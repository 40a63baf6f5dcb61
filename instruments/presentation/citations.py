"""How stored data is cited: the one function that writes a citation.

A citation names the publisher, the year, the title, the edition and the DOI of each
edition a series was read from, with the periods it supplies when there are several:

    World Bank, 2026, Commodity Price Data (The Pink Sheet), June 2026 (updated
    2 June 2026)
    U.S. Geological Survey, 2024, Mineral Commodity Summaries 2024 Data Release,
    ver. 2.0, March 2024, doi:10.5066/P144BA54 (2019–2020); U.S. Geological Survey,
    2026, Mineral Commodity Summaries 2026 Data Release, doi:10.5066/P1WKQ63T
    (2021–2025)

The short form, for chart source lines, uses each edition's short name: "USGS MCS
2024, doi:10.5066/P144BA54 (2019–2020); USGS MCS 2026, doi:10.5066/P1WKQ63T
(2021–2025)". Pages, downloads, briefings and charts all get their text from here
(through ``PriceSeries.citation`` and the selectors). Where a mirror of a file was
read is not part of a citation: it stays in ``seeds/README.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cited:
    """One edition as a citation names it, with the periods it supplies ("" for
    every period)."""

    publisher: str
    year: int
    title: str
    short_name: str = ""
    edition: str = ""
    doi: str = ""
    periods: str = ""


def format_citation(
    cited: Sequence[Cited], *, short: bool = False, source: str = ""
) -> str:
    """The citation of data read from the ``cited`` editions (oldest first, as
    given); ``short`` for a chart's source line. With no edition recorded, the
    ``source`` text as it stands."""
    if not cited:
        return source.strip()
    parts = []
    for item in cited:
        if short and item.short_name:
            words = [item.short_name]
        else:
            words = [item.publisher, str(item.year), item.title]
            if item.edition:
                words.append(item.edition)
        if item.doi:
            words.append(f"doi:{item.doi}")
        text = ", ".join(word for word in words if word)
        if item.periods:
            text += f" ({item.periods})"
        parts.append(text)
    return "; ".join(parts)
