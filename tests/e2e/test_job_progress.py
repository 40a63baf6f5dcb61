"""The scale issue's last sentence, in Chromium against the production stack (two
gunicorn servers, a real Celery worker, Redis): a grid of 200 price-floor
calculations submitted from the batch page runs on the worker while the job page's
progress bar moves, and ends in one CSV of 200 rows."""

from __future__ import annotations

import copy
import csv
import io
import json
import time
import urllib.request
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import Page, Route, expect

from instruments.calculators import REGISTRY
from tests.stack_fixtures import needs_redis, two_servers

__all__ = ["two_servers"]  # the fixture, used by name

pytestmark = [pytest.mark.e2e, needs_redis]

ORIGINS = ("CHN", "MYS", "VNM", "THA", "EST", "IND", "KOR", "BRA", "LAO", "MMR")


def monthly_base(months: int = 36) -> dict[str, Any]:
    """The example's floor on three years of monthly imports from ten origins whose
    supply is not unlimited (the market model then clears each month: about 30 ms a
    calculation, so the job lasts long enough to watch the bar move)."""
    base = copy.deepcopy(dict(REGISTRY["price-floor"].example))
    base["trade_response"] = {
        **base["trade_response"],
        "export_supply_elasticity": 2.0,
    }
    base["periods"] = [f"{2016 + i // 12}-{i % 12 + 1:02d}" for i in range(months)]
    base["flows"] = [
        {
            "origin": origin,
            "member": False,
            "import_price": [80 + (i * 7 + k) % 50 for i in range(months)],
            "quantity": 100 + k,
        }
        for k, origin in enumerate(ORIGINS)
    ]
    return base


def serve_static(route: Route) -> None:
    """The stack runs with DEBUG off and no collected files: static from the tree."""
    name = route.request.url.split("/static/", 1)[1].split("?", 1)[0]
    found = finders.find(name)
    if not found:
        route.fulfill(status=404)
        return
    path = found if isinstance(found, str) else found[0]
    kind = "text/javascript" if name.endswith(".js") else "text/css"
    with open(path, "rb") as handle:
        route.fulfill(status=200, body=handle.read(), content_type=kind)


def test_a_grid_of_200_floors_runs_on_the_worker_with_a_moving_progress_bar(
    page: Page, two_servers: list[str]
) -> None:
    server = two_servers[0]
    page.route("**/static/**", serve_static)
    page.goto(f"{server}/calculators/price-floor/batch/")
    page.fill("#id_base", json.dumps(monthly_base()))
    prices = ", ".join(str(90 + i) for i in range(20))
    caps = ", ".join(f"{0.05 * k:.2f}" for k in range(1, 11))
    page.fill("#id_grid", f"reference_price = {prices}\nlevy_cap_ad_valorem = {caps}")
    page.get_by_role("button", name="Run the batch").click()
    page.wait_for_url("**/jobs/*/")
    assert "200 calculations" in page.content()

    seen: list[float] = []
    done = page.locator("[data-job-done]")
    deadline = time.monotonic() + 120
    while not done.is_visible() and time.monotonic() < deadline:
        seen.append(page.eval_on_selector("#job-progress", "bar => bar.value"))
        page.wait_for_timeout(100)
    expect(done).to_be_visible()
    assert page.eval_on_selector("#job-progress", "bar => bar.value") == 100
    moving = sorted({v for v in seen if 0 < v < 100})
    assert len(moving) >= 2, f"the bar showed only {sorted(set(seen))}"
    assert seen == sorted(seen)  # never backwards
    expect(page.locator("[data-job-label]")).to_have_text("succeeded · 100 %")

    href = page.get_by_role("link", name="CSV").get_attribute("href")
    assert href is not None
    with urllib.request.urlopen(f"{server}{href}", timeout=60) as response:
        body = response.read().decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 200
    assert all(r["error"] == "" for r in rows)
    assert {float(r["reference_price"]) for r in rows} == {90.0 + i for i in range(20)}
