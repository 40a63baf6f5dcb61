"""Measure the stockpile calculator (INSTRUMENTS.md §11, issue #25: a horizon's months
solved together where they are independent); prints the figures in one run.

    .venv/bin/python bench/bench_stockpile.py [--runs 5] [--stored] [--max]

The median time of the calculator's own example (parse and compute: 12 months, a
6-month cut of half of China's sales to the members, three stockpiles, coordinated,
five stock sizes), the same over 36 and 60 months (the limit), and with ``--stored`` the same
request on the stored NdPr oxide baseline of 2024 (EU-27, USA, JPN) through
``run_calculation`` on a throwaway SQLite database seeded from seeds/ (about 30 s
more), the result cache off. Each figure also per month of the horizon. With
``--max`` the largest request the limits allow (``max_request``: 30 markets, 29 of
them members with stocks, 50 origins, 600 routes, 60 months after a 60-month build-up,
12 stock sizes and 100,000 disruptions drawn with a range of cuts: 89 paths, a job),
timed once. Where the calculator is not in this checkout's registry, says so and
stops.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SLUG = "stockpile"


def median_seconds(call: Callable[[], Any], runs: int) -> float:
    call()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(label: str, seconds: float, months: int) -> None:
    print(f"{label:52} {seconds * 1e3:9.1f} ms {seconds * 1e3 / months:8.2f} ms/month")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stored", action="store_true")
    parser.add_argument("--max", action="store_true")
    args = parser.parse_args()
    from instruments.calculators import REGISTRY
    from instruments.calculators.base import parse

    calculator = REGISTRY.get(SLUG)
    if calculator is None:
        print(f"no '{SLUG}' calculator in this checkout's registry: nothing measured")
        return
    example = copy.deepcopy(dict(calculator.example))
    for months in (int(example.get("months") or 12), 36, 60):
        data = {**example, "months": months}

        def run(data: dict[str, Any] = data) -> Any:
            return calculator.compute(parse(calculator.inputs, data))

        report(
            f"example, {months} months (parse + compute)",
            median_seconds(run, args.runs),
            months,
        )
    if args.max:
        maximum()
    if args.stored:
        stored(example, args.runs)


def max_request() -> dict[str, Any]:
    """The largest stockpile request the limits allow (``calculators/limits.py``):
    every list at its longest, the horizon and build-up at 60 months, 12 sizes and
    scenarios with a range of cuts (the most paths: ``paths_asked``)."""
    from instruments.calculators.limits import (
        MAX_MARKETS,
        MAX_ORIGINS,
        MAX_ROUTES,
        MAX_STOCKPILE_DRAWS,
        MAX_STOCKPILE_MONTHS,
        MAX_STOCKPILE_SIZES,
    )

    markets = [f"M{v:02d}" for v in range(1, MAX_MARKETS)] + ["ROW"]
    origins = ["CHN"] + [f"O{r:02d}" for r in range(1, MAX_ORIGINS)]
    routes = [("CHN", market) for market in markets]  # the restricting origin: all
    others = origins[1:]
    spare = MAX_ROUTES - len(routes)
    for i, origin in enumerate(others):
        count = spare // len(others) + (1 if i < spare % len(others) else 0)
        routes += [(origin, markets[(i + j) % len(markets)]) for j in range(count)]
    assert len(routes) == MAX_ROUTES
    return {
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "markets": [
            {
                "code": code,
                "import_demand_elasticity": -0.6,
                "substitution_elasticity": 2,
                "member": code != "ROW",
            }
            for code in markets
        ],
        "origins": [
            {"code": code, "price": 60, "supply_elasticity": 0.5 + (r % 5) / 5}
            for r, code in enumerate(origins)
        ],
        "flows": [
            {"origin": o, "market": m, "quantity": 3000 if o == "CHN" else 150}
            for o, m in routes
        ],
        "months": MAX_STOCKPILE_MONTHS,
        "disruption": {
            "origin": "CHN",
            "cut": 0.5,
            "markets": ["members"],
            "start": 1,
            "months": 12,
        },
        "stockpiles": [
            {"market": code, "days": 60, "holding_cost": 1.0, "capital_rate": 0.04}
            for code in markets
            if code != "ROW"
        ],
        "build_up": {"months": MAX_STOCKPILE_MONTHS},
        "coordinated": True,
        "scenarios": {
            "draws": MAX_STOCKPILE_DRAWS,
            "annual_probability": 0.1,
            "months": [3, 12, MAX_STOCKPILE_MONTHS],
            "cut": [0.3, 0.7],
            "years": 10,
        },
        "sizes": [15.0 * i for i in range(MAX_STOCKPILE_SIZES)],
    }


def maximum() -> None:
    from instruments.calculators import REGISTRY
    from instruments.calculators.base import parse
    from instruments.calculators.stockpile import paths_asked

    calculator = REGISTRY[SLUG]
    data = max_request()
    start = time.perf_counter()
    cpu = time.process_time()
    result = calculator.compute(parse(calculator.inputs, data))
    seconds = time.perf_counter() - start
    print(
        f"largest request (30 markets, 50 origins, 600 routes, 60 + 60 months, "
        f"12 sizes, {data['scenarios']['draws']:,} draws): {paths_asked(data)} paths, "
        f"{seconds:.1f} s wall, {time.process_time() - cpu:.1f} s CPU; "
        f"best size {result.summary.get('best_size')} days"
    )


def stored(example: dict[str, Any], runs: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ["CALCULATION_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from instruments.calculators.base import InputError
    from instruments.services.calculation import run_calculation

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    typed = ("markets", "origins", "flows")
    data = {
        **{k: v for k, v in example.items() if k not in typed},
        "commodity": "ndpr-oxide",
        "year": 2024,
        "members": ["eu-27", "USA", "JPN"],
        "stockpiles": [
            {**s, "market": code}
            for s, code in zip(
                example["stockpiles"], ("EU-27", "USA", "JPN"), strict=False
            )
        ],
    }
    try:
        seconds = median_seconds(
            lambda: run_calculation(slug=SLUG, data=data), max(1, runs // 2)
        )
    except InputError as exc:
        print(f"stored baseline: not measured ({exc})")
        return
    report("stored NdPr oxide 2024 baseline (run_calculation)", seconds, data["months"])


if __name__ == "__main__":
    main()
