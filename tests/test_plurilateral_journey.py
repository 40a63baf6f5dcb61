"""Issue 9's question, asked as an official would on the seeded data: "If the EU, the US
and Japan put a common 110 USD/kg floor on NdPr oxide from non-members, how much do
imports from China fall, how much is diverted to partners and to the rest of the world,
what happens to China's price, and who gains and loses how much?" — from the
spreadsheet URL printed in the README (read by pandas.read_csv) and from the page, on
the stored 2024 BACI flows."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse

from instruments import selectors
from instruments.calculators import REGISTRY, trade_matrix
from instruments.web.form_data import inputs_to_form_data

README = Path(__file__).resolve().parents[1] / "README.md"
MEMBERS = ("EU", "USA", "JPN")


def readme_url() -> str:
    """The plurilateral spreadsheet URL of the README, as path and query."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r"^http://\S+/api/v1/calculators/plurilateral/\?\S+$", text, re.M)
    assert match, "the README shows the plurilateral spreadsheet URL"
    parts = urlsplit(match.group(0))
    assert "commodity=ndpr-oxide" in parts.query
    assert "year=2024" in parts.query
    return f"{parts.path}?{parts.query}"


def read_csv(client: Client, url: str) -> pd.DataFrame:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return pd.read_csv(io.StringIO(response.content.decode("utf-8")))


def test_the_spreadsheet_url_answers_the_question_on_stored_flows(seeded_db, client):
    url = readme_url()
    rows = read_csv(client, url)
    countries = read_csv(client, f"{url}&table=countries").set_index("country")
    origins = read_csv(client, f"{url}&table=origins").set_index("origin")
    summary = read_csv(client, f"{url}&table=summary").set_index("name")["value"]

    # The volumes are BACI's 2024 tonnes, named with their source.
    flows = selectors.get_trade_flows(commodity="ndpr-oxide", year=2024)
    eu = selectors.resolve_economies(["eu-27"])
    into_eu = trade_matrix.group_flows_by_origin(flows, importers=eu)
    route = rows.set_index(["origin", "market"])
    assert route.loc[("CHN", "EU"), "quantity_before"] == pytest.approx(
        float(into_eu.set_index("origin").loc["CHN", "quantity"]), rel=1e-6
    )
    assert rows["source"].str.contains("BACI").all()

    # How much imports from China fall, and where they go.
    china_in = rows[(rows["origin"] == "CHN") & rows["market"].isin(MEMBERS)]
    fall = float(china_in["quantity_change"].sum())
    assert fall < 0
    assert china_in["consumer_price_after"].tolist() == pytest.approx([110] * 3)
    to_row = float(route.loc[("CHN", "ROW"), "quantity_change"])
    assert to_row > 0
    non_member_in = rows[rows["member_origin"].eq(False) & rows["market"].isin(MEMBERS)]
    assert float(summary["imports_from_non_members_change"]) == pytest.approx(
        float(non_member_in["quantity_change"].sum())
    )
    assert float(summary["trade_diverted_to_rest_of_world"]) > 0
    partners = rows[rows["member_origin"].eq(True) & rows["market"].isin(MEMBERS)]
    assert float(summary["trade_diverted_to_members"]) == pytest.approx(
        float(partners["quantity_change"].sum())
    )

    # China's price falls (finite supply): what it is paid at every border.
    assert origins.loc["CHN", "producer_price_after"] < 55
    assert float(route.loc[("CHN", "ROW"), "border_price_after"]) == pytest.approx(
        origins.loc["CHN", "producer_price_after"]
    )
    assert float(summary["non_member_price_change"]) < 0

    # Who gains and who loses: members' consumers pay the floor, their governments
    # collect the levy, China's producers lose, the rest of the world's buyers gain.
    for member in MEMBERS:
        assert countries.loc[member, "consumer_surplus_change"] < 0
        assert countries.loc[member, "revenue_change"] > 0
    assert countries.loc["CHN", "net_welfare_change"] < 0
    assert countries.loc["ROW", "consumer_surplus_change"] > 0
    assert float(summary["net_welfare_members"]) == pytest.approx(
        float(countries.loc[[*list(MEMBERS), "AUS"], "net_welfare_change"].sum())
    )
    assert (rows["quantity_after"] >= 0).all()


def test_the_page_answers_the_same_question_with_the_same_numbers(seeded_db, client):
    from instruments.models import Scenario

    calculator = REGISTRY["plurilateral"]
    url = reverse("instruments:calculator", args=["plurilateral"])
    precedent = Scenario.objects.get(title__startswith="Coordinated NdPr oxide floor")
    data = {**precedent.inputs, "commodity": "ndpr-oxide", "year": 2024}
    response = client.post(url, inputs_to_form_data(calculator, data))
    assert response.status_code == 200
    page = response.content.decode()
    calculation = response.context["calculation"]
    stored = calculation.inputs["stored_flows"]
    assert (stored["commodity"], stored["year"]) == ("ndpr-oxide", 2024)
    # The sentence names the commodity, the year and the source in words.
    assert "of NdPr oxide (neodymium-praseodymium oxide) in 2024" in page
    assert "CEPII BACI" in page
    for key in (
        "imports_from_non_members_change",
        "trade_diverted_to_members",
        "trade_diverted_to_rest_of_world",
        "non_member_price_change",
        "net_welfare_members",
    ):
        assert f'data-summary="{key}"' in page
    assert 'data-table="countries"' in page
    # "What this means" answers the question in words, countries by name.
    sentences = " ".join(response.context["sentences"])
    assert "Members' imports of NdPr oxide" in sentences
    assert "China's sales to the members fall by" in sentences
    assert "its sales to other markets rise by" in sentences
    assert "the price it is paid falls by" in sentences
    assert "their own producers sell" in sentences
    assert "Net welfare change by country: China, a loss of USD" in sentences
    assert "CHN" not in sentences
    # The welfare table says its money is in USD, the origins' prices in USD/kg.
    assert "Net welfare change (USD)" in page
    assert "Producer price after (USD/kg)" in page
    assert "Quantity after (t)" in page

    # The page's figures are the API's for the same request.
    api = client.post(
        "/api/v1/calculators/plurilateral/", data, content_type="application/json"
    ).json()
    summary = calculation.result.summary
    for key in ("imports_from_non_members_change", "trade_diverted_to_rest_of_world"):
        assert summary[key] == pytest.approx(api["summary"][key])
    assert summary["imports_from_non_members_change"] < 0
    assert summary["trade_diverted_to_rest_of_world"] > 0
    origins = calculation.result.extras["origins"].set_index("origin")
    assert origins.loc["CHN", "producer_price_after"] < 55
    assert (calculation.result.rows["quantity_after"] >= 0).all()
