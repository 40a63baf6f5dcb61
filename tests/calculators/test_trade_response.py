"""Trade response: the exact market model by default, SMART and GSIM on request."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instruments.calculators import market, trade_response
from instruments.calculators.base import InputError

RUN = trade_response.CALCULATOR.run


def _one(**extra):
    flow = {"origin": "X", "imports": 1000, "tariff_before": 0, "tariff_after": 0.2}
    flow.update(extra.pop("flow", {}))
    return RUN({"import_demand_elasticity": -1.5, "flows": [flow], **extra})


# --- SMART (INSTRUMENTS.md §8) ------------------------------------------------------


def test_smart_worked_example_infinite_supply():
    """M 1000, η −1.5, 0 → 20 %: TC −300, revenue after 140, deadweight loss 30."""
    result = _one(method="smart")
    row = result.rows.iloc[0]
    assert row["trade_creation"] == pytest.approx(-300)
    assert row["tariff_revenue_after"] == pytest.approx(140)
    assert row["welfare_change"] == pytest.approx(-30)
    assert row["world_price_change"] == 0
    assert result.summary["clipped_flows"] == 0


def test_smart_worked_example_finite_supply_keeps_the_price_effect():
    """With ε = 3: TC −200, world price −6.67 %, and the price reaches revenue and
    welfare: revenue 0.2 × (1 − 1/15) × 800 = 149.33; consumers pay 1.12, so their
    trapezoid is −0.12 × 900 = −108 and the importer gains 41.33 (terms of trade)."""
    result = _one(method="smart", export_supply_elasticity=3)
    row = result.rows.iloc[0]
    assert row["trade_creation"] == pytest.approx(-200)
    assert round(row["world_price_change"] * 100, 2) == -6.67
    assert row["tariff_revenue_after"] == pytest.approx(0.2 * (14 / 15) * 800)
    assert row["consumer_price_change"] == pytest.approx(0.12)
    assert row["welfare_change"] == pytest.approx(-108 + 0.2 * (14 / 15) * 800)
    assert row["import_value_after"] == pytest.approx(800 * 14 / 15)


def test_supply_elasticity_of_99_is_infinite():
    for method in ("smart", "exact"):
        row = _one(method=method, export_supply_elasticity=99).rows.iloc[0]
        assert row["world_price_change"] == 0


def test_smart_welfare_from_a_positive_tariff_is_the_trapezoid():
    """10 % → 30 %, M 1000, η −1.5: TC = 1000·(−1.5)·0.2/1.1 = −272.73. Consumers
    lose 0.2·(1000 + 727.27)/2 = 172.73, revenue goes 100 → 0.3·727.27 = 218.18, so
    welfare = −172.73 + 118.18 = −54.55 = ½·(0.1 + 0.3)·TC (not −½·0.2·272.73)."""
    result = _one(method="smart", flow={"tariff_before": 0.1, "tariff_after": 0.3})
    row = result.rows.iloc[0]
    tc = 1000 * -1.5 * 0.2 / 1.1
    assert row["trade_creation"] == pytest.approx(tc)
    assert row["welfare_change"] == pytest.approx(-54.545454, rel=1e-6)
    assert row["welfare_change"] == pytest.approx(0.5 * (0.1 + 0.3) * tc)


def test_smart_two_block_diversion():
    result = RUN({**trade_response.CALCULATOR.example, "method": "smart"})
    rows = result.rows.set_index("origin")
    delta = (1 / 1.1) - 1
    e = -3.0 * delta
    expected = 200 * 800 * e / (1000 + 200 * e)
    assert rows.loc["AUS", "trade_diversion"] == pytest.approx(expected)
    assert rows.loc["ROW", "trade_diversion"] == pytest.approx(-expected)
    assert result.summary["relative_price_change"] == pytest.approx(delta)


def test_smart_diversion_is_shared_within_a_block_by_imports():
    result = RUN(
        {
            "method": "smart",
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


def test_smart_is_clipped_at_zero_and_says_so():
    """0 → 100 %, η −1.5: SMART's −1,500 is clipped to −1,000 (all imports)."""
    result = _one(method="smart", flow={"tariff_after": 1.0})
    row = result.rows.iloc[0]
    assert row["imports_after"] == 0
    assert row["trade_creation"] == pytest.approx(-1000)
    assert row["clipped"]
    assert result.summary["clipped_flows"] == 1
    assert "below zero" in result.summary["note"]


# --- exact (the default) -------------------------------------------------------------


def test_the_default_method_is_exact():
    result = _one(flow={"tariff_after": 1.0})
    assert result.summary["method"] == "exact"
    row = result.rows.iloc[0]
    assert row["trade_creation"] == pytest.approx(1000 * (2**-1.5 - 1))  # −646.45
    assert row["imports_after"] == pytest.approx(1000 * 2**-1.5)
    assert not row["clipped"]


