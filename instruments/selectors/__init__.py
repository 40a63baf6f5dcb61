"""ORM reads turned into plain Python and pandas objects, one module per concern,
mirroring ``instruments.models``: ``prices`` (price histories, commodities, FX rates),
``partners``, ``producers``, ``trade``, ``production`` (world production and
elasticity defaults), ``projects`` (the project register as §12's inputs),
``security`` (export controls and declared stockpiles),
``parameters``, ``scenarios`` and
``accounts``.

This is the only layer where stored ``Decimal`` values become ``float`` (through
``decimals``) and querysets become pandas objects. Services, the API and the pages call
these functions; nothing here knows about HTTP. Errors about what the caller asked for
are raised as ``InputError`` at the request field that was wrong (``commodity``,
``series``, ``start``, ``end``), so the API and forms can show them beside that field.

Callers write ``from instruments import selectors`` and ``selectors.get_price_history``:
this package re-exports every public read.
"""

from __future__ import annotations

from instruments.selectors.accounts import get_api_keys
from instruments.selectors.parameters import (
    get_parameter_schedule,
    get_parameter_value,
)
from instruments.selectors.partners import (
    GroupMember,
    get_economy_name,
    get_group_members,
    get_partner_group_members,
    get_partner_names,
    list_group_members,
    list_partner_choices,
    list_partner_groups,
    resolve_economies,
)
from instruments.selectors.prices import (
    CommoditySummary,
    PriceHistory,
    SeriesSummary,
    get_commodity_name,
    get_downstream_goods,
    get_fx_rate_series,
    get_fx_rates,
    get_price_history,
    get_value_chain,
    list_commodities,
)
from instruments.selectors.producers import PRODUCER_COLUMNS, get_producers
from instruments.selectors.production import (
    ProductionByCountry,
    get_elasticity_defaults,
    get_production_by_country,
)
from instruments.selectors.projects import (
    PROJECT_INPUTS,
    get_project,
    get_projects,
    project_inputs,
)
from instruments.selectors.scenarios import (
    list_others_public_scenarios,
    list_own_scenarios,
    list_precedents,
    visible_scenarios,
)
from instruments.selectors.security import (
    get_declared_stockpiles,
    get_export_controls,
)
from instruments.selectors.trade import (
    SUPPLY_MARKETS,
    SupplyOverview,
    get_commodity_hs_codes,
    get_hs_code_notes,
    get_latest_trade_year,
    get_supply_concentration,
    get_supply_overview,
    get_top_exporters,
    get_trade_flows,
    get_trade_unit_values,
    parse_hs_code_text,
)

__all__ = [
    "PRODUCER_COLUMNS",
    "PROJECT_INPUTS",
    "SUPPLY_MARKETS",
    "CommoditySummary",
    "GroupMember",
    "PriceHistory",
    "ProductionByCountry",
    "SeriesSummary",
    "SupplyOverview",
    "get_api_keys",
    "get_commodity_hs_codes",
    "get_commodity_name",
    "get_declared_stockpiles",
    "get_downstream_goods",
    "get_economy_name",
    "get_elasticity_defaults",
    "get_export_controls",
    "get_fx_rate_series",
    "get_fx_rates",
    "get_group_members",
    "get_hs_code_notes",
    "get_latest_trade_year",
    "get_parameter_schedule",
    "get_parameter_value",
    "get_partner_group_members",
    "get_partner_names",
    "get_price_history",
    "get_producers",
    "get_production_by_country",
    "get_project",
    "get_projects",
    "get_supply_concentration",
    "get_supply_overview",
    "get_top_exporters",
    "get_trade_flows",
    "get_trade_unit_values",
    "get_value_chain",
    "list_commodities",
    "list_group_members",
    "list_others_public_scenarios",
    "list_own_scenarios",
    "list_partner_choices",
    "list_partner_groups",
    "list_precedents",
    "parse_hs_code_text",
    "project_inputs",
    "resolve_economies",
    "visible_scenarios",
]
