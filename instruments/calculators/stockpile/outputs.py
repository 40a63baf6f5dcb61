"""The stockpile calculator's declared outputs: summary figures, row columns and the
tables' columns, with units (the §11 names first)."""

from __future__ import annotations

from instruments.calculators.base import DATA_BASIS_OUTPUT, WARNINGS_OUTPUT, Output

COLUMN_OUTPUTS = (
    Output(
        "month",
        "Month",
        "count",
        help="1-based month of the horizon; the build-up's months are 0 and below.",
    ),
    Output("market", "Market", "text"),
    Output(
        "price_without",
        "Price without stocks",
        "price",
        help="The market's consumer price index in the price unit (its base mean price × P̂).",
    ),
    Output("price_with", "Price with stocks", "price"),
    Output(
        "consumption_without",
        "Consumption without stocks",
        "quantity",
        help="The month's consumption of the composite, Q0·P̂^η ÷ 12.",
    ),
    Output("consumption_with", "Consumption with stocks", "quantity"),
    Output(
        "shortfall_without",
        "Shortfall without stocks",
        "quantity",
        help="Base consumption less consumption, a month (never below 0).",
    ),
    Output("shortfall_with", "Shortfall with stocks", "quantity"),
    Output(
        "release",
        "Released",
        "quantity",
        help="Released from stocks into this market in the month.",
    ),
    Output(
        "stock_left",
        "Stock left",
        "quantity",
        help="This market's stock at the end of the month.",
    ),
    Output("phase", "Phase", "text", help="build-up or horizon."),
    Output("disrupted", "Disrupted", help="True in the disruption's months."),
    Output("member", "Holds a stock"),
    Output("price_change_without", "Price change without stocks", "share"),
    Output("price_change_with", "Price change with stocks", "share"),
    Output("purchase", "Bought for the stock", "quantity"),
    Output(
        "shortfall_share_without", "Shortfall without stocks, share of base", "share"
    ),
    Output("shortfall_share_with", "Shortfall with stocks, share of base", "share"),
)
COLUMNS = tuple(o.key for o in COLUMN_OUTPUTS)

