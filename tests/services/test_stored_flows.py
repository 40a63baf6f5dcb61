"""Calculators fed by the stored BACI trade flows (commodity + year)."""

from __future__ import annotations

import pytest

from instruments import selectors
from instruments.calculators import REGISTRY, trade_matrix
from instruments.calculators.base import InputError
from instruments.services.calculation import run_calculation
from instruments.services.stored_inputs.flows import _period_share


def test_price_floor_takes_real_volumes_by_origin_for_a_year(seeded_db):
    """NdPr oxide, 2024, into the EU: the flows are BACI's, China among them."""
    request = {
        "reference_price": 110,
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "commodity": "ndpr-oxide",
        "year": 2024,
        "importer": "eu-27",
        "member_group": "msp",
        "freight_insurance": 2.0,  # the NdPr series is FOB China; the levy is on CIF
    }
    calculation = run_calculation(slug="price-floor", data=request)
    rows = calculation.result.rows
    assert set(rows["period"]) == {"2024"}, "the prices of the trade year"
    stored = calculation.inputs["stored_flows"]
    assert stored["year"] == 2024
    assert "BACI" in stored["source"]
    flows = selectors.get_trade_flows(commodity="ndpr-oxide", year=2024)
    expected = trade_matrix.group_flows_by_origin(
        flows, importers=selectors.resolve_economies(["eu-27"])
    ).set_index("origin")["quantity"]
    china = rows[rows["origin"] == "CHN"]
    assert len(china) == 1
    assert china["quantity"].iloc[0] == pytest.approx(expected["CHN"])
    assert not bool(china["member"].iloc[0])
    assert calculation.result.summary["revenue_total"] >= 0


@pytest.mark.parametrize(
    ("periods", "share"),
    [(["2024"], 1.0), (["2024Q1", "2024Q2"], 0.25), ("2024-01,2024-02", 1 / 12)],
)
def test_annual_tonnes_are_spread_evenly_over_shorter_periods(periods, share):
    assert _period_share(periods) == pytest.approx(share)


def test_periods_of_mixed_kinds_are_refused():
    with pytest.raises(InputError) as caught:
        _period_share(["2024", "2024Q1"])
    assert "periods" in caught.value.errors


def test_trade_response_takes_import_values(seeded_db):
    request = {
        **REGISTRY["trade-response"].example,
        "commodity": "ndpr-oxide",
        "year": 2024,
        "importer": "JPN",
    }
    calculation = run_calculation(slug="trade-response", data=request)
    echo = calculation.inputs["stored_flows"]
    assert echo["imports_unit"].startswith("USD")
    assert all(flow["imports"] > 0 for flow in calculation.inputs["flows"])
    assert (calculation.result.rows["imports_after"] >= 0).all()


def test_plurilateral_takes_its_flow_matrix(seeded_db):
    request = {
        **REGISTRY["plurilateral"].example,
        "commodity": "ndpr-oxide",
        "year": 2024,
    }
    calculation = run_calculation(slug="plurilateral", data=request)
    flows = calculation.inputs["stored_flows"]["flows"]
    routes = {(f["origin"], f["market"]) for f in flows}
    assert ("CHN", "USA") in routes or ("CHN", "JPN") in routes
    assert (calculation.result.rows["quantity_after"] >= 0).all()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"year": 2024}, "importer"),
        ({"year": 1999, "importer": "USA"}, "year"),
        ({"importer": "USA"}, "year"),
        ({"year": 2024, "importer": "Atlantis"}, "importer"),
    ],
)
def test_stored_flow_errors_name_the_field(seeded_db, extra, field):
    request = {**REGISTRY["trade-response"].example, "commodity": "ndpr-oxide", **extra}
    with pytest.raises(InputError) as caught:
        run_calculation(slug="trade-response", data=request)
    assert field in caught.value.errors


def test_the_value_chain_gives_the_cost_change_of_each_stored_downstream_good(
    seeded_db,
):
    """NdPr oxide → NdPr metal (1.177 t oxide a tonne) → NdFeB magnet (0.31 of it)."""
    goods = {
        name: content
        for _, name, content in selectors.get_downstream_goods("ndpr-oxide")
    }
    assert goods["NdPr metal"] == pytest.approx(1.177)
    assert goods["NdFeB permanent magnet"] == pytest.approx(0.31 * 1.177)
    request = {**REGISTRY["plurilateral"].example, "commodity": "ndpr-oxide"}
    request.pop("downstream", None)
    calculation = run_calculation(slug="plurilateral", data=request)
    used = calculation.inputs["downstream_goods"]
    assert [g["name"] for g in used] == ["NdPr metal", "NdFeB permanent magnet"]
    table = calculation.result.extras["downstream"].set_index("good")
    change = table.loc["NdFeB permanent magnet"]
    metal = table.loc["NdPr metal"]
    value_column = next(c for c in table.columns if "cost_change" in c)
    assert change[value_column] == pytest.approx(metal[value_column] * 0.31)


def test_the_page_says_which_stored_flows_were_used(seeded_db, client):
    from django.urls import reverse

    url = reverse("instruments:calculator", args=["trade-response"])
    response = client.post(
        url,
        {
            "commodity": "ndpr-oxide",
            "year": "2024",
            "importer": "USA",
            "import_demand_elasticity": "-1.5",
            "substitution_elasticity": "3",
            "flows-0-origin": "CHN",
            "flows-0-imports": "1",
        },
    )
    assert response.status_code == 200
    assert b"data-stored-flows" in response.content
    assert b"of NdPr oxide (neodymium-praseodymium oxide) in 2024" in response.content
    assert b"Into United States." in response.content  # names, not codes


def test_the_price_floor_page_on_ndpr_oxide_2024_shows_real_volumes_by_origin(
    seeded_db, client
):
    """Issue 10's 'done when': an official picks NdPr oxide and 2024 on the page."""
    from django.urls import reverse

    url = reverse("instruments:calculator", args=["price-floor"])
    response = client.post(
        url,
        {
            "commodity": "ndpr-oxide",
            "year": "2024",
            "importer": "eu-27",
            "reference_price": "110",
            "price_unit": "USD/kg",
            "quantity_unit": "t",
            "freight_insurance": "2",
            "flows-0-origin": "CHN",
            "flows-0-quantity": "1",
        },
    )
    assert response.status_code == 200
    calculation = response.context["calculation"]
    assert calculation is not None, response.context["form"].errors
    rows = calculation.result.rows.set_index("origin")
    flows = selectors.get_trade_flows(commodity="ndpr-oxide", year=2024)
    expected = trade_matrix.group_flows_by_origin(
        flows, importers=selectors.resolve_economies(["eu-27"])
    ).set_index("origin")["quantity"]
    assert len(rows) > 3  # every origin, not the one typed
    assert rows.loc["CHN", "quantity"] == pytest.approx(expected["CHN"])
    assert rows.loc["CHN", "revenue"] > 0
    page = response.content.decode()
    assert "Into European Union (EU-27)." in page
    assert "CEPII BACI" in page
