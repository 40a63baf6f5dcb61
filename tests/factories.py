"""Test data built in one place: commodities with price series, trade flows, partners
and their groups, exchange rates and scenarios.

Fixtures in the conftest files and test modules call these instead of repeating the
model calls, so a change to a model's required fields is made once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from instruments.models import (
    Commodity,
    FxRate,
    Partner,
    PartnerGroup,
    PriceObservation,
    PriceSeries,
    Scenario,
    TradeFlow,
)


def make_partner(
    *, iso3: str, iso2: str | None = None, name: str | None = None, **fields: Any
) -> Partner:
    """A trading partner; without ``iso2`` and ``name``, the first two letters of
    ``iso3`` and ``iso3`` itself."""
    return Partner.objects.create(
        iso3=iso3,
        iso2=iso3[:2] if iso2 is None else iso2,
        name=iso3 if name is None else name,
        **fields,
    )


def make_partner_group(*, code: str, name: str, **fields: Any) -> PartnerGroup:
    """A group of partners, with no members yet (``group.members.add/set``)."""
    return PartnerGroup.objects.create(code=code, name=name, **fields)


def make_fx_rate(
    *,
    currency: str,
    period: dt.date,
    units_per_usd: Decimal | str | float,
    **fields: Any,
) -> FxRate:
    """One exchange rate: ``units_per_usd`` of ``currency`` for one US dollar."""
    return FxRate.objects.create(
        currency=currency,
        period=period,
        units_per_usd=Decimal(str(units_per_usd)),
        **fields,
    )


def make_scenario(*, calculator: str, title: str, **fields: Any) -> Scenario:
    """A saved scenario of one calculator (private and ownerless unless told)."""
    return Scenario.objects.create(calculator=calculator, title=title, **fields)


def make_series(
    *,
    commodity: str,
    commodity_name: str,
    code: str,
    name: str,
    unit: str,
    frequency: str,
    prices: Iterable[tuple[dt.date, str | float]],
    stage: str = "refined",
    estimated: Iterable[dt.date] = (),
    commodity_fields: Mapping[str, Any] | None = None,
    **fields: Any,
) -> PriceSeries:
    """A commodity (created if new) with one stored price series and its prices
    (those of the ``estimated`` periods flagged so)."""
    item, _ = Commodity.objects.get_or_create(
        code=commodity,
        defaults={"name": commodity_name, "stage": stage, **(commodity_fields or {})},
    )
    estimated = set(estimated)
    defaults = {
        "basis": "test basis",
        "source": "test source",
        "licence": "test licence",
        "currency": unit.split("/", 1)[0],
    }
    series = PriceSeries.objects.create(
        code=code,
        commodity=item,
        name=name,
        unit=unit,
        frequency=frequency,
        **(defaults | fields),
    )
    for period, price in prices:  # one by one: each gets its audit history record
        PriceObservation.objects.create(
            series=series,
            period=period,
            price=Decimal(str(price)),
            estimated=period in estimated,
        )
    return series


def make_trade_flow(*, source: str = "CEPII BACI") -> TradeFlow:
    """One BACI flow: NdPr compounds (HS 284690) from Myanmar to China in 2024,
    822,000.5 thousand USD and 12,000 t (the partners created if new)."""
    mmr, _ = Partner.objects.get_or_create(
        iso3="MMR", defaults={"iso2": "MM", "name": "Myanmar"}
    )
    chn, _ = Partner.objects.get_or_create(
        iso3="CHN", defaults={"iso2": "CN", "name": "China"}
    )
    return TradeFlow.objects.create(
        year=2024,
        hs_code="284690",
        hs_revision="HS92",
        exporter=mmr,
        importer=chn,
        value=Decimal("822000.5"),
        quantity=Decimal("12000"),
        source=source,
    )


def make_ndpr_annual() -> Commodity:
    """NdPr oxide with one annual USD/kg series of three prices (2022–2024)."""
    return make_series(
        commodity="ndpr-oxide",
        commodity_name="NdPr oxide",
        code="ndpr-annual",
        name="NdPr oxide, annual average",
        unit="USD/kg",
        frequency="annual",
        prices=[
            (dt.date(2022, 1, 1), "110.5"),
            (dt.date(2023, 1, 1), "80.2"),
            (dt.date(2024, 1, 1), "60.1"),
        ],
        basis="China domestic, VAT excluded",
        source="Test source",
        licence="CC BY 4.0",
        is_default=True,
    ).commodity


def make_nickel_monthly() -> PriceSeries:
    """A small monthly nickel series: 2024-01..2024-03 at 100, 110, 120 USD/t."""
    return make_series(
        commodity="nickel",
        commodity_name="Nickel",
        code="nickel-test-monthly",
        name="Nickel test series",
        unit="USD/t",
        frequency="monthly",
        prices=[
            (dt.date(2024, month, 1), price)
            for month, price in ((1, 100), (2, 110), (3, 120))
        ],
    )
