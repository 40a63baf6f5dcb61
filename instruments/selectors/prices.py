"""Price histories, commodities with their series and value chains, and FX rates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Count, Max, Min, Prefetch

from instruments.calculators import fx, units
from instruments.calculators.base import InputError
from instruments.models import (
    FREQUENCY_RANK,
    Commodity,
    Frequency,
    FxRate,
    PriceSeries,
    format_period,
)
from instruments.selectors.decimals import to_float, to_float_series

# --- price histories ------------------------------------------------------------------


@dataclass(frozen=True)
class PriceHistory:
    """One stored price series, ready for a calculator or a chart."""

    commodity: str  # commodity code
    series: str  # series code
    series_name: str
    unit: str  # e.g. "USD/t"
    currency: str
    frequency: str  # "monthly" | "quarterly" | "annual"
    source: str
    licence: str
    prices: pd.Series  # float64, index = period labels, ascending, name="price"
    estimated: pd.Series  # bool, same index, name="estimated"
    basis: str = ""  # the source's wording: grade, delivery terms (FOB, CIF)
    citation: str = ""  # publisher, edition, DOI (PriceSeries.citation)
    short_citation: str = ""  # the same for a chart's source line
    commodity_name: str = ""  # in words, e.g. "NdPr oxide"

    @property
    def periods(self) -> list[str]:
        """The period labels, oldest first."""
        return [str(label) for label in self.prices.index]


def _parse_bound(value: str | None, field: str) -> dt.date | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return units.period_bound(str(value), end=field == "end")
    except ValueError:
        raise InputError.at(
            (field,),
            f"'{value}' is not a period: use 2025, 2025Q1, 2025-01 or 2025-01-31.",
        ) from None


def _choose_default_series(candidates: Iterable[PriceSeries]) -> PriceSeries | None:
    """The steward's default, else the finest frequency (then the longest history)."""
    ranked = sorted(
        candidates,
        key=lambda s: (
            not s.is_default,
            FREQUENCY_RANK.get(Frequency(s.frequency), 9),
            -getattr(s, "n_observations", 0),
            s.code,
        ),
    )
    return ranked[0] if ranked else None


