"""The XLSX of a 600-period × 50-flow price floor, end to end through the API
(goal: under 2 s): the request as JSON (monthly periods, 50 stored origins,
the exact trade response), ``POST /api/v1/calculators/price-floor/?format=xlsx``,
answered by the whole stack of middleware, DRF, the calculation, the result cache's
write and the streaming XLSX writer. Each run changes the reference price, so every
one computes; the workbook is read back (not timed) to check it has 30,000 rows.

    .venv/bin/python bench/bench_xlsx.py [--runs 5] [--no-seed]
    .venv/bin/python bench/bench_xlsx.py --url http://127.0.0.1:8000   # a running stack

In process (the default) it uses the production settings (DEBUG off, PostgreSQL,
Redis; ``DATABASE_URL`` and ``REDIS_URL`` as ``bench/profile_requests.py``); with
``--url`` it sends the same request over HTTP to a server such as ``make serve-prod``.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from profile_requests import production_application, wsgi_call  # noqa: E402

PERIODS, FLOWS = 600, 50
PATH = "/api/v1/calculators/price-floor/?format=xlsx"
# 50 economies the seeds store (origins must be stored ISO 3166 alpha-3 codes)
ORIGINS = [
    "CHN",
    "AUS",
    "CAN",
    "USA",
    "BRA",
    "ZAF",
    "IDN",
    "PHL",
    "RUS",
    "COD",
    "CHL",
    "PER",
    "ARG",
    "BOL",
    "MEX",
    "IND",
    "VNM",
    "MYS",
    "THA",
    "KOR",
    "JPN",
    "DEU",
    "FRA",
    "NOR",
    "SWE",
    "FIN",
    "POL",
    "TUR",
    "KAZ",
    "MNG",
    "MMR",
    "LAO",
    "GIN",
    "GAB",
    "GHA",
    "MOZ",
    "MDG",
    "TZA",
    "ZMB",
    "ZWE",
    "NAM",
    "BWA",
    "MAR",
    "EGY",
    "SAU",
    "ARE",
    "OMN",
    "IRN",
    "PAK",
    "NZL",
]


def floor_request(reference_price: float) -> dict[str, Any]:
    """600 months × 50 flows (every other one a member), the exact trade response."""
    rng = np.random.default_rng(14)
    periods = [f"{1990 + i // 12}-{i % 12 + 1:02d}" for i in range(PERIODS)]
    return {
        "periods": periods,
        "reference_price": reference_price,
        "price_unit": "USD/t",
        "quantity_unit": "t",
        "levy_cap_ad_valorem": 0.25,
        "flows": [
            {
                "origin": origin,
                "member": k % 2 == 1,
                "import_price": np.round(rng.uniform(80, 130, PERIODS), 2).tolist(),
                "quantity": np.round(rng.uniform(10, 100, PERIODS), 1).tolist(),
            }
            for k, origin in enumerate(ORIGINS[:FLOWS])
        ],
        "trade_response": {
            "method": "exact",
            "import_demand_elasticity": -1.5,
            "substitution_elasticity": 3.0,
        },
    }


def check_workbook(body: bytes) -> int:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    rows = sum(1 for _ in book["Rows"].iter_rows(values_only=True)) - 1
    assert rows == PERIODS * FLOWS, rows
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", help="a running server instead of in process")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()

    if args.url:

        def post(body: bytes) -> tuple[int, bytes]:
            request = urllib.request.Request(
                args.url.rstrip("/") + PATH,
                data=body,
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read()

    else:
        application = production_application(seed=not args.no_seed)

        def post(body: bytes) -> tuple[int, bytes]:
            return wsgi_call(application, "POST", PATH, body)

    seconds = []
    for run in range(args.runs + 1):  # the first warms imports and connections
        body = json.dumps(floor_request(100.0 + run + time.time() % 1)).encode()
        start = time.perf_counter()
        status, content = post(body)
        elapsed = time.perf_counter() - start
        assert status == 200, (status, content[:500])
        if run:
            seconds.append(elapsed)
    rows = check_workbook(content)
    where = args.url or "in process (DEBUG off, PostgreSQL, Redis)"
    print(
        f"price-floor XLSX, {PERIODS} periods × {FLOWS} flows ({rows:,} rows, "
        f"{len(content) / 1e6:.1f} MB; request {len(body) / 1e6:.2f} MB), {where}:"
    )
    print(
        f"  median {statistics.median(seconds):.2f} s, best {min(seconds):.2f} s, "
        f"worst {max(seconds):.2f} s over {len(seconds)} runs (goal: under 2 s)"
    )


if __name__ == "__main__":
    main()
