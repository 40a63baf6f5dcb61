"""The price-gap subsidy's declared outputs: summary figures and row columns, with units."""

from __future__ import annotations

from instruments.calculators.base import (
    WARNINGS_OUTPUT,
    Output,
)

COLUMN_OUTPUTS = (
    Output("period", "Period", "text", help="The period or settlement group."),
    Output("strike", "Strike", "price", help="The strike after indexation (mean)."),
    Output(
        "market_price",
        "Market price",
        "price",
        help="The market reference price (mean over paths when simulated).",
    ),
    Output("quantity", "Eligible quantity", "quantity", help="Quantity covered."),
    Output(
        "payment_due", "Payment due", "money", help="What the formula owes, uncapped."
    ),
    Output(
        "payment",
        "Payment",
        "money",
        help="Paid within the budget; negative when the producer pays back.",
    ),
    Output("upside", "Upside received", "money", help="The government's upside share."),
    Output("net_cost", "Net cost", "money", help="Payment minus upside."),
    Output(
        "cumulative_net_cost", "Cumulative net cost", "money", help="Running net cost."
    ),
    Output(
        "unpaid",
        "Unpaid claims",
        "money",
        help="Forgone (pro rata) or still owed (carry forward) under the budget cap.",
    ),
    Output(
        "discount_factor",
        "Discount factor",
        help="(1 + rate)^(−t) at the end of the period.",
    ),
    Output("price_p5", "Price, P5", "price", help="Simulated price, 5th percentile."),
    Output("price_p50", "Price, median", "price", help="Simulated price, median."),
    Output(
        "price_p95", "Price, P95", "price", help="Simulated price, 95th percentile."
    ),
    Output(
        "net_cost_p5",
        "Net cost, P5",
        "money",
        help="Simulated net cost, 5th percentile.",
    ),
    Output(
        "net_cost_p50", "Net cost, median", "money", help="Simulated net cost, median."
    ),
    Output(
        "net_cost_p95",
        "Net cost, P95",
        "money",
        help="Simulated net cost, 95th percentile.",
    ),
)
COLUMNS = tuple(o.key for o in COLUMN_OUTPUTS)

OUTPUTS = (
    Output(
        "net_cost_total",
        "Net cost to government",
        "money",
        headline=True,
        help="Payments minus upside received, all periods.",
    ),
    Output(
        "npv",
        "Present value of net cost",
        "money",
        headline=True,
        help="Net cost discounted at the discount rate, end of period.",
    ),
    Output(
        "expected_cost",
        "Expected net cost, simulated",
        "money",
        headline=True,
        help="Mean over the simulated paths of the total net cost.",
    ),
    Output(
        "p95",
        "Net cost in a 1-in-20 bad case",
        "money",
        headline=True,
        help="95th percentile over paths of the total net cost.",
    ),
    Output(
        "p95_worst_year",
        "Net cost in each path's worst year, 1-in-20",
        "money",
        headline=True,
        help="95th percentile over all paths of the net cost in each path's worst "
        "year (its largest yearly net cost).",
    ),
    Output(
        "probability_of_payment",
        "Probability of any payment",
        "share",
        headline=True,
        help="Share of paths on which the government pays at least once.",
    ),
    Output(
        "probability_budget_exhausted",
        "Probability the budget runs out",
        "share",
        headline=True,
        help="Share of paths on which a budget period is exhausted.",
    ),
    Output(
        "guarantee_value",
        "Market value of the guarantee",
        "money",
        headline=True,
        help="Black-76 value of the strip of puts at the strike.",
    ),
    Output("payments_total", "Payments to producers", "money"),
    Output("upside_total", "Upside received", "money"),
    Output("payment_due_total", "Payments due before budget cap", "money"),
    Output("budget_scale_factor", "Share of claims paid within budget", "share"),
    Output("unpaid_total", "Claims left unpaid", "money"),
    Output("quantity_total", "Quantity covered", "quantity"),
    Output("strike_mean", "Average strike", "price"),
    Output("currency", "Currency", "text", help="Currency of the money figures."),
    Output("design", "Design", "text"),
    Output("market_price_source", "Market price", "text"),
    Output("p50", "Median net cost, simulated", "money"),
    Output("p99", "Net cost in a 1-in-100 bad case", "money"),
    Output("expected_npv", "Expected present value of net cost, simulated", "money"),
    Output("simulated_paths", "Simulated price paths", "count"),
    Output("simulation_model", "Price model", "text"),
    Output("simulation_start_price", "Start price", "price"),
    Output("simulation_volatility", "Yearly volatility used", "share"),
    Output("simulation_drift", "Yearly drift used", "share"),
    Output("simulation_mean_reversion", "Mean reversion used, per year"),
    Output("simulation_long_run_price", "Long-run median price used", "price"),
    Output(
        "simulation_long_run_mean",
        "Long-run mean price implied",
        "price",
        help="e^(α + σ²/(4κ)): the mean of the long-run price distribution.",
    ),
    Output(
        "simulation_history_points",
        "Prices the estimates come from",
        "count",
        help="Points of the price history; 0 when every parameter was given.",
    ),
    Output(
        "simulation_volatility_se",
        "Standard error of the estimated volatility",
        "share",
        help="NaN when the volatility was given.",
    ),
    Output(
        "simulation_drift_se",
        "Standard error of the estimated drift",
        "share",
        help="NaN when the drift was given or the model is Schwartz.",
    ),
    Output(
        "simulation_mean_reversion_se",
        "Standard error of the estimated mean reversion, per year",
        help="NaN when the mean reversion was given or the model is GBM.",
    ),
    Output(
        "simulation_long_run_price_se",
        "Standard error of the estimated long-run price",
        "price",
        help="NaN when the long-run price was given or the model is GBM.",
    ),
    Output("payback_value", "Market value of paybacks", "money"),
    Output("upside_value", "Market value of the upside share", "money"),
    Output("net_guarantee_value", "Net market value to producers", "money"),
    WARNINGS_OUTPUT,
)
