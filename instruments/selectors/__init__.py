"""ORM reads turned into plain Python and pandas objects.

This is the only module where stored ``Decimal`` values become ``float`` and querysets
become pandas objects. Services, the API and the pages call these functions; nothing
here knows about HTTP. Errors about what the caller asked for are raised as
``InputError`` at the request field that was wrong (``commodity``, ``series``, ``start``,
``end``), so the API and forms can show them beside that field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from instruments.calculators import fx, trade_matrix, units
from instruments.calculators.base import InputError
from instruments.models import (
    FREQUENCY_RANK,
    TRADE_FLOW_COLUMNS,
    ApiKey,
    Commodity,
    Frequency,
    FxRate,
    ParameterSchedule,
    Partner,
    PartnerGroup,
    PriceSeries,
    Producer,
    Scenario,
    TradeFlow,
    format_period,
)

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
                content_factor=_to_float(commodity.content_factor),
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
        chain.append((current.code, _to_float(current.content_factor)))
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
            children.setdefault(parent, []).append((code, name, _to_float(stored)))
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


# --- partners -------------------------------------------------------------------------


def get_partner_names() -> dict[str, str]:
    """Every stored partner: ISO 3166-1 alpha-3 code -> name (empty when none stored)."""
    return dict(Partner.objects.values_list("iso3", "name"))


def get_commodity_name(code: str) -> str:
    """A commodity's name for sentences (``ndpr-oxide`` → its stored name), else the
    code."""
    names = Commodity.objects.filter(code=code).values_list("name", flat=True)
    return next(iter(names), None) or str(code)


def get_economy_name(code: str) -> str:
    """A partner group's or a partner's name for an importer code typed in a request
    (``eu-27`` → European Union (EU-27), ``USA`` → United States), else the code."""
    text = str(code).strip()
    group = PartnerGroup.objects.filter(code=text.lower()).values_list(
        "name", flat=True
    )
    partner = Partner.objects.filter(iso3=text.upper()).values_list("name", flat=True)
    return next(iter(group), None) or next(iter(partner), None) or text


def get_partner_group_members(group: str) -> list[str]:
    """ISO 3166-1 alpha-3 codes of a partner group's members, sorted: its own members
    and, recursively, its subgroups' (the EU-27's members count in the MSP). A loop
    among groups is walked once, never forever."""
    group_obj = PartnerGroup.objects.filter(code=group).first()
    if group_obj is None:
        raise InputError.at(("group",), f"Unknown partner group '{group}'.")
    ids = _group_and_subgroup_ids(group_obj.pk)
    return sorted(
        set(Partner.objects.filter(groups__in=ids).values_list("iso3", flat=True))
    )


def _group_and_subgroup_ids(root: int) -> set[int]:
    """The group and every group inside it, however deep, each once."""
    edges: dict[int, list[int]] = {}
    through = PartnerGroup.subgroups.through.objects.values_list(
        "from_partnergroup_id", "to_partnergroup_id"
    )
    for parent, child in through:
        edges.setdefault(parent, []).append(child)
    seen = {root}
    stack = [root]
    while stack:
        for child in edges.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def list_partner_choices() -> list[tuple[str, str]]:
    """Every stored economy as ``(ISO3 code, name)``, by name: the country picker's
    suggestions (a ``<datalist>``), so that officials search by name."""
    return list(Partner.objects.order_by("name").values_list("iso3", "name"))


def list_partner_groups() -> list[dict[str, object]]:
    """Every partner group with its members' ISO3 codes."""
    groups = PartnerGroup.objects.prefetch_related("members", "subgroups").order_by(
        "name"
    )
    return [
        {
            "code": g.code,
            "name": g.name,
            "description": g.description,
            "source": g.source,
            "members": sorted(m.iso3 for m in g.members.all()),
            "subgroups": sorted(sub.code for sub in g.subgroups.all()),
        }
        for g in groups
    ]


# --- producers, FX rates and policy parameters ----------------------------------------

PRODUCER_COLUMNS = [
    "name",
    "country",
    "stage",
    "capacity",
    "capacity_unit",
    "unit_cost",
    "cost_unit",
    "carbon_intensity",
    "intensity_scope",
    "audit_score",
    "audit_scheme",
    "traceable",
    "is_illustrative",
    "source",
]


