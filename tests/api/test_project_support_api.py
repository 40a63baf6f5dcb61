"""project-support through the API: a stored project in one choice, the support
table as JSON and CSV, a large solve as a job with progress, field-level errors, and
the form page, briefing and sensitivity built from the same request."""

from __future__ import annotations

import copy
import csv
import io
from typing import Any

import pytest
from rest_framework.test import APIClient

from instruments.api.querystring import encode_query
from instruments.calculators import REGISTRY
from instruments.models import Job
from instruments.services import jobs

SLUG = "project-support"
URL = f"/api/v1/calculators/{SLUG}/"
STORED = "ndpr-separation-usa-illustrative"


def example(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(dict(REGISTRY[SLUG].example))
    data["simulation"] = {**data["simulation"], "paths": 200}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_support_table_is_in_the_json_and_as_its_own_csv():
    client = APIClient()
    data = example()
    body = client.post(URL, data, format="json").json()
    kinds = [row["kind"] for row in body["support"]]
    assert kinds[0] == "price_floor"
    assert "capex_grant" in kinds
    assert {"npv_p5", "npv_p50", "npv_p95", "irr_p50", "min_dscr_p10"} <= set(
        body["summary"]
    )
    assert body["summary"]["probability_npv_positive"] == pytest.approx(
        REGISTRY[SLUG].run(data).summary["probability_npv_positive"]
    )
    query = encode_query(REGISTRY[SLUG], data)
    response = client.get(f"{URL}?{query}&format=csv&table=support")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["kind"] for row in rows] == kinds
    assert "cost_per_unit_capacity_year" in rows[0]


def test_a_stored_project_in_one_choice(seeded_db):
    """Naming a project of the register replaces the typed project and its units,
    and with no typed price the commodity's stored prices are simulated."""
    data = {
        "stored_project": STORED,
        "simulation": {"model": "gbm", "paths": 200, "seed": 1},
        "support": [{"kind": "price_floor", "solve": True}],
    }
    response = APIClient().post(URL, data, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    used = body["inputs"]["stored_project"]
    assert used["slug"] == STORED
    assert body["inputs"]["project"]["name"] == used["name"]
    assert body["inputs"]["price_unit"] == used["price_unit"]
    # the simulation was estimated from the stored history of its commodity
    assert body["inputs"]["stored_prices"]["commodity"] == used["commodity"]
    assert body["summary"]["simulation_history_points"] > 0
    assert len(body["support"]) == 1


@pytest.mark.django_db
def test_an_unknown_stored_project_is_a_400_at_the_field():
    response = APIClient().post(
        URL, {**example(), "stored_project": "nowhere"}, format="json"
    )
    assert response.status_code == 400
    assert "stored_project" in response.json()


@pytest.mark.django_db
def test_another_calculator_refuses_a_stored_project():
    data = {**copy.deepcopy(dict(REGISTRY["offtake"].example)), "stored_project": "x"}
    response = APIClient().post("/api/v1/calculators/offtake/", data, format="json")
    assert response.status_code == 400
    assert "stored_project" in response.json()


@pytest.mark.django_db
def test_bad_support_is_a_400_naming_the_row_and_field():
    data = example(support=[{"kind": "price_floor"}])
    response = APIClient().post(URL, data, format="json")
    assert response.status_code == 400
    assert response.json()["support"][0]["level"]


@pytest.mark.django_db
def test_solving_many_paths_is_a_job_with_progress(monkeypatch, settings):
    settings.JOBS_SYNC_MAX_PATH_STEPS = 10_000
    seen: list[float] = []
    monkeypatch.setattr(jobs, "_progress_reporter", lambda job_id: seen.append)
    data = example(support=[{"kind": "price_floor", "solve": True}])
    assert jobs.simulation_size(calculator=REGISTRY[SLUG], data=data) == 200 * 23 * 6
    client = APIClient()
    response = client.post(URL, data, format="json")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["state"] == "succeeded"
    assert seen[0] == pytest.approx(0.1)
    assert seen[-1] == pytest.approx(1.0)
    result = client.get(job["result"]["json"]).json()
    settings.JOBS_SYNC_MAX_PATH_STEPS = 10**9
    direct = client.post(URL, data, format="json").json()
    assert result["summary"] == direct["summary"]
    assert result["support"] == direct["support"]


@pytest.mark.django_db
def test_too_many_paths_for_a_job_is_still_a_400(settings):
    settings.JOBS_SYNC_MAX_PATH_STEPS = 1_000
    data = example()
    data["simulation"]["paths"] = 100_000
    data["project"] = {**data["project"], "life_years": 60}
    response = APIClient().post(URL, data, format="json")
    assert response.status_code == 400
    assert "paths" in response.json()["simulation"]
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_the_form_page_offers_the_register_and_shows_the_answer(client, seeded_db):
    page = client.get(f"/calculators/{SLUG}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="stored_project"' in html
    assert STORED in html


@pytest.mark.django_db
def test_the_openapi_schema_has_the_nested_fields():
    schema = APIClient().get("/api/schema/?format=json").json()
    text = str(schema)
    for name in ("ramp_up", "tenor_years", "strategic_response", "bankability"):
        assert name in text


@pytest.mark.django_db
def test_a_sensitivity_of_the_headline_figures_to_capex():
    body = {
        "inputs": example(support=[{"kind": "capex_grant", "solve": True}]),
        "vary": [{"path": "project.capex", "values": [9e8, 1.2e9, 1.5e9]}],
    }
    response = APIClient().post(f"{URL}sensitivity/", body, format="json")
    assert response.status_code == 200, response.content
    rows = response.json()["rows"]
    probability = [row["probability_npv_positive"] for row in rows]
    assert len(rows) == 3
    # dearer capex never makes the project more bankable
    assert probability[0] >= probability[1] >= probability[2]


@pytest.mark.django_db
def test_a_project_given_with_its_own_units_prices_in_them():
    data = example(support=[{"kind": "capex_grant", "solve": True}])
    data["project"] = {**data["project"], "price_unit": "USD/t", "quantity_unit": "kg"}
    del data["price_unit"], data["quantity_unit"]
    data["project"]["unit_opex"] = 38_000.0
    data["simulation"] = {**data["simulation"], "start_price": 60_000.0}
    data["simulation"]["long_run_price"] = 75_000.0
    data["project"]["capacity"] = 5_000_000.0
    response = APIClient().post(URL, data, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["inputs"]["price_unit"] == "USD/t"
    assert body["inputs"]["quantity_unit"] == "kg"
    same = APIClient().post(URL, example(support=data["support"]), format="json")
    assert body["summary"]["npv_p50"] == pytest.approx(
        same.json()["summary"]["npv_p50"]
    )
