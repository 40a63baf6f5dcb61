"""The stockpile calculator (INSTRUMENTS.md §11): its closed forms by hand, the base
with no disruption, a larger stock never raising a peak price, coordination never
lowering the members' total benefit, and the scenario expectation against the closed
form of a two-point distribution."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instruments.calculators import get_calculator
from instruments.calculators.base import InputError

CALC = get_calculator("stockpile")
ETA = -0.5
P0 = 100.0
Q0 = 100.0  # a month


def one_market(**extra: Any) -> dict[str, Any]:
    """One market, one price-taking origin: the closed forms of §11."""
    return {
        "price_unit": "USD/t",
        "quantity_unit": "t",
        "markets": [
            {
                "code": "M",
                "import_demand_elasticity": ETA,
                "substitution_elasticity": 2.0,
                "member": True,
            }
        ],
        "origins": [{"code": "X", "price": P0, "supply_elasticity": None}],
        "flows": [{"origin": "X", "market": "M", "quantity": Q0 * 12}],
        "months": 6,
        **extra,
    }


def loss(index: float) -> float:
    """Consumers' loss a month: E0·(P̂^(1+η) − 1)/(1+η)."""
    return P0 * Q0 * (index ** (1 + ETA) - 1) / (1 + ETA)


def market_rows(result: Any, code: str = "M") -> Any:
    rows = result.rows
    return rows[(rows["market"] == code) & (rows["phase"] == "horizon")]


def test_no_disruption_and_no_build_up_is_the_base_every_month():
    result = CALC.run(one_market(stockpiles=[{"market": "M", "days": 60}]))
    rows = market_rows(result)
    assert np.allclose(rows["price_without"], P0)
    assert np.allclose(rows["price_with"], P0)
    assert np.allclose(rows["consumption_with"], Q0)
    assert (rows["release"] == 0).all()
    assert result.summary["peak_price_change_with"] == pytest.approx(0.0, abs=1e-12)
    assert result.summary["consumer_loss_avoided"] == pytest.approx(0.0, abs=1e-6)


def test_a_cut_gives_the_closed_form_price_and_consumption():
    cut = 0.5
    result = CALC.run(
        one_market(
            disruption={"origin": "X", "cut": cut, "markets": ["M"], "months": 6}
        )
    )
    rows = market_rows(result)
    expected = P0 * (1 - cut) ** (1 / ETA)  # 400
    assert rows["price_without"].to_numpy() == pytest.approx(
        np.full(6, expected), rel=1e-7
    )
    assert rows["consumption_without"].to_numpy() == pytest.approx(
        np.full(6, Q0 * (1 - cut)), rel=1e-7
    )
    assert result.summary["peak_price_change_without"] == pytest.approx(3.0, rel=1e-7)
    # The exporter keeps the scarcity rent: (b − π)·q at the cap, for six months.
    assert result.summary["scarcity_rent"] == pytest.approx(
        (expected - P0) * Q0 * (1 - cut) * 6, rel=1e-6
    )
    assert result.summary["export_tax_equivalent"] == pytest.approx(3.0, rel=1e-6)
    assert result.summary["consumer_loss_without"] == pytest.approx(
        6 * loss(expected / P0), rel=1e-7
    )


def test_a_release_its_duration_and_the_consumers_loss_avoided():
    cut, release, stock = 0.5, 20.0, 60.0
    result = CALC.run(
        one_market(
            disruption={"origin": "X", "cut": cut, "markets": ["M"], "months": 6},
            stockpiles=[
                {
                    "market": "M",
                    "stock": stock,
                    "trigger": 1.0,
                    "max_monthly_share": release / stock,
                }
            ],
        )
    )
    rows = market_rows(result)
    with_release = P0 * (1 - cut + release / Q0) ** (1 / ETA)
    without = P0 * (1 - cut) ** (1 / ETA)
    lasts = int(stock / release)  # S/R = 3 months
    assert rows["release"].to_numpy() == pytest.approx(
        [release] * lasts + [0.0] * (6 - lasts), abs=1e-6
    )
    assert rows["price_with"].to_numpy() == pytest.approx(
        [with_release] * lasts + [without] * (6 - lasts), rel=1e-7
    )
    assert rows["stock_left"].iloc[lasts - 1] == pytest.approx(0.0, abs=1e-6)
    avoided = lasts * (loss(without / P0) - loss(with_release / P0))
    assert result.summary["consumer_loss_avoided"] == pytest.approx(avoided, rel=1e-6)
    assert result.summary["months_short_with"] == 6
    members = result.extras["members"]
    assert members["days_of_consumption"].iloc[0] == pytest.approx(
        stock / (Q0 * 12) * 365
    )


