"""The plurilateral page: groups as compact tables, the result with its headline,
charts, route rows and the welfare table, and the precedent menu."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from instruments.calculators import REGISTRY
from instruments.web.form_data import inputs_to_form_data

CALCULATOR = REGISTRY["plurilateral"]
URL = reverse("instruments:calculator", args=["plurilateral"])


@pytest.mark.django_db
def test_the_form_shows_flows_and_measures_as_tables(client: Client) -> None:
    page = client.get(URL).content.decode()
    for name in ("markets", "origins", "flows", "measures", "measures_before"):
        assert f'data-rows="{name}"' in page
    assert page.count('class="input-table"') == 6
    assert 'name="flows-0-origin" value="CHN"' in page
    assert 'name="flows-13-quantity" value="200"' in page
    assert 'name="measures-0-markets" value="members"' in page
    assert 'Quantity before <span class="unit">(t)</span>' in page
    assert 'name="member_group"' in page


@pytest.mark.django_db
def test_the_result_has_headline_charts_rows_and_the_welfare_table(
    client: Client,
) -> None:
    response = client.post(URL, inputs_to_form_data(CALCULATOR, CALCULATOR.example))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-summary="imports_from_non_members_change"' in page
    assert 'data-summary="net_welfare_members"' in page
    for chart in ("trade-matrix", "diversion", "prices", "welfare"):
        assert f'id="chart-{chart}-data"' in page
    assert 'data-table="countries"' in page
    assert "Welfare by country" in page
    assert "EV traction motor" in page
    assert response.context["n_records"] == len(CALCULATOR.example["flows"])


def test_the_precedent_menu_loads_a_plurilateral_precedent(
    client: Client, seeded_db
) -> None:
    from instruments.models import Scenario

    page = client.get(URL)
    titles = [p.title for p in page.context["precedents"]]
    assert "EU minimum import price on Chinese solar modules (2013–2018)" in titles
    assert any(t.startswith("Coordinated NdPr oxide floor") for t in titles)
    solar = Scenario.objects.get(title__startswith="EU minimum import price on Chinese")
    loaded = client.get(f"{URL}?scenario={solar.pk}").content.decode()
    assert 'value="EUR/W"' in loaded
    assert 'value="0.56"' in loaded
    result = client.post(URL, inputs_to_form_data(CALCULATOR, solar.inputs))
    summary = result.context["calculation"].result.summary
    assert summary["rent_change"] > 0
    rows = result.context["calculation"].result.rows
    china_eu = rows[(rows["origin"] == "CHN") & (rows["market"] == "EU")]
    assert float(china_eu["importer_revenue"].iloc[0]) == 0


@pytest.mark.django_db
def test_a_plurilateral_scenario_is_saved_from_the_page_and_compared(
    client: Client, django_user_model
) -> None:
    """Saved scenarios and comparison, as for the other calculators: the page's save
    form carries the inputs; two floors side by side differ in the floor's level."""
    import copy
    import json

    from instruments.models import Scenario

    client.force_login(django_user_model.objects.create_user("ana", password="pw"))
    result = client.post(URL, inputs_to_form_data(CALCULATOR, CALCULATOR.example))
    saved_inputs = result.context["save_form"].initial["inputs"]
    save = reverse("instruments:scenario_save", args=["plurilateral"])
    ids = []
    for title, level in (("Floor 110", 110), ("Floor 90", 90)):
        inputs = copy.deepcopy(saved_inputs)
        inputs["measures"][0]["level"] = level
        done = client.post(save, {"title": title, "inputs": json.dumps(inputs)})
        assert done.status_code == 302, done.content[:300]
        ids.append(Scenario.objects.get(title=title).pk)
    detail = client.get(reverse("instruments:scenario", args=[ids[0]]))
    assert detail.status_code == 200
    assert 'data-table="countries"' in detail.content.decode()
    compare = client.get(
        reverse("instruments:scenario_compare") + f"?ids={ids[0]}&ids={ids[1]}"
    )
    assert compare.status_code == 200
    differing = [r["key"] for r in compare.context["input_table"] if r["differs"]]
    assert differing == ["Measures simulated 1 › Level (USD/kg)"]
    labels = [row["label"] for row in compare.context["summary_table"]]
    assert any(
        label.startswith("Members' imports from non-members") for label in labels
    )
