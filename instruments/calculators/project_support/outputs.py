"""The project-support calculator's declared outputs: summary, yearly rows and the
``support`` table (§12's names)."""

from __future__ import annotations

from instruments.calculators.base import WARNINGS_OUTPUT, Output

COLUMN_OUTPUTS = (
    Output(
        "period", "Year", "text", help="Construction year 1, 2, … then operating years."
    ),
    Output("phase", "Phase", "text", help="construction or operation."),
    Output("volume", "Output", "quantity", help="Units produced (capacity × ramp-up)."),
    Output(
        "price_mean",
        "Benchmark price, mean",
        "price",
        help="Mean over paths, after any price war.",
    ),
    Output("price_p50", "Benchmark price, median", "price", help="Median over paths."),
    Output("revenue", "Revenue", "money", help="Mean over paths, without support."),
    Output("operating_cost", "Operating cost", "money", help="Unit and fixed opex."),
    Output("tax", "Tax", "money", help="Mean over paths; negative is a loss credit."),
    Output("capex", "Capex", "money", help="Paid at the end of construction years."),
    Output(
        "cash_flow",
        "Cash flow after tax",
        "money",
        help="Mean over paths, before financing, without support.",
    ),
    Output("cash_flow_p5", "Cash flow, P5", "money", help="5th percentile over paths."),
    Output(
        "cash_flow_p95", "Cash flow, P95", "money", help="95th percentile over paths."
    ),
    Output(
        "debt_service", "Debt service", "money", help="The flat annuity, tenor years."
    ),
    Output(
        "dscr_p10",
        "DSCR, P10",
        "plain",
        help="Cash flow after tax ÷ debt service, reached on 9 paths in 10.",
    ),
    Output(
        "discount_factor",
        "Discount factor",
        help="(1 + sponsor's rate)^(−t), t the year's end.",
    ),
)
COLUMNS = tuple(o.key for o in COLUMN_OUTPUTS)

OUTPUTS = (
    Output(
        "probability_npv_positive",
        "Probability that NPV ≥ 0, without support",
        "share",
        headline=True,
        help="Share of price paths on which the project's NPV is at least 0.",
    ),
    Output(
        "npv_p50",
        "NPV, median, without support",
        "money",
        headline=True,
        help="The project's NPV before financing at the sponsor's rate, median over paths.",
    ),
    Output(
        "irr_p50",
        "IRR, median",
        "share",
        headline=True,
        help="The project's IRR reached on half the paths (NaN when below −99 %).",
    ),
    Output(
        "cheapest_instrument",
        "Cheapest instrument meeting the target",
        "text",
        headline=True,
        help="The support row meeting the target at the lowest expected cost to the state.",
    ),
    Output(
        "cheapest_expected_cost",
        "Its expected cost to the state",
        "money",
        headline=True,
        help="Present value at the public discount rate, mean over paths.",
    ),
    Output(
        "cheapest_p95_cost",
        "Its cost in a bad case (P95)",
        "money",
        headline=True,
        help="95th percentile over paths of the present value of the state's cost.",
    ),
    Output("npv_p5", "NPV, P5", "money", help="5th percentile of the NPV over paths."),
    Output(
        "npv_p95", "NPV, P95", "money", help="95th percentile of the NPV over paths."
    ),
    Output("npv_mean", "NPV, mean", "money", help="Mean of the NPV over paths."),
    Output(
        "min_dscr_p10",
        "Minimum DSCR, P10",
        "plain",
        help="Each path's lowest DSCR over the tenor, reached on 9 paths in 10.",
    ),
    Output("target_metric", "Bankability metric", "text", help="The target's metric."),
    Output("target", "Bankability target", "plain", help="The target's value."),
    Output(
        "target_share_of_paths",
        "Share of paths that must meet it",
        "share",
        help="0.9 for a P10 DSCR, 0.5 for a median IRR, the probability itself for NPV.",
    ),
    Output("paths", "Price paths", "count", help="1 for a typed price path."),
    Output("price_source", "Price", "text", help="typed path or simulated (model)."),
    Output(
        "capacity_years",
        "Capacity-years",
        "quantity",
        help="Capacity × operating life.",
    ),
    Output("capex_total", "Capex", "money", help="Total capital cost."),
    Output("debt_amount", "Debt", "money", help="Drawn at the end of construction."),
    Output("debt_service", "Debt service a year", "money", help="The flat annuity."),
    Output(
        "strategic_cut",
        "Price war: cut",
        "share",
        help="The dominant supplier's price cut (0 without a price war).",
    ),
    Output(
        "strategic_years",
        "Price war: years",
        "years",
        help="Years from first production the cut lasts.",
    ),
    Output("discount_rate", "Sponsor's discount rate", "share", help="For NPV."),
    Output(
        "public_discount_rate",
        "Public discount rate",
        "share",
        help="For the present value of the state's cost.",
    ),
    Output("currency", "Currency", "text", help="Currency of the money figures."),
    Output("simulation_model", "Price model", "text", help="gbm or schwartz."),
    Output(
        "simulation_start_price",
        "Start price",
        "price",
        help="Price at the start of year 1.",
    ),
    Output("simulation_volatility", "Volatility", "share", help="Used or estimated."),
    Output("simulation_drift", "Drift", "share", help="GBM drift, used or estimated."),
    Output(
        "simulation_mean_reversion",
        "Mean reversion",
        "plain",
        help="Schwartz κ, used or estimated.",
    ),
    Output(
        "simulation_long_run_price",
        "Long-run price",
        "price",
        help="Schwartz long-run median, used or estimated.",
    ),
    Output(
        "simulation_history_points",
        "History points",
        "count",
        help="Prices the estimates come from (0 when all were given).",
    ),
    WARNINGS_OUTPUT,
)

SUPPORT_OUTPUTS = (
    Output("kind", "Instrument", "text", help="price_floor, two_sided_cfd, … (§12)."),
    Output(
        "level",
        "Level",
        "plain",
        help="Price (price unit) for floors, CfDs and offtakes; share of capex for a "
        "grant; rate for a loan. NaN when no level within bounds meets the target.",
    ),
    Output("solved", "Solved", "text", help="yes when the level was solved for."),
    Output(
        "probability_npv_positive",
        "Probability that NPV ≥ 0",
        "share",
        help="With the instrument at its level.",
    ),
    Output("npv_p50", "NPV, median", "money", help="With the instrument."),
    Output("irr_p50", "IRR, median", "share", help="With the instrument."),
    Output("min_dscr_p10", "Minimum DSCR, P10", "plain", help="With the instrument."),
    Output(
        "expected_cost",
        "Expected cost to the state",
        "money",
        help="Mean over paths of the present value at the public discount rate.",
    ),
    Output("p95_cost", "Cost, P95", "money", help="95th percentile over paths."),
    Output(
        "cost_per_unit_capacity_year",
        "Expected cost per unit of capacity-year",
        "price",
        help="Expected cost ÷ (capacity × operating life).",
    ),
    Output("meets_target", "Meets the target", "text", help="yes or no."),
    Output("note", "Note", "text", help="Why no level is given, when none is."),
)
SUPPORT_COLUMNS = tuple(o.key for o in SUPPORT_OUTPUTS)

CURVE_COLUMNS = (
    "kind",
    "level",
    "share_meeting",
    "expected_cost",
    "p95_cost",
)
"""``extras["cost_against_target"]``: each instrument at levels from none to 1.5× its
solved level (or the bound), the share of paths meeting the criterion and the cost."""
