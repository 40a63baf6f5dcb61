"""Where a result's numbers come from, in words: the citations of stored prices, the
flows, production and elasticities a calculation read, and the data vintage a brief
and a page state. Pure of HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from instruments.calculators.translation import gettext
from instruments.presentation.text import format_figure


def cited_source(stored: Mapping[str, Any]) -> str:
    """The citation of stored prices as a result records them (results cached
    before citations were recorded have only the source text)."""
    return str(stored.get("citation") or stored.get("source") or "")


def sources_of(inputs: Mapping[str, Any]) -> list[str]:
    """The publishers of the data a result used, with edition, DOI and licence (a
    line saying so when it used none)."""
    return stored_data_sources(inputs) or [
        gettext("All figures as given in the inputs below; no stored data used.")
    ]


def stored_data_sources(inputs: Mapping[str, Any]) -> list[str]:
    """One line per kind of stored data a result used: what, which periods, the
    citation (``citations.format_citation``, recorded with the inputs) and licence."""
    found: list[str] = []
    stored = inputs.get("stored_prices")
    if isinstance(stored, Mapping):
        found.append(
            gettext(
                "Prices: {series} ({commodity}), {first} to {last}. "
                "Source: {source}. Licence: {licence}."
            ).format(
                series=stored.get("series_name"),
                commodity=stored.get("commodity"),
                first=stored.get("first_period"),
                last=stored.get("last_period"),
                source=cited_source(stored),
                licence=stored.get("licence"),
            )
        )
    flows = inputs.get("stored_flows")
    if isinstance(flows, Mapping) and flows.get("source"):
        found.append(
            gettext("Trade flows, {year}: {source} (HS {codes}).").format(
                year=flows.get("year"),
                source=flows.get("source"),
                codes=", ".join(map(str, flows.get("hs_codes") or [])),
            )
        )
    baseline = inputs.get("market_baseline")
    if not isinstance(baseline, Mapping) and isinstance(flows, Mapping):
        baseline = flows.get("market_baseline")
    if isinstance(baseline, Mapping):
        found.extend(baseline_sources(baseline))
    schedules = inputs.get("parameter_schedules")
    if schedules:
        found.append(
            gettext("Policy parameters: the stored parameter schedules (see admin).")
        )
    rates = inputs.get("fx_rates")
    if isinstance(rates, Mapping):
        for entry in rates.values():
            found.append(
                gettext(
                    "Exchange rate: {rate} {unit}, {period}. Source: {source}."
                ).format(
                    rate=f"{entry.get('rate'):.4f}",
                    unit=entry.get("unit"),
                    period=entry.get("period"),
                    source=entry.get("source"),
                )
            )
    return found


def baseline_sources(echo: Mapping[str, Any]) -> list[str]:
    """The sources of a market baseline built from stored data (INSTRUMENTS.md §10):
    trade with its HS codes and their scope, the price, production, elasticities."""
    scope = "; ".join(
        f"HS {code}: {note}" if note else f"HS {code}"
        for code, note in (echo.get("hs_scope") or {}).items()
    )
    price = echo.get("price") or {}
    lines = [
        gettext("Trade flows, {year}: {source} ({scope}).").format(
            year=echo.get("year"), source=echo.get("trade_source"), scope=scope
        ),
        gettext("Price: {series} {year}, {value} {unit}. Source: {source}.").format(
            series=price.get("series_name"),
            year=price.get("year"),
            value=format_figure(price.get("value")),
            unit=price.get("unit"),
            source=price.get("citation"),
        ),
    ]
    production = echo.get("production")
    if isinstance(production, Mapping):
        lines.append(
            gettext("Production by country, {year}: {source}. {basis}").format(
                year=production.get("year"),
                source=production.get("citation"),
                basis=production.get("basis"),
            )
        )
    cited = elasticity_sources(echo)
    if cited:
        lines.append(
            gettext("Elasticities: {sources}.").format(sources="; ".join(cited))
        )
    return lines


def vintage_of(inputs: Mapping[str, Any]) -> str:
    """Which data the result reflects, naming every kind of stored data it used
    (prices, trade flows, production, elasticities, exchange rates) with its
    publisher and year; "typed in" only when it used none."""
    parts: list[str] = []
    stored = inputs.get("stored_prices")
    if isinstance(stored, Mapping):
        parts.append(
            f"prices {stored.get('first_period')} to {stored.get('last_period')} "
            f"({short_citation(cited_source(stored))})"
        )
    flows = inputs.get("stored_flows")
    if isinstance(flows, Mapping) and flows.get("source"):
        parts.append(
            f"trade flows {flows.get('year')} ({short_citation(flows['source'])})"
        )
    baseline = inputs.get("market_baseline")
    if not isinstance(baseline, Mapping) and isinstance(flows, Mapping):
        baseline = flows.get("market_baseline")
    if isinstance(baseline, Mapping):
        parts += _baseline_vintage(baseline, flows_named=bool(parts))
    if inputs.get("parameter_schedules"):
        parts.append("the stored policy parameter schedules")
    rates = inputs.get("fx_rates")
    if isinstance(rates, Mapping) and rates:
        sources = {short_citation(str(e.get("source"))) for e in rates.values()}
        parts.append(f"exchange rates ({'; '.join(sorted(sources))})")
    if not parts:
        return "Data vintage: the figures typed in the inputs; no stored data used."
    return f"Data vintage: {'; '.join(parts)}."


def _baseline_vintage(echo: Mapping[str, Any], *, flows_named: bool) -> list[str]:
    parts = []
    if not flows_named or echo.get("trade_source"):
        parts.append(
            f"trade flows {echo.get('year')} "
            f"({short_citation(str(echo.get('trade_source') or ''))})"
        )
    price = echo.get("price")
    if isinstance(price, Mapping):
        parts.append(
            f"price {price.get('year')} ({short_citation(str(price.get('citation')))})"
        )
    production = echo.get("production")
    if isinstance(production, Mapping):
        parts.append(
            f"production {production.get('year')} "
            f"({short_citation(str(production.get('citation')))})"
        )
    cited = elasticity_sources(echo)
    if cited:
        parts.append(f"elasticities ({'; '.join(cited)})")
    return parts


def elasticity_sources(echo: Mapping[str, Any]) -> list[str]:
    """The studies a baseline's elasticities come from, each once."""
    found: list[str] = []
    for entry in (echo.get("elasticities") or {}).values():
        if isinstance(entry, Mapping) and entry.get("source"):
            found += [p.strip() for p in str(entry["source"]).split(";")]
    return list(dict.fromkeys(p for p in found if p))


def short_citation(citation: str) -> str:
    """A citation's publisher and year: "U.S. Geological Survey, 2026", "CEPII
    BACI" (the full citation is in the sources)."""
    parts = [p.strip() for p in citation.split(",") if p.strip()]
    if not parts:
        return "source not recorded"
    if len(parts) > 1 and parts[1][:4].isdigit():
        return f"{parts[0]}, {parts[1][:4]}"
    return parts[0]
