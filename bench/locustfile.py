"""Locust users for ``bench/load.py`` (closed loop: no wait between requests).

``LOAD_CASE`` picks what a ``CaseUser`` requests (see ``CASES``); ``HeavyUser``
submits 100,000-path × 120-month simulations, which the API hands to the Celery
worker (202), and polls each job to its end. Calculation requests vary one input
per request, so the result cache never answers them: the figures are computations.
"""

from __future__ import annotations

import copy
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_calculators import subsidy_request

FLOOR_EXAMPLE = json.loads(os.environ.get("LOAD_FLOOR_EXAMPLE", "{}"))
FLOOR_QUERY = os.environ.get("LOAD_FLOOR_QUERY", "")
# The stored NdPr oxide flows of 2024 with the EU-27, the US and Japan as members, no
# uncertainty draws: the floor varies per request, so each one is solved on the
# stored baseline (which the cache keeps).
PLURILATERAL_STORED = {
    "commodity": "ndpr-oxide",
    "year": 2024,
    "members": ["eu-27", "USA", "JPN"],
    "uncertainty": None,
}


def floor_body() -> dict[str, Any]:
    body = copy.deepcopy(FLOOR_EXAMPLE)
    body["reference_price"] = 100 + random.random() * 20
    return body


def gap_body(paths: int) -> dict[str, Any]:
    body = subsidy_request(paths)
    body["simulation"]["seed"] = random.randrange(1_000_000_000)
    return body


def run_case(user: HttpUser, case: str) -> None:
    client = user.client
    if case == "home":
        client.get("/", name="/")
    elif case == "floor_json":
        client.post(
            "/api/v1/calculators/price-floor/",
            json=floor_body(),
            name="price-floor JSON",
        )
    elif case == "floor_xlsx":
        price = 100 + random.random() * 20
        client.get(
            f"/api/v1/calculators/price-floor/?{FLOOR_QUERY}&reference_price={price}"
            "&format=xlsx",
            name="price-floor XLSX",
        )
    elif case == "gap_10k":
        client.post(
            "/api/v1/calculators/price-gap-subsidy/",
            json=gap_body(10_000),
            name="price-gap 10k paths",
        )
    elif case == "partners":
        client.get("/api/v1/partners/?page_size=1", name="partners page_size=1")
    elif case == "form":
        client.get("/calculators/price-floor/", name="form page")
    elif case == "commodity":
        client.get("/commodities/ndpr-oxide/", name="commodity page")
    elif case == "pluri_stored":
        client.post(
            "/api/v1/calculators/plurilateral/",
            json={**PLURILATERAL_STORED, "floor": 40 + random.random() * 20},
            name="plurilateral stored flows",
        )
    elif case == "light_mix":
        run_case(user, random.choice(["home", "partners", "form"]))
    else:
        raise ValueError(case)


class CaseUser(HttpUser):
    wait_time = constant(0)

    @task
    def request(self) -> None:
        run_case(self, os.environ.get("LOAD_CASE", "home"))


class HeavyUser(HttpUser):
    """A 100,000 × 120 simulation (12 M path-steps) through a job, polled to its end."""

    wait_time = constant(0)
    fixed_count = int(os.environ.get("LOAD_HEAVY_USERS", "2"))

    @task
    def simulate(self) -> None:
        with self.client.post(
            "/api/v1/calculators/price-gap-subsidy/",
            json=gap_body(100_000),
            name="heavy: submit 100k-path job",
            catch_response=True,
        ) as response:
            if response.status_code != 202:
                response.failure(f"expected 202, got {response.status_code}")
                return
            url = response.json()["url"]
        start = time.monotonic()
        while True:
            job = self.client.get(url, name="heavy: poll job").json()
            if job["state"] == "succeeded":
                break
            if job["state"] == "failed" or time.monotonic() - start > 300:
                self.environment.events.request.fire(
                    request_type="JOB",
                    name="heavy: job",
                    response_time=(time.monotonic() - start) * 1000,
                    response_length=0,
                    exception=RuntimeError(str(job.get("error"))),
                    context={},
                )
                return
            time.sleep(0.5)
        self.environment.events.request.fire(
            request_type="JOB",
            name="heavy: job done",
            response_time=(time.monotonic() - start) * 1000,
            response_length=0,
            exception=None,
            context={},
        )
