"""Support instruments on a project, their cost to the state, and the solver (§12).

Per unit sold in operating year ``j`` on a path with benchmark price ``P``, at level
``K`` (every payment is taxable income of the project; money in the price's currency,
× volume × the units' money factor):

- ``price_floor``: the state pays ``s·max(K − P, 0)`` (a one-sided CfD; ``s`` the
  realised share, so that the project realises ``s·max(P, K)``: the floor guarantees
  the benchmark ``K`` on the payable share, and a lower market price never raises the
  project's revenue);
- ``two_sided_cfd``: the state pays ``s·(K − P)``, negative when the project pays back
  (the project realises ``s·K``);
- ``offtake_fixed``: a buyer takes ``share`` of output at ``K`` (a price for the
  product as delivered); the project realises ``share·K + (1 − share)·s·P``; the
  state's cost is ``share·(K − s·P)``, what it pays less what the material is worth
  to it, the project's realised share of the benchmark (it can resell or stock it at
  what the project would have got);
- ``offtake_collar``: the same with the contract price ``min(max(s·P, K1), K2)``, the
  realised price held between ``K1`` (the level) and ``K2`` (the cap, none by
  default): a collar the market price stays inside changes nothing and costs nothing;
- ``capex_grant``: the state pays a share ``g`` of each construction year's capex
  (untaxed; debt is a share of capex after the grant);
- ``concessional_loan``: the debt carries the rate ``i_c`` instead of the lenders'
  ``i``; the state pays the difference of the annuities ``A(i) − A(i_c)`` each year of
  the tenor (an interest subsidy). NPV is before financing, so a loan moves only DSCR.

The state's cost on a path is the present value of its payments at
``public_discount_rate`` to the start of year 1; ``expected_cost`` is the mean over paths,
``p95_cost`` the 95th percentile, and ``cost_per_unit_capacity_year`` the expected cost
divided by ``capacity × life_years``.

**Bankability.** Each target is a share ``q`` of paths meeting a criterion ``f ≥ θ``:
``probability_npv_positive`` target ``p``: NPV ≥ 0 on ``q = p`` of paths;
``p10_min_dscr`` target ``d``: minimum DSCR ≥ ``d`` on ``q = 0.9``;
``p50_irr`` target ``h``: IRR ≥ ``h`` (NPV at rate ``h`` ≥ 0) on ``q = 0.5``.

**Solving.** Every instrument moves ``f`` monotonically on every path (a higher floor,
strike, offtake price or grant, a lower loan rate never lowers NPV or DSCR). So each
path has a break-even level ``b_i`` (the lowest level with ``f_i ≥ θ``), found by
bisection on the array of all paths at once (64 halvings of ``[0, top]``, keeping the
upper end so that ``f_i(b_i) ≥ θ`` holds exactly), ``+∞`` when even ``top`` does not do;
the lowest level meeting the target is the ``⌈q·n⌉``-th smallest ``b_i``, and there is
none within bounds when that is ``+∞``. With one path (a typed price or no volatility)
this is the closed form: ``K* = P − NPV / PV(s·v·(1 − τ)·m)`` for a floor above a
constant ``P``, ``g* = −NPV / PV(capex)`` for a grant.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from instruments.calculators.base import FloatArray
from instruments.calculators.project_support import cashflows as cf
from instruments.calculators.project_support.inputs import (
    BankabilityTarget,
    Support,
    SupportKind,
)

PRICE_KINDS = ("price_floor", "two_sided_cfd", "offtake_fixed", "offtake_collar")
TOP_MULTIPLE = 10.0
"""Default upper bound of a price level: this many times the highest path price."""


@dataclass(frozen=True)
class Criterion:
    """A share ``share`` of paths must have ``value ≥ threshold``."""

    metric: str
    target: float
    share: float
    threshold: float
    rate: float | None = None
    """For ``p50_irr``: the NPV is taken at this rate."""
    slack: float = 0.0
    """How far below the threshold a path still counts as meeting it (rounding)."""


def criterion(target: BankabilityTarget | None, plan: cf.Plan) -> Criterion:
    """The bankability target as a share of paths meeting a threshold. The solver
    aims at the threshold itself; counting paths that meet it allows for rounding
    (``slack``, ``cf.npv_tolerance`` for NPV): at a solved level every path whose NPV
    the instrument fixes sits on zero, a few a hair's breadth below it."""
    slack = cf.npv_tolerance(plan)
    if target is None:
        return Criterion("probability_npv_positive", 0.9, 0.9, 0.0, slack=slack)
    if target.metric == "probability_npv_positive":
        return Criterion(target.metric, target.target, target.target, 0.0, slack=slack)
    if target.metric == "p10_min_dscr":
        return Criterion(target.metric, target.target, 0.9, target.target, slack=1e-9)
    return Criterion(
        target.metric, target.target, 0.5, 0.0, rate=target.target, slack=slack
    )


