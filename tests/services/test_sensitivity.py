"""Sensitivity: sweeps and the tornado, in the service and through the API."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from instruments.calculators import REGISTRY
from instruments.calculators.sensitivity import (
    get_path,
    numeric_paths,
    set_path,
    sweep_values,
)
from instruments.services.sensitivity import Variation, run_sweep, run_tornado

FLOOR = dict(REGISTRY["price-floor"].example)
URL = "/api/v1/calculators/price-floor/sensitivity/"


def test_paths_reach_nested_numbers_and_set_a_copy() -> None:
    assert "reference_price" in numeric_paths(FLOOR)
    assert "flows.0.quantity" in numeric_paths(FLOOR)
    changed = set_path(FLOOR, "flows.1.quantity", 99)
    assert get_path(changed, "flows.1.quantity") == 99
    assert get_path(FLOOR, "flows.1.quantity") == 50
    assert sweep_values(start=90, stop=130, steps=5) == [90, 100, 110, 120, 130]


@pytest.mark.django_db
def test_a_higher_floor_never_collects_less_on_fixed_volumes() -> None:
    base = {k: v for k, v in FLOOR.items() if k != "trade_response"}
    base["levy_cap_ad_valorem"] = None
    keys, rows = run_sweep(
        slug="price-floor",
        base=base,
        variations=[Variation("reference_price", tuple(range(80, 141, 5)))],
    )
    revenue = [r["revenue_total"] for r in rows]
    assert "revenue_total" in keys
    assert revenue == sorted(revenue)
    assert revenue[-1] > revenue[0]


@pytest.mark.django_db
def test_a_higher_strike_costs_the_treasury_more() -> None:
    base = dict(REGISTRY["price-gap-subsidy"].example)
    base.pop("simulation", None)
    base.pop("valuation", None)
    _, rows = run_sweep(
        slug="price-gap-subsidy",
        base=base,
        variations=[Variation("strike", (90.0, 100.0, 110.0, 120.0, 130.0))],
    )
    cost = [r["net_cost_total"] for r in rows]
    assert cost == sorted(cost)


@pytest.mark.django_db
def test_tornado_orders_inputs_by_swing() -> None:
    key, rows = run_tornado(
        slug="price-floor",
        base=FLOOR,
        paths=["reference_price", "flows.0.quantity", "flows.1.quantity"],
        change=0.1,
    )
    assert key == REGISTRY["price-floor"].headline_keys[0]
    swings = [r["swing"] for r in rows]
    assert swings == sorted(swings, reverse=True)
    assert rows[-1]["input"] == "flows.1.quantity"  # members pay no levy
    assert rows[-1]["swing"] == pytest.approx(0, abs=1e-6)


def _sweep_body(**vary: Any) -> dict[str, Any]:
    return {"inputs": FLOOR, "vary": [{"path": "reference_price", **vary}]}


@pytest.mark.django_db
def test_api_sweep_json_csv_and_xlsx(client: Any) -> None:
    body = _sweep_body(**{"from": 90, "to": 130, "steps": 5})
    body["tornado"] = {"paths": ["reference_price", "flows.0.quantity"]}
    answer = client.post(URL, body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert [r["value"] for r in data["rows"]] == [90, 100, 110, 120, 130]
    assert data["summary"]["tornado"][0]["input"] in (
        "reference_price",
        "flows.0.quantity",
    )
    as_csv = client.post(f"{URL}?format=csv", body, content_type="application/json")
    lines = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert lines[0][:3] == ["input", "value", "revenue_total"]
    assert len(lines) == 6
    as_xlsx = client.post(f"{URL}?format=xlsx", body, content_type="application/json")
    assert as_xlsx.status_code == 200
    assert as_xlsx.content[:2] == b"PK"


@pytest.mark.django_db
def test_api_refuses_too_many_points_and_bad_paths(client: Any) -> None:
    many = client.post(
        URL,
        _sweep_body(**{"from": 1, "to": 500, "steps": 201}),
        content_type="application/json",
    )
    assert many.status_code == 400
    assert "at most 200" in str(many.json())
    bad = client.post(
        URL,
        {"inputs": FLOOR, "vary": [{"path": "flows.9.quantity", "values": [1, 2]}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "flows.9.quantity" in str(bad.json())


def test_a_form_request_with_numbers_as_text_can_be_varied() -> None:
    from instruments.calculators.sensitivity import numeric_request

    typed = {
        "reference_price": "110",
        "periods": "2025Q1, 2025Q2",
        "flows": [{"quantity": "100, 120", "origin": "CHN"}],
    }
    numbers = numeric_request(typed)
    assert numbers["reference_price"] == 110.0
    assert numbers["periods"] == "2025Q1, 2025Q2"
    assert numbers["flows"][0] == {"quantity": [100.0, 120.0], "origin": "CHN"}
    assert "flows.0.quantity" in numeric_paths(numbers)


@pytest.mark.django_db
def test_whole_number_inputs_stay_whole_in_a_sweep() -> None:
    _, rows = run_sweep(
        slug="price-floor",
        base={**FLOOR, "trailing_periods": 4},
        variations=[Variation("trailing_periods", (2.0, 3.4))],
    )
    assert len(rows) == 2


@pytest.mark.django_db
def test_a_long_sweep_is_a_job_with_the_same_answer_and_progress(
    client: Any, settings: Any, monkeypatch: Any
) -> None:
    """Above JOBS_SYNC_MAX_SWEEP_POINTS the API answers 202 with a job (run in the
    request here: no broker), whose result is the body a short sweep returns."""
    from instruments.services import jobs

    seen: list[float] = []
    monkeypatch.setattr(jobs, "_progress_reporter", lambda job_id: seen.append)
    body = _sweep_body(**{"from": 90, "to": 130, "steps": 41})
    body["tornado"] = {"paths": ["reference_price"], "change": 0.2}
    settings.JOBS_SYNC_MAX_SWEEP_POINTS = 40
    answer = client.post(URL, body, content_type="application/json")
    assert answer.status_code == 202, answer.content
    job = answer.json()
    assert (job["kind"], job["state"], job["size"]) == ("sensitivity", "succeeded", 43)
    assert answer["Location"] == job["url"]
    # Progress point by point, never backwards, ending whole.
    assert len(seen) > 40
    assert seen == sorted(seen)
    assert seen[-1] == pytest.approx(1.0)
    from_job = client.get(job["result"]["json"]).json()
    settings.JOBS_SYNC_MAX_SWEEP_POINTS = 1_000
    direct = client.post(URL, body, content_type="application/json")
    assert direct.status_code == 200
    assert from_job == direct.json()
    lines = list(
        csv.reader(io.StringIO(client.get(job["result"]["csv"]).content.decode()))
    )
    assert lines[0][:3] == ["input", "value", "revenue_total"]
    assert len(lines) == 42


@pytest.mark.django_db
def test_a_sweep_of_simulations_is_a_job_by_its_path_steps(
    client: Any, settings: Any
) -> None:
    slug = "price-gap-subsidy"
    base = dict(REGISTRY[slug].example)  # 5,000 paths × 40 quarters per point
    body = {"inputs": base, "vary": [{"path": "strike", "values": [100, 110, 120]}]}
    settings.JOBS_SYNC_MAX_PATH_STEPS = 3 * 200_000 - 1
    url = f"/api/v1/calculators/{slug}/sensitivity/"
    assert client.post(url, body, content_type="application/json").status_code == 202
    settings.JOBS_SYNC_MAX_PATH_STEPS = 3 * 200_000
    assert client.post(url, body, content_type="application/json").status_code == 200


@pytest.mark.django_db
def test_a_long_sweep_with_a_bad_base_is_a_400_at_once(
    client: Any, settings: Any
) -> None:
    settings.JOBS_SYNC_MAX_SWEEP_POINTS = 1
    body = _sweep_body(**{"from": 90, "to": 130, "steps": 5})
    body["inputs"] = {**FLOOR, "reference_price": -5}
    answer = client.post(URL, body, content_type="application/json")
    assert answer.status_code == 400
    assert "reference_price" in answer.json()