def test_a_release_stops_at_the_trigger():
    result = CALC.run(
        one_market(
            disruption={"origin": "X", "cut": 0.5, "markets": ["M"], "months": 2},
            stockpiles=[{"market": "M", "stock": 1000, "trigger": 1.25}],
        )
    )
    rows = market_rows(result)
    assert rows["price_with"].iloc[0] == pytest.approx(125.0, rel=1e-7)
    # P̂ = 1.25 ⇒ R/Q0 = 1.25^η − (1 − s)
    assert rows["release"].iloc[0] == pytest.approx(Q0 * (1.25**ETA - 0.5), rel=1e-6)


def test_ninety_days_of_net_imports_is_ninety_365ths_of_a_years_net_imports():
    data = one_market(
        disruption={"origin": "X", "cut": 0.5, "markets": ["M"], "months": 2},
        stockpiles=[{"market": "M", "days_net_imports": 90}],
    )
    members = CALC.run(data).extras["members"]
    assert members["stock_initial"].iloc[0] == pytest.approx(90 / 365 * Q0 * 12)
    assert members["days_of_net_imports"].iloc[0] == pytest.approx(90)


def test_build_up_purchases_raise_prices_and_cost_more():
    data = one_market(
        disruption={"origin": "X", "cut": 0.5, "markets": ["M"], "months": 2},
        stockpiles=[{"market": "M", "stock": 120}],
        build_up={"months": 4},
    )
    # A price taker supplies any quantity at its price: purchases do not move it.
    flat = CALC.run(data)
    assert flat.summary["build_up_price_change"] == pytest.approx(0.0, abs=1e-9)
    data["origins"][0]["supply_elasticity"] = 0.5
    data["markets"].append(
        {"code": "ROW", "import_demand_elasticity": -0.5, "substitution_elasticity": 2}
    )
    data["flows"].append({"origin": "X", "market": "ROW", "quantity": 1200})
    result = CALC.run(data)
    assert result.summary["build_up_price_change"] > 0
    assert result.summary["building_cost"] > 120 * P0
    build = result.rows[result.rows["phase"] == "build-up"]
    assert sorted(build["month"].unique()) == [-3, -2, -1, 0]


