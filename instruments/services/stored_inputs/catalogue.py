"""Every stored input, declared once: the request fields that name it, the tables its
filler reads, and the filler. The fillers run in this order; the result cache's
versions (``services.data_versions``) are derived from ``reads``."""

from __future__ import annotations

from instruments import models as m
from instruments.calculators.extras import BASELINE_FIELDS
from instruments.services.stored_inputs.baseline import fill_baseline
from instruments.services.stored_inputs.flows import fill_flows
from instruments.services.stored_inputs.fx import FX_INPUTS, fill_fx_rates
from instruments.services.stored_inputs.goods import fill_goods
from instruments.services.stored_inputs.members import (
    fill_flow_origins,
    fill_member_group,
)
from instruments.services.stored_inputs.prices import fill_prices
from instruments.services.stored_inputs.projects import fill_project
from instruments.services.stored_inputs.request import StoredInput
from instruments.services.stored_inputs.schedules import (
    SCHEDULED_INPUTS,
    fill_schedules,
)
from instruments.services.stored_inputs.stocks import fill_declared_stocks

PRICE_TABLES = (
    m.Commodity,
    m.PriceSeries,
    m.SourceEdition,  # a result records the citation
    m.SeriesEdition,
    m.PriceObservation,
    m.FxRate,  # a series in another currency than the request's
    m.Producer,  # suppliers and cost curves of the commodity
)

# The market model's baseline from stored data (services/stored_inputs/baseline.py).
BASELINE_TABLES = (
    *PRICE_TABLES,
    m.CommodityHsCode,
    m.TradeFlow,
    m.Partner,
    m.PartnerGroup,
    m.ProductionVolume,
    m.CommodityProduction,
    m.ElasticityEstimate,
    m.CommodityElasticity,
)

STORED_INPUTS: tuple[StoredInput, ...] = (
    # First: a stored project may name the commodity whose prices are filled next.
    StoredInput(
        name="stored_project",
        fields=("stored_project",),
        reads=(m.Project, m.Partner, *PRICE_TABLES),
        fill=fill_project,
    ),
    # Checked first, before the extras are parsed: a flow's origin is a partner.
    StoredInput(
        name="flow_origins",
        fields=("flows", "origin"),
        reads=(m.Partner,),
        fill=fill_flow_origins,
    ),
    StoredInput(
        name="stored_prices",
        fields=("commodity", "series"),
        reads=PRICE_TABLES,
        fill=fill_prices,
    ),
    StoredInput(
        name="market_baseline",
        fields=BASELINE_FIELDS,
        reads=BASELINE_TABLES,
        fill=fill_baseline,
    ),
    StoredInput(
        name="stored_flows",
        fields=("year", "importer"),
        # The price floor's exact response reads the importer's whole baseline.
        reads=BASELINE_TABLES,
        fill=fill_flows,
    ),
    StoredInput(
        name="downstream_goods",
        fields=("commodity",),
        reads=(m.Commodity,),
        fill=fill_goods,
    ),
    StoredInput(
        name="member_group",
        fields=("member_group",),
        reads=(m.Partner, m.PartnerGroup),
        fill=fill_member_group,
    ),
    # After the baseline and the member group: the members' markets are known.
    StoredInput(
        name="declared_stocks",
        fields=("declared_stocks",),
        reads=(m.DeclaredStockpile, m.Commodity, m.Partner, m.PartnerGroup),
        fill=fill_declared_stocks,
    ),
    StoredInput(
        name="parameter_schedules",
        fields=tuple(sorted({year for year, _ in SCHEDULED_INPUTS.values()})),
        reads=(m.ParameterSchedule,),
        fill=fill_schedules,
    ),
    StoredInput(
        name="fx_rates",
        # A carbon price in another currency takes the stored rate of its year.
        fields=tuple(
            sorted(
                {f for source, _, year in FX_INPUTS.values() for f in (source, year)}
            )
        ),
        reads=(m.FxRate,),
        fill=fill_fx_rates,
    ),
)
