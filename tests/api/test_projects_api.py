"""The project register in the API: list and detail by slug, strict filters, CSV,
steward writes checked by the model's rules."""

from __future__ import annotations

import csv
import io

import pytest

from instruments.models import Project
from instruments.services.imports.projects import import_projects
from tests.factories import make_ndpr_annual, make_partner

pytestmark = pytest.mark.django_db


def _row(slug: str, **fields: str) -> dict[str, str]:
    row = {
        "slug": slug,
        "name": f"{slug} (illustrative)",
        "stage": "refinery",
        "country": "AUS",
        "commodity": "ndpr-oxide",
        "capacity": "5000",
        "capex": "200000000 300000000",
        "construction_years": "2",
        "life_years": "20",
        "unit_opex": "40",
        "price_unit": "USD/kg",
        "illustrative": "true",
    }
    row.update(fields)
    return row


@pytest.fixture
def projects(db):
    make_ndpr_annual()
    make_partner(iso3="AUS", name="Australia")
    make_partner(iso3="USA", name="United States")
    report = import_projects(
        data=[
            _row("ndpr-aus"),
            _row("recycler-usa", stage="recycling", country="USA", status="financing"),
            _row("real-mine", stage="mine", illustrative="false"),
        ]
    )
    assert report.ok, report.errors


def test_the_list_gives_every_project_with_its_inputs(anon, projects):
    body = anon.get("/api/v1/projects/").json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first["slug"] == "ndpr-aus"
    assert first["capex"] == [200000000, 300000000]
    assert first["country"] == "AUS"
    assert first["commodity"] == "ndpr-oxide"
    assert first["illustrative"] is True


def test_the_detail_is_by_slug(anon, projects):
    body = anon.get("/api/v1/projects/recycler-usa/").json()
    assert body["stage"] == "recycling"
    assert body["status"] == "financing"
    assert anon.get("/api/v1/projects/nope/").status_code == 404


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("stage=recycling", ["recycler-usa"]),
        ("country=usa", ["recycler-usa"]),
        ("commodity=ndpr-oxide&illustrative=false", ["real-mine"]),
        ("status=financing", ["recycler-usa"]),
        ("name=MINE", ["real-mine"]),
        ("commodity=nickel", []),
    ],
)
def test_filters(anon, projects, query, slugs):
    body = anon.get(f"/api/v1/projects/?{query}").json()
    assert [p["slug"] for p in body["results"]] == slugs


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stage=smelter", "stage"),
        ("illustrative=maybe", "illustrative"),
        ("stgae=mine", "stgae"),
        ("status=done", "status"),
    ],
)
def test_bad_filters_are_a_400_naming_them(anon, projects, query, field):
    response = anon.get(f"/api/v1/projects/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_csv_has_every_project(anon, projects):
    response = anon.get("/api/v1/projects/?format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["slug"] for r in rows] == ["ndpr-aus", "real-mine", "recycler-usa"]


def test_a_steward_writes_and_the_models_rules_hold(steward_client, anon, projects):
    body = {
        **_row("new-one"),
        "capex": 500000000,
        "ramp_up": [0.5],
        "capacity": 5000,
        "construction_years": 2,
        "life_years": 20,
        "unit_opex": 40,
    }
    body.pop("illustrative")
    created = steward_client.post("/api/v1/projects/", body, format="json")
    assert created.status_code == 201, created.json()
    assert Project.objects.get(slug="new-one").capex == 500000000
    for field, value in (("tax_rate", 1.5), ("capex", [1, 2, 3]), ("capex", "x")):
        bad = steward_client.post(
            "/api/v1/projects/", {**body, "slug": "bad", field: value}, format="json"
        )
        assert bad.status_code == 400
        assert field in bad.json()
    assert not Project.objects.filter(slug="bad").exists()
    refused = anon.post("/api/v1/projects/", body, format="json")
    assert refused.status_code in (401, 403)


def test_the_csv_imports_back_unchanged(anon, projects):
    response = anon.get("/api/v1/projects/?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["capex"] == "200000000;300000000"
    report = import_projects(data=rows)
    assert (report.ok, report.unchanged) == (True, 3)