def small(days: tuple[float, float], cut: float, months: int) -> dict[str, Any]:
    market = {"import_demand_elasticity": -0.6, "substitution_elasticity": 2.0}
    return {
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "markets": [
            {"code": "A", "member": True, **market},
            {"code": "B", "member": True, **market},
            {"code": "ROW", "member": False, **market},
        ],
        "origins": [
            {"code": "CHN", "price": 50, "supply_elasticity": 1.0},
            {"code": "AUS", "price": 50, "supply_elasticity": 0.5},
        ],
        "flows": [
            {"origin": "CHN", "market": "A", "quantity": 3000},
            {"origin": "CHN", "market": "B", "quantity": 1000},
            {"origin": "CHN", "market": "ROW", "quantity": 9000},
            {"origin": "AUS", "market": "A", "quantity": 200},
            {"origin": "AUS", "market": "B", "quantity": 800},
            {"origin": "AUS", "market": "ROW", "quantity": 1000},
        ],
        "months": months,
        "disruption": {"origin": "CHN", "cut": cut, "months": months},
        "stockpiles": [
            {"market": "A", "days": days[0]},
            {"market": "B", "days": days[1]},
        ],
    }


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    days=st.floats(0, 90),
    more=st.floats(1, 90),
    cut=st.floats(0.1, 0.8),
    months=st.integers(1, 5),
)
def test_a_larger_stock_never_raises_a_peak_price(days, more, cut, months):
    smaller = CALC.run(small((days, days), cut, months)).summary
    larger = CALC.run(small((days + more, days + more), cut, months)).summary
    assert larger["peak_price_change_with"] <= smaller["peak_price_change_with"] + 1e-7
    assert (
        smaller["peak_price_change_with"] <= smaller["peak_price_change_without"] + 1e-7
    )


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    a=st.floats(0, 60),
    b=st.floats(0, 60),
    cut=st.floats(0.1, 0.8),
    months=st.integers(1, 4),
)
def test_coordination_never_lowers_the_members_total_benefit(a, b, cut, months):
    summary = CALC.run(small((a, b), cut, months)).summary
    assert summary["coordination_gain"] >= -1e-6 * max(
        1.0, abs(summary["consumer_loss_avoided_separate"])
    )


def test_the_scenario_expectation_is_the_two_point_closed_form():
    """A disruption of a fixed length and depth with chance p a year, none
    otherwise: expected benefit = years × p × that disruption's benefit."""
    p, years = 0.2, 10
    single = small((30, 30), 0.5, 4)
    single["sizes"] = [30]
    scenario = copy.deepcopy(single)
    scenario["scenarios"] = {
        "draws": 50,
        "annual_probability": p,
        "months": [4, 4, 4],
        "cut": [0.5, 0.5],
        "years": years,
    }
    one = CALC.run(single)
    expected = CALC.run(scenario).extras["sizes"].iloc[0]
    assert expected["expected_consumer_loss_avoided"] == pytest.approx(
        years * p * one.summary["consumer_loss_avoided"], rel=1e-7
    )
    gain = one.summary["release_revenue"] - one.summary["release_total"] * 50 * 1000
    assert expected["expected_release_gain"] == pytest.approx(
        years * p * gain, rel=1e-6
    )
    assert expected["expected_net_benefit"] == pytest.approx(
        expected["expected_consumer_loss_avoided"]
        + expected["expected_release_gain"]
        - expected["expected_cost"]
    )


def test_scenarios_choose_a_best_size():
    data = small((30, 30), 0.5, 6)
    data["sizes"] = [0, 30, 60]
    data["scenarios"] = {
        "draws": 200,
        "annual_probability": 0.3,
        "months": [2, 4, 6],
        "cut": [0.3, 0.7],
        "years": 5,
        "seed": 3,
    }
    result = CALC.run(data)
    table = result.extras["sizes"]
    assert list(table["days"]) == [0, 30, 60]
    best = table["expected_net_benefit"].idxmax()
    assert result.summary["best_size"] == table["days"].iloc[best]
    assert result.summary["probability_of_disruption"] == pytest.approx(1 - 0.7**5)
    assert table["expected_consumer_loss_avoided"].iloc[0] == pytest.approx(0, abs=1e-6)
    assert table["expected_consumer_loss_avoided"].iloc[2] > 0


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"disruption": {"origin": "ZZZ", "cut": 0.5}}, ("disruption", "origin")),
        ({"stockpiles": [{"market": "Q", "days": 5}]}, ("stockpiles", 0, "market")),
        (
            {"stockpiles": [{"market": "A", "days": 5, "stock": 3}]},
            ("stockpiles", 0, "stock"),
        ),
        ({"disruption": {"origin": "CHN", "cut": 1.5}}, ("disruption", "cut")),
    ],
)
def test_bad_input_names_its_field(change, path):
    data = {**small((30, 30), 0.5, 3), **change}
    with pytest.raises(InputError) as exc:
        CALC.run(data)
    node: Any = exc.value.errors
    for key in path:
        node = node[key]
    assert node
