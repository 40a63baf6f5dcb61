"""The coordinated floor on stored data (INSTRUMENTS.md §10): members are markets and
origins, values anchor the baseline, home markets from production, published
elasticities with ranges, exporters' terms of trade; and one answer reproduced from
the stored CSV rows by an independent calculation here."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from instruments.api.querystring import encode_query
from instruments.calculators import REGISTRY

pytestmark = pytest.mark.django_db

URL = "/api/v1/calculators/plurilateral/"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
EU = [
    "AUT",
    "BEL",
    "BGR",
    "CYP",
    "CZE",
    "DEU",
    "DNK",
    "ESP",
    "EST",
    "FIN",
    "FRA",
    "GRC",
    "HRV",
    "HUN",
    "IRL",
    "ITA",
    "LTU",
    "LUX",
    "LVA",
    "MLT",
    "NLD",
    "POL",
    "PRT",
    "ROU",
    "SVK",
    "SVN",
    "SWE",
]
MEMBERS = {"EU-27": set(EU), "USA": {"USA"}, "JPN": {"JPN"}}


def stored_flows(hs_code: str, year: int) -> list[dict[str, str]]:
    with (SEEDS / "trade_flows.csv").open(encoding="utf-8") as handle:
        return [
            r
            for r in csv.DictReader(handle)
            if r["hs_code"] == hs_code and int(r["year"]) == year
        ]


def member_of(iso3: str) -> str | None:
    return next((name for name, codes in MEMBERS.items() if iso3 in codes), None)


def coordinated(commodity: str, **extra: object) -> dict[str, object]:
    return {
        "commodity": commodity,
        "year": 2024,
        "members": ["eu-27", "USA", "JPN"],
        **extra,
    }


@pytest.fixture(scope="module")
def ndpr(_seeded_module, django_db_blocker):
    from instruments.services.calculation import (
        calculation_payload,
        run_calculation,
    )

    with django_db_blocker.unblock():
        calculation = run_calculation(
            slug="plurilateral",
            data=coordinated("ndpr-oxide", floor_above_price=0.2),
        )
        return calculation_payload(calculation=calculation)


def test_non_member_import_values_equal_the_stored_baci_values(ndpr):
    expected = sum(
        float(r["value"]) * 1000.0
        for r in stored_flows("284690", 2024)
        if member_of(r["importer"]) and not member_of(r["exporter"])
    )
    assert ndpr["summary"]["imports_from_non_members_value_before"] == pytest.approx(
        expected, rel=1e-9
    )
    routes = [
        r
        for r in ndpr["rows"]
        if r["member_market"] and not r["member_origin"] and not r["home"]
    ]
    assert sum(r["value_before"] for r in routes) == pytest.approx(expected, rel=1e-9)


def test_members_own_trade_is_never_levied(ndpr):
    for row in ndpr["rows"]:
        if row["member_origin"] and row["member_market"]:
            assert row["importer_revenue"] == 0
    own = ndpr["inputs"]["market_baseline"]["members_own_trade"]
    intra_eu = sum(
        float(r["value"]) * 1000.0
        for r in stored_flows("284690", 2024)
        if r["exporter"] in MEMBERS["EU-27"] and r["importer"] in MEMBERS["EU-27"]
    )
    within = [r for r in own if r["within_group"]]
    assert within[0]["origin"] == "EU-27"
    assert within[0]["value"] == pytest.approx(intra_eu)


def test_home_markets_ranges_sources_and_exporters_terms_of_trade(ndpr):
    home = {r["origin"] for r in ndpr["rows"] if r["home"]}
    assert "CHN" in home  # China sells most of its output at home
    markets = {m["code"] for m in ndpr["inputs"]["markets"]}
    assert {"EU-27", "USA", "JPN", "CHN", "ROW"} <= markets
    bands = ndpr["summary_bands"]
    revenue = bands["importer_revenue_total"]
    assert revenue["p5"] <= revenue["p50"] <= revenue["p95"]
    assert revenue["p5"] < revenue["p95"]
    china = next(c for c in ndpr["countries"] if c["country"] == "CHN")
    assert china["terms_of_trade_exports"] < 0  # China is paid less for its exports
    basis = ndpr["summary"]["data_basis"]
    assert "HS 284690" in basis
    assert "CEPII BACI" in basis
    assert "USGS" in basis
    assert "Hauk" in basis
    ranges = ndpr["inputs"]["elasticity_ranges"]
    assert ranges["import_demand_elasticity"]["low"] < 0


def test_one_answer_reproduced_from_the_csv_rows(anon, seeded_db):
    """Every origin a price taker (ε = ∞): each member market is then a CES demand
    system on its own, which this test solves by hand from the stored rows. A floor F
    on non-member routes: p̂ = F/P there, 1 elsewhere; P̂ = (Σ w·p̂^(1−σ))^(1/(1−σ));
    q1 = q0·p̂^(−σ)·P̂^(σ+η); levy = (F − P)·q1."""
    price = 55.0  # the stored NdPr oxide price of 2024, USD/kg
    floor = 66.0
    eta, sigma = -0.9, 2.5
    rows = stored_flows("284690", 2024)
    levy_expected = 0.0
    for market in MEMBERS:
        into = [
            r
            for r in rows
            if member_of(r["importer"]) == market and member_of(r["exporter"]) != market
        ]
        value = np.array([float(r["value"]) * 1000.0 for r in into])
        outside = np.array([member_of(r["exporter"]) is None for r in into])
        # the market's home sales add spending at the base price, no floor on them
        home = _home_value(market, rows)
        shares = np.append(value, home) / (value.sum() + home)
        ratio = np.append(np.where(outside, floor / price, 1.0), 1.0)
        index = (shares * ratio ** (1 - sigma)).sum() ** (1 / (1 - sigma))
        q0 = value / (price * 1000.0)
        q1 = q0 * ratio[:-1] ** (-sigma) * index ** (sigma + eta)
        levy_expected += float(((floor - price) * 1000.0 * q1)[outside].sum())
    data = coordinated("ndpr-oxide", floor=floor, uncertainty=None)
    response = anon.post(URL, data, format="json")
    assert response.status_code == 200, response.content
    used = response.json()["inputs"]
    # the same request with price takers and the test's elasticities
    for m in used["markets"]:
        m["import_demand_elasticity"], m["substitution_elasticity"] = eta, sigma
    for o in used["origins"]:
        o["supply_elasticity"] = None
    typed = {
        k: used[k]
        for k in ("price_unit", "quantity_unit", "markets", "origins", "flows")
    }
    typed["measures"] = used["measures"]
    again = anon.post(URL, typed, format="json")
    assert again.status_code == 200, again.content
    got = again.json()["summary"]["importer_revenue_total"]
    assert got == pytest.approx(levy_expected, rel=1e-9)


def _home_value(market: str, rows: list[dict[str, str]]) -> float:
    """USA's home sales: production (USGS REO t × the stored NdPr factor) less its
    price-equivalent exports, at the stored price; none for the EU-27 and Japan."""
    from instruments import selectors

    production = selectors.get_production_by_country("ndpr-oxide", 2024)
    assert production is not None
    made = sum(
        q for iso, q in production.quantities.items() if member_of(iso) == market
    )
    exported = sum(
        float(r["value"]) * 1000.0 / (55.0 * 1000.0)
        for r in rows
        if member_of(r["exporter"]) == market and member_of(r["importer"]) != market
    )
    return max(made - exported, 0.0) * 55.0 * 1000.0


def test_the_same_question_by_url(anon, seeded_db):
    query = encode_query(
        REGISTRY["plurilateral"],
        coordinated(
            "lithium-carbonate", floor_above_price=0.2, uncertainty={"draws": 10}
        ),
    )
    response = anon.get(f"{URL}?{query}&format=csv")
    assert response.status_code == 200, response.content
    text = response.content.decode()
    assert "value_before" in text.splitlines()[0]


@pytest.mark.parametrize("commodity", ["lithium-carbonate", "cobalt"])
def test_other_commodities_on_their_stored_data(anon, seeded_db, commodity):
    response = anon.post(
        URL,
        coordinated(commodity, floor_above_price=0.2, uncertainty={"draws": 20}),
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["summary"]["imports_from_non_members_value_before"] > 0
    assert body["summary"]["importer_revenue_total"] > 0
    assert "summary_bands" in body


def test_members_are_required_for_a_floor(anon, seeded_db):
    response = anon.post(
        URL, {"commodity": "ndpr-oxide", "year": 2024, "floor": 66}, format="json"
    )
    assert response.status_code == 400
    assert "members" in response.json()


def test_the_price_floor_page_gives_the_same_answer_for_an_eu_only_floor(seeded_db):
    """One model, one answer: the price floor's exact response on stored flows runs
    the same baseline as the plurilateral calculator for the same EU-only floor."""
    from instruments.services.calculation import run_calculation

    floor = run_calculation(
        slug="price-floor",
        data={
            "commodity": "ndpr-oxide",
            "year": 2024,
            "importer": "eu-27",
            "reference_price": 66,
            "cif_fob_factor": 1.0,  # the plurilateral model prices at the stored FOB
            "price_unit": "USD/kg",
            "quantity_unit": "t",
            "flows": [{"origin": "CHN", "quantity": 1}],
            "trade_response": {"import_demand_elasticity": -1.0, "method": "exact"},
        },
    )
    model = run_calculation(
        slug="plurilateral",
        data={
            "commodity": "ndpr-oxide",
            "year": 2024,
            "members": ["eu-27"],
            "floor": 66,
            "uncertainty": None,
        },
    )
    levy = model.result.summary["importer_revenue_total"]
    assert floor.result.summary["revenue_total_after"] == pytest.approx(levy, rel=1e-6)
    rows = floor.result.rows.set_index("origin")
    china_floor = float(
        rows.loc["CHN", "import_price_after"] / rows.loc["CHN", "import_price"]
    )
    origins = model.result.extras["origins"].set_index("origin")
    china_model = float(origins.loc["CHN", "price_change"]) + 1.0
    assert china_floor == pytest.approx(china_model, rel=1e-9)
    assert china_model < 1.0  # China's price falls
    assert "HS 284690" in floor.result.summary["data_basis"]
