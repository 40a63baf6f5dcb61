"""Ranges of the plurilateral model's headline figures from the published uncertainty
of its elasticities (INSTRUMENTS.md §10, ``uncertainty``).

Each draw takes one value of each elasticity kind, log-uniform between its published
low and high, and gives it to every market (η, σ) or origin (ε) whose elasticity was
left at the published default; typed elasticities stay as typed. One value per kind
and draw, not one per market: the uncertainty is about the commodity's elasticity,
which the defaults share. Each draw is solved exactly; a draw that does not converge
is left out and counted. ``summary_bands`` gives P5, P50 and P95 of each figure.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from instruments.calculators import market
from instruments.calculators.market.batch import BatchState, batchable, clear_draws
from instruments.calculators.market.exact import Prepared, prepare, prices_at
from instruments.calculators.plurilateral_inputs import (
    ElasticityRange,
    ElasticityRanges,
    Uncertainty,
)

BAND_COLUMNS = ["figure", "p5", "p50", "p95"]
Headline = Callable[[market.Problem, market.MarketSolution], Mapping[str, float]]


def _draw(
    rng: np.random.Generator, bounds: ElasticityRange, n: int, *, negative: bool
) -> np.ndarray:
    """``n`` log-uniform draws between the bounds (of |x| for a negative range)."""
    low, high = sorted((abs(bounds.low), abs(bounds.high)))
    if low <= 0:  # a bound at zero: uniform instead (a log cannot start at 0)
        values = rng.uniform(low, high, n)
    else:
        values = np.exp(rng.uniform(math.log(low), math.log(high), n))
    return -values if negative else values


def draw_problems(
    problem: market.Problem, ranges: ElasticityRanges, uncertainty: Uncertainty
) -> list[market.Problem]:
    """The problem once per draw, elasticities left at their defaults redrawn."""
    eta, sigma, eps = _elasticity_draws(problem, ranges, uncertainty)
    return [
        dataclasses.replace(
            problem,
            import_demand_elasticity=eta[i],
            substitution_elasticity=sigma[i],
            supply_elasticity=eps[i],
        )
        for i in range(uncertainty.draws)
    ]


def _elasticity_draws(
    problem: market.Problem, ranges: ElasticityRanges, uncertainty: Uncertainty
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """η and σ (D, V) and ε (D, R) of every draw, from one seeded generator."""
    rng = np.random.default_rng(uncertainty.seed)
    n = uncertainty.draws
    eta_range = ranges.import_demand_elasticity
    sigma_range = ranges.substitution_elasticity
    eps_range = ranges.supply_elasticity
    eta_draws = _draw(rng, eta_range, n, negative=True)
    sigma_draws = _draw(rng, sigma_range, n, negative=False)
    eps_draws = _draw(rng, eps_range, n, negative=False)
    eta0, sigma0 = problem.import_demand_elasticity, problem.substitution_elasticity
    eps0 = problem.supply_elasticity
    at_eta = np.isclose(eta0, eta_range.value)
    at_sigma = np.isclose(sigma0, sigma_range.value)
    at_eps = np.isfinite(eps0) & np.isclose(eps0, eps_range.value)
    return (
        np.where(at_eta[None, :], eta_draws[:, None], eta0[None, :]),
        np.where(at_sigma[None, :], sigma_draws[:, None], sigma0[None, :]),
        np.where(at_eps[None, :], eps_draws[:, None], eps0[None, :]),
    )


def batch_headline(
    problem: market.Problem,
    base: Prepared,
    state: BatchState,
    eta: np.ndarray,
    eps: np.ndarray,
    money: float,
    members: set[str],
) -> dict[str, np.ndarray]:
    """The headline figures of every draw at once, by the formulas of one solve
    (``plurilateral.headline_figures``; no domestic origins, no subsidy)."""
    q0, q1 = base.q0, state.quantity
    b0, p0 = prices_at(base, problem.before, np.zeros(problem.n_origins))[:2]
    b1, p1 = state.border, state.consumer
    foreign = ~base.no_border
    mm = problem.member_market[None, :]
    mo = problem.member_origin[:, None]
    from_non = foreign & mm & ~mo

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        summed: np.ndarray = np.where(mask, values, 0.0).sum(axis=(1, 2))
        return summed

    world_base = float(np.where(foreign, q0 * b0, 0.0).sum())
    non_member_base = float(np.where(foreign & ~mo, q0 * b0, 0.0).sum())
    log_p = state.log_composite
    one_plus = 1.0 + eta
    unit = np.abs(one_plus) < 1e-12
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        cs = np.where(
            unit,
            -base.e0 * log_p,
            -base.e0 * np.expm1(one_plus * log_p) / np.where(unit, 1.0, one_plus),
        )
        finite = np.isfinite(eps)
        e = np.where(finite, eps, 0.0)
        ps = np.where(
            finite,
            base.revenue0 * (state.price_ratio ** (1.0 + e) - 1.0) / (1.0 + e),
            0.0,
        )
    pi1 = base.pi0 * state.price_ratio[:, :, None]
    revenue = np.where(foreign, (p1 - b1) * q1, 0.0).sum(axis=1) - np.where(
        foreign, (p0 - b0) * q0, 0.0
    ).sum(axis=0)
    rent = np.where(foreign, (b1 - pi1) * q1, 0.0).sum(axis=2) - np.where(
        foreign, (b0 - base.pi0) * q0, 0.0
    ).sum(axis=1)
    market_in = np.array([c in members for c in problem.market_codes])
    origin_in = np.array([c in members for c in problem.origin_codes])
    spending = (p0 * q0).sum(axis=0)
    member_spending = float(spending[problem.member_market].sum())
    return {
        "imports_from_non_members_change": total(from_non, q1 - q0),
        "imports_from_non_members_value_after": total(from_non, q1 * b1) * money,
        "trade_diverted_to_members": total(foreign & mm & mo, q1 - q0),
        "trade_diverted_to_rest_of_world": total(foreign & ~mm & ~mo, q1 - q0),
        "world_price_change": (
            total(foreign, q0 * b1) / world_base - 1.0
            if world_base > 0
            else np.full(len(eta), math.nan)
        ),
        "non_member_price_change": (
            total(foreign & ~mo, q0 * b1) / non_member_base - 1.0
            if non_member_base > 0
            else np.full(len(eta), math.nan)
        ),
        "importer_revenue_total": total(foreign, (p1 - b1) * q1) * money,
        "net_welfare_members": (
            np.where(market_in, cs + revenue, 0.0).sum(axis=1)
            + np.where(origin_in, ps + rent, 0.0).sum(axis=1)
        )
        * money,
        "member_price_index_change": (
            (spending * np.expm1(log_p))[:, problem.member_market].sum(axis=1)
            / member_spending
            if member_spending > 0
            else np.full(len(eta), math.nan)
        ),
    }


def summary_bands(
    problem: market.Problem,
    *,
    method: market.Method,
    ranges: ElasticityRanges,
    uncertainty: Uncertainty,
    headline: Headline,
    money: float = 1.0,
    members: set[str] | None = None,
) -> tuple[pd.DataFrame, int]:
    """(P5, P50 and P95 of each headline figure over the draws, draws left out).

    With the exact method on a problem without own producers (``batch.batchable``),
    the draws are cleared together as one batch and their figures computed on arrays;
    a draw the batch does not clear, and every draw otherwise, is solved on its own.
    """
    figures: list[Mapping[str, float]] = []
    failed = 0
    todo = draw_problems(problem, ranges, uncertainty)
    if method == "exact" and members is not None and batchable(problem):
        eta, sigma, eps = _elasticity_draws(problem, ranges, uncertainty)
        base = prepare(problem)
        state, converged = clear_draws(base, problem, eta, sigma, eps)
        batch = batch_headline(problem, base, state, eta, eps, money, members)
        keys = list(batch)
        for i in np.flatnonzero(converged):
            figures.append({k: float(batch[k][i]) for k in keys})
        todo = [p for p, ok in zip(todo, converged, strict=True) if not ok]
    for drawn in todo:
        try:
            solution = market.solve(drawn, method)
        except market.EquilibriumError:
            failed += 1
            continue
        figures.append(headline(drawn, solution))
    if not figures:
        return pd.DataFrame(columns=BAND_COLUMNS), failed
    table = pd.DataFrame(figures)
    quantiles = table.quantile([0.05, 0.5, 0.95]).T
    quantiles.columns = pd.Index(["p5", "p50", "p95"])
    bands = quantiles.rename_axis("figure").reset_index()
    return bands[BAND_COLUMNS], failed
