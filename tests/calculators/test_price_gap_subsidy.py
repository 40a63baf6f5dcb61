"""Price-gap subsidy: worked examples, settlement, indexation, budgets, simulation."""

import math
from typing import Literal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instruments.calculators import price_gap_subsidy
from instruments.calculators.base import InputError, Result, parse
from instruments.calculators.price_gap_subsidy_inputs import PriceGapSubsidyInputs

RUN = price_gap_subsidy.CALCULATOR.run
QUARTERS = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]

Design = Literal["one_sided", "two_sided", "double_auction"]


def test_floor_with_upside_worked_example():
    """Floor 110, prices 60/80/110/130, 250 t a quarter, 30 % upside → net $18.5 m."""
    result = RUN(
        {
            "periods": QUARTERS,
            "strike": 110,
            "market_price": [60, 80, 110, 130],
            "quantity": 250,
            "price_unit": "USD/kg",
            "quantity_unit": "t",
            "upside_share": 0.3,
        }
    )
    rows = result.rows
    np.testing.assert_allclose(rows["payment"], [12.5e6, 7.5e6, 0, 0])
    np.testing.assert_allclose(rows["upside"], [0, 0, 0, 1.5e6])
    assert result.summary["net_cost_total"] == pytest.approx(18.5e6)
    np.testing.assert_allclose(
        rows["cumulative_net_cost"], [12.5e6, 20e6, 20e6, 18.5e6]
    )


def test_uk_cfd_indexed_strike_worked_example():
    """58.87 (2012) × 139.5/100 = 82.12365; 60, 95, 82 £/MWh on 1,000 MWh."""
    result = RUN(
        {
            "periods": ["2026-01", "2026-02", "2026-03"],
            "design": "two_sided",
            "strike": 58.87,
            "indexation": {"index": 139.5, "base": 100},
            "market_price": [60, 95, 82],
            "quantity": 1000,
            "price_unit": "GBP/MWh",
            "quantity_unit": "MWh",
        }
    )
    assert result.rows["strike"].iloc[0] == pytest.approx(82.12365)
    np.testing.assert_allclose(
        result.rows["payment"], [22_123.65, -12_876.35, 123.65], atol=1e-6
    )
    assert result.summary["currency"] == "GBP"


@pytest.mark.parametrize(
    ("basis", "per_unit"), [("average_price", 10 / 3), ("average_gap", 10.0)]
)
def test_settlement_basis_worked_example(basis, per_unit):
    """Floor 110 on monthly 100, 90, 130 → 3.33 or 10.00 per unit."""
    result = RUN(
        {
            "periods": ["2026-01", "2026-02", "2026-03"],
            "strike": 110,
            "market_price": [100, 90, 130],
            "quantity": 1,
            "price_unit": "USD/t",
            "quantity_unit": "t",
            "settlement": {"every": "quarter", "basis": basis},
        }
    )
    assert list(result.rows["period"]) == ["2026Q1"]
    assert result.rows["payment"].iloc[0] / 3 == pytest.approx(per_unit)
    assert round(result.rows["payment"].iloc[0] / 3, 2) == round(per_unit, 2)


def test_escalation_upside_from_and_volume_cap():
    result = RUN(
        {
            "periods": ["2026", "2027", "2028"],
            "strike": 100,
            "indexation": {"escalation": 0.1},
            "market_price": [150, 150, 150],
            "quantity": [10, 10, 10],
            "volume_cap": 8,
            "price_unit": "USD/t",
            "quantity_unit": "t",
            "upside_share": 0.5,
            "upside_from": "2027",
        }
    )
    np.testing.assert_allclose(result.rows["strike"], [100, 110, 121])
    np.testing.assert_allclose(result.rows["upside"], [0, 0.5 * 40 * 8, 0.5 * 29 * 8])


def test_budget_pro_rata_and_carry_forward():
    base = {
        "periods": ["2026Q1", "2026Q2", "2027Q1", "2027Q2"],
        "strike": 100,
        "market_price": [50, 50, 90, 100],
        "quantity": 1,
        "price_unit": "USD/t",
        "quantity_unit": "t",
        "budget_cap": 60,
    }
    pro_rata = RUN(base)
    np.testing.assert_allclose(pro_rata.rows["payment"], [30, 30, 10, 0])
    assert pro_rata.summary["unpaid_total"] == pytest.approx(40)
    assert pro_rata.summary["budget_scale_factor"] == pytest.approx(70 / 110)
    assert pro_rata.summary["net_cost_total"] == pytest.approx(70)
    carry = RUN({**base, "budget_rule": "carry_forward"})
    # 2026 owes 100, pays 60, carries 40; 2027 owes 40 + 10, pays 50
    np.testing.assert_allclose(carry.rows["payment"], [50, 10, 50, 0])
    np.testing.assert_allclose(carry.rows["unpaid"], [0, 40, 0, 0])
    assert carry.summary["unpaid_total"] == pytest.approx(0)
    total = RUN(
        {
            **base,
            "budget_every": "total",
            "budget_cap": 80,
            "budget_rule": "carry_forward",
        }
    )
    np.testing.assert_allclose(total.rows["payment"], [50, 30, 0, 0])
    assert total.summary["unpaid_total"] == pytest.approx(30)


