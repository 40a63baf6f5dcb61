"""The plurilateral endpoint: JSON, CSV and XLSX with the pure call's numbers, GET with
indexed nested fields, the schema's nested fields, and a partner group deciding who
is a member."""

from __future__ import annotations

import copy
import csv
import io

import openpyxl
import pytest

from instruments.api.querystring import encode_query
from instruments.calculators import REGISTRY
from instruments.services.calculation import run_calculation

pytestmark = pytest.mark.django_db

URL = "/api/v1/calculators/plurilateral/"
CALCULATOR = REGISTRY["plurilateral"]


def example() -> dict:
    return copy.deepcopy(dict(CALCULATOR.example))


def test_post_json_gives_the_pure_numbers(anon):
    response = anon.post(URL, example(), format="json")
    assert response.status_code == 200
    body = response.json()
    pure = CALCULATOR.run(example())
    assert body["summary"]["trade_diverted_to_members"] == pytest.approx(
        pure.summary["trade_diverted_to_members"]
    )
    assert len(body["rows"]) == len(pure.rows)
    assert body["rows"][0]["origin"] == "CHN"
    assert body["inputs"]["measures"][0]["markets"] == ["members"]
    countries = {c["country"]: c for c in body["countries"]}
    assert countries["CHN"]["net_welfare_change"] == pytest.approx(
        float(
            pure.extras["countries"]
            .set_index("country")
            .loc["CHN", "net_welfare_change"]
        )
    )
    assert {o["origin"] for o in body["origins"]} >= {"CHN", "AUS"}
    assert body["downstream"][0]["good"] == "EV traction motor"


def test_get_with_indexed_nested_fields(anon):
    query = (
        "markets.0.code=EU&markets.0.import_demand_elasticity=-1&markets.0.member=true"
        "&markets.1.code=ROW&markets.1.import_demand_elasticity=-1"
        "&origins.0.code=CHN&origins.0.price=55&origins.0.supply_elasticity=2"
        "&origins.1.code=AUS&origins.1.price=55&origins.1.member=true"
        "&flows.0.origin=CHN&flows.0.market=EU&flows.0.quantity=800"
        "&flows.1.origin=CHN&flows.1.market=ROW&flows.1.quantity=2000"
        "&flows.2.origin=AUS&flows.2.market=EU&flows.2.quantity=200"
        "&measures.0.kind=floor&measures.0.level=110"
        "&measures.0.markets=members&measures.0.origins=non_members"
    )
    response = anon.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    rows = {(r["origin"], r["market"]): r for r in response.json()["rows"]}
    assert rows[("CHN", "EU")]["consumer_price_after"] == pytest.approx(110)
    assert rows[("CHN", "ROW")]["quantity_after"] > 2000
    csv_response = anon.get(f"{URL}?{query}&format=csv")
    assert csv_response.status_code == 200
    header = next(csv.reader(io.StringIO(csv_response.content.decode())))
    assert header[: len(CALCULATOR.columns)] == list(CALCULATOR.columns)


def test_the_example_round_trips_through_the_query_string(anon):
    response = anon.get(f"{URL}?{encode_query(CALCULATOR, example())}&format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Summary",
        "Rows",
        "countries",
        "origins",
        "downstream",
        "Inputs",
        "Sources",
    ]
    countries = list(book["countries"].iter_rows(values_only=True))
    assert countries[0][:3] == ("country", "member", "consumer_surplus_change")
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["net_welfare_members"] == pytest.approx(
        CALCULATOR.run(example()).summary["net_welfare_members"]
    )


def test_errors_name_nested_fields(anon):
    data = example()
    data["flows"][2]["market"] = "MARS"
    data["measures"][0]["origins"] = ["XX"]
    response = anon.post(URL, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "market" in body["flows"][2]
    assert "origins" in body["measures"][0]


def test_schema_shows_the_nested_market_origin_flow_and_measure_fields(anon):
    schema = anon.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    ref = schema["paths"][URL]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]["$ref"]
    top = components[ref.rsplit("/", 1)[-1]]["properties"]
    assert {"markets", "origins", "flows", "measures", "measures_before"} <= set(top)
    assert "member_group" in top

    def item(name: str) -> dict:
        return components[top[name]["items"]["$ref"].rsplit("/", 1)[-1]]["properties"]

    assert {"code", "import_demand_elasticity", "substitution_elasticity"} <= set(
        item("markets")
    )
    assert {"code", "price", "supply_elasticity", "domestic_market"} <= set(
        item("origins")
    )
    assert {"origin", "market", "quantity"} <= set(item("flows"))
    assert {"kind", "rate", "level", "strike", "markets", "origins"} <= set(
        item("measures")
    )


def test_a_partner_group_sets_members_by_iso3_code_and_never_row():
    from tests.factories import make_partner, make_partner_group

    group = make_partner_group(code="test-club", name="Test club")
    for iso3, iso2, name in (("AUS", "AU", "Australia"), ("CHN", "CN", "China")):
        group.members.add(make_partner(iso3=iso3, iso2=iso2, name=name))
    data = example()
    data["member_group"] = "test-club"
    data["markets"][3]["member"] = True  # ROW: never a member
    calculation = run_calculation(slug="plurilateral", data=data)
    inputs = calculation.inputs
    markets = {m["code"]: m["member"] for m in inputs["markets"]}
    origins = {o["code"]: o["member"] for o in inputs["origins"]}
    assert markets == {"EU": True, "USA": False, "JPN": False, "ROW": False}
    assert origins["AUS"] is True
    assert origins["CHN"] is True
    assert origins["OTH"] is False
    assert inputs["member_group"] == {"code": "test-club", "members": ["AUS", "CHN"]}
    rows = calculation.result.rows.set_index(["origin", "market"])
    # China is now inside the group: no floor on it into the EU.
    assert rows.loc[("CHN", "EU"), "importer_revenue"] == 0


def test_an_unknown_partner_group_is_an_error_on_its_field(anon):
    response = anon.post(URL, {**example(), "member_group": "atlantis"}, format="json")
    assert response.status_code == 400
    assert "member_group" in response.json()


def test_a_spreadsheet_url_answers_who_gains_and_loses(anon):
    """The 'done when' question from a spreadsheet: welfare by country as CSV."""
    import csv
    import io

    from instruments.api.querystring import encode_query
    from instruments.calculators import REGISTRY

    calculator = REGISTRY["plurilateral"]
    query = encode_query(calculator, dict(calculator.example))
    url = f"/api/v1/calculators/plurilateral/?{query}&table=countries&format=csv"
    response = anon.get(url)
    assert response.status_code == 200, response.content[:500]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {"CHN", "AUS", "EU"} <= {row["country"] for row in rows}
    assert "net_welfare_change" in rows[0]
    bad = anon.get(f"/api/v1/calculators/plurilateral/?{query}&table=nope&format=csv")
    assert bad.status_code == 400
