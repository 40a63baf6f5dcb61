"""Price-gap subsidy: a guaranteed price paid as a top-up, a contract for difference, or a
double auction, with upside sharing, indexation, caps, settlement groups and fiscal risk.

Formulas (INSTRUMENTS.md §5), per period ``t`` with strike ``K_t``, market reference
price ``P_t`` and eligible quantity ``Q_t = min(quantity_t, volume_cap_t)``:

- one-sided (top-up, the DoD–MP Materials shape): ``payment_t = max(0, K_t − P_t)·Q_t``;
- two-sided (contract for difference): ``payment_t = (K_t − P_t)·Q_t``, negative when
  the producer pays back; a double auction is two-sided with ``K`` the purchase price
  and ``P`` the resale price;
- upside sharing from period ``upside_from`` on: ``upside_t = φ·max(0, P_t − U_t)·Q_t``
  (``U`` defaults to the strike);
- indexation: ``K_t = K_base·I_t/I_base`` or ``K_base·(1 + g)^{s_t}`` with ``s_t`` the
  years from the start of the first period to the start of period ``t``;
- settlement on groups of periods (quarters, years): ``average_price`` pays
  ``f(K̄ − P̄)·ΣQ`` with the volume-weighted averages ``P̄ = ΣP_t·Q_t/ΣQ_t`` and
  ``K̄ = ΣK_t·Q_t/ΣQ_t`` (the gap on the group's average price; simple means when the
  group has no quantity), ``average_gap`` pays ``Σ f(K_t − P_t)·Q_t`` (the
  volume-weighted average of the periods' gaps); with monthly prices 100, 90, 130 on
  equal quantities and a floor of 110 they give 3.33 and 10.00 per unit (on 10, 10 and
  100 units the average price is 124.17 and ``average_price`` pays nothing); rows are
  then one per group, their strike and market price the volume-weighted averages;
- a two-sided design already pays back everything above the strike, so it takes no
  upside share (refused: it would count the upside twice);
- budget cap ``B`` per year or in total, on the government's outlays (positive
  payments; paybacks are never capped): ``pro_rata`` scales each budget period's
  outlays by ``min(1, B/outlays)`` and forgoes the rest; ``carry_forward`` pays in
  order until the budget runs out and carries the unpaid amount into the next budget
  period, paid first (backlog ``b_y = max(0, b_{y−1} + o_y − B)``, evaluated in closed
  form ``b_y = S_y − min(0, min_{j≤y} S_j)``, ``S_y = Σ_{i≤y}(o_i − B)``);
- ``net_cost_t = paid_t − upside_t``; ``npv = Σ net_cost_t·(1 + r)^(−t_end)``.

Units and signs: prices in ``price_unit``, quantities in ``quantity_unit``; money is in
the currency of ``price_unit`` (whole units, e.g. USD even for US cents/lb) =
price × quantity × the unit factor. Money the government pays is positive; money it
receives (paybacks, upside) reduces net cost. Undefined figures are NaN.

Fiscal risk: with a ``simulation`` block, prices are simulated (``simulation.py``: GBM
or Schwartz, parameters given or estimated from ``price_history``), each step one
period (or ``steps`` of ``step_years`` when no periods are given), and every path goes
through the same formulas, caps and settlement as the rows. The summary gives the mean
(``expected_cost``), ``p50``, ``p95``, ``p99`` of the total net cost, the probability of
any payment and of the budget being exhausted in some budget period, and the cost in a
bad year (``p95_worst_year``: the P95 over all paths of each path's worst year, the
largest of its yearly net costs, years being calendar years or, when no periods are
given, each year of steps); ``extras["annual_net_cost"]`` gives each year's mean and
P95 over all paths; ``extras["fan"]`` gives per row P5/P50/P95 of price, net cost and
cumulative net cost, on all paths when paths × rows ≤ ``limits.FAN_SAMPLE``, else on
the first ``FAN_SAMPLE // rows`` paths (``simulation.run_paths``). Without ``market_price`` the rows' money columns are the
means over paths and ``market_price`` the mean simulated price.

Valuation: ``guarantee_value = Σ_t put76(F_t, K_t, σ, r, T_t)·Q_t`` (Black-76 puts on
the forward, settlement times ``T_t`` default to the periods' ends); for two-sided
designs ``payback_value`` is the call strip; ``upside_value`` is φ times the call strip
struck at ``U`` from ``upside_from``; ``net_guarantee_value`` = guarantee − payback −
upside.

Source: DoD–MP Materials price floor (July 2025); UK CfD Allocation Round 6 (strikes in
2012 prices, CPI-indexed); German Klimaschutzverträge (2024); H2Global.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from instruments.calculators import simulation as sim
from instruments.calculators import units, valuation
from instruments.calculators.base import (
    BoolArray,
    Calculator,
    FloatArray,
    IntArray,
    Result,
    add_warning,
)
from instruments.calculators.periods import (
    discount_factors_at,
    group_periods,
    parse_periods,
)
from instruments.calculators.price_gap_subsidy_inputs import (
    PriceGapSubsidyInputs,
)
from instruments.calculators.price_gap_subsidy_outputs import (
    COLUMN_OUTPUTS,
    COLUMNS,
    OUTPUTS,
)
from instruments.calculators.series import (
    as_array,
    net_market_prices,
    reduce_groups,
)
from instruments.calculators.translation import gettext_noop

# --- the computation ----------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """Everything that is the same on every price path."""

    labels: tuple[str, ...]
    step_years: FloatArray
    strike: FloatArray
    quantity: FloatArray
    threshold: FloatArray
    upside_weight: FloatArray
    money: float
    two_sided: bool
    share: float
    row_starts: IntArray | None
    row_counts: FloatArray
    volume_weight: FloatArray
    average_price: bool
    row_labels: tuple[str, ...]
    row_end_years: FloatArray
    discount: FloatArray
    budget: float | None
    budget_starts: IntArray
    budget_codes: IntArray
    carry_forward: bool
    year_starts: IntArray
    year_labels: tuple[str, ...]


def _plan(inputs: PriceGapSubsidyInputs) -> _Plan:
    if inputs.periods is not None:
        periods = parse_periods(inputs.periods)
        labels = periods.labels
        step_years = periods.length
        start, end = periods.start, periods.end
        calendar_years, year_codes = group_periods(labels, "year")
    else:
        simulation = inputs.simulation
        assert simulation is not None
        assert simulation.steps
        assert simulation.step_years
        n = simulation.steps
        labels = tuple(f"step {i + 1}" for i in range(n))
        step_years = np.full(n, simulation.step_years)
        end = np.cumsum(step_years)
        start = end - step_years
        year_codes = np.floor(start + 1e-9).astype(np.int64)
        calendar_years = tuple(f"year {code + 1}" for code in np.unique(year_codes))
    n = len(labels)
    strike = as_array(inputs.strike, n)
    if inputs.indexation is not None:
        index = inputs.indexation
        if index.index is not None:
            strike = strike * as_array(index.index, n) / index.base
        elif index.escalation is not None:
            strike = strike * (1.0 + index.escalation) ** start
    quantity = as_array(inputs.quantity, n)
    if inputs.volume_cap is not None:
        quantity = np.minimum(quantity, as_array(inputs.volume_cap, n))
    threshold = (
        strike
        if inputs.upside_threshold is None
        else as_array(inputs.upside_threshold, n)
    )
    eligible = np.ones(n)
    if inputs.upside_from is not None:
        eligible[: labels.index(inputs.upside_from)] = 0.0
    money = units.money_factor(inputs.quantity_unit, inputs.price_unit)

    row_starts: IntArray | None = None
    row_labels, row_end, row_years = labels, end, year_codes
    average_price = False
    if inputs.settlement is not None:
        group_labels, codes = group_periods(labels, inputs.settlement.every)
        row_starts = np.flatnonzero(np.diff(codes, prepend=-1)).astype(np.int64)
        row_labels = group_labels
        row_end = end[np.append(row_starts[1:], n) - 1]
        row_years = year_codes[row_starts]
        average_price = inputs.settlement.basis == "average_price"
    row_counts = (
        np.ones(n)
        if row_starts is None
        else np.diff(np.append(row_starts, n)).astype(np.float64)
    )
    # each period's share of its settlement group's quantity (equal shares when the
    # group has no quantity): the group's averages are volume-weighted
    group_quantity = reduce_groups(quantity, row_starts)
    group_of = (
        np.arange(n)
        if row_starts is None
        else np.repeat(np.arange(len(row_starts)), row_counts.astype(np.int64))
    )
    with np.errstate(all="ignore"):
        volume_weight = np.where(
            group_quantity[group_of] > 0,
            quantity / group_quantity[group_of],
            1.0 / row_counts[group_of],
        )
    year_starts = np.flatnonzero(np.diff(row_years, prepend=-1)).astype(np.int64)
    year_labels = tuple(calendar_years[int(code)] for code in row_years[year_starts])
    if inputs.budget_every == "total":
        row_years = np.zeros(len(row_labels), dtype=np.int64)
    budget_starts = np.flatnonzero(np.diff(row_years, prepend=-1)).astype(np.int64)
    budget_codes = np.cumsum(np.diff(row_years, prepend=row_years[0]) != 0).astype(
        np.int64
    )
    return _Plan(
        labels=labels,
        step_years=step_years,
        strike=strike,
        quantity=quantity,
        threshold=threshold,
        upside_weight=inputs.upside_share * quantity * eligible,
        money=money,
        two_sided=inputs.design != "one_sided",
        share=inputs.upside_share,
        row_starts=row_starts,
        row_counts=row_counts,
        volume_weight=volume_weight,
        average_price=average_price,
        row_labels=row_labels,
        row_end_years=row_end,
        discount=discount_factors_at(row_end, inputs.discount_rate),
        budget=inputs.budget_cap,
        budget_starts=budget_starts,
        budget_codes=budget_codes,
        carry_forward=inputs.budget_rule == "carry_forward",
        year_starts=year_starts,
        year_labels=year_labels,
    )


def _reduce(plan: _Plan, values: FloatArray) -> FloatArray:
    return reduce_groups(values, plan.row_starts)


def settle(plan: _Plan, price: FloatArray) -> dict[str, Any]:
    """Money per row for prices of shape (..., periods); rows on the last axis."""
    weight = plan.volume_weight
    if plan.average_price:
        mean_price = _reduce(plan, price * weight)
        gap = _reduce(plan, plan.strike * weight) - mean_price
        if not plan.two_sided:
            gap = np.maximum(gap, 0.0)
        due = gap * (_reduce(plan, plan.quantity) * plan.money)
        above = np.maximum(mean_price - _reduce(plan, plan.threshold * weight), 0.0)
        upside = above * (_reduce(plan, plan.upside_weight) * plan.money)
    else:
        gap = plan.strike - price
        if not plan.two_sided:
            np.maximum(gap, 0.0, out=gap)
        gap *= plan.quantity * plan.money
        due = _reduce(plan, gap)
        above = price - plan.threshold
        np.maximum(above, 0.0, out=above)
        above *= plan.upside_weight * plan.money
        upside = _reduce(plan, above)
        mean_price = price if plan.row_starts is None else _reduce(plan, price * weight)
    paid, unpaid, exhausted = apply_budget(plan, due)
    return {
        "market_price": mean_price,
        "payment_due": due,
        "payment": paid,
        "upside": upside,
        "net_cost": paid - upside,
        "unpaid": unpaid,
        "exhausted": exhausted,
    }


def apply_budget(
    plan: _Plan, due: FloatArray
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """(paid, unpaid, budget exhausted) for dues of shape (..., rows).

    Only outlays (positive dues) are capped. ``unpaid`` is what a row forgoes
    (pro rata) or the backlog still owed after the row (carry forward).
    """
    if plan.budget is None:
        return due, np.zeros_like(due), np.zeros(due.shape[:-1], dtype=bool)
    cap = plan.budget
    outlay = np.maximum(due, 0.0)
    refunds = due - outlay
    starts, codes = plan.budget_starts, plan.budget_codes
    by_budget = np.add.reduceat(outlay, starts, axis=-1)
    if not plan.carry_forward:
        with np.errstate(all="ignore"):
            scale = np.where(by_budget > cap, cap / by_budget, 1.0)
        paid_outlay = outlay * scale[..., codes]
        exhausted = ((by_budget >= cap) & (by_budget > 0)).any(axis=-1)
        return paid_outlay + refunds, outlay - paid_outlay, np.asarray(exhausted)
    running = np.cumsum(by_budget - cap, axis=-1)
    backlog = running - np.minimum(np.minimum.accumulate(running, axis=-1), 0.0)
    before = np.concatenate(
        [np.zeros((*backlog.shape[:-1], 1)), backlog[..., :-1]], axis=-1
    )
    cumulative = np.cumsum(outlay, axis=-1)
    opening = (cumulative - outlay)[..., starts]
    claims = before[..., codes] + cumulative - opening[..., codes]
    paid_cumulative = np.minimum(claims, cap)
    paid_before = np.concatenate(
        [np.zeros((*claims.shape[:-1], 1)), paid_cumulative[..., :-1]], axis=-1
    )
    paid_before[..., starts] = 0.0
    exhausted = (((by_budget + before) >= cap) & ((by_budget + before) > 0)).any(
        axis=-1
    )
    return (
        paid_cumulative - paid_before + refunds,
        claims - paid_cumulative,
        np.asarray(exhausted, dtype=bool),
    )


def _model(inputs: PriceGapSubsidyInputs, plan: _Plan) -> tuple[sim.Fit, float]:
    """The fitted price model and the start price, from the simulation block
    (parameters left out are estimated from the price history, stated net of VAT)."""
    simulation = inputs.simulation
    assert simulation is not None
    history = (
        None
        if simulation.price_history is None
        else units.net_of_vat(
            np.asarray(simulation.price_history, dtype=np.float64).reshape(-1),
            inputs.market_price_vat or 0.0,
        )
    )
    start = simulation.start_price
    if start is None:
        assert history is not None
        start = float(history[-1])
    fit = sim.fit_model(
        simulation.model,
        simulation.history_step_years or float(plan.step_years[0]),
        history,
        drift=simulation.drift,
        volatility=simulation.volatility,
        mean_reversion=simulation.mean_reversion,
        long_run_price=simulation.long_run_price,
    )
    return fit, start


_MONEY = ("payment_due", "payment", "upside", "net_cost", "unpaid")


def simulate(inputs: PriceGapSubsidyInputs, plan: _Plan) -> dict[str, Any]:
    """The fiscal risk: every simulated path through ``settle`` (``sim.run_paths``),
    summarised as the summary figures, row means, fan and distributions."""
    simulation = inputs.simulation
    assert simulation is not None
    fit, start = _model(inputs, plan)
    model = fit.model
    run = sim.run_paths(
        model,
        start,
        plan.step_years,
        simulation.paths,
        simulation.seed,
        lambda prices: settle(plan, prices),
        row_labels=plan.row_labels,
        discount=plan.discount,
        year_starts=plan.year_starts,
        year_labels=plan.year_labels,
        mean_of=(*_MONEY, "market_price"),
    )
    p50, p95, p99 = np.quantile(run.totals, [0.5, 0.95, 0.99])
    summary: dict[str, Any] = {
        "expected_cost": float(run.totals.mean()),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "probability_of_payment": float(run.any_payment.mean()),
        "probability_budget_exhausted": (
            float(run.exhausted.mean()) if plan.budget is not None else math.nan
        ),
        "p95_worst_year": float(np.quantile(run.worst_year, 0.95)),
        "expected_npv": float(run.npvs.mean()),
        "simulated_paths": simulation.paths,
        "simulation_model": simulation.model,
        "simulation_start_price": start,
        "simulation_volatility": model.volatility,
        "simulation_drift": model.drift if isinstance(model, sim.GBM) else math.nan,
        "simulation_mean_reversion": (
            model.mean_reversion if isinstance(model, sim.Schwartz) else math.nan
        ),
        "simulation_long_run_price": (
            model.long_run_price if isinstance(model, sim.Schwartz) else math.nan
        ),
        "simulation_long_run_mean": (
            model.long_run_mean if isinstance(model, sim.Schwartz) else math.nan
        ),
        "simulation_history_points": fit.points,
        **{
            f"simulation_{name}_se": fit.standard_errors.get(name, math.nan)
            for name in ("volatility", "drift", "mean_reversion", "long_run_price")
        },
    }
    for warning in fit.warnings:
        add_warning(summary, warning)
    return {
        "summary": summary,
        "means": run.means,
        "fan": run.fan,
        "totals": run.totals,
        "annual": run.annual,
        "histogram": run.histogram,
    }


TOTALS_SAMPLE = 10_000
"""Simulated totals returned in ``extras["net_cost_totals"]`` (the first paths)."""


def compute(inputs: PriceGapSubsidyInputs) -> Result:
    """Payments, upside and net cost per period (or settlement group), and their risk."""
    plan = _plan(inputs)
    rows_n = len(plan.row_labels)
    simulated = simulate(inputs, plan) if inputs.simulation is not None else None
    if inputs.market_price is not None:
        market = net_market_prices(
            inputs.market_price, len(plan.labels), inputs.market_price_vat
        )
        flows = settle(plan, market)
        values = {name: flows[name] for name in (*_MONEY, "market_price")}
    else:
        assert simulated is not None
        values = simulated["means"]
    nan = np.full(rows_n, math.nan)
    fan = simulated["fan"] if simulated is not None else None
    rows = pd.DataFrame(
        {
            "period": list(plan.row_labels),
            "strike": _reduce(plan, plan.strike * plan.volume_weight),
            "market_price": values["market_price"],
            "quantity": _reduce(plan, plan.quantity),
            "payment_due": values["payment_due"],
            "payment": values["payment"],
            "upside": values["upside"],
            "net_cost": values["net_cost"],
            "cumulative_net_cost": np.cumsum(values["net_cost"]),
            "unpaid": values["unpaid"],
            "discount_factor": plan.discount,
            **{
                name: (fan[name].to_numpy() if fan is not None else nan)
                for name in COLUMNS[11:]
            },
        },
        columns=list(COLUMNS),
    )
    due_outlay = float(np.maximum(values["payment_due"], 0.0).sum())
    paid_outlay = float(np.maximum(values["payment"], 0.0).sum())
    # carry forward: what is still owed after the last row; pro rata: all forgone
    unpaid = values["unpaid"]
    unpaid_total = float(unpaid[-1] if plan.carry_forward else unpaid.sum())
    summary: dict[str, Any] = {
        "net_cost_total": float(values["net_cost"].sum()),
        "payments_total": float(values["payment"].sum()),
        "upside_total": float(values["upside"].sum()),
        "npv": float(values["net_cost"] @ plan.discount),
        "payment_due_total": float(values["payment_due"].sum()),
        "budget_scale_factor": paid_outlay / due_outlay if due_outlay > 0 else 1.0,
        "unpaid_total": unpaid_total,
        "quantity_total": float(plan.quantity.sum()),
        "strike_mean": float(plan.strike.mean()),
        "currency": units.parse_price_unit(inputs.price_unit).currency,
        "design": inputs.design,
        "market_price_source": "given"
        if inputs.market_price is not None
        else "simulated mean",
    }
    extras: dict[str, Any] = {}
    if simulated is not None:
        summary.update(simulated["summary"])
        extras["fan"] = simulated["fan"]
        extras["net_cost_histogram"] = simulated["histogram"]
        extras["annual_net_cost"] = simulated["annual"]
        extras["net_cost_totals"] = simulated["totals"][:TOTALS_SAMPLE].tolist()
    if inputs.valuation is not None:
        summary.update(_value_guarantee(inputs, plan))
    return Result(summary=summary, rows=rows, extras=extras)


def _value_guarantee(inputs: PriceGapSubsidyInputs, plan: _Plan) -> dict[str, float]:
    """Black-76 strips: the guarantee (puts at the strike), paybacks (calls at the
    strike, two-sided designs) and the upside share (calls at the threshold)."""
    block = inputs.valuation
    assert block is not None
    n = len(plan.labels)
    forward = as_array(block.forward, n)
    if block.settlement_years is not None:
        years = as_array(block.settlement_years, n)
    elif inputs.periods is not None:
        years = parse_periods(inputs.periods).end
    else:
        years = np.cumsum(plan.step_years)
    weight = plan.quantity * plan.money
    f, v, r, t = forward, block.volatility, block.rate, years
    guarantee = valuation.floor_value(f, plan.strike, v, r, t, weight)
    payback = (
        valuation.cap_value(f, plan.strike, v, r, t, weight) if plan.two_sided else 0.0
    )
    upside = valuation.cap_value(
        f, plan.threshold, v, r, t, plan.upside_weight * plan.money
    )
    return {
        "guarantee_value": guarantee,
        "payback_value": payback,
        "upside_value": upside,
        "net_guarantee_value": guarantee - payback - upside,
    }


EXAMPLE: dict[str, Any] = {
    "periods": [f"{2025 + (q + 3) // 4}Q{(q + 3) % 4 + 1}" for q in range(40)],
    "design": "one_sided",
    "strike": 110.0,
    "market_price": 60.0,
    "quantity": 250.0,
    "price_unit": "USD/kg",
    "quantity_unit": "t",
    "upside_share": 0.3,
    "discount_rate": 0.04,
    "simulation": {
        "model": "gbm",
        "start_price": 60.0,
        "drift": 0.0,
        "volatility": 0.35,
        "paths": 5000,
        "seed": 7,
    },
    "valuation": {"forward": 62.0, "volatility": 0.35, "rate": 0.04},
}
"""DoD–MP Materials: $110/kg NdPr oxide floor for 10 years from Q4 2025, 30 % upside
to the government; NdPr oxide near $60/kg in mid-2025; 1,000 t a year sold."""

CALCULATOR = Calculator(
    slug="price-gap-subsidy",
    title=gettext_noop("Price-gap subsidy"),
    summary=(
        gettext_noop(
            "The government guarantees a price: it pays producers the gap when the market "
            "is below the strike and may take a share of the upside above it. See what "
            "that costs by period, in present value and, with simulated prices, how much "
            "it could cost in a bad year."
        )
    ),
    precedent=(
        gettext_noop(
            # xgettext:no-python-format (a percentage, not a placeholder)
            "DoD–MP Materials (July 2025): $110/kg NdPr oxide floor for 10 years with 30 % "
            "of the upside to the government; UK Contracts for Difference; German carbon "
            "contracts for difference; H2Global."
        )
    ),
    inputs=PriceGapSubsidyInputs,
    compute=compute,
    columns=COLUMNS,
    example=EXAMPLE,
    price_field="market_price",
    outputs=OUTPUTS,
    column_outputs=COLUMN_OUTPUTS,
)
