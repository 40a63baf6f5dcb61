"""Two app servers, one truth: two gunicorn instances and one real Celery worker on
the same database and Redis. A job submitted through one server runs on the worker
and is read, with a saved scenario, through the other (``tests/stack_fixtures.py``).
"""

from __future__ import annotations

import copy
import csv
import io

import pytest

from instruments.calculators import REGISTRY
from tests.stack_fixtures import TOKEN, call, needs_redis, two_servers, wait_for

__all__ = ["two_servers"]  # the fixture, used by name

pytestmark = needs_redis


def test_a_job_submitted_on_one_server_runs_on_the_worker_and_reads_on_the_other(
    two_servers,
):
    a, b = two_servers
    token = TOKEN
    base = copy.deepcopy(dict(REGISTRY["price-floor"].example))
    grid = {"reference_price": [100, 110, 120], "levy_cap_ad_valorem": [0.1, 0.2]}
    status, job = call(
        "POST",
        f"{a}/api/v1/jobs/",
        {"calculator": "price-floor", "base": base, "grid": grid},
        token=token,
    )
    assert status == 202, job
    assert job["state"] in ("queued", "running")  # a worker runs it, not the request
    url_on_b = job["url"].replace(a, b)
    done = wait_for(url_on_b, token=token)
    assert done["state"] == "succeeded", done
    assert done["progress"] == 100
    status, body = call(
        "GET",
        f"{b}/api/v1/jobs/{job['id']}/result/?format=csv",
        token=token,
        accept="text/csv",
    )
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 6
    assert all(r["error"] == "" for r in rows)
    # Another caller (here: anonymous) does not see the analyst's job on either server.
    assert call("GET", url_on_b)[0] == 404

    # A saved scenario: written through A, re-run through B.
    status, scenario = call(
        "POST",
        f"{a}/api/v1/scenarios/",
        {"calculator": "price-floor", "title": "Shared", "inputs": base},
        token=token,
    )
    assert status == 201, scenario
    status, result = call(
        "GET", f"{b}/api/v1/scenarios/{scenario['id']}/result/", token=token
    )
    assert status == 200, result
    expected = REGISTRY["price-floor"].run(base).summary
    assert result["summary"]["revenue_total"] == pytest.approx(
        expected["revenue_total"]
    )