OUTPUTS = (
    Output(
        "peak_price_change_without",
        "Peak price rise without stocks",
        "share",
        headline=True,
        help="The highest month's price index over base, less 1, in the members' markets.",
    ),
    Output(
        "peak_price_change_with", "Peak price rise with stocks", "share", headline=True
    ),
    Output(
        "months_short_without",
        "Months short without stocks",
        "count",
        headline=True,
        help="Months in which some member consumes less than its base.",
    ),
    Output("months_short_with", "Months short with stocks", "count", headline=True),
    Output(
        "shortfall_avoided",
        "Shortfall avoided",
        "quantity",
        headline=True,
        help="The members' shortfall without stocks less with them, over the horizon.",
    ),
    Output(
        "consumer_loss_avoided",
        "Consumers' loss avoided",
        "money",
        headline=True,
        help="The members' consumer surplus with stocks less without (§9's exact ΔCS), over the horizon.",
    ),
    Output("building_cost", "Cost of building the stocks", "money", headline=True),
    Output(
        "holding_cost",
        "Cost of holding the stocks",
        "money",
        headline=True,
        help="Storage and capital over the build-up and the horizon.",
    ),
    Output(
        "net_benefit",
        "Net benefit",
        "money",
        headline=True,
        help="Consumers' loss avoided less the build-up's, plus the stocks' sales and the value of what is left, less building and holding.",
    ),
    Output(
        "coordination_gain",
        "What coordination adds",
        "money",
        headline=True,
        help="The members' consumers' loss avoided with pooled releases less with each releasing alone.",
    ),
    Output(
        "days_to_hold_trigger",
        "Days of stock that hold the price at the trigger",
        "plain",
        headline=True,
        help="The smallest size compared (days of consumption for every member) whose peak price rise stays at or below the lowest trigger.",
    ),
    Output(
        "building_cost_to_hold_trigger",
        "Cost of building that stock",
        "money",
        headline=True,
        help="What buying the stocks of the size that holds the price at the trigger costs (every member at those days).",
    ),
    Output(
        "holding_cost_to_hold_trigger",
        "Cost of holding that stock",
        "money",
        headline=True,
        help="Storage and capital of the stocks of the size that holds the price at the trigger, over the build-up and the horizon.",
    ),
    Output(
        "coordination_gain_to_hold_trigger",
        "What coordination adds at that size",
        "money",
        headline=True,
        help="At the size that holds the price at the trigger: the members' consumers' loss avoided with pooled releases less with each releasing alone.",
    ),
    Output(
        "benefit_cost_ratio",
        "Benefit-cost ratio",
        help="Benefits (as in the net benefit) over building and holding costs.",
    ),
    Output(
        "consumer_loss_avoided_separate",
        "Consumers' loss avoided, each releasing alone",
        "money",
    ),
    Output(
        "consumer_loss_avoided_coordinated",
        "Consumers' loss avoided, releases pooled",
        "money",
    ),
    Output("consumer_loss_without", "Members' consumers' loss without stocks", "money"),
    Output("shortfall_without_total", "Members' shortfall without stocks", "quantity"),
    Output("stock_total", "Members' stocks", "quantity"),
    Output("release_total", "Released", "quantity"),
    Output("release_revenue", "Stocks' sales", "money"),
    Output("residual_value", "Stock left at the end, at the base price", "money"),
    Output("build_up_price_change", "Price rise while the stocks are bought", "share"),
    Output(
        "build_up_consumer_loss", "Consumers' loss while the stocks are bought", "money"
    ),
    Output(
        "export_tax_equivalent",
        "Export-tax equivalent of the cut",
        "share",
        help="The highest gap between the border price and the restricting origin's own price on a capped route, as a share of its own price.",
    ),
    Output(
        "scarcity_rent",
        "Restricting origin's scarcity rent",
        "money",
        help="What the restricting origin keeps on its capped sales (border price less own price), over the horizon without stocks.",
    ),
    Output(
        "best_size",
        "Best size compared",
        "plain",
        help="Days of consumption with the highest (expected, with scenarios) net benefit.",
    ),
    Output("best_net_benefit", "Net benefit of the best size", "money"),
    Output("probability_of_disruption", "Chance of at least one disruption", "share"),
    Output("expected_disruptions", "Expected disruptions", "plain"),
    Output("currency", "Currency", "text"),
    WARNINGS_OUTPUT,
    DATA_BASIS_OUTPUT,
)

TABLE_OUTPUTS = (
    Output("market", "Market", "text"),
    Output("stock_initial", "Stock", "quantity"),
    Output("days_of_consumption", "Days of consumption", "plain"),
    Output("days_of_net_imports", "Days of net imports", "plain"),
    Output("building_cost", "Building cost", "money"),
    Output("holding_cost", "Holding cost", "money"),
    Output("consumer_loss_avoided", "Consumers' loss avoided", "money"),
    Output("net_benefit", "Net benefit", "money"),
    Output("peak_price_change_without", "Peak price rise without", "share"),
    Output("peak_price_change_with", "Peak price rise with", "share"),
    Output("shortfall_without", "Shortfall without", "quantity"),
    Output("shortfall_with", "Shortfall with", "quantity"),
    Output("release_revenue", "Sales from the stock", "money"),
    Output("residual_value", "Stock left, at base price", "money"),
    Output("build_up_consumer_loss", "Consumers' loss in the build-up", "money"),
    Output("consumer_loss_avoided_separate", "Loss avoided, alone", "money"),
    Output("consumer_loss_avoided_coordinated", "Loss avoided, pooled", "money"),
    Output("coordination_gain", "Coordination gain", "money"),
    Output("days", "Days of consumption", "plain"),
    Output(
        "peak_price_change_separate", "Peak price rise, each releasing alone", "share"
    ),
    Output(
        "peak_price_change_coordinated", "Peak price rise, releases pooled", "share"
    ),
    Output("stock_total", "Members' stocks", "quantity"),
    Output(
        "expected_consumer_loss_avoided", "Expected consumers' loss avoided", "money"
    ),
    Output("expected_release_gain", "Expected gain on sales less refilling", "money"),
    Output("expected_cost", "Expected holding cost", "money"),
    Output("expected_net_benefit", "Expected net benefit", "money"),
)
