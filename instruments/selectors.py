"""ORM reads turned into plain Python and pandas objects.

This is the only module where stored ``Decimal`` values become ``float`` and querysets
become pandas objects. Services, the API and the pages call these functions; nothing
here knows about HTTP. Errors about what the caller asked for are raised as
``InputError`` at the request field that was wrong (``commodity``, ``series``, ``start``,
``end``), so the API and forms can show them beside that field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from rest_framework.authtoken.models import Token

from instruments.calculators import units
from instruments.calculators.base import InputError
from instruments.models import (
    FREQUENCY_RANK,
    Commodity,
    Frequency,
    FxRate,
    ParameterSchedule,
    PartnerGroup,
    PriceSeries,
    Producer,
    Scenario,
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
        series_obj = PriceSeries.objects.filter(code=series).first()
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
            commodity_obj.series.annotate(n_observations=Count("observations"))
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


# --- partners -------------------------------------------------------------------------


def get_partner_group_members(group: str) -> list[str]:
    """ISO 3166-1 alpha-3 codes of a partner group's members, sorted."""
    group_obj = PartnerGroup.objects.filter(code=group).first()
    if group_obj is None:
        raise InputError.at(("group",), f"Unknown partner group '{group}'.")
    return sorted(group_obj.members.values_list("iso3", flat=True))


def list_partner_groups() -> list[dict[str, object]]:
    """Every partner group with its members' ISO3 codes."""
    groups = PartnerGroup.objects.prefetch_related("members").order_by("name")
    return [
        {
            "code": g.code,
            "name": g.name,
            "description": g.description,
            "source": g.source,
            "members": sorted(m.iso3 for m in g.members.all()),
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
    return pd.Series(
        [float(value) for _, value in rows],
        index=pd.Index([int(year) for year, _ in rows], name="year"),
        name=code,
        dtype="float64",
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
    return pd.Series(
        [float(rate) for _, rate in rows],
        index=pd.DatetimeIndex([pd.Timestamp(period) for period, _ in rows]),
        name=code,
        dtype="float64",
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


def get_api_token(user: Any) -> Token | None:
    """The user's API token, or None."""
    return Token.objects.filter(user=user).first()


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
    "get_fx_rates",
    "get_parameter_schedule",
    "get_parameter_value",
    "get_partner_group_members",
    "get_price_history",
    "get_producers",
    "get_value_chain",
    "list_commodities",
    "list_partner_groups",
    "list_precedents",
    "visible_scenarios",
]
