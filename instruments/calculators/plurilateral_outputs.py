"""The plurilateral calculator's declared outputs: summary figures, row columns and the country table, with units."""

from __future__ import annotations

from instruments.calculators import market
from instruments.calculators.base import (
    DATA_BASIS_OUTPUT,
    WARNINGS_OUTPUT,
    Output,
)

ROW_MONEY = (
    "importer_revenue",
    "exporter_rent",
    "importer_revenue_before",
    "exporter_rent_before",
    "subsidy",
    "subsidy_before",
)
COUNTRY_MONEY = tuple(c for c in market.COUNTRY_COLUMNS if c != "country")

COLUMN_OUTPUTS = (
    Output("origin", "Origin", "text", help="Exporter or a market's own producers."),
    Output("market", "Market", "text", help="Importing market."),
    Output("member_origin", "Member origin", help="True when the origin is a member."),
    Output("member_market", "Member market", help="True when the market is a member."),
    Output("quantity_before", "Quantity before", "quantity"),
    Output("quantity_after", "Quantity after", "quantity"),
    Output(
        "border_price_before",
        "Border price before",
        "price",
        help="What the exporter is paid at the border (undertaking included).",
    ),
    Output("border_price_after", "Border price after", "price"),
    Output(
        "consumer_price_before",
        "Consumer price before",
        "price",
        help="What buyers in the market pay: border price with duties and levies.",
    ),
    Output("consumer_price_after", "Consumer price after", "price"),
    Output(
        "importer_revenue",
        "Duty and levy revenue after",
        "money",
        help="(consumer price − border price) × quantity, to the importing government.",
    ),
    Output(
        "exporter_rent",
        "Exporter's undertaking rent after",
        "money",
        help="(border price − exporter's own price) × quantity, kept by the exporter.",
    ),
    Output("quantity_change", "Quantity change", "quantity"),
    Output("importer_revenue_before", "Duty and levy revenue before", "money"),
    Output("exporter_rent_before", "Exporter's undertaking rent before", "money"),
    Output(
        "subsidy",
        "Price-gap subsidy after",
        "money",
        help="Paid to a market's own producers on their route.",
    ),
    Output("subsidy_before", "Price-gap subsidy before", "money"),
    Output(
        "value_before",
        "Value before",
        "money",
        help="Quantity × border price in the base: on stored data, the stored trade "
        "value of the route (CEPII BACI).",
    ),
    Output(
        "home",
        "Sales at home",
        help="True for an economy's sales in its own market (no border).",
    ),
)
COLUMNS = tuple(o.key for o in COLUMN_OUTPUTS)
assert COLUMNS[: len(market.ROW_COLUMNS)] == market.ROW_COLUMNS

