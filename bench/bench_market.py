"""Measure the market engine; prints the figures in one run.

    .venv/bin/python bench/bench_market.py

1. An exact solve of 10 markets × 30 origins, every supply elasticity finite, a floor
   on non-members into members plus ad valorem duties (before and after). Goal: a few
   milliseconds. Split into the equilibrium alone and the full ``solve`` (welfare,
   rows and country tables included).
2. GSIM's 4 × 4 example (Francois & Hall): the US–EU FTA, linear and exact.

Times are the median of N runs (the machine is shared).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from instruments.calculators import market as mk
from instruments.calculators.market.exact import prepare, solve_exact
from instruments.calculators.market.gsim import EXAMPLE_PUBLISHED
from instruments.calculators.market.gsim import example_problem as gsim_problem

RUNS = 50


def median_time(func: Callable[[], Any], runs: int = RUNS) -> float:
    """Median wall time of ``runs`` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def large_problem(n_markets: int = 10, n_origins: int = 30) -> mk.Problem:
    rng = np.random.default_rng(11)
    quantity = rng.uniform(10.0, 1000.0, (n_origins, n_markets))
    quantity[rng.random((n_origins, n_markets)) < 0.2] = 0.0
    quantity[:, -1] += 50.0  # every origin sells to the rest of the world
    price = rng.uniform(40.0, 70.0, n_origins)
    member_market = np.arange(n_markets) < n_markets // 2
    member_origin = rng.random(n_origins) < 0.3
    floor = np.where(~member_origin[:, None] & member_market[None, :], 65.0, 0.0)
    tariff_before = rng.uniform(0.0, 0.1, (n_origins, n_markets))
    tariff_after = tariff_before + np.where(member_market[None, :], 0.05, 0.0)
    return mk.Problem(
        market_codes=tuple(f"M{i}" for i in range(n_markets)),
        import_demand_elasticity=rng.uniform(-2.0, -0.5, n_markets),
        substitution_elasticity=rng.uniform(1.5, 6.0, n_markets),
        member_market=member_market,
        origin_codes=tuple(f"O{i}" for i in range(n_origins)),
        price=price,
        supply_elasticity=rng.uniform(0.2, 3.0, n_origins),
        member_origin=member_origin,
        domestic_market=np.full(n_origins, -1, dtype=np.int64),
        quantity=quantity,
        before=mk.Regime.of(n_origins, n_markets, ad_valorem=tariff_before),
        after=mk.Regime.of(n_origins, n_markets, ad_valorem=tariff_after, floor=floor),
    )


def main() -> None:
    problem = large_problem()
    base = prepare(problem)
    unknown = np.isfinite(base.eps) & (base.x0 > 0)
    solution = mk.solve(problem)

    def equilibrium() -> None:
        with np.errstate(all="ignore"):
            solve_exact(base, problem.after, unknown, 1e-9, 100)

    eq_time = median_time(equilibrium)
    full_time = median_time(lambda: mk.solve(problem))
    print(f"1. Exact solve, 10 markets × 30 origins (median of {RUNS})")
    print(f"   equilibrium only (Newton):      {eq_time * 1000:8.2f} ms")
    print(f"   full solve (welfare, tables):   {full_time * 1000:8.2f} ms")
    print(f"   Newton iterations:              {solution.iterations:8d}")
    print(f"   largest clearing gap:           {solution.residual:8.1e}")
    print(
        f"   world price change:             {solution.summary['world_price_change']:8.2%}"
    )

    fta = gsim_problem()
    linear = mk.solve(fta, method="gsim")
    exact = mk.solve(fta)
    gsim_time = median_time(lambda: mk.solve(fta, method="gsim"))
    exact_time = median_time(lambda: mk.solve(fta))
    print("2. GSIM 4 × 4, US–EU FTA: export price changes")
    print("   exporter    gsim     exact    published")
    for code, g, e, p in zip(
        fta.origin_codes,
        linear.price_change,
        exact.price_change,
        EXAMPLE_PUBLISHED * 100,
        strict=True,
    ):
        print(f"   {code:8s} {g * 100:+7.2f} % {e * 100:+7.2f} % {p:+7.2f} %")
    print(
        "   world net welfare: "
        f"gsim {linear.summary['net_welfare_change']:+.2f}, "
        f"exact {exact.summary['net_welfare_change']:+.2f}"
    )
    print(f"   time: gsim {gsim_time * 1000:.2f} ms, exact {exact_time * 1000:.2f} ms")


if __name__ == "__main__":
    main()
