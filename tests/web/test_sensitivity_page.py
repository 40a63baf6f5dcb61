"""The sensitivity page: money figures swept and in the tornado, inputs named by
their row (a market's own code), the policy level and elasticities first in the
tornado, a range that starts again for another input, and errors beside the field
on the page (never a bare text 400)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from instruments.calculators import REGISTRY
from instruments.presentation import presenters

pytestmark = pytest.mark.django_db

URL = reverse("instruments:calculator_sensitivity", args=["plurilateral"])
FLOOR_URL = reverse("instruments:calculator_sensitivity", args=["price-floor"])


def test_money_figures_are_swept_and_inputs_named_by_their_row(client: Client) -> None:
    response = client.get(
        URL, {"vary": "markets.0.import_demand_elasticity", "steps": "3"}
    )
    assert response.status_code == 200
    context = response.context
    # a chart in tonnes and a chart in money
    titles = [chart["title"] for chart in context["sweep_charts"]]
    assert any(title.startswith("Money figures (USD)") for title in titles), titles
    assert "net_welfare_members" in context["keys"]
    assert "importer_revenue_total" in context["keys"]
    labels = dict(context["paths"])
    assert labels["markets.0.import_demand_elasticity"].startswith("EU › ")
    assert labels["origins.0.supply_elasticity"].startswith("CHN › ")
    assert not any(label.startswith("Markets 1") for label in labels.values())


def test_the_tornado_of_a_money_figure_can_be_chosen(client: Client) -> None:
    response = client.get(URL, {"steps": "2", "figure": "net_welfare_members"})
    assert response.status_code == 200
    assert response.context["tornado_figure"] == "net_welfare_members"
    assert "welfare" in response.context["tornado_chart"]["title"].lower()
    choices = dict(response.context["figure_choices"])
    assert "importer_revenue_total" in choices


def test_the_policy_level_and_elasticities_come_first_in_the_tornado() -> None:
    paths = [
        "flows.0.quantity",
        "origins.0.price",
        "markets.0.import_demand_elasticity",
        "measures.0.level",
        "origins.0.supply_elasticity",
    ]
    ordered = presenters.tornado_order(paths)
    assert ordered[0] == "measures.0.level"
    assert ordered.index("markets.0.import_demand_elasticity") < ordered.index(
        "flows.0.quantity"
    )


def test_inputs_stored_data_replaced_are_not_offered() -> None:
    base = {
        "flows": [{"origin": "CHN", "quantity": 10}],
        "reference_price": 66,
        "levy_cap": 0.25,
    }
    used = {
        "flows": [
            {"origin": "CHN", "quantity": 812.5},
            {"origin": "AUS", "quantity": 3.0},
        ],
        "reference_price": [66, 66],
        "levy_cap": 0.25,
    }
    kept = presenters.sweepable_paths(
        ["flows.0.quantity", "reference_price", "levy_cap"], base, used
    )
    assert kept == ["reference_price", "levy_cap"]


def test_another_input_starts_from_its_own_range(client: Client) -> None:
    response = client.get(
        FLOOR_URL,
        {
            "vary": "flows.0.quantity.0",
            "range_for": "reference_price",
            "from": "90",
            "to": "130",
            "steps": "3",
        },
    )
    if response.status_code == 200 and response.context["vary"] == "flows.0.quantity.0":
        values = [row["value"] for row in response.context["rows"]]
        assert values[0] != 90
    response = client.get(
        FLOOR_URL,
        {
            "vary": "reference_price",
            "range_for": "reference_price",
            "from": "90",
            "to": "130",
            "steps": "3",
        },
    )
    assert [row["value"] for row in response.context["rows"]] == [90, 110, 130]
    other = next(p for p, _ in response.context["paths"] if p != "reference_price")
    moved = client.get(
        FLOOR_URL,
        {
            "vary": other,
            "range_for": "reference_price",
            "from": "90",
            "to": "130",
            "steps": "3",
        },
    )
    assert moved.status_code == 200
    assert moved.context["vary"] == other
    assert moved.context["rows"][0]["value"] != 90


def test_an_unreadable_bound_is_said_beside_its_field(client: Client) -> None:
    response = client.get(FLOOR_URL, {"vary": "reference_price", "from": "ninety"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="from-error"' in html
    assert "ninety" in html


def test_a_refused_value_is_said_on_the_page(client: Client) -> None:
    response = client.get(
        FLOOR_URL,
        {
            "vary": "reference_price",
            "range_for": "reference_price",
            "from": "-50",
            "to": "-10",
            "steps": "2",
        },
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert 'id="from-error"' in response.content.decode()


def test_inputs_that_do_not_run_give_a_page_not_a_text(client: Client) -> None:
    bad = dict(REGISTRY["price-floor"].example, reference_price=-1)
    response = client.get(FLOOR_URL, {"inputs": json.dumps(bad)})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert 'id="sensitivity-error"' in response.content.decode()