def get_producers(commodity: str, *, stage: str | None = None) -> pd.DataFrame:
    """The producers of a commodity as a DataFrame (numbers as float64, NaN if unknown),
    cheapest first: the supply side of a cost curve or a standards market."""
    if not Commodity.objects.filter(code=commodity).exists():
        raise InputError.at(("commodity",), f"Unknown commodity '{commodity}'.")
    queryset = Producer.objects.filter(commodity__code=commodity).select_related(
        "country"
    )
    if stage:
        queryset = queryset.filter(stage=stage)
    records = [
        {
            "name": p.name,
            "country": p.country.iso3 if p.country else None,
            "stage": p.stage,
            "capacity": _to_float(p.capacity),
            "capacity_unit": p.capacity_unit,
            "unit_cost": _to_float(p.unit_cost),
            "cost_unit": p.cost_unit,
            "carbon_intensity": _to_float(p.carbon_intensity),
            "intensity_scope": p.intensity_scope,
            "audit_score": _to_float(p.audit_score),
            "audit_scheme": p.audit_scheme,
            "traceable": p.traceable,
            "is_illustrative": p.is_illustrative,
            "source": p.source,
        }
        for p in queryset
    ]
    frame = pd.DataFrame.from_records(records, columns=PRODUCER_COLUMNS)
    for column in ("capacity", "unit_cost", "carbon_intensity", "audit_score"):
        frame[column] = frame[column].astype("float64")
    return frame.sort_values(["unit_cost", "name"], na_position="last").reset_index(
        drop=True
    )


def get_parameter_schedule(code: str) -> pd.Series:
    """A policy parameter by year (float64, index = year as int, name = code)."""
    rows = list(
        ParameterSchedule.objects.filter(code=code)
        .order_by("year")
        .values_list("year", "value")
    )
    if not rows:
        raise InputError.at(("parameter",), f"Unknown parameter schedule '{code}'.")
    return _float_series(
        rows, pd.Index([int(year) for year, _ in rows], name="year"), code
    )


def get_parameter_value(code: str, year: int) -> float:
    """The value of a parameter in ``year``: the latest year on or before it."""
    schedule = get_parameter_schedule(code)
    known = schedule[schedule.index <= year]
    if known.empty:
        raise InputError.at(
            ("year",),
            f"'{code}' starts in {int(schedule.index[0])}; no value for {year}.",
        )
    return float(known.iloc[-1])


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
    return _float_series(
        rows, pd.DatetimeIndex([pd.Timestamp(period) for period, _ in rows]), code
    )


