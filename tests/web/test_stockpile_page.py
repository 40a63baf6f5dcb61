"""The stockpile page: the disruption and the stocks on the form, the result with its
headline, charts and tables, filled from stored data in a few choices, a bad field
shown beside it and the precedent menu (the PDF briefing, comparison and sensitivity
are the generic tests', run for every calculator)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from instruments.calculators import REGISTRY
from instruments.web.form_data import inputs_to_form_data

CALCULATOR = REGISTRY["stockpile"]
URL = reverse("instruments:calculator", args=["stockpile"])


@pytest.mark.django_db
def test_the_form_shows_the_disruption_and_the_stocks(client: Client) -> None:
    page = client.get(URL).content.decode()
    assert 'data-rows="stockpiles"' in page
    assert 'name="stockpiles-0-days"' in page
    assert "disruption" in page
    assert "Restricting origin" in page
    for name in (
        'name="commodity"',
        'name="year"',
        'name="members"',
        'name="declared_stocks"',
    ):
        assert name in page


@pytest.mark.django_db
def test_the_result_has_headline_charts_and_tables(client: Client) -> None:
    response = client.post(URL, inputs_to_form_data(CALCULATOR, CALCULATOR.example))
    assert response.status_code == 200
    page = response.content.decode()
    for key in ("peak_price_change_without", "coordination_gain", "net_benefit"):
        assert f'data-summary="{key}"' in page
    for chart in ("price-paths", "shortfall", "stock-levels", "net-benefit-by-size"):
        assert f'id="chart-{chart}-data"' in page
    assert 'data-table="members"' in page
    assert 'data-table="sizes"' in page
    assert "Releasing together rather than each alone adds" in page


@pytest.mark.django_db
def test_a_bad_stock_is_shown_beside_its_field(client: Client) -> None:
    data = dict(CALCULATOR.example)
    data["stockpiles"] = [{"market": "NOWHERE", "days": 60}]
    response = client.post(URL, inputs_to_form_data(CALCULATOR, data))
    assert response.status_code in (200, 400)
    assert "is not a market" in response.content.decode()


def test_a_few_stored_choices_fill_the_page(client: Client, seeded_db) -> None:
    """Commodity, year, the restricting country, members and their days: the
    baseline comes from the stored 2024 flows."""
    data = {
        "commodity": "ndpr-oxide",
        "year": 2024,
        "members": ["eu-27", "USA", "JPN"],
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "markets": [],
        "origins": [],
        "flows": [],
        "months": 8,
        "disruption": {
            "origin": "CHN",
            "cut": 0.5,
            "markets": ["members"],
            "months": 6,
        },
        "stockpiles": [
            {"market": code, "days": 60} for code in ("EU-27", "USA", "JPN")
        ],
    }
    response = client.post(URL, inputs_to_form_data(CALCULATOR, data))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-summary="peak_price_change_without"' in page
    assert "CEPII BACI" in page
    assert "EU-27" in page


def test_one_choice_starts_from_the_declared_stockpiles(
    client: Client, seeded_db
) -> None:
    """Ticked, each member's stock comes from its countries' declared stocks: the
    result names the records and says where none is declared."""
    data = {
        "commodity": "ndpr-oxide",
        "year": 2024,
        "members": ["eu-27", "USA", "JPN"],
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "markets": [],
        "origins": [],
        "flows": [],
        "months": 8,
        "disruption": {"origin": "CHN", "cut": 0.5, "markets": ["members"]},
        "declared_stocks": True,
    }
    form = inputs_to_form_data(CALCULATOR, data)
    assert form["declared_stocks"] in (True, "on", "true", "True")
    response = client.post(URL, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-table="members"' in page
    assert "Declared stockpile (JPN)" in page
    assert "JOGMEC (national stockpile)" in page
    assert "2023-10-26" in page
    assert "No stockpile of ndpr-oxide is declared for USA" in page


@pytest.mark.django_db
def test_declared_stocks_without_a_commodity_is_shown_beside_the_choice(
    client: Client,
) -> None:
    form = inputs_to_form_data(CALCULATOR, CALCULATOR.example)
    form["declared_stocks"] = "on"
    response = client.post(URL, form)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "Name the commodity whose declared stockpiles to start from." in page


def test_the_precedents_load_and_run(client: Client, seeded_db) -> None:
    from instruments.models import Scenario

    page = client.get(URL)
    titles = [p.title for p in page.context["precedents"]]
    assert any(t.startswith("China's gallium export controls") for t in titles)
    assert any(t.startswith("IEA-style 90 days") for t in titles)
    jogmec = Scenario.objects.get(title__startswith="JOGMEC's 60-day")
    loaded = client.get(f"{URL}?scenario={jogmec.pk}").content.decode()
    assert 'value="ndpr-oxide"' in loaded


@pytest.mark.django_db
def test_a_stockpile_scenario_is_saved_and_compared(
    client: Client, django_user_model
) -> None:
    """Two stock sizes saved from the page and compared side by side."""
    import copy
    import json

    from instruments.models import Scenario

    client.force_login(django_user_model.objects.create_user("ana", password="pw"))
    result = client.post(URL, inputs_to_form_data(CALCULATOR, CALCULATOR.example))
    saved_inputs = result.context["save_form"].initial["inputs"]
    save = reverse("instruments:scenario_save", args=["stockpile"])
    ids = []
    for title, days in (("60 days", 60), ("30 days", 30)):
        inputs = copy.deepcopy(saved_inputs)
        inputs["sizes"] = None
        for stock in inputs["stockpiles"]:
            stock["days"] = days
        done = client.post(save, {"title": title, "inputs": json.dumps(inputs)})
        assert done.status_code == 302, done.content[:300]
        ids.append(Scenario.objects.get(title=title).pk)
    detail = client.get(reverse("instruments:scenario", args=[ids[0]]))
    assert detail.status_code == 200
    assert 'data-table="members"' in detail.content.decode()
    compare = client.get(
        reverse("instruments:scenario_compare") + f"?ids={ids[0]}&ids={ids[1]}"
    )
    assert compare.status_code == 200
    differing = [r["key"] for r in compare.context["input_table"] if r["differs"]]
    assert len(differing) == 3
    assert all("Days of consumption" in key for key in differing)
    labels = [row["label"] for row in compare.context["summary_table"]]
    assert any(label.startswith("Peak price rise with stocks") for label in labels)
