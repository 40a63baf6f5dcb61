"""Latency of a typical calculator call against a trivial endpoint, in the same run.

Runs in process through Django's test client (no network, no server), on a throwaway
SQLite database, so the figures are the API's own cost: routing, authentication,
throttling, parsing, the calculation and rendering.

    .venv/bin/python bench/bench_api.py [repeats]
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
_db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{_db}"
os.environ["API_THROTTLE_ANON"] = "1000000/hour"  # measure the API, not the throttle
os.environ["CALCULATION_CACHE_SECONDS"] = "0"  # every call computes: no cached answer

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from instruments.api.querystring import encode_query  # noqa: E402
from instruments.calculators import REGISTRY  # noqa: E402


def measure(call, repeats: int) -> list[float]:
    call()  # warm up (imports, caches)
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
    return timings


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    call_command("migrate", verbosity=0)
    client = Client()
    example = copy.deepcopy(dict(REGISTRY["price-floor"].example))
    query = encode_query(REGISTRY["price-floor"], example)
    cases = {
        "trivial: GET /api/v1/partners/ (empty list)": lambda: client.get(
            "/api/v1/partners/"
        ),
        "POST /api/v1/calculators/price-floor/ (JSON)": lambda: client.post(
            "/api/v1/calculators/price-floor/", example, content_type="application/json"
        ),
        "GET  /api/v1/calculators/price-floor/?...&format=csv": lambda: client.get(
            f"/api/v1/calculators/price-floor/?{query}&format=csv"
        ),
        "GET  /api/v1/calculators/price-floor/?...&format=xlsx": lambda: client.get(
            f"/api/v1/calculators/price-floor/?{query}&format=xlsx"
        ),
        "pure call REGISTRY['price-floor'].run(example)": lambda: _Ok(
            REGISTRY["price-floor"].run(example)
        ),
    }
    print(f"{repeats} calls each, in process (Django test client), SQLite")
    print(f"{'case':58} {'median ms':>10} {'p95 ms':>8}")
    for name, call in cases.items():
        timings = sorted(measure(call, repeats))
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(f"{name:58} {statistics.median(timings):10.2f} {p95:8.2f}")
    monte_carlo_ratio(client)


def monte_carlo_ratio(client: Client, repeats: int = 5) -> None:
    """A 10,000-path × 120-month price-gap simulation through the API (POST, JSON
    out) against bare numpy doing the same totals, percentiles, fan and histogram
    (``bench_calculators.bare_numpy``). Goal: ≤ 2.0×."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_calculators import bare_numpy, best_of, subsidy_request

    body = subsidy_request(10_000)

    def api() -> None:
        response = client.post(
            "/api/v1/calculators/price-gap-subsidy/",
            body,
            content_type="application/json",
        )
        assert response.status_code == 200, response.content[:300]

    api()
    ratios = []
    for _ in range(3):
        through_api = best_of(api, repeats)
        bare = best_of(lambda: bare_numpy(10_000, 120), repeats)
        ratios.append(through_api / bare)
        print(
            f"Monte Carlo 10,000 × 120 through the API {through_api * 1000:7.1f} ms, "
            f"bare numpy {bare * 1000:7.1f} ms, ratio {through_api / bare:5.2f}×"
        )
    print(
        f"ratio API / bare numpy: median {statistics.median(ratios):.2f}× (goal ≤ 2.0)"
    )


class _Ok:
    status_code = 200

    def __init__(self, _: object) -> None:
        pass


if __name__ == "__main__":
    main()
