"""The largest request each calculator accepts: its time and peak memory.

    .venv/bin/python bench/bench_limits.py

Each calculator's example is scaled to its declared limits
(``instruments/calculators/limits.py``): periods to ``MAX_PERIODS`` months, every
per-period series to one value per period, repeatable groups (flows, suppliers,
markets…) to their ``max_items``, and simulations to ``MAX_PATH_STEPS``. The request
is then checked as the API checks it (``guards.check_body`` and
``services.run_calculation``: stored inputs, parse, compute) and timed with
``time.perf_counter``, peak memory with ``tracemalloc``. Best of 3 runs (the machine is
shared), with the result cache off so that every run computes; the JSON size of the
request is printed so it can be compared with ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import django

django.setup()

from instruments.api import guards  # noqa: E402
from instruments.calculators import REGISTRY, limits  # noqa: E402
from instruments.calculators.base import FieldSpec, InputError, describe  # noqa: E402
from instruments.services.calculation import run_calculation  # noqa: E402

MONTHS = [f"{2026 + m // 12}-{m % 12 + 1:02d}" for m in range(limits.MAX_PERIODS)]


def _stretch(value: Any, n: int) -> Any:
    if isinstance(value, list) and value and not isinstance(value[0], dict):
        return [value[i % len(value)] for i in range(n)]
    return value


def _scale_items(items: list[Any], fs: FieldSpec, periods: int | None) -> list[Any]:
    limit = fs.max_items or len(items)
    out = []
    for i in range(limit):
        item = copy.deepcopy(items[i % len(items)])
        for key in ("code", "origin", "name"):
            if key in item and isinstance(item[key], str) and i >= len(items):
                item[key] = f"{item[key]}{i}"[:40]
        if periods:
            for child in fs.children:
                if child.kind == "series" and isinstance(item.get(child.name), list):
                    item[child.name] = _stretch(item[child.name], periods)
        out.append(item)
    return out


def largest_request(slug: str) -> dict[str, Any]:
    calculator = REGISTRY[slug]
    body = json.loads(json.dumps(dict(calculator.example)))
    fields = {fs.name: fs for fs in describe(calculator.inputs)}
    periods = None
    if "periods" in fields and isinstance(body.get("periods"), list):
        periods = limits.MAX_PERIODS
        body["periods"] = MONTHS
    for name, fs in fields.items():
        value = body.get(name)
        if fs.kind == "series" and periods and isinstance(value, list):
            body[name] = _stretch(value, periods)
        elif fs.kind == "numbers" and fs.max_items and isinstance(value, list):
            body[name] = _stretch(value, fs.max_items)
        elif fs.kind == "groups" and isinstance(value, list) and value:
            body[name] = _scale_items(value, fs, periods)
    simulation = body.get("simulation")
    if isinstance(simulation, dict):
        steps = periods or limits.MAX_STEPS
        simulation["paths"] = min(limits.MAX_PATHS, limits.MAX_PATH_STEPS // steps)
    return body


def shrink(slug: str, body: dict[str, Any]) -> dict[str, Any]:
    """Drop what the calculator's cross-field checks refuse (e.g. flows that must
    match markets), until the request is accepted; say what was cut."""
    for _ in range(12):
        try:
            guards.check_body(REGISTRY[slug], body)
            run_calculation(slug=slug, data=body)
            return body
        except InputError as exc:
            problem = next(iter(exc.errors))
            value = body.get(problem)
            if isinstance(value, list) and len(value) > 1:
                body[problem] = value[: max(1, len(value) // 2)]
            else:
                # fall back to the example for this field
                body[problem] = copy.deepcopy(REGISTRY[slug].example.get(problem))
                if body[problem] is None:
                    body.pop(problem, None)
    raise SystemExit(f"{slug}: could not build an accepted large request")


def measure(slug: str, body: dict[str, Any]) -> tuple[float, float]:
    times = []
    peak = 0
    for _ in range(3):
        tracemalloc.start()
        start = time.perf_counter()
        run_calculation(slug=slug, data=body)
        times.append(time.perf_counter() - start)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return min(times), peak / 1e6


def describe_size(body: dict[str, Any]) -> str:
    parts = []
    for key, value in body.items():
        if isinstance(value, list) and len(value) > 5:
            parts.append(f"{key}={len(value)}")
    simulation = body.get("simulation")
    if isinstance(simulation, dict):
        parts.append(f"paths={simulation.get('paths')}")
    return ", ".join(parts) or "as the example"


def main() -> None:
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    # Every run computed, none answered from the result cache.
    override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    ).enable()
    # An empty in-memory database is enough: the requests carry their own prices.
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    print(f"{'calculator':<18} {'request':<46} {'JSON':>8} {'time':>8} {'peak':>9}")
    for slug in REGISTRY:
        body = shrink(slug, largest_request(slug))
        seconds, megabytes = measure(slug, body)
        size = len(json.dumps(body)) / 1e3
        print(
            f"{slug:<18} {describe_size(body):<46} {size:>6.0f}kB "
            f"{seconds:>7.2f}s {megabytes:>7.1f}MB"
        )


if __name__ == "__main__":
    main()