def test_npv_discounts_at_period_end():
    result = RUN(
        {
            "periods": ["2026", "2027"],
            "strike": 100,
            "market_price": 90,
            "quantity": 1,
            "price_unit": "USD/t",
            "quantity_unit": "t",
            "discount_rate": 0.1,
        }
    )
    assert result.summary["npv"] == pytest.approx(10 / 1.1 + 10 / 1.21)


def test_simulation_without_market_price_gives_fan_rows():
    result = RUN(
        {
            "strike": 110,
            "quantity": 100,
            "price_unit": "USD/kg",
            "quantity_unit": "t",
            "budget_cap": 2e6,
            "simulation": {
                "model": "schwartz",
                "start_price": 80,
                "mean_reversion": 1.0,
                "long_run_price": 90,
                "volatility": 0.3,
                "steps": 24,
                "step_years": 1 / 12,
                "paths": 2000,
                "seed": 3,
            },
        }
    )
    rows = result.rows
    assert len(rows) == 24
    assert rows["period"].iloc[0] == "step 1"
    assert (rows["price_p5"] <= rows["price_p50"]).all()
    assert (rows["price_p50"] <= rows["price_p95"]).all()
    assert result.summary["expected_cost"] == pytest.approx(
        result.summary["net_cost_total"], rel=1e-9
    )
    assert 0 <= result.summary["probability_budget_exhausted"] <= 1
    assert len(result.extras["net_cost_totals"]) == 2000
    assert set(result.extras["fan"].columns) >= {"period", "net_cost_p95"}


def test_parameters_estimated_from_history():
    history = list(100 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.1, 40))))
    result = RUN(
        {
            "periods": ["2026", "2027"],
            "strike": 110,
            "quantity": 1,
            "price_unit": "USD/t",
            "quantity_unit": "t",
            "simulation": {"paths": 500, "price_history": history},
        }
    )
    assert result.summary["simulation_start_price"] == pytest.approx(history[-1])
    assert 0.05 < result.summary["simulation_volatility"] < 0.2


def test_simulation_needs_parameters_or_history():
    with pytest.raises(InputError) as info:
        RUN(
            {
                "periods": ["2026"],
                "strike": 110,
                "quantity": 1,
                "simulation": {"model": "schwartz", "start_price": 80},
            }
        )
    assert "mean_reversion" in info.value.errors["simulation"]


def test_paths_times_steps_limit():
    with pytest.raises(InputError) as info:
        RUN(
            {
                "periods": [
                    f"{2000 + y}-{m:02d}" for y in range(50) for m in range(1, 13)
                ],
                "strike": 110,
                "quantity": 1,
                "simulation": {
                    "start_price": 80,
                    "drift": 0,
                    "volatility": 0.3,
                    "paths": 200_000,
                },
            }
        )
    assert "exceeds the limit" in info.value.errors["simulation"]["paths"][0]


def test_guarantee_value_is_the_put_strip():
    result = RUN(
        {
            "periods": ["2026"],
            "strike": 110,
            "market_price": 80,
            "quantity": 1000,
            "price_unit": "USD/kg",
            "quantity_unit": "t",
            "valuation": {"forward": 80, "volatility": 0.35, "rate": 0.0},
        }
    )
    # zero rate: the put on the forward equals the driftless expected top-up
    assert result.summary["guarantee_value"] / 1e6 == pytest.approx(33.21, abs=0.005)


@settings(max_examples=60, deadline=None)
@given(
    strike=st.floats(0.0, 500.0),
    prices=st.lists(st.floats(0.0, 500.0), min_size=1, max_size=8),
    quantity=st.floats(0.0, 1e4),
)
def test_payment_properties(strike, prices, quantity):
    periods = tuple(str(2000 + i) for i in range(len(prices)))

    def run(design: Design, q: float, k: float) -> Result:
        return price_gap_subsidy.compute(
            PriceGapSubsidyInputs(
                periods=periods,
                design=design,
                strike=k,
                market_price=tuple(prices),
                quantity=q,
                price_unit="USD/t",
                quantity_unit="t",
            )
        )

    one = run("one_sided", quantity, strike)
    assert (one.rows["payment"] >= 0).all()
    two = run("two_sided", quantity, strike).rows["payment"].to_numpy()
    # antisymmetric around the strike: reflect the prices about K
    mirrored = [2 * strike - p for p in prices]
    if min(mirrored) >= 0:
        reflected = price_gap_subsidy.compute(
            PriceGapSubsidyInputs(
                periods=periods,
                design="two_sided",
                strike=strike,
                market_price=tuple(mirrored),
                quantity=quantity,
                price_unit="USD/t",
                quantity_unit="t",
            )
        ).rows["payment"]
        np.testing.assert_allclose(reflected, -two, atol=1e-6)
    doubled = run("one_sided", 2 * quantity, strike).summary["net_cost_total"]
    assert doubled == pytest.approx(
        2 * one.summary["net_cost_total"], rel=1e-12, abs=1e-6
    )
    assert not math.isnan(one.summary["npv"])