@dataclass(frozen=True)
class Evaluation:
    """A project with one instrument at one level (scalar, or one per path)."""

    flows: cf.Flows
    npv: FloatArray
    min_dscr: FloatArray
    state_cost: FloatArray
    """Per path: present value of the state's payments at the public rate."""

    def criterion_values(self, plan: cf.Plan, test: Criterion) -> FloatArray:
        if test.metric == "p10_min_dscr":
            return self.min_dscr
        if test.rate is not None:
            return cf.npv(plan, self.flows, test.rate)
        return self.npv


def _level_column(level: float | FloatArray) -> FloatArray:
    return np.reshape(np.asarray(level, dtype=np.float64), (-1, 1))


def evaluate(
    plan: cf.Plan,
    prices: FloatArray,
    kind: SupportKind | None,
    level: float | FloatArray,
    support: Support | None = None,
) -> Evaluation:
    """The project on every path with ``kind`` at ``level`` (``kind=None``: no support)."""
    n = prices.shape[0]
    zero = np.zeros(n)
    volume_money = plan.volume * plan.money
    public_ops = plan.public_discount[plan.construction :]
    share = 1.0 if support is None else support.share
    if kind in PRICE_KINDS:
        k = _level_column(level)
        if kind == "price_floor":
            unit = plan.realised_share * np.maximum(k - prices, 0.0)
            result = cf.flows(plan, prices, support=unit)
        elif kind == "two_sided_cfd":
            unit = plan.realised_share * (k - prices)
            result = cf.flows(plan, prices, support=unit)
        else:
            realised = plan.realised_share * prices
            if kind == "offtake_collar":
                cap = (
                    math.inf if support is None or support.cap is None else support.cap
                )
                contract = np.minimum(np.maximum(realised, k), np.maximum(cap, k))
            else:
                contract = np.broadcast_to(k, prices.shape)
            result = cf.flows(
                plan,
                prices,
                revenue_price=share * contract + (1.0 - share) * realised,
            )
            unit = share * (contract - realised)
        cost = np.asarray((unit * volume_money) @ public_ops, dtype=np.float64)
        return Evaluation(
            flows=result,
            npv=cf.npv(plan, result),
            min_dscr=cf.min_dscr(plan, result),
            state_cost=np.broadcast_to(cost, (n,)).copy(),
        )
    if kind == "capex_grant":
        g = np.asarray(level, dtype=np.float64)
        result = cf.flows(plan, prices, grant=g)
        grant_pv = float(plan.capex @ plan.public_discount[: plan.construction])
        return Evaluation(
            flows=result,
            npv=cf.npv(plan, result),
            min_dscr=cf.min_dscr(plan, result, grant=g),
            state_cost=np.broadcast_to(g * grant_pv, (n,)).copy(),
        )
    result = cf.flows(plan, prices)
    if kind == "concessional_loan":
        rate = np.asarray(level, dtype=np.float64)
        subsidy = cf.debt_service(plan) - cf.debt_service(plan, rate=rate)
        c = plan.construction
        tenor_pv = float(plan.public_discount[c : c + plan.debt_tenor].sum())
        return Evaluation(
            flows=result,
            npv=cf.npv(plan, result),
            min_dscr=cf.min_dscr(plan, result, rate=rate),
            state_cost=np.broadcast_to(subsidy * tenor_pv, (n,)).copy(),
        )
    return Evaluation(
        flows=result,
        npv=cf.npv(plan, result),
        min_dscr=cf.min_dscr(plan, result),
        state_cost=zero,
    )


