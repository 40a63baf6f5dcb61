"""Measure the calculator engine; prints the figures in one run.

    .venv/bin/python bench/bench_calculators.py

1. A 10,000-path × 120-month one-sided subsidy simulation through the engine
   (``price_gap_subsidy.compute``: parse-free compute with settle, fan, quantiles)
   against bare numpy doing the same arithmetic on one array (``bare_numpy``).
   Goal: within 2×.
2. Peak traced memory (tracemalloc) for 1,000,000 paths × 120 months through the
   engine's chunked path generator and settlement, against what holding every path
   would take. Bounded by the chunk.
3. A deterministic price-floor run of 240 periods × 20 flows. Goal: a few ms.

Times are the best of several runs (the machine is shared).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from instruments.calculators import price_floor, price_gap_subsidy
from instruments.calculators import simulation as sim
from instruments.calculators.base import parse
from instruments.calculators.limits import FAN_PATHS

MONTHS = [f"{2026 + m // 12}-{m % 12 + 1:02d}" for m in range(120)]


def best_of(func: Callable[[], Any], repeat: int = 5) -> float:
    """Best wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def subsidy_request(paths: int) -> dict[str, Any]:
    return {
        "periods": MONTHS,
        "strike": 110.0,
        "quantity": 250.0 / 3,
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "upside_share": 0.3,
        "simulation": {
            "model": "gbm",
            "start_price": 80.0,
            "drift": 0.0,
            "volatility": 0.35,
            "paths": paths,
            "seed": 7,
        },
    }


def bare_numpy(paths: int, steps: int) -> tuple[float, float]:
    """The same arithmetic with nothing but numpy, all paths in one array.

    GBM paths, top-up and upside per period, totals, present values, probability of
    payment, per-period means, the P5/P50/P95 fan of price, net cost and cumulative
    net cost on the first ``limits.FAN_PATHS`` paths, each year's mean and P95, the
    50-bin histogram and the P50/P95/P99 of totals, as the engine computes them.
    """
    rng = np.random.default_rng(7)
    dt, sigma, strike, share = 1 / 12, 0.35, 110.0, 0.3
    money = 250.0 / 3 * 1000.0
    discount = np.ones(steps)
    z = rng.standard_normal((paths, steps))
    z *= sigma * np.sqrt(dt)
    z += -0.5 * sigma**2 * dt
    np.cumsum(z, axis=1, out=z)
    z += np.log(80.0)
    prices = np.exp(z, out=z)
    payment = np.maximum(strike - prices, 0.0) * money
    upside = np.maximum(prices - strike, 0.0) * (share * money)
    net = payment - upside
    totals = net.sum(axis=1)
    net @ discount
    (payment > 0).any(axis=1)
    for array in (prices, payment, upside, net):
        array.sum(axis=0)
    levels = [0.05, 0.5, 0.95]
    head = slice(0, FAN_PATHS)
    for sample in (prices[head], net[head], np.cumsum(net[head], axis=1)):
        np.quantile(np.ascontiguousarray(sample.T), levels, axis=1)
    annual = np.add.reduceat(net, np.arange(0, steps, 12), axis=1)
    annual.mean(axis=0)
    np.quantile(annual, 0.95, axis=0)
    np.histogram(totals, bins=50)
    p95 = float(np.quantile(totals, [0.5, 0.95, 0.99])[1])
    return float(totals.mean()), p95


def main() -> None:
    inputs = parse(price_gap_subsidy.PriceGapSubsidyInputs, subsidy_request(10_000))
    price_gap_subsidy.compute(inputs)  # warm caches (pint, period parsing)
    engine = best_of(lambda: price_gap_subsidy.compute(inputs))
    bare = best_of(lambda: bare_numpy(10_000, 120))
    summary = price_gap_subsidy.compute(inputs).summary
    mean, _ = bare_numpy(10_000, 120)
    print("1. Subsidy simulation, 10,000 paths × 120 months")
    print(f"   engine (compute, incl. fan and quantiles): {engine * 1000:8.1f} ms")
    print(f"   bare numpy, same arithmetic:               {bare * 1000:8.1f} ms")
    print(f"   ratio engine / bare:                       {engine / bare:8.2f} ×")
    print(
        f"   expected cost: engine {summary['expected_cost'] / 1e6:,.2f} m, "
        f"bare {mean / 1e6:,.2f} m (same seed, different chunking)"
    )

    plan = price_gap_subsidy._plan(
        parse(price_gap_subsidy.PriceGapSubsidyInputs, subsidy_request(1))
    )
    model = sim.GBM(drift=0.0, volatility=0.35)
    tracemalloc.start()
    start = time.perf_counter()
    totals = np.empty(1_000_000)
    done = 0
    for prices in sim.iter_price_paths(model, 80.0, plan.step_years, 1_000_000, 7):
        net = price_gap_subsidy.settle(plan, prices)["net_cost"]
        totals[done : done + len(net)] = net.sum(axis=1)
        done += len(net)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print("2. 1,000,000 paths × 120 months, chunked")
    print(f"   peak traced memory: {peak / 2**20:8.1f} MiB")
    print(
        f"   all paths at once would hold {1_000_000 * 120 * 8 / 2**20:,.0f} MiB per array"
    )
    print(f"   time: {elapsed:.2f} s; mean total net cost {totals.mean() / 1e6:,.2f} m")

    tracemalloc.start()
    request = subsidy_request(100_000)
    result = price_gap_subsidy.CALCULATOR.run(request)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        "   a full request at the limit (100,000 paths × 120 months, fan included): "
        f"peak {peak / 2**20:.1f} MiB, p95 {result.summary['p95'] / 1e6:,.2f} m"
    )

    periods = [f"{2006 + m // 12}-{m % 12 + 1:02d}" for m in range(240)]
    rng = np.random.default_rng(1)
    flows = [
        {
            "origin": f"C{i:02d}",
            "member": i % 4 == 0,
            "import_price": list(rng.uniform(60, 140, 240)),
            "quantity": list(rng.uniform(10, 100, 240)),
        }
        for i in range(20)
    ]
    floor_request = {
        "periods": periods,
        "reference_price": 110.0,
        "levy_cap_ad_valorem": 0.25,
        "flows": flows,
    }
    floor_inputs = parse(price_floor.PriceFloorInputs, floor_request)
    price_floor.compute(floor_inputs)
    compute_only = best_of(lambda: price_floor.compute(floor_inputs), 20)
    with_parse = best_of(lambda: price_floor.CALCULATOR.run(floor_request), 10)
    print("3. Price floor, 240 periods × 20 flows (4,800 rows)")
    print(f"   compute:             {compute_only * 1000:8.2f} ms")
    print(f"   parse + validate + compute: {with_parse * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