def test_exact_worked_example_is_constant_elasticity():
    """0 → 20 %: imports 1000·1.2^−1.5 = 760.73; revenue 0.2 of that; consumers lose
    ∫ q dp = 1000·(1.2^−0.5 − 1)/(−0.5) = 174.27; welfare −174.27 + 152.15 = −22.11."""
    row = _one().rows.iloc[0]
    q1 = 1000 * 1.2**-1.5
    assert row["imports_after"] == pytest.approx(q1)
    assert row["tariff_revenue_after"] == pytest.approx(0.2 * q1)
    consumers = 1000 * (1.2**-0.5 - 1) / 0.5
    assert row["welfare_change"] == pytest.approx(consumers + 0.2 * q1)


@pytest.mark.parametrize("eps", [None, 3.0])
def test_a_tiny_tariff_is_smart_to_first_order(eps):
    h = 1e-5
    flows = [
        {"origin": o, "imports": m, "tariff_before": 0.1, "tariff_after": 0.1 + h}
        for o, m in (("A", 300), ("B", 700))
    ]
    request = {
        "import_demand_elasticity": -1.5,
        "export_supply_elasticity": eps,
        "flows": flows,
    }
    exact, smart = RUN(request), RUN({**request, "method": "smart"})
    for key in ("trade_creation", "imports_after", "world_price_change"):
        e, s = exact.rows[key].to_numpy(), smart.rows[key].to_numpy()
        np.testing.assert_allclose(e, s, rtol=1e-4, atol=1e-9)
    change_e = exact.rows["imports_after"] - exact.rows["imports"]
    change_s = smart.rows["imports_after"] - smart.rows["imports"]
    np.testing.assert_allclose(change_e / h, change_s / h, rtol=1e-4)
    np.testing.assert_allclose(
        exact.summary["welfare_change_total"] / h,
        smart.summary["welfare_change_total"] / h,
        rtol=1e-3,
        atol=1e-6,
    )


def test_exact_welfare_adds_up_to_the_market_model():
    request = {
        **trade_response.CALCULATOR.example,
        "export_supply_elasticity": 2.0,
    }
    result = RUN(request)
    flows = request["flows"]
    solution = market.solve_single_market(
        [f["imports"] for f in flows],
        1.0,
        [f["member"] for f in flows],
        import_demand_elasticity=-1.5,
        substitution_elasticity=3.0,
        supply_elasticity=2.0,
        tariff_before=[f["tariff_before"] for f in flows],
        tariff_after=[f["tariff_after"] for f in flows],
    )
    assert result.summary["consumer_surplus_change"] == pytest.approx(
        solution.summary["consumer_surplus_change"], rel=1e-10
    )
    importer = solution.countries.set_index("country").loc["IMPORTER"]
    assert result.summary["welfare_change_total"] == pytest.approx(
        importer["net_welfare_change"], rel=1e-10
    )
    assert result.summary["trade_diversion_to_members"] > 0
    rows = result.rows.set_index("origin")
    assert rows.loc["ROW", "trade_diversion"] < 0


def test_a_rest_of_world_softens_the_world_price_fall():
    alone = _one(export_supply_elasticity=1.0).rows.iloc[0]
    shared = _one(export_supply_elasticity=1.0, rest_of_world_share=0.8).rows.iloc[0]
    assert alone["world_price_change"] < shared["world_price_change"] < 0
    assert shared["imports_after"] < alone["imports_after"]


def test_smart_has_no_rest_of_world():
    with pytest.raises(InputError) as info:
        _one(method="smart", rest_of_world_share=0.5)
    assert "rest_of_world_share" in info.value.errors


def test_gsim_is_linear_and_clipped():
    row = _one(method="gsim").rows.iloc[0]
    assert row["trade_creation"] == pytest.approx(-300)
    big = _one(method="gsim", flow={"tariff_after": 1.0})
    assert big.rows["imports_after"].iloc[0] == 0
    assert big.summary["clipped_flows"] == 1


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


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(["exact", "smart", "gsim"]),
    eta=st.floats(-8.0, -0.1),
    sigma=st.floats(0.2, 10.0),
    eps=st.one_of(st.none(), st.floats(0.2, 20.0)),
    t0=st.lists(st.floats(0.0, 2.0), min_size=3, max_size=3),
    t1=st.lists(st.floats(0.0, 3.0), min_size=3, max_size=3),
    imports=st.lists(st.floats(0.0, 1e4), min_size=3, max_size=3),
)
def test_imports_never_go_below_zero(method, eta, sigma, eps, t0, t1, imports):
    result = RUN(
        {
            "method": method,
            "import_demand_elasticity": eta,
            "substitution_elasticity": sigma,
            "export_supply_elasticity": eps,
            "flows": [
                {
                    "origin": f"O{i}",
                    "member": i == 0,
                    "imports": m,
                    "tariff_before": a,
                    "tariff_after": b,
                }
                for i, (m, a, b) in enumerate(zip(imports, t0, t1, strict=True))
            ],
        }
    )
    rows = result.rows
    assert (rows["imports_after"] >= 0).all()
    assert (rows["tariff_revenue_after"] >= -1e-12).all()
    change = rows["imports_after"] - rows["imports"]
    np.testing.assert_allclose(
        rows["trade_creation"] + rows["trade_diversion"], change, atol=1e-6
    )
    assert not math.isnan(result.summary["welfare_change_total"])
