"""Measure the coordinated floor on the calibrated baseline (INSTRUMENTS.md §10); prints
the figures in one run.

    .venv/bin/python bench/bench_baseline.py

On a throwaway SQLite database seeded from seeds/ (about 20 s): for NdPr oxide, lithium
carbonate and cobalt in 2024 with the EU-27, the US and Japan as members and a floor
20 % above the stored price, the median time of

1. the whole request through ``run_calculation`` without uncertainty (the result cache
   off): stored baseline read and built, solve, tables;
2. the pure solve alone on the inputs it resolved;
3. the same request with 100 uncertainty draws (each solved exactly).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RUNS = 5


def median_time(func: Callable[[], Any], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    folder = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["CALCULATION_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)

    from instruments.calculators import get_calculator
    from instruments.calculators.base import parse
    from instruments.services.calculation import run_calculation

    plurilateral = get_calculator("plurilateral")
    print(f"{'commodity':<20}{'request':>10}{'solve':>10}{'100 draws':>12}")
    for commodity in ("ndpr-oxide", "lithium-carbonate", "cobalt"):
        data = {
            "commodity": commodity,
            "year": 2024,
            "members": ["eu-27", "USA", "JPN"],
            "floor_above_price": 0.2,
        }
        plain = {**data, "uncertainty": None}
        request = median_time(
            lambda d=plain: run_calculation(slug="plurilateral", data=d)
        )
        used = run_calculation(slug="plurilateral", data=plain).inputs
        inputs = parse(plurilateral.inputs, {**used, "uncertainty": None})
        solve = median_time(lambda i=inputs: plurilateral.compute(i))
        drawn = median_time(
            lambda d=data: run_calculation(slug="plurilateral", data=d), runs=1
        )
        print(
            f"{commodity:<20}{request * 1e3:>8.1f}ms{solve * 1e3:>8.1f}ms"
            f"{drawn:>11.2f}s"
        )


if __name__ == "__main__":
    main()
