"""The pages officials look at most against the home page, in one process (issue #25:
a commodity page costs at most 3 home pages, a plurilateral request on stored flows
at most 5); prints the figures in one run.

    .venv/bin/python bench/bench_pages.py [RUNS]

On a throwaway SQLite database seeded from seeds/ (about 20 s) and the shared cache
(Redis at REDIS_URL, default redis://127.0.0.1:6379/0, under a key prefix of its own;
the process's memory if REDIS_URL is empty), through Django's test client, the median
of RUNS (default 30) calls, the cache warm, in wall time and in this thread's CPU time
(steadier on a shared machine), each also as a multiple of the home page's, of:

- ``GET /`` (the home page);
- ``GET /commodities/ndpr-oxide/`` as an anonymous visit (from the cache), and with a
  query string (rendered: what the page cost before it was cached);
- ``POST /api/v1/calculators/plurilateral/`` on the stored NdPr oxide flows of 2024
  (EU-27, USA, JPN), the floor changed on every call so that each one is solved (the
  stored baseline comes from the cache); without uncertainty draws, and with the
  default 100;
- the stored baseline alone: read and built, and from the cache.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
_db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{_db}"
os.environ["API_THROTTLE_ANON"] = "1000000/hour"  # measure the pages, not the throttle
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ["CACHE_KEY_PREFIX"] = f"bench-pages-{os.getpid()}"
os.environ["CALCULATION_CACHE_SECONDS"] = "600"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

COMMODITY = "ndpr-oxide"
PLURILATERAL = {
    "commodity": COMMODITY,
    "year": 2024,
    "members": ["eu-27", "USA", "JPN"],
}


def median_ms(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    """The median wall and CPU milliseconds of ``runs`` calls (CPU: this thread's,
    steadier than the wall on a shared machine; SQLite runs in this thread)."""
    call()  # warm: imports, the caches
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        call()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return statistics.median(times), statistics.median(cpu)


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.content[:300]
    return response


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    call_command("migrate", verbosity=0)
    call_command("seed", verbosity=0)
    from instruments.calculators.extras import MarketBaseline
    from instruments.services import data_versions
    from instruments.services.stored_inputs import baseline as stored

    floors = count(1)
    client = Client()

    def plurilateral(extra: dict[str, Any]) -> Any:
        floor = 40.0 + next(floors) * 0.01  # a new floor: solved, never a cached result
        data = {**PLURILATERAL, **extra, "floor": floor}
        return ok(
            client.post(
                "/api/v1/calculators/plurilateral/",
                data,
                content_type="application/json",
            )
        )

    members = stored.member_economies(tuple(PLURILATERAL["members"]))
    baseline_args: dict[str, Any] = {
        "commodity": COMMODITY,
        "year": 2024,
        "members": members,
        "settings": MarketBaseline(),
        "price_unit": "USD/kg",
        "quantity_unit": "t",
    }

    def baseline_built() -> Any:
        data_versions.bump(name="trade_flow")  # a steward's edit: built afresh
        return stored.stored_baseline(**baseline_args)

    home = median_ms(lambda: ok(Client().get("/")), runs)
    rows = [
        ("GET / (home page)", home),
        (
            f"GET /commodities/{COMMODITY}/ (anonymous, from the cache)",
            median_ms(lambda: ok(Client().get(f"/commodities/{COMMODITY}/")), runs),
        ),
        (
            f"GET /commodities/{COMMODITY}/?rendered (computed)",
            median_ms(
                lambda: ok(Client().get(f"/commodities/{COMMODITY}/?rendered")), runs
            ),
        ),
        (
            "GET /groups/ (from the cache)",
            median_ms(lambda: ok(client.get("/groups/")), runs),
        ),
        (
            "POST plurilateral, stored flows, floor varied, no draws",
            median_ms(lambda: plurilateral({"uncertainty": None}), runs),
        ),
        (
            "POST plurilateral, stored flows, floor varied, 100 draws",
            median_ms(lambda: plurilateral({}), max(3, runs // 10)),
        ),
        ("stored baseline, read and built", median_ms(baseline_built, runs)),
        (
            "stored baseline, from the cache (a copy)",
            median_ms(lambda: stored.stored_baseline(**baseline_args), runs),
        ),
    ]
    print(f"median of {runs} runs, in process (Django test client), SQLite, cache warm")
    print(f"{'case':62} {'ms':>8} {'× home':>7} {'cpu ms':>7} {'× home':>7}")
    for name, (ms, cpu) in rows:
        print(
            f"{name:62} {ms:8.1f} {ms / home[0]:7.1f} {cpu:7.1f} {cpu / home[1]:7.1f}"
        )


if __name__ == "__main__":
    main()
