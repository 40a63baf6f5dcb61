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
    return [
        dataclasses.replace(
            problem,
            import_demand_elasticity=np.where(at_eta, eta_draws[i], eta0),
            substitution_elasticity=np.where(at_sigma, sigma_draws[i], sigma0),
            supply_elasticity=np.where(at_eps, eps_draws[i], eps0),
        )
        for i in range(n)
    ]


def summary_bands(
    problem: market.Problem,
    *,
    method: market.Method,
    ranges: ElasticityRanges,
    uncertainty: Uncertainty,
    headline: Headline,
) -> tuple[pd.DataFrame, int]:
    """(P5, P50 and P95 of each headline figure over the draws, draws left out)."""
    figures: list[Mapping[str, float]] = []
    failed = 0
    for drawn in draw_problems(problem, ranges, uncertainty):
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