def get_price_history(
    commodity: str,
    *,
    series: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> PriceHistory:
    """The stored prices of a commodity's series between ``start`` and ``end``.

    ``series`` defaults to the commodity's default series (else its finest frequency).
    ``start`` and ``end`` take period labels (``2025``, ``2025Q1``, ``2025-01``) or ISO
    dates and are inclusive: every period that overlaps ``[start, end]`` is returned, so
    ``end="2024"`` runs through December 2024 and, on an annual series,
    ``start="2024-06-30"`` includes 2024.
    """
    commodity_obj = Commodity.objects.filter(code=commodity).first()
    if commodity_obj is None:
        raise InputError.at(("commodity",), f"Unknown commodity '{commodity}'.")

    if series:
        series_obj = (
            PriceSeries.objects.filter(code=series)
            .prefetch_related("edition_links__edition")
            .first()
        )
        if series_obj is None:
            raise InputError.at(("series",), f"Unknown price series '{series}'.")
        if series_obj.commodity_id != commodity_obj.pk:
            raise InputError.at(
                ("series",),
                f"Series '{series}' is a price of "
                f"'{series_obj.commodity.code}', not of '{commodity}'.",
            )
    else:
        series_obj = _choose_default_series(
            commodity_obj.series.annotate(
                n_observations=Count("observations")
            ).prefetch_related("edition_links__edition")
        )
        if series_obj is None:
            raise InputError.at(
                ("commodity",), f"No price series is stored for '{commodity}'."
            )

    start_date = _parse_bound(start, "start")
    end_date = _parse_bound(end, "end")
    if start_date and end_date and start_date > end_date:
        raise InputError.at(("start",), "The start is after the end.")

    observations = series_obj.observations.all()
    if start_date:
        observations = observations.filter(
            period__gte=units.period_start(start_date, series_obj.frequency)
        )
    if end_date:
        observations = observations.filter(period__lte=end_date)
    rows = list(
        observations.order_by("period").values_list("period", "price", "estimated")
    )
    if not rows:
        span = _describe_span(series_obj)
        raise InputError.at(
            ("start",),
            f"Series '{series_obj.code}' has no prices in the range asked for{span}.",
        )

    labels = pd.Index(
        [format_period(period, series_obj.frequency) for period, _, _ in rows],
        name="period",
        dtype=object,
    )
    prices = pd.Series(
        [float(price) for _, price, _ in rows],
        index=labels,
        name="price",
        dtype="float64",
    )
    estimated = pd.Series(
        [bool(flag) for _, _, flag in rows], index=labels, name="estimated", dtype=bool
    )
    return PriceHistory(
        commodity=commodity_obj.code,
        series=series_obj.code,
        series_name=series_obj.name,
        unit=series_obj.unit,
        currency=series_obj.currency,
        frequency=series_obj.frequency,
        source=series_obj.source,
        licence=series_obj.licence,
        prices=prices,
        estimated=estimated,
        basis=series_obj.basis,
        citation=series_obj.citation,
        short_citation=series_obj.short_citation,
        commodity_name=commodity_obj.name,
    )


def _describe_span(series: PriceSeries) -> str:
    span = series.observations.aggregate(first=Min("period"), last=Max("period"))
    if span["first"] is None:
        return " (it has no prices at all)"
    first = format_period(span["first"], series.frequency)
    last = format_period(span["last"], series.frequency)
    return f" (it covers {first} to {last})"


# --- commodities and their series -----------------------------------------------------


@dataclass(frozen=True)
class SeriesSummary:
    """A price series with its coverage, for menus, lists and the API."""

    code: str
    commodity: str
    name: str
    basis: str
    unit: str
    currency: str
    frequency: str
    is_default: bool
    source: str
    source_url: str
    licence: str
    first_period: str | None
    last_period: str | None
    n_observations: int
    citation: str = ""
    short_citation: str = ""


@dataclass(frozen=True)
class CommoditySummary:
    """A commodity with its series; ``default_series`` is what ``get_price_history``
    uses when no series is named."""

    code: str
    name: str
    stage: str
    hs_codes: tuple[str, ...]
    input_commodity: str | None
    content_factor: float | None
    notes: str
    default_series: str | None
    series: tuple[SeriesSummary, ...]
    input_commodity_name: str | None = None


def _summarise_series(series: PriceSeries) -> SeriesSummary:
    first: dt.date | None = getattr(series, "first", None)
    last: dt.date | None = getattr(series, "last", None)
    return SeriesSummary(
        code=series.code,
        commodity=series.commodity.code,
        name=series.name,
        basis=series.basis,
        unit=series.unit,
        currency=series.currency,
        frequency=series.frequency,
        is_default=series.is_default,
        source=series.source,
        source_url=series.source_url,
        licence=series.licence,
        first_period=format_period(first, series.frequency) if first else None,
        last_period=format_period(last, series.frequency) if last else None,
        n_observations=int(getattr(series, "n_observations", 0)),
        citation=series.citation,
        short_citation=series.short_citation,
    )


def list_commodities(*, with_prices_only: bool = False) -> list[CommoditySummary]:
    """Every commodity with its series (the default series first), by name."""
    series_qs = (
        PriceSeries.objects.select_related("commodity")
        .annotate(
            n_observations=Count("observations"),
            first=Min("observations__period"),
            last=Max("observations__period"),
        )
        .prefetch_related("edition_links__edition")
        .order_by("name")
    )
    commodities = Commodity.objects.select_related("input_commodity").prefetch_related(
        Prefetch("series", queryset=series_qs)
    )
    result = []
    for commodity in commodities.order_by("name"):
        all_series = list(commodity.series.all())
        if with_prices_only and not any(
            getattr(s, "n_observations", 0) for s in all_series
        ):
            continue
        default = _choose_default_series(all_series)
        ordered = sorted(all_series, key=lambda s: (s is not default, s.name))
        result.append(
            CommoditySummary(
                code=commodity.code,
                name=commodity.name,
                stage=commodity.stage,
                hs_codes=tuple(commodity.hs_code_list),
                input_commodity=(
                    commodity.input_commodity.code
                    if commodity.input_commodity
                    else None
                ),
                content_factor=to_float(commodity.content_factor),
                notes=commodity.notes,
                default_series=default.code if default else None,
                series=tuple(_summarise_series(s) for s in ordered),
                input_commodity_name=(
                    commodity.input_commodity.name
                    if commodity.input_commodity
                    else None
                ),
            )
        )
    return result


def get_value_chain(commodity: str) -> list[tuple[str, float | None]]:
    """The chain from ``commodity`` up to its raw material, as ``(code, content_factor)``.

    ``content_factor`` is the units of the next item per unit of this one (``None`` at
    the top of the chain).
    """
    chain: list[tuple[str, float | None]] = []
    node = Commodity.objects.select_related("input_commodity").filter(code=commodity)
    current = node.first()
    if current is None:
        raise InputError.at(("commodity",), f"Unknown commodity '{commodity}'.")
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append((current.code, to_float(current.content_factor)))
        current = current.input_commodity
    return chain


def get_downstream_goods(commodity: str) -> list[tuple[str, str, float]]:
    """The stored goods made from ``commodity``, nearest first, as ``(code, name,
    content)``: ``content`` is the tonnes of ``commodity`` in one tonne of the good,
    the product of the content factors down the chain (NdPr oxide → NdPr metal 1.177
    → NdFeB magnet 0.31 × 1.177). A good without a content factor ends its branch."""
    rows = Commodity.objects.values_list(
        "code", "name", "input_commodity__code", "content_factor"
    )
    children: dict[str, list[tuple[str, str, float | None]]] = {}
    for code, name, parent, stored in rows:
        if parent:
            children.setdefault(parent, []).append((code, name, to_float(stored)))
    goods: list[tuple[str, str, float]] = []
    queue: list[tuple[str, float]] = [(commodity, 1.0)]
    seen = {commodity}
    while queue:
        parent, content = queue.pop(0)
        for code, name, factor in sorted(children.get(parent, [])):
            if code in seen or factor is None:
                continue
            seen.add(code)
            goods.append((code, name, content * factor))
            queue.append((code, content * factor))
    return goods


def get_commodity_name(code: str) -> str:
    """A commodity's name for sentences (``ndpr-oxide`` → its stored name), else the
    code."""
    names = Commodity.objects.filter(code=code).values_list("name", flat=True)
    return next(iter(names), None) or str(code)


# --- FX rates -------------------------------------------------------------------------


def get_fx_rates(currency: str) -> pd.Series:
    """Stored units of ``currency`` per USD (float64, index = period start date)."""
    code = currency.upper()
    if code == "USD":
        return pd.Series(dtype="float64", name="USD")
    rows = list(
        FxRate.objects.filter(currency=code)
        .order_by("period")
        .values_list("period", "units_per_usd")
    )
    if not rows:
        raise InputError.at(("currency",), f"No stored FX rates for '{currency}'.")
    return to_float_series(
        rows, pd.DatetimeIndex([pd.Timestamp(period) for period, _ in rows]), code
    )


def get_fx_rate_series(currency: str, periods: Iterable[str]) -> pd.Series:
    """Units of ``currency`` per USD for each calculation period (float64, index =
    the period labels): a month's own rate (else the latest earlier month's), the
    mean of the months of a quarter or year, never a rate from after the period.
    Raises ``InputError`` at ``currency`` when no rate is stored at or before a
    period."""
    labels = [str(label) for label in periods]
    try:
        rates = fx.rates_for_periods(get_fx_rates(currency), labels)
    except ValueError as exc:
        raise InputError.at(("periods",), str(exc)) from None
    missing = [
        label for label, rate in zip(labels, rates, strict=True) if np.isnan(rate)
    ]
    if missing:
        raise InputError.at(
            ("currency",),
            f"No {currency.upper()} rate is stored at or before {missing[0]}.",
        )
    return pd.Series(
        rates, index=pd.Index(labels, name="period"), name=currency.upper()
    )