@dataclass(frozen=True)
class Scale:
    """How an instrument's support intensity ``x ∈ [0, top]`` maps onto its level:
    ``level = x`` except a loan, ``level = lenders' rate − x`` (less rate, more help)."""

    kind: SupportKind
    top: float
    base_rate: float = 0.0

    def level(self, x: float | FloatArray) -> float | FloatArray:
        if self.kind == "concessional_loan":
            return (
                self.base_rate - np.asarray(x)
                if isinstance(x, np.ndarray)
                else (self.base_rate - x)
            )
        return x

    def intensity(self, level: float) -> float:
        return self.base_rate - level if self.kind == "concessional_loan" else level


def scale_for(plan: cf.Plan, prices: FloatArray, support: Support) -> Scale:
    """The search bounds of an instrument (see ``Support.max_level``)."""
    kind = support.kind
    if kind == "capex_grant":
        top = 1.0 if support.max_level is None else min(support.max_level, 1.0)
        return Scale(kind, top)
    if kind == "concessional_loan":
        return Scale(kind, plan.debt_rate, base_rate=plan.debt_rate)
    if support.max_level is not None:
        return Scale(kind, support.max_level)
    highest = max(float(np.max(prices)) if prices.size else 0.0, plan.unit_opex)
    return Scale(kind, TOP_MULTIPLE * max(highest, 1e-9))


@dataclass(frozen=True)
class Solution:
    """The lowest intensity meeting the target, or why there is none."""

    level: float
    """NaN when no level within the bounds meets the target."""
    intensity: float
    reachable: bool
    already: bool
    """True when the project meets the target without the instrument."""
    top_level: float


def break_even(
    values_at: Callable[[FloatArray], FloatArray], n: int, top: float, threshold: float
) -> FloatArray:
    """Each path's lowest intensity in ``[0, top]`` with value ≥ ``threshold``
    (``values_at`` nondecreasing in it), ``+∞`` when even ``top`` falls short:
    bisection on all paths at once, keeping the upper end."""
    low = np.zeros(n)
    high = np.full(n, top)
    at_low = values_at(low) >= threshold
    at_high = values_at(high) >= threshold
    for _ in range(cf.BISECTIONS):
        middle = 0.5 * (low + high)
        ok = values_at(middle) >= threshold
        high = np.where(ok, middle, high)
        low = np.where(ok, low, middle)
    result = np.where(at_low, 0.0, high)
    return np.asarray(np.where(at_high, result, np.inf), dtype=np.float64)


def solve(
    plan: cf.Plan, prices: FloatArray, support: Support, test: Criterion
) -> Solution:
    """The lowest level of ``support`` at which the target is met (see module doc)."""
    scale = scale_for(plan, prices, support)
    n = prices.shape[0]

    def values_at(x: FloatArray) -> FloatArray:
        level = scale.level(x)
        return evaluate(plan, prices, support.kind, level, support).criterion_values(
            plan, test
        )

    points = break_even(values_at, n, scale.top, test.threshold)
    needed = min(max(math.ceil(test.share * n - 1e-9), 1), n)
    x = float(np.partition(points, needed - 1)[needed - 1])
    top_level = float(scale.level(scale.top))
    if not math.isfinite(x):
        return Solution(math.nan, math.nan, False, False, top_level)
    return Solution(float(scale.level(x)), x, True, x == 0.0, top_level)


def share_meeting(evaluation: Evaluation, plan: cf.Plan, test: Criterion) -> float:
    """The share of paths meeting the criterion."""
    values = evaluation.criterion_values(plan, test)
    if bool(np.isnan(values).all()):
        return math.nan
    return float(np.mean(values >= test.threshold - test.slack))


def meets(evaluation: Evaluation, plan: cf.Plan, test: Criterion) -> bool:
    """Whether the target is met (the share of paths meeting the criterion ≥ ``q``)."""
    values = evaluation.criterion_values(plan, test)
    if bool(np.isnan(values).all()):
        return False
    n = values.size
    needed = min(max(math.ceil(test.share * n - 1e-9), 1), n)
    return int(np.count_nonzero(values >= test.threshold - test.slack)) >= needed
