"""The trade response's declared outputs: summary figures and row columns, with units."""

from __future__ import annotations

from instruments.calculators.base import (
    Output,
)

COLUMN_OUTPUTS = (
    Output("origin", "Origin", "text", help="Country or group the imports come from."),
    Output(
        "member", "Member", help="True when the origin is in the preferential zone."
    ),
    Output("imports", "Imports before", "money", help="Imports at world prices."),
    Output("tariff_before", "Tariff before", "share", help="Ad valorem tariff today."),
    Output("tariff_after", "Tariff after", "share", help="Tariff under the policy."),
    Output(
        "trade_creation",
        "Trade created",
        "money",
        help="Change in imports from the flow's own price change.",
    ),
    Output(
        "trade_diversion",
        "Trade diverted",
        "money",
        help="Imports shifted between origins (positive = gained).",
    ),
    Output(
        "imports_after",
        "Imports after",
        "money",
        help="Imports + TC + TD, at base world prices; never below zero.",
    ),
    Output(
        "tariff_revenue_before",
        "Tariff revenue before",
        "money",
        help="Tariff before × imports before.",
    ),
    Output(
        "tariff_revenue_after",
        "Tariff revenue after",
        "money",
        help="Tariff after × imports after at the new world price.",
    ),
    Output(
        "welfare_change",
        "Welfare change (consumers and tariff revenue)",
        "money",
        help="Consumers' surplus change plus the change in tariff revenue "
        "(positive = gain).",
    ),
    Output(
        "world_price_change",
        "World price change",
        "share",
        help="Relative change of the world price (0 with unlimited export supply).",
    ),
    Output(
        "consumer_price_change",
        "Consumer price change",
        "share",
        help="Relative change of the duty-paid price buyers pay.",
    ),
    Output(
        "import_value_after",
        "Import value after, at new world prices",
        "money",
        help="Imports after × (1 + world price change).",
    ),
    Output(
        "clipped",
        "Clipped at zero",
        help="True when the linear answer fell below zero and was set to zero.",
    ),
)
COLUMNS = tuple(o.key for o in COLUMN_OUTPUTS)

OUTPUTS = (
    Output(
        "trade_creation_total",
        "Trade created",
        "money",
        headline=True,
        help="New imports created by the tariff change, all origins.",
    ),
    Output(
        "trade_diversion_to_members",
        "Trade diverted to members",
        "money",
        headline=True,
        help="Imports shifted from non-members to members.",
    ),
    Output(
        "tariff_revenue_change",
        "Change in tariff revenue",
        "money",
        headline=True,
        help="Tariff revenue after minus before.",
    ),
    Output(
        "welfare_change_total",
        "Welfare change (consumers and tariff revenue)",
        "money",
        headline=True,
        help="Sum of the flows' welfare changes: the importing country's gain.",
    ),
    Output("imports_before", "Imports before", "money"),
    Output("imports_after_total", "Imports after", "money"),
    Output("tariff_revenue_before", "Tariff revenue before", "money"),
    Output("tariff_revenue_after", "Tariff revenue after", "money"),
    Output("consumer_surplus_change", "Consumers' surplus change", "money"),
    Output("relative_price_change", "Members' price relative to others", "share"),
    Output("world_price_change", "World price change, import-weighted", "share"),
    Output("member_share_before", "Members' share of imports before", "share"),
    Output("member_share_after", "Members' share of imports after", "share"),
    Output("method", "Method", "text"),
    Output(
        "clipped_flows",
        "Flows clipped at zero",
        "count",
        help="Flows whose linear answer fell below zero imports (SMART, GSIM).",
    ),
    Output("note", "Note", "text", help="How the answer was computed."),
)
