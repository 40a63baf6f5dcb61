"""The plurilateral calculator on the market engine: the NdPr example answers the
"done when" question; undertakings, stacking, the value chain and errors."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest

from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError

CALCULATOR = REGISTRY["plurilateral"]


def example(**changes):
    data = copy.deepcopy(dict(CALCULATOR.example))
    data.update(changes)
    return data


def errors_of(data):
    with pytest.raises(InputError) as caught:
        CALCULATOR.run(data)
    return caught.value.errors


@pytest.fixture(scope="module")
def result():
    return CALCULATOR.run(CALCULATOR.example)


def test_the_example_runs_and_quantities_stay_non_negative(result):
    rows = result.rows
    assert tuple(rows.columns) == CALCULATOR.columns
    assert (rows["quantity_after"] >= 0).all()
    assert result.summary["max_residual"] <= 1e-9
    assert result.summary["currency"] == "USD"


def test_a_coordinated_floor_diverts_china_to_partners_and_the_rest_of_the_world(
    result,
):
    rows = result.rows.set_index(["origin", "market"])
    members = ["EU", "USA", "JPN"]
    china_before = sum(rows.loc[("CHN", m), "quantity_before"] for m in members)
    china_after = sum(rows.loc[("CHN", m), "quantity_after"] for m in members)
    assert china_after < china_before  # imports from China into members fall
    assert result.summary["trade_diverted_to_members"] > 0  # partners sell more
    # ... partners are exporters; the members' own producers are counted apart.
    partners = sum(
        rows.loc[("AUS", m), "quantity_after"] - rows.loc[("AUS", m), "quantity_before"]
        for m in members
    )
    assert result.summary["trade_diverted_to_members"] == pytest.approx(partners)
    own = sum(rows.loc[(f"{m}-producers", m), "quantity_change"] for m in ("USA", "EU"))
    assert own > 0
    assert result.summary["own_producers_sales_change"] == pytest.approx(own)
    assert result.summary["trade_diverted_to_rest_of_world"] > 0
    assert rows.loc[("CHN", "ROW"), "quantity_after"] > 55000  # pushed to ROW
    assert result.summary["imports_from_non_members_change"] < 0
    # China's border price falls (its supply is not infinitely elastic) ...
    assert rows.loc[("CHN", "ROW"), "border_price_after"] < 55
    origins = result.extras["origins"].set_index("origin")
    assert origins.loc["CHN", "price_change"] < 0
    assert origins.loc["AUS", "price_change"] > 0  # ... and the partner's rises
    assert result.summary["non_member_price_change"] < 0
    # Members' consumers pay the floor on non-member imports.
    assert rows.loc[("CHN", "EU"), "consumer_price_after"] == pytest.approx(110)
    # The levy is money: (110 − b) × q in USD, tonnes priced per kg.
    levy = (110 - rows.loc[("CHN", "EU"), "border_price_after"]) * rows.loc[
        ("CHN", "EU"), "quantity_after"
    ]
    assert rows.loc[("CHN", "EU"), "importer_revenue"] == pytest.approx(levy * 1000)


def test_welfare_is_reported_country_by_country(result):
    countries = result.extras["countries"].set_index("country")
    assert set(countries.index) == {"EU", "USA", "JPN", "ROW", "CHN", "AUS", "OTH"}
    assert bool(countries.loc["EU", "member"])
    assert not countries.loc["CHN", "member"]
    assert countries.loc["CHN", "net_welfare_change"] < 0  # the exporter loses
    assert countries.loc["AUS", "net_welfare_change"] > 0  # the partner gains
    assert countries.loc["ROW", "consumer_surplus_change"] > 0  # cheaper Chinese supply
    parts = (
        countries[
            [
                "consumer_surplus_change",
                "producer_surplus_change",
                "revenue_change",
                "rent_change",
            ]
        ].sum(axis=1)
        - countries["subsidy_cost"]
    )
    assert parts.to_numpy() == pytest.approx(countries["net_welfare_change"].to_numpy())
    members = countries[countries["member"]]["net_welfare_change"].sum()
    assert result.summary["net_welfare_members"] == pytest.approx(members)
    assert result.summary["net_welfare_change"] == pytest.approx(
        countries["net_welfare_change"].sum()
    )
    assert result.summary["net_welfare_change"] < 0  # a measure from free trade


def test_an_undertaking_rent_goes_to_the_exporter_not_the_importer():
    data = example(
        measures=[
            {
                "kind": "undertaking",
                "level": 80,
                "markets": "members",
                "origins": ["CHN"],
            }
        ]
    )
    result = CALCULATOR.run(data)
    rows = result.rows
    china = rows[rows["origin"] == "CHN"].set_index("market")
    assert china.loc["EU", "border_price_after"] == pytest.approx(80)
    assert rows["importer_revenue"].sum() == 0
    assert result.summary["importer_revenue_total"] == 0
    assert result.summary["rent_change"] > 0
    rent = (80 - china.loc["ROW", "border_price_after"]) * china.loc[
        "EU", "quantity_after"
    ]
    assert china.loc["EU", "exporter_rent"] == pytest.approx(rent * 1000)
    countries = result.extras["countries"].set_index("country")
    assert countries.loc["CHN", "rent_change"] == pytest.approx(
        result.summary["exporter_rent_total"]
    )
    assert countries.loc["EU", "revenue_change"] == 0


def test_a_floor_stacked_with_a_price_gap_subsidy_costs_the_treasury_less():
    subsidy = {
        "kind": "price_gap_subsidy",
        "strike": 110,
        "markets": ["USA"],
        "origins": ["USA-producers"],
    }
    floor = {
        "kind": "floor",
        "level": 110,
        "markets": ["USA"],
        "origins": "non_members",
    }
    alone = CALCULATOR.run(example(measures=[subsidy])).summary
    stacked = CALCULATOR.run(example(measures=[floor, subsidy])).summary
    assert 0 < stacked["subsidy_cost"] < alone["subsidy_cost"]
    assert stacked["importer_revenue_total"] > 0


def test_value_chain_cost_is_content_times_the_members_price_index_change(result):
    """The downstream cost uses the model's own CES index P̂ of the member markets
    (spending-weighted), at the members' mean base price: substitution between origins
    included, unlike a base-quantity (Laspeyres) average of consumer prices."""
    rows = result.rows
    members = rows[rows["member_market"]]
    change = (
        (members["consumer_price_after"] - members["consumer_price_before"])
        * members["quantity_before"]
    ).sum() / members["quantity_before"].sum()
    assert result.summary["member_consumer_price_change"] == pytest.approx(change)
    spend = members["consumer_price_before"] * members["quantity_before"]
    by_market = members.assign(spend=spend, q=members["quantity_before"])
    mean_price = spend.sum() / members["quantity_before"].sum()
    # P̂ per member market from the CES formula, σ = 3 (the example's)
    sigma = 3.0
    index = {}
    for code, m in by_market.groupby("market"):
        w = m["spend"] / m["spend"].sum()
        ratio = m["consumer_price_after"] / m["consumer_price_before"]
        index[code] = float((w * ratio ** (1 - sigma)).sum() ** (1 / (1 - sigma)))
    weights = by_market.groupby("market")["spend"].sum()
    index_change = sum(weights[c] * (index[c] - 1) for c in index) / weights.sum()
    assert result.summary["member_price_index_change"] == pytest.approx(index_change)
    assert index_change < change  # buyers switch to members: P̂ rises less
    goods = result.extras["downstream"].set_index("good")
    # 0.0006 t of NdPr oxide per motor, price change in USD/kg: × 1,000 kg/t.
    assert goods.loc["EV traction motor", "cost_change_per_unit"] == pytest.approx(
        0.0006 * 1000 * mean_price * index_change
    )
    assert goods.loc["Direct-drive wind turbine", "unit"] == "MW"
    # ... and in the summary, in words, for the API's summary and the CSV.
    motor = goods.loc["EV traction motor", "cost_change_per_unit"]
    assert (
        f"EV traction motor: {motor:+,.2f} USD per motor"
        in (result.summary["downstream_cost_changes"])
    )


def test_no_measures_give_the_base_exactly():
    result = CALCULATOR.run(example(measures=[]))
    rows = result.rows
    assert rows["quantity_after"].to_numpy() == pytest.approx(
        rows["quantity_before"].to_numpy()
    )
    assert result.summary["world_price_change"] == pytest.approx(0, abs=1e-12)
    assert result.summary["net_welfare_change"] == pytest.approx(0, abs=1e-3)


def test_gsim_takes_tariffs_and_refuses_a_floor():
    tariff = [{"kind": "ad_valorem", "rate": 0.01, "markets": "members"}]
    exact = CALCULATOR.run(example(measures=tariff)).summary
    linear = CALCULATOR.run(example(measures=tariff, method="gsim")).summary
    assert linear["method"] == "gsim"
    assert linear["world_price_change"] == pytest.approx(
        exact["world_price_change"], rel=0.05
    )
    assert "method" in errors_of(example(method="gsim"))


def test_selectors_take_a_word_a_comma_separated_text_or_a_list():
    floor = {"kind": "floor", "level": 110, "origins": "CHN, OTH"}
    as_text = CALCULATOR.run(example(measures=[{**floor, "markets": "EU,USA,JPN"}]))
    as_list = CALCULATOR.run(
        example(measures=[{**floor, "markets": ["EU", "USA", "JPN"]}])
    )
    as_word = CALCULATOR.run(example())
    for other in (as_list, as_word):
        assert as_text.rows["quantity_after"].to_numpy() == pytest.approx(
            other.rows["quantity_after"].to_numpy()
        )


def test_unknown_codes_and_bad_measures_are_errors_at_their_fields():
    data = example()
    data["flows"][3]["market"] = "MARS"
    data["flows"][4]["origin"] = "ATLANTIS"
    data["origins"][3]["domestic_market"] = "NOWHERE"
    data["measures"] = [
        {"kind": "floor", "markets": "members"},
        {"kind": "ad_valorem", "rate": 0.1, "markets": ["EU", "XX"]},
        {"rate": 0.1},
    ]
    errors = errors_of(data)
    assert "market" in errors["flows"][3]
    assert "origin" in errors["flows"][4]
    assert "kind" in errors["measures"][2]
    again = errors_of({**data, "measures": data["measures"][:2]})
    assert "level" in again["measures"][0]
    assert "XX" in again["measures"][1]["markets"][0]
    assert "domestic_market" in again["origins"][3]
    assert "market" in again["flows"][3]


def test_declared_bounds_and_limits():
    data = example()
    data["markets"][0]["import_demand_elasticity"] = 0.5
    data["origins"][0]["price"] = 0
    errors = errors_of(data)
    assert "import_demand_elasticity" in errors["markets"][0]
    assert "price" in errors["origins"][0]
    data = example()
    data["markets"][0]["import_demand_elasticity"] = 0
    assert "import_demand_elasticity" in errors_of(data)["markets"][0]
    many = [{"origin": "CHN", "market": "EU", "quantity": 1}] * 601
    assert "flows" in errors_of(example(flows=many))


def test_money_follows_the_price_unit():
    in_kg = CALCULATOR.run(example())
    data = example(price_unit="USD/t")
    for origin in data["origins"]:
        origin["price"] *= 1000
    data["measures"][0]["level"] = 110_000
    in_t = CALCULATOR.run(data)
    assert in_t.summary["importer_revenue_total"] == pytest.approx(
        in_kg.summary["importer_revenue_total"]
    )
    assert in_t.summary["world_price_change"] == pytest.approx(
        in_kg.summary["world_price_change"]
    )
    assert "quantity_unit" in errors_of(example(quantity_unit="MWh"))


def test_every_summary_value_is_finite_or_nan(result):
    for key, value in result.summary.items():
        if isinstance(value, float):
            assert math.isfinite(value) or math.isnan(value), key
    assert np.isfinite(result.extras["countries"].select_dtypes("number")).all().all()


def _hostile(name):
    """The example pushed to the edges an official might type."""
    data = example()
    if name.startswith("floor "):
        data["measures"][0]["level"] = float(name.split()[1])
    elif name.startswith("eta "):
        for m in data["markets"]:
            m["import_demand_elasticity"] = float(name.split()[1])
    elif name.startswith("sigma "):
        for m in data["markets"]:
            m["substitution_elasticity"] = float(name.split()[1])
    elif name.startswith("eps "):
        value = name.split()[1]
        for o in data["origins"]:
            o["supply_elasticity"] = None if value == "none" else float(value)
    elif name == "zero flows":
        for f in data["flows"]:
            f["quantity"] = 0
    elif name == "china alone":
        for f in data["flows"]:
            f["quantity"] = f["quantity"] if f["origin"] == "CHN" else 0
    elif name == "specific 1e9":
        data["measures"] = [
            {"kind": "specific", "level": 1e9, "markets": "members", "origins": "all"}
        ]
    elif name == "undertaking 1e6":
        data["measures"].append(
            {"kind": "undertaking", "level": 1e6, "markets": "members"}
        )
    elif name == "strike 1e6":
        data["measures"].append(
            {"kind": "price_gap_subsidy", "strike": 1e6, "origins": ["USA-producers"]}
        )
    return data


@pytest.mark.parametrize(
    "name",
    [
        "floor 1e-6",
        "floor 1e4",
        "floor 1e15",
        "eta -1e-6",
        "eta -19.99",
        "sigma 1e-6",
        "sigma 1",
        "sigma 49.9",
        "eps 0",
        "eps 49.9",
        "eps none",
        "zero flows",
        "china alone",
        "specific 1e9",
        "undertaking 1e6",
        "strike 1e6",
    ],
)
def test_hostile_inputs_never_give_a_negative_or_unfinished_quantity(name):
    result = CALCULATOR.run(_hostile(name))
    quantities = result.rows[["quantity_before", "quantity_after"]].to_numpy(float)
    assert np.isfinite(quantities).all()
    assert (quantities >= 0).all()
    assert result.summary["max_residual"] <= 1e-9
    supply = result.extras["origins"][["supply_after"]].to_numpy(float)
    assert (supply >= 0).all()


def test_no_equilibrium_is_an_error_not_an_answer():
    """Every origin with fixed supply and every route at an enormous floor: demand
    can never meet the fixed supply, and the solver says so."""
    data = example()
    for o in data["origins"]:
        o["supply_elasticity"] = 0
    data["measures"] = [{"kind": "floor", "level": 1e9}]
    errors = errors_of(data)
    assert "did not converge" in str(errors)


def test_uncertainty_draws_cleared_as_one_batch_match_one_at_a_time():
    """The batched equilibria and figures equal each draw solved on its own."""
    from instruments.calculators import plurilateral_bands
    from instruments.calculators.base import parse
    from instruments.calculators.plurilateral import (
        PlurilateralInputs,
        _member_countries,
        build_market_problem,
        headline_figures,
    )

    data = example()
    data["origins"] = [o for o in data["origins"] if not o.get("domestic_market")]
    codes = {o["code"] for o in data["origins"]}
    data["flows"] = [f for f in data["flows"] if f["origin"] in codes]
    data["measures"] = [m for m in data["measures"] if m["kind"] != "price_gap_subsidy"]
    data["elasticity_ranges"] = {
        "import_demand_elasticity": {"value": -0.8, "low": -1.6, "high": -0.3},
        "substitution_elasticity": {"value": 3, "low": 1, "high": 6},
        "supply_elasticity": {"value": 2, "low": 0.2, "high": 3},
    }
    data["uncertainty"] = {"draws": 40, "seed": 7}
    inputs = parse(PlurilateralInputs, data)
    problem = build_market_problem(inputs)
    assert plurilateral_bands.batchable(problem)
    money = 1000.0

    def run(members: set[str] | None) -> object:
        return plurilateral_bands.summary_bands(
            problem,
            method="exact",
            ranges=inputs.elasticity_ranges,
            uncertainty=inputs.uncertainty,
            headline=lambda p, s: headline_figures(p, s, money),
            money=money,
            members=members,
        )

    batched, failed = run(_member_countries(problem))
    alone, failed_alone = run(None)
    assert failed == failed_alone == 0
    pd.testing.assert_frame_equal(batched, alone, rtol=1e-7, atol=1e-6)
