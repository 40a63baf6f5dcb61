"""The project pipeline page and its service: every stored project against each
support instrument of §12, ranked by expected cost per tonne of capacity outside the
dominant supplier, with the bankability gap; cached by data version; bad choices are
a message beside the field. The calculator's call is replaced here by a stand-in that
answers in §12's names, so the ranking is tested apart from the engine."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from instruments.models import Project
from instruments.services import pipeline
from instruments.services.imports.projects import import_projects
from tests.factories import make_ndpr_annual, make_partner

pytestmark = pytest.mark.django_db

# A stand-in engine: each project's probability of NPV ≥ 0 without support and the
# expected cost of each instrument (the cheapest meeting the target wins).
ANSWERS = {
    "cheap": (0.55, {"price_floor": 2e6, "capex_grant": 1e6}),
    "dear": (0.40, {"price_floor": 9e7, "capex_grant": 5e7}),
    "fine": (0.95, {"price_floor": 0.0, "capex_grant": 0.0}),
    "hopeless": (0.05, {}),
    "inside": (0.50, {"price_floor": 1e3, "capex_grant": 1e3}),
}


def _row(slug: str, **fields: str) -> dict[str, str]:
    row = {
        "slug": slug,
        "name": f"{slug} plant (illustrative)",
        "stage": "refinery",
        "country": "AUS",
        "commodity": "ndpr-oxide",
        "capacity": "1000",
        "capex": "100000000",
        "construction_years": "1",
        "life_years": "10",
        "unit_opex": "40",
        "price_unit": "USD/kg",
        "illustrative": "true",
    }
    row.update(fields)
    return row


@pytest.fixture
def calls(monkeypatch) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []

    def engine(request: dict[str, Any]) -> dict[str, Any]:
        made.append(request)
        slug = request["stored_project"]
        probability, costs = ANSWERS[slug]
        support = [
            {
                "kind": kind,
                "level": 100.0 if kind != "capex_grant" else 0.3,
                "probability_npv_positive": 0.9 if kind in costs else 0.2,
                "npv_p50": 1.0,
                "min_dscr_p10": 1.3,
                "expected_cost": costs.get(kind, 1e12),
                "p95_cost": 2 * costs.get(kind, 1e12),
                "cost_per_unit_capacity_year": 1.0,
                "meets_target": kind in costs,
            }
            for kind in pipeline.SUPPORT_KINDS
        ]
        return {
            "summary": {
                "probability_npv_positive": probability,
                "npv_p50": -1e6,
                "min_dscr_p10": 0.8,
                "irr_p50": 0.05,
            },
            "support": support,
        }

    monkeypatch.setattr(pipeline, "run_project_support", engine)
    monkeypatch.setattr(pipeline, "calculator_installed", lambda: True)
    return made


@pytest.fixture
def register(db):
    make_ndpr_annual()
    for iso3 in ("AUS", "CHN"):
        make_partner(iso3=iso3)
    report = import_projects(
        data=[
            _row("dear"),
            _row("cheap", capacity="2000"),
            _row("fine"),
            _row("hopeless"),
            _row("inside", country="CHN"),
        ]
    )
    assert report.ok, report.errors


@pytest.fixture
def china_dominant(monkeypatch):
    monkeypatch.setattr(
        pipeline,
        "dominant_suppliers",
        lambda codes: {
            c: {"country": "CHN", "share": 0.7, "year": 2025, "basis": "test"}
            for c in codes
        },
    )


def test_projects_are_ranked_by_cost_per_tonne_outside_the_dominant_supplier(
    register, calls, china_dominant
):
    table = pipeline.build_pipeline(pipeline.PipelineChoice())
    assert table["available"]
    order = [row["slug"] for row in table["rows"]]
    assert order == ["fine", "cheap", "dear", "hopeless", "inside"]
    cheap = table["rows"][1]
    assert cheap["cheapest"]["kind"] == "capex_grant"
    assert cheap["cost_per_tonne"] == pytest.approx(1e6 / 2000)
    assert cheap["gap"] == pytest.approx(0.9 - 0.55)
    assert table["rows"][0]["cost_per_tonne"] == 0.0  # bankable as it stands
    assert table["rows"][3]["cost_per_tonne"] is None  # nothing meets the target
    assert not table["rows"][4]["outside_dominant"]


def test_each_request_names_every_instrument_solved_and_the_target(
    register, calls, china_dominant
):
    choice = pipeline.PipelineChoice(
        metric="p10_min_dscr", target=1.3, price_war_cut=0.3, price_war_years=2
    )
    pipeline.build_pipeline(choice)
    request = calls[0]
    assert [s["kind"] for s in request["support"]] == list(pipeline.SUPPORT_KINDS)
    assert all(s["solve"] for s in request["support"])
    assert request["bankability"] == {"metric": "p10_min_dscr", "target": 1.3}
    assert request["stored_project"] in ANSWERS
    assert request["simulation"]["model"] == "schwartz"
    assert request["strategic_response"] == {"cut": 0.3, "years": 2}


def test_the_table_is_kept_until_a_project_changes(register, calls):
    choice = pipeline.PipelineChoice()
    pipeline.project_pipeline(choice)
    first = len(calls)
    assert first == 5
    pipeline.project_pipeline(choice)
    assert len(calls) == first  # from the cache
    project = Project.objects.get(slug="cheap")
    project.unit_opex = 41
    project.save()
    pipeline.project_pipeline(choice)
    assert len(calls) == 2 * first


def test_the_page_shows_the_ranking_and_the_gap(client, register, calls):
    response = client.get(reverse("instruments:project_pipeline") + "?target=0.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('data-slug="fine"') < html.index('data-slug="cheap"')
    assert "Capex grant at 30 % of capex" in html
    assert "35 points short" in html
    assert "500 USD/t" in html  # 1,000,000 USD over 2,000 t a year
    assert "/calculators/project-support/?inputs=" in html
    assert "Of 5 projects run, 1 is bankable as it stands, 3 can be made" in html
    assert "Cheapest to support outside CHN: cheap plant (illustrative)" in html


def test_the_dominant_supplier_is_a_choice(client, register, calls):
    table = pipeline.build_pipeline(pipeline.PipelineChoice(dominant="AUS"))
    assert table["rows"][0]["slug"] == "inside"  # the one in CHN
    response = client.get(reverse("instruments:project_pipeline") + "?dominant=aus")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("(in the dominant supplier)") == 4


def test_a_plain_visit_is_cached_and_linked_from_the_nav(client, register, calls):
    first = client.get(reverse("instruments:project_pipeline"))
    assert first.status_code == 200
    assert 'href="/projects/"' in first.content.decode()
    client.get(reverse("instruments:project_pipeline"))
    assert len(calls) == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("target=2", "target"),
        ("target=lots", "target"),
        ("metric=npv", "metric"),
        ("price_war_cut=0.95&price_war_years=2", "price_war_cut"),
        ("price_war_cut=0.3&price_war_years=0", "price_war_years"),
        ("metric=p10_min_dscr&target=20", "target"),
        ("dominant=XYZ", "dominant"),
        ("model=random-walk", "model"),
    ],
)
def test_a_bad_choice_is_a_message_beside_its_field(
    client, register, calls, query, field
):
    response = client.get(reverse("instruments:project_pipeline") + "?" + query)
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()
    assert calls == []


def test_without_the_calculator_the_register_is_still_listed(
    client, register, monkeypatch
):
    monkeypatch.setattr(pipeline, "calculator_installed", lambda: False)
    response = client.get(reverse("instruments:project_pipeline") + "?target=0.8")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="pipeline-unavailable"' in html
    assert 'data-slug="cheap"' in html


def test_dominant_suppliers_are_read_from_stored_production(seeded_db):
    found = pipeline.dominant_suppliers({"ndpr-oxide", "nickel", "lithium-carbonate"})
    for code, supplier in found.items():
        assert 0 < supplier["share"] <= 1, code
        assert len(supplier["country"]) == 3
    assert found.get("ndpr-oxide", {}).get("country") in (None, "CHN")


def test_the_engine_runs_every_seeded_project(seeded_db):
    """The real calculator on the seeded register: the request is one it takes, and
    every project gets §12's six instruments."""
    table = pipeline.build_pipeline(pipeline.PipelineChoice(paths=100))
    assert table["available"]
    assert len(table["rows"]) == Project.objects.count()
    for row in table["rows"]:
        assert row["error"] is None, row["error"]
        assert [i["kind"] for i in row["instruments"]] == list(pipeline.SUPPORT_KINDS)
        assert row["gap"] is not None
        assert row["outside_dominant"]
        for instrument in row["instruments"]:
            if instrument["meets_target"] and instrument["expected_cost"] is not None:
                assert instrument["p95_cost"] is not None
    costs = [
        r["cost_per_tonne"] for r in table["rows"] if r["cost_per_tonne"] is not None
    ]
    assert costs == sorted(costs)


def test_a_project_opens_the_calculator_on_it(client, seeded_db):
    """The link of a row runs the calculator on the stored project, selected in the
    form, with the pipeline's target."""
    from instruments.web.pipeline import calculator_url

    choice = pipeline.PipelineChoice(paths=100, target=0.8)
    response = client.get(calculator_url("magnet-recycler-gbr-illustrative", choice))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="magnet-recycler-gbr-illustrative" selected>' in html
    assert 'data-summary="probability_npv_positive"' in html