def _float_series(rows: list[Any], index: pd.Index, name: str) -> pd.Series:
    """Stored ``(key, Decimal)`` rows as a float64 Series on ``index``."""
    return pd.Series(
        [float(value) for _, value in rows], index=index, name=name, dtype="float64"
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


# --- trade flows ----------------------------------------------------------------------


def parse_hs_code_text(text: str) -> list[str]:
    """Six-digit codes from free text such as ``"7601.10, 7601.20"`` (dots, spaces
    dropped; codes of fewer than six digits are left out)."""
    codes = []
    for part in text.split(","):
        digits = re.sub(r"\D", "", part)
        if len(digits) >= 6 and digits[:6] not in codes:
            codes.append(digits[:6])
    return codes


def get_commodity_hs_codes(
    commodity: str, *, hs_revision: str | None = None
) -> list[str]:
    """The HS6 codes a commodity is traded under: its stored HS links (of
    ``hs_revision`` if given), else the codes in its indicative ``hs_codes`` text."""
    commodity_obj = Commodity.objects.filter(code=commodity).first()
    if commodity_obj is None:
        raise InputError.at(("commodity",), f"Unknown commodity '{commodity}'.")
    links = commodity_obj.hs_links.all()
    if hs_revision:
        links = links.filter(hs_revision=hs_revision)
    linked = sorted(set(links.values_list("hs_code", flat=True)))
    return linked or parse_hs_code_text(commodity_obj.hs_codes)


def resolve_economies(codes: Iterable[str], *, field: str = "importer") -> set[str]:
    """ISO3 codes for a mix of ISO3 codes and partner-group codes (``eu-27``)."""
    resolved: set[str] = set()
    for code in codes:
        text = str(code).strip()
        if not text:
            continue
        if PartnerGroup.objects.filter(code=text.lower()).exists():
            resolved |= set(get_partner_group_members(text.lower()))
        elif Partner.objects.filter(iso3=text.upper()).exists():
            resolved.add(text.upper())
        else:
            raise InputError.at(
                (field,), f"'{text}' is neither an ISO3 code nor a partner group."
            )
    return resolved


def get_trade_flows(
    *,
    commodity: str | None = None,
    hs_codes: Iterable[str] | None = None,
    year: int | Iterable[int] | None = None,
    exporters: Iterable[str] | None = None,
    importers: Iterable[str] | None = None,
    hs_revision: str | None = None,
) -> pd.DataFrame:
    """Stored trade flows as a DataFrame with columns ``TRADE_FLOW_COLUMNS``:
    ``value`` in thousand USD and ``quantity`` in tonnes (float64, NaN where
    unknown). ``exporters`` and ``importers`` take ISO3 or partner-group codes."""
    queryset = TradeFlow.objects.all()
    codes = list(hs_codes or [])
    if commodity:
        codes += get_commodity_hs_codes(commodity, hs_revision=hs_revision)
    if commodity or hs_codes is not None:
        queryset = queryset.filter(hs_code__in=codes)
    if hs_revision:
        queryset = queryset.filter(hs_revision=hs_revision)
    if isinstance(year, int):
        queryset = queryset.filter(year=year)
    elif year is not None:
        queryset = queryset.filter(year__in=list(year))
    if exporters is not None:
        queryset = queryset.filter(
            exporter__iso3__in=resolve_economies(exporters, field="exporter")
        )
    if importers is not None:
        queryset = queryset.filter(
            importer__iso3__in=resolve_economies(importers, field="importer")
        )
    rows = queryset.order_by("year", "hs_code", "exporter__iso3").values_list(
        "year",
        "hs_code",
        "hs_revision",
        "exporter__iso3",
        "importer__iso3",
        "value",
        "quantity",
        "source",
    )
    frame = pd.DataFrame.from_records(list(rows), columns=list(TRADE_FLOW_COLUMNS))
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    frame["quantity"] = pd.to_numeric(frame["quantity"].astype(object)).astype(
        "float64"
    )
    return frame


def get_latest_trade_year(commodity: str) -> int | None:
    """The latest year with stored flows of the commodity's HS codes, or None."""
    latest = TradeFlow.objects.filter(
        hs_code__in=get_commodity_hs_codes(commodity)
    ).aggregate(latest=Max("year"))["latest"]
    return int(latest) if latest is not None else None


def get_top_exporters(
    commodity: str,
    importers: Iterable[str],
    year: int | None = None,
    *,
    limit: int = 10,
) -> pd.DataFrame:
    """The largest exporters of a commodity to ``importers`` (ISO3 or group codes) in
    ``year`` (default: the latest stored): columns ``origin, value, quantity, share``
    (share of value, 0–1), largest first. Flows among the importers themselves
    (intra-EU trade for ``eu-27``) are left out."""
    year = year if year is not None else get_latest_trade_year(commodity)
    wanted = resolve_economies(importers)
    if year is None:
        return pd.DataFrame(columns=["origin", "value", "quantity", "share"])
    flows = get_trade_flows(commodity=commodity, year=year, importers=sorted(wanted))
    by_origin = trade_matrix.group_flows_by_origin(flows, importers=wanted)
    total = float(by_origin["value"].sum())
    by_origin["share"] = by_origin["value"] / total if total > 0 else np.nan
    return by_origin.head(limit).reset_index(drop=True)


def get_supply_concentration(commodity: str, importers: Iterable[str]) -> pd.DataFrame:
    """Per year, the concentration of a commodity's imports into ``importers``
    (extra-group only): ``year, total_value, n_exporters, hhi (0–10,000),
    top_exporter, top_share (0–1)``."""
    wanted = resolve_economies(importers)
    flows = get_trade_flows(commodity=commodity, importers=sorted(wanted))
    flows = flows[~flows["exporter"].isin(wanted)]
    return trade_matrix.supply_concentration(flows)


def get_trade_unit_values(
    commodity: str, importers: Iterable[str] | None = None
) -> pd.DataFrame:
    """Per year, the unit value (value ÷ tonnes, USD/t) of the commodity's trade
    (into ``importers`` if given): ``year, value, quantity, unit_value``."""
    flows = get_trade_flows(
        commodity=commodity, importers=list(importers) if importers else None
    )
    return trade_matrix.unit_values(flows)


# The markets a commodity page shows: label -> ISO3 or partner-group codes.
SUPPLY_MARKETS: dict[str, tuple[str, ...]] = {
    "EU-27": ("eu-27",),
    "United States": ("USA",),
    "Japan": ("JPN",),
}


@dataclass(frozen=True)
class SupplyOverview:
    """Where a commodity's imports into the main markets come from."""

    commodity: str
    hs_codes: tuple[str, ...]
    year: int | None  # the latest year with flows
    top_exporters: dict[str, pd.DataFrame]  # market -> origin, value, quantity, share
    concentration: dict[str, pd.DataFrame]  # market -> year, hhi, top_exporter, ...
    unit_values: pd.DataFrame  # year, value, quantity, unit_value (USD/t)
    source: str

    def share_of(self, exporter: str) -> dict[str, float | None]:
        """Each market's share of value from ``exporter`` in ``year`` (0–1)."""
        shares: dict[str, float | None] = {}
        for market, rows in self.top_exporters.items():
            found = rows[rows["origin"] == exporter]
            shares[market] = float(found["share"].iloc[0]) if len(found) else None
        return shares


def get_supply_overview(
    commodity: str, markets: dict[str, tuple[str, ...]] | None = None
) -> SupplyOverview | None:
    """Top exporters (latest year), concentration over time and unit values of a
    commodity's imports into ``markets`` (default ``SUPPLY_MARKETS``); None when no
    flows of its HS codes are stored."""
    codes = tuple(get_commodity_hs_codes(commodity))
    year = get_latest_trade_year(commodity) if codes else None
    if year is None:
        return None
    markets = markets or SUPPLY_MARKETS
    source = (
        TradeFlow.objects.filter(hs_code__in=codes, year=year)
        .values_list("source", flat=True)
        .first()
    )
    return SupplyOverview(
        commodity=commodity,
        hs_codes=codes,
        year=year,
        top_exporters={
            name: get_top_exporters(commodity, members, year, limit=50)
            for name, members in markets.items()
        },
        concentration={
            name: get_supply_concentration(commodity, members)
            for name, members in markets.items()
        },
        unit_values=get_trade_unit_values(commodity),
        source=source or "",
    )


# --- scenarios -----------------------------------------------------------------------


def visible_scenarios(user: object | None) -> QuerySet[Scenario]:
    """The scenarios ``user`` may see: public ones and, signed in, their own. Others'
    private scenarios do not exist for them (pages and API answer 404)."""
    visible = Q(is_public=True)
    if user is not None and getattr(user, "is_authenticated", False):
        visible |= Q(owner=user)
    return Scenario.objects.filter(visible).select_related("owner")


def list_own_scenarios(user: Any) -> QuerySet[Scenario]:
    """``user``'s own scenarios, by calculator, newest first."""
    return Scenario.objects.filter(owner=user).order_by("calculator", "-updated")


def list_others_public_scenarios(user: Any) -> QuerySet[Scenario]:
    """Public scenarios of everyone else (precedents first), by calculator."""
    return (
        Scenario.objects.filter(is_public=True)
        .exclude(owner=user)
        .select_related("owner")
        .order_by("calculator", "-is_precedent", "title")
    )


def get_api_keys(user: Any) -> dict[str, ApiKey]:
    """The user's live API keys by scope (``account``, ``spreadsheet``)."""
    live = ApiKey.objects.filter(
        user=user, revoked__isnull=True, expires__gt=timezone.now()
    ).order_by("created")
    return {key.scope: key for key in live}


def list_precedents(calculator: str | None = None) -> list[Scenario]:
    """The seeded precedent scenarios ("load a precedent"), by calculator and title."""
    queryset = Scenario.objects.filter(is_precedent=True, is_public=True)
    if calculator:
        queryset = queryset.filter(calculator=calculator)
    return list(queryset.order_by("calculator", "title"))


# --- helpers -------------------------------------------------------------------------


def _to_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


__all__ = [
    "CommoditySummary",
    "PriceHistory",
    "SeriesSummary",
    "get_commodity_hs_codes",
    "get_fx_rate_series",
    "get_fx_rates",
    "get_parameter_schedule",
    "get_parameter_value",
    "get_partner_group_members",
    "get_price_history",
    "get_producers",
    "get_supply_concentration",
    "get_top_exporters",
    "get_trade_flows",
    "get_trade_unit_values",
    "get_value_chain",
    "list_commodities",
    "list_partner_groups",
    "list_precedents",
    "visible_scenarios",
]