def test_the_bad_year_is_the_p95_of_each_paths_worst_year_on_all_paths(monkeypatch):
    # a fan sample smaller than the run (500 of 4,000 paths), so that a figure read
    # from the sample would differ from one on all paths
    monkeypatch.setattr(price_gap_subsidy.sim, "FAN_SAMPLE", 500 * 12)
    monkeypatch.setattr(price_gap_subsidy.sim, "FAN_PATHS", 500)
    data = {
        "periods": [f"{y}Q{q}" for y in (2026, 2027, 2028) for q in (1, 2, 3, 4)],
        "design": "one_sided",
        "strike": 110,
        "quantity": 250,
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "simulation": {
            "model": "gbm",
            "start_price": 80,
            "drift": 0.0,
            "volatility": 0.35,
            "paths": 4000,
            "seed": 11,
        },
    }
    result = price_gap_subsidy.CALCULATOR.run(data)
    annual = result.extras["annual_net_cost"]
    assert list(annual["year"]) == ["2026", "2027", "2028"]
    assert "p95_bad_year" not in result.summary
    # recompute from the same paths: each path's worst calendar year, its P95
    inputs = parse(price_gap_subsidy.PriceGapSubsidyInputs, data)
    plan = price_gap_subsidy._plan(inputs)
    fit, start = price_gap_subsidy._model(inputs, plan)
    model = fit.model
    worst = []
    for prices in price_gap_subsidy.sim.iter_price_paths(
        model, start, plan.step_years, 4000, 11
    ):
        net = price_gap_subsidy.settle(plan, prices)["net_cost"]
        worst.append(np.add.reduceat(net, plan.year_starts, axis=-1).max(axis=-1))
    worst = np.concatenate(worst)
    expected = np.quantile(worst, 0.95)
    assert result.summary["p95_worst_year"] == pytest.approx(expected, rel=1e-12)
    assert abs(expected - np.quantile(worst[:500], 0.95)) > 1e-3 * expected
    # the worst year of each path is at least as bad as any one year's P95,
    # and below the 1-in-20 cost of all three years together
    assert result.summary["p95_worst_year"] >= annual["net_cost_p95"].max()
    assert result.summary["p95_worst_year"] < result.summary["p95"]
    assert (annual["net_cost_p95"] > annual["net_cost_mean"]).all()


def test_a_two_sided_contract_refuses_an_upside_share():
    """A CfD already pays back above the strike: an upside share would count it twice
    (strike 100, price 130: −30 per unit, not −39)."""
    base = {
        "periods": ["2026"],
        "strike": 100,
        "market_price": 130,
        "quantity": 1,
        "price_unit": "USD/t",
        "quantity_unit": "t",
    }
    for design in ("two_sided", "double_auction"):
        with pytest.raises(InputError) as info:
            RUN({**base, "design": design, "upside_share": 0.3})
        assert "upside_share" in info.value.errors
    result = RUN({**base, "design": "two_sided"})
    assert result.summary["net_cost_total"] == pytest.approx(-30.0)


@pytest.mark.parametrize(
    ("basis", "payment"), [("average_price", 0.0), ("average_gap", 10 * 10 + 10 * 20)]
)
def test_settlement_averages_are_volume_weighted(basis, payment):
    """Prices 100, 90, 130 on 10, 10, 100 units, strike 110: the volume-weighted
    average price is 124.17, so the gap on the average price pays nothing."""
    result = RUN(
        {
            "periods": ["2026-01", "2026-02", "2026-03"],
            "strike": 110,
            "market_price": [100, 90, 130],
            "quantity": [10, 10, 100],
            "price_unit": "USD/t",
            "quantity_unit": "t",
            "settlement": {"every": "quarter", "basis": basis},
        }
    )
    assert result.rows["market_price"].iloc[0] == pytest.approx(14900 / 120)
    assert result.summary["payments_total"] == pytest.approx(payment)


def test_every_path_paying_the_budget_cap_still_gives_a_histogram():
    """Totals equal but for rounding once every path hits the cap: no crash."""
    data = {
        **price_gap_subsidy.CALCULATOR.example,
        "market_price": None,
        "budget_cap": 1e6,
        "simulation": {
            "model": "schwartz",
            "price_history": [50, 55, 52, 60, 58, 61, 57, 63, 59, 62],
            "paths": 3000,
            "seed": 3,
        },
    }
    result = price_gap_subsidy.CALCULATOR.run(data)
    # 40 quarters from 2025Q4 touch 11 calendar years, each paying the cap
    assert result.summary["expected_cost"] == pytest.approx(11e6, rel=1e-3)
    assert result.extras["net_cost_histogram"]["count"].sum() == 3000
