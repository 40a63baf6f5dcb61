"""SMART trade creation and diversion."""

import numpy as np
import pytest

from instruments.calculators import trade_response
from instruments.calculators.base import InputError

RUN = trade_response.CALCULATOR.run


def _one(**extra):
    return RUN(
        {
            "import_demand_elasticity": -1.5,
            "flows": [
                {
                    "origin": "X",
                    "imports": 1000,
                    "tariff_before": 0,
                    "tariff_after": 0.2,
                }
            ],
            **extra,
        }
    )


def test_smart_worked_example_infinite_supply():
    """M 1000, η −1.5, 0 → 20 %: TC −300, revenue after 140, deadweight loss 30."""
    result = _one()
    row = result.rows.iloc[0]
    assert row["trade_creation"] == pytest.approx(-300)
    assert row["tariff_revenue_after"] == pytest.approx(140)
    assert row["welfare_change"] == pytest.approx(-30)
    assert row["world_price_change"] == 0


def test_smart_worked_example_finite_supply():
    """With ε = 3: TC −200, world price −6.67 %."""
    result = _one(export_supply_elasticity=3)
    row = result.rows.iloc[0]
    assert row["trade_creation"] == pytest.approx(-200)
    assert round(row["world_price_change"] * 100, 2) == -6.67


def test_supply_elasticity_of_99_is_infinite():
    assert _one(export_supply_elasticity=99).rows["trade_creation"].iloc[
        0
    ] == pytest.approx(-300)


def test_two_block_diversion():
    result = RUN(trade_response.CALCULATOR.example)
    rows = result.rows.set_index("origin")
    delta = (1 / 1.1) - 1
    e = -1.5 * delta
    expected = 200 * 800 * e / (1000 + 200 * e)
    assert rows.loc["AUS", "trade_diversion"] == pytest.approx(expected)
    assert rows.loc["ROW", "trade_diversion"] == pytest.approx(-expected)
    assert result.summary["relative_price_change"] == pytest.approx(delta)


def test_diversion_is_shared_within_a_block_by_imports():
    result = RUN(
        {
            "import_demand_elasticity": -1.0,
            "flows": [
                {"origin": "A", "member": True, "imports": 100, "tariff_before": 0.1},
                {"origin": "B", "member": True, "imports": 300, "tariff_before": 0.1},
                {
                    "origin": "C",
                    "imports": 600,
                    "tariff_before": 0.1,
                    "tariff_after": 0.1,
                },
            ],
        }
    )
    td = result.rows["trade_diversion"].to_numpy()
    assert td[1] == pytest.approx(3 * td[0])
    assert td.sum() == pytest.approx(0, abs=1e-9)


def test_no_flows_is_an_error():
    with pytest.raises(InputError) as info:
        RUN({"import_demand_elasticity": -1, "flows": []})
    assert "flows" in info.value.errors


def test_respond_works_on_periods_by_flows():
    out = trade_response.respond(
        np.array([[100.0, 100.0], [100.0, 100.0]]),
        0.0,
        np.array([[0.0, 0.1], [0.0, 0.2]]),
        np.array([True, False]),
        demand_elasticity=-1.0,
        supply_elasticity=None,
        substitution_elasticity=1.5,
    )
    assert out["imports_after"].shape == (2, 2)
    assert out["trade_diversion"][1, 0] > out["trade_diversion"][0, 0] > 0
