"""The same project under each instrument, in the one-commodity comparison: a stored
project or a project-support result's request run with every instrument solved for
the same target; the table's numbers are the calculator's with each instrument alone,
and the cheapest in expectation and in a bad case are said."""

from __future__ import annotations

import copy
import json
import math
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from instruments.calculators import REGISTRY
from instruments.presentation.text import format_figure
from instruments.services.calculation import run_calculation
from instruments.services.imports.projects import import_projects
from tests.factories import make_ndpr_annual, make_partner

pytestmark = pytest.mark.django_db

SLUG = "project-support"
URL = reverse("instruments:instrument_compare")


def small_example() -> dict[str, Any]:
    data = copy.deepcopy(dict(REGISTRY[SLUG].example))
    data["simulation"]["paths"] = 80
    return data


@pytest.fixture
def stored(db: Any) -> None:
    make_ndpr_annual()
    make_partner(iso3="AUS", name="Australia")
    make_partner(iso3="CHN", name="China")
    report = import_projects(
        data=[
            {
                "slug": "ndpr-aus",
                "name": "NdPr plant (illustrative)",
                "stage": "refinery",
                "country": "AUS",
                "commodity": "ndpr-oxide",
                "capacity": "5000",
                "capex": "300000000",
                "life_years": "15",
                "unit_opex": "40",
                "price_unit": "USD/kg",
                "illustrative": "true",
            }
        ]
    )
    assert report.ok, report.errors


def test_a_result_under_each_instrument_equals_each_instrument_alone(client):
    data = small_example()
    response = client.get(URL, {"project_inputs": json.dumps(data)})
    assert response.status_code == 200
    rows = {row["kind"]: row for row in response.context["rows"]}
    html = response.content.decode()
    assert 'id="same-project"' in html
    assert "chart-same-project-data" in html
    for kind in rows:
        alone = run_calculation(
            slug=SLUG, data={**data, "support": [{"kind": kind, "solve": True}]}
        )
        (expected,) = alone.result.extras["support"].to_dict(orient="records")
        row = rows[kind]
        assert row["level"] == (
            None if math.isnan(expected["level"]) else pytest.approx(expected["level"])
        )
        assert row["meets_target"] == expected["meets_target"]
        assert row["probability_npv_positive"] == pytest.approx(
            expected["probability_npv_positive"]
        )
        if expected["meets_target"]:
            assert row["expected_cost"] == pytest.approx(expected["expected_cost"])
            assert row["p95_cost"] == pytest.approx(expected["p95_cost"])
            # t: the cost per unit of capacity-year is already per tonne
            assert row["cost_per_tonne"] == pytest.approx(
                expected["cost_per_unit_capacity_year"]
            )
            assert f"<td>{format_figure(expected['p95_cost'])}</td>" in html
    meeting = [r for r in rows.values() if r["meets_target"]]
    cheapest = min(meeting, key=lambda r: r["expected_cost"])
    safest = min(meeting, key=lambda r: r["p95_cost"])
    assert response.context["cheapest_expected"] == cheapest["kind"]
    assert response.context["cheapest_bad"] == safest["kind"]
    meaning = " ".join(response.context["sentences"])
    assert f"In expectation, {cheapest['name']}" in meaning
    assert safest["name"] in meaning


def test_a_stored_project_is_offered_on_its_commodity_and_runs(client, stored):
    choosing = client.get(URL, {"commodity": "ndpr-oxide"})
    assert choosing.status_code == 200
    offer = choosing.content.decode()
    assert 'id="same-project-offer"' in offer
    assert 'value="ndpr-aus"' in offer
    query = {"project": "ndpr-aus", "price_war_cut": "0.4", "price_war_years": "2"}
    response = client.get(URL, query)
    assert response.status_code == 200
    assert response.context["summary"]["strategic_years"] == 2
    assert response.context["project_name"] == "NdPr plant (illustrative)"
    assert len(response.context["rows"]) >= 5


def test_an_unknown_project_or_bad_inputs_are_a_400_with_the_reason(client, stored):
    unknown = client.get(URL, {"project": "nowhere"})
    assert unknown.status_code == 400
    assert 'id="id_project-error"' in unknown.content.decode()
    bad = client.get(URL, {"project_inputs": "[1, 2"})
    assert bad.status_code == 400
    assert "not a JSON object" in bad.content.decode()


def test_a_project_support_result_links_to_the_comparison(client):
    data = small_example()
    page = reverse("instruments:calculator", args=[SLUG])
    response = client.get(f"{page}?{urlencode({'inputs': json.dumps(data)})}")
    html = response.content.decode()
    assert 'id="same-project-link"' in html
    assert "project_inputs=" in html