OUTPUTS = (
    Output(
        "imports_from_non_members_change",
        "Members' imports from non-members, change",
        "quantity",
        headline=True,
        help="Change in member markets' imports from non-member origins.",
    ),
    Output(
        "trade_diverted_to_members",
        "Trade diverted to members",
        "quantity",
        headline=True,
        help="Change in member exporters' sales into member markets (imports only: "
        "the members' own producers are in own_producers_sales_change).",
    ),
    Output(
        "trade_diverted_to_rest_of_world",
        "Non-members' sales diverted to the rest of the world",
        "quantity",
        headline=True,
        help="Change in non-member origins' sales into non-member markets.",
    ),
    Output(
        "world_price_change",
        "World price change",
        "share",
        headline=True,
        help="Base-weighted change in border prices on all imports.",
    ),
    Output(
        "non_member_price_change",
        "Price paid to non-member exporters, change",
        "share",
        headline=True,
        help="Base-weighted change in the border prices of non-member origins, "
        "undertaking rent included.",
    ),
    Output(
        "net_welfare_members",
        "Net welfare change of the members",
        "money",
        headline=True,
        help="Consumers, producers, government revenue less subsidy, and rents, "
        "summed over member countries.",
    ),
    Output(
        "importer_revenue_total",
        "Duty and levy revenue",
        "money",
        headline=True,
        help="Collected by importing governments after the change.",
    ),
    Output(
        "imports_from_non_members_before",
        "Members' imports from non-members, before",
        "quantity",
    ),
    Output(
        "imports_from_non_members_value_before",
        "Members' imports from non-members, value before",
        "money",
        help="At border prices; on stored data, the stored trade value (CEPII BACI).",
    ),
    Output(
        "imports_from_non_members_value_after",
        "Members' imports from non-members, value after",
        "money",
    ),
    Output(
        "member_price_index_change",
        "Members' price index change",
        "share",
        help="The model's CES price index of the member markets (P̂ − 1), weighted by "
        "base spending: the downstream goods' cost changes use it.",
    ),
    Output(
        "imports_from_non_members_after",
        "Members' imports from non-members, after",
        "quantity",
    ),
    Output("imports_before", "Imports before, all markets", "quantity"),
    Output("imports_after", "Imports after, all markets", "quantity"),
    Output(
        "own_producers_sales_change",
        "Members' own producers' sales, change",
        "quantity",
        help="Change in the member markets' own producers' sales at home.",
    ),
    Output(
        "trade_created",
        "Trade created in member markets",
        "quantity",
        help="Change in member markets' total imports (own producers excluded).",
    ),
    Output(
        "member_consumer_price_change",
        "Members' average consumer price, change",
        "price",
        help="Σ (p1 − p0)·q0 / Σ q0 over member markets (own producers included).",
    ),
    Output(
        "member_consumer_price_change_share",
        "Members' average consumer price, relative change",
        "share",
    ),
    Output("net_welfare_non_members", "Net welfare change of non-members", "money"),
    Output(
        "net_welfare_change",
        "Net welfare change of the world",
        "money",
        help="Sum over every country; negative when a measure wastes trade.",
    ),
    Output("consumer_surplus_change", "Consumer surplus change, world", "money"),
    Output("producer_surplus_change", "Producer surplus change, world", "money"),
    Output("revenue_change", "Duty and levy revenue change, world", "money"),
    Output(
        "subsidy_cost",
        "Price-gap subsidy cost, change",
        "money",
        help="Paid by treasuries to their own producers (positive = cost).",
    ),
    Output(
        "rent_change",
        "Exporters' undertaking rent, change",
        "money",
    ),
    Output("exporter_rent_total", "Exporters' undertaking rent", "money"),
    Output("method", "Method", "text"),
    Output("iterations", "Solver iterations", "count"),
    Output(
        "max_residual",
        "Largest market-clearing error",
        help="max |demand − supply| / base supply over origins (≤ 1e-9).",
    ),
    Output("currency", "Currency", "text", help="Currency of the money figures."),
    Output(
        "downstream_cost_changes",
        "Cost change per unit of downstream goods",
        "text",
        help="Each good's cost change per unit (its content × the members' mean "
        "base price × the change in their price index P̂); the table 'downstream' "
        "has the figures.",
    ),
    WARNINGS_OUTPUT,
    DATA_BASIS_OUTPUT,
)


# The columns of the tables in ``extras``, labelled with their units on the page.
TABLE_OUTPUTS = (
    Output("country", "Country", "text"),
    Output("member", "Member"),
    Output("consumer_surplus_change", "Consumers", "money"),
    Output("producer_surplus_change", "Producers", "money"),
    Output("revenue_change", "Duty and levy revenue", "money"),
    Output("subsidy_cost", "Price-gap subsidy paid", "money"),
    Output("rent_change", "Exporters' undertaking rent", "money"),
    Output("net_welfare_change", "Net welfare change", "money"),
    Output(
        "terms_of_trade_effect",
        "Terms of trade",
        "money",
        help="On imports and exports together: the change in border prices paid on "
        "imports (a rise is a loss) and received on exports (a fall is a loss), on "
        "the quantities after.",
    ),
    Output("terms_of_trade_imports", "Terms of trade on imports", "money"),
    Output("terms_of_trade_exports", "Terms of trade on exports", "money"),
    Output("producer_price_before", "Producer price before", "price"),
    Output("producer_price_after", "Producer price after", "price"),
    Output("price_change", "Producer price change", "share"),
    Output("supply_before", "Sales before", "quantity"),
    Output("supply_after", "Sales after", "quantity"),
    Output("figure", "Figure", "text", help="A headline figure's summary key."),
    Output("p5", "P5", help="5th percentile over the elasticity draws."),
    Output("p50", "P50", help="Median over the elasticity draws."),
    Output("p95", "P95", help="95th percentile over the elasticity draws."),
    Output("good", "Good", "text"),
    Output("unit", "Unit of the good", "text"),
    Output("content_factor", "Content per unit of the good", "quantity"),
    Output("cost_change_per_unit", "Cost change per unit of the good", "money"),
)
