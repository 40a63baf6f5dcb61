"""Border-adjusted price floor: worked examples, bases, re-fixing, properties."""

import copy
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instruments.calculators import price_floor
from instruments.calculators.base import InputError

RUN = price_floor.CALCULATOR.run


def test_levy_series_worked_example():
    """Floor 110, CIF 95/105/120/80, 100/120/90/150 t, cap 25 % → $5.1 m."""
    result = RUN(
        {
            "periods": ["2025Q1", "2025Q2", "2025Q3", "2025Q4"],
            "reference_price": 110,
            "price_unit": "USD/kg",
            "quantity_unit": "t",
            "levy_cap_ad_valorem": 0.25,
            "flows": [
                {
                    "origin": "CHN",
                    "import_price": [95, 105, 120, 80],
                    "quantity": [100, 120, 90, 150],
                }
            ],
        }
    )
    rows = result.rows
    np.testing.assert_allclose(rows["levy"], [15, 5, 0, 20])
    np.testing.assert_allclose(
        rows["ad_valorem_equivalent"].round(4), [0.1579, 0.0476, 0, 0.25]
    )
    assert result.summary["revenue_total"] == pytest.approx(5.1e6)
    np.testing.assert_allclose(rows["landed_price"], [110, 110, 120, 100])


def test_ave_worked_example():
    """A $1.00/kg levy on goods worth $10.00/kg is 10 %."""
    result = RUN(
        {
            "periods": ["2025"],
            "reference_price": 11,
            "flows": [{"origin": "X", "import_price": 10, "quantity": 1}],
        }
    )
    assert result.rows["ad_valorem_equivalent"].iloc[0] == pytest.approx(0.10)


def test_eu_cereal_duty():
    """1.55 × 101.31 − (113.84 + 14.74 + 17.50) → €10.95/t."""
    result = RUN(
        {
            "periods": ["2025-07"],
            "reference_price": 101.31,
            "reference_factor": 1.55,
            "price_unit": "EUR/t",
            "quantity_unit": "t",
            "flows": [
                {
                    "origin": "USA",
                    "import_price": 113.84 + 14.74 + 17.50,
                    "quantity": 1000,
                }
            ],
        }
    )
    assert round(result.rows["levy"].iloc[0], 2) == 10.95
    assert result.summary["currency"] == "EUR"


def test_members_pay_nothing_and_market_price_fills_missing_import_price():
    result = RUN(
        {
            "periods": ["2025", "2026"],
            "reference_price": 100,
            "market_price": [80, 90],
            "flows": [
                {"origin": "AUS", "member": True, "quantity": 10},
                {"origin": "CHN", "quantity": 10},
            ],
        }
    )
    rows = result.rows
    assert (rows.loc[rows["member"], "levy"] == 0).all()
    np.testing.assert_allclose(rows.loc[~rows["member"], "levy"], [20, 10])
    assert list(rows["period"]) == ["2025", "2025", "2026", "2026"]


def test_trailing_average_and_cost_percentile_bases():
    trailing = RUN(
        {
            "periods": ["2025", "2026", "2027"],
            "reference_basis": "trailing_average",
            "market_price": [100, 120, 80],
            "trailing_periods": 2,
            "trailing_lag": 0,
            "reference_factor": 0.9,
            "flows": [{"origin": "CHN", "quantity": 1}],
        }
    )
    np.testing.assert_allclose(trailing.rows["reference_price"], [90, 99, 90])
    assert "average" in trailing.summary["reference_basis_note"]
    cost = RUN(
        {
            "periods": ["2025"],
            "reference_basis": "cost_percentile",
            "producer_costs": [50, 70, 90, 120],
            "producer_volumes": [10, 40, 30, 20],
            "cost_percentile": 0.6,
            "cost_margin": 0.1,
            "flows": [{"origin": "CHN", "import_price": 60, "quantity": 1}],
        }
    )
    # cumulative output shares 0.1, 0.5, 0.8, 1.0: the 60 % point is the 90 producer
    assert cost.rows["reference_price"].iloc[0] == pytest.approx(99.0)


def test_refixing_threshold_holds_the_levy():
    result = RUN(
        {
            "periods": ["2025-01", "2025-02", "2025-03", "2025-04"],
            "reference_price": 100,
            "refix_threshold": 5,
            "flows": [{"origin": "X", "import_price": [90, 93, 80, 82], "quantity": 1}],
        }
    )
    np.testing.assert_allclose(result.rows["levy"], [10, 10, 20, 20])


def test_specific_cap_and_zero_price_ave_is_nan():
    result = RUN(
        {
            "periods": ["2025", "2026"],
            "reference_price": 100,
            "levy_cap_specific": 12,
            "flows": [{"origin": "X", "import_price": [50, 0], "quantity": 1}],
        }
    )
    np.testing.assert_allclose(result.rows["levy"], [12, 12])
    assert math.isnan(result.rows["ad_valorem_equivalent"].iloc[1])


def test_trade_response_moves_imports_toward_members():
    result = RUN(price_floor.CALCULATOR.example)
    rows = result.rows
    outsiders = rows[~rows["member"] & (rows["levy"] > 0)]
    assert (outsiders["quantity_after"] < outsiders["quantity"]).all()
    assert result.summary["member_quantity_change"] > 0
    assert result.summary["revenue_total_after"] < result.summary["revenue_total"]


def test_errors_name_the_flow_field():
    with pytest.raises(InputError) as info:
        RUN(
            {
                "periods": ["2025", "2026", "2027", "2028"],
                "reference_price": 100,
                "flows": [
                    {"origin": "A", "import_price": 90, "quantity": 1},
                    {"origin": "B", "import_price": [1, 2, 3], "quantity": 1},
                    {"origin": "C", "quantity": 1},
                ],
            }
        )
    errors = info.value.errors
    assert errors["flows"][1]["import_price"] == ["3 values given, 4 periods."]
    assert "market price" in errors["flows"][2]["import_price"][0]


prices = st.lists(st.floats(0.01, 1000.0), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    floor=st.floats(0.0, 1000.0),
    member=st.booleans(),
)
def test_levy_properties_without_caps(data, floor, member):
    import_price = data.draw(prices)
    n = len(import_price)
    result = price_floor.compute(
        price_floor.PriceFloorInputs(
            periods=tuple(str(2000 + i) for i in range(n)),
            reference_price=floor,
            flows=(
                price_floor.FloorFlow(
                    origin="X",
                    member=member,
                    import_price=tuple(import_price),
                    quantity=1.0,
                ),
            ),
        )
    )
    rows = result.rows
    assert (rows["levy"] >= 0).all()
    if member:
        assert (rows["levy"] == 0).all()
        assert result.summary["revenue_total"] == 0
    else:
        lifted = rows["levy"] > 0
        np.testing.assert_allclose(rows.loc[lifted, "landed_price"], floor)
        assert (
            rows["landed_price"] <= np.maximum(floor, rows["import_price"]) + 1e-9
        ).all()


@settings(max_examples=40, deadline=None)
@given(quantity=st.floats(0.0, 1e6), price=st.floats(0.0, 500.0))
def test_doubling_quantity_doubles_revenue(quantity, price):
    def revenue(q: float) -> float:
        return RUN(
            {
                "periods": ["2025"],
                "reference_price": 300,
                "flows": [{"origin": "X", "import_price": price, "quantity": q}],
            }
        ).summary["revenue_total"]

    assert revenue(2 * quantity) == pytest.approx(
        2 * revenue(quantity), rel=1e-12, abs=1e-6
    )


# --- trade response: the floor as a variable levy in the market model ---------------


def _issue_case(cap: bool = True, **response):
    """The example's settings with CHN at 55 USD/kg under the 110 floor, the reported
    case that once gave negative imports and revenue."""
    request = dict(copy.deepcopy(price_floor.CALCULATOR.example))
    request["flows"][0]["import_price"] = 55
    if not cap:
        del request["levy_cap_ad_valorem"]
    request["trade_response"].update(response)
    return RUN(request)


@pytest.mark.parametrize("cap", [True, False])
@pytest.mark.parametrize("eps", [None, 2.0])
def test_a_110_floor_on_55_imports_never_gives_negative_imports_or_revenue(cap, eps):
    result = _issue_case(cap, export_supply_elasticity=eps)
    rows = result.rows
    assert (rows["quantity_after"] >= 0).all()
    assert (rows["revenue_after"] >= 0).all()
    assert result.summary["revenue_total_after"] > 0
    assert result.summary["trade_response_method"] == "exact"
    assert result.summary["member_quantity_change"] > 0


def test_the_uncapped_floor_is_a_variable_levy():
    """Doubling CHN's price (55 → 110): with σ = 3, η = −1.5 its imports fall by
    2^−σ·P̂^(σ+η) with P̂ the CES price index. With a finite ε the exporter's price
    falls, the levy grows and buyers still pay the floor."""
    rows = _issue_case(cap=False).rows
    chn = rows[rows["origin"] == "CHN"].iloc[0]
    aus = rows[rows["origin"] == "AUS"].iloc[0]
    w = 55 * 100 / (55 * 100 + 100 * 50)
    index = (w * 2.0 ** (1 - 3) + (1 - w)) ** (1 / (1 - 3))
    assert chn["quantity_after"] == pytest.approx(100 * 2.0**-3 * index**1.5)
    assert aus["quantity_after"] == pytest.approx(50 * index**1.5)
    assert chn["levy_after"] == pytest.approx(55)
    assert chn["revenue_after"] == pytest.approx(55 * chn["quantity_after"] * 1000)
    finite = _issue_case(cap=False, export_supply_elasticity=2.0).rows
    chn_f = finite[finite["origin"] == "CHN"].iloc[0]
    assert chn_f["import_price_after"] < 55
    assert chn_f["levy_after"] + chn_f["import_price_after"] == pytest.approx(110)
    assert chn_f["levy_after"] > chn["levy_after"]


def test_the_capped_levy_stops_at_the_cap():
    rows = _issue_case(cap=True).rows
    chn = rows[rows["origin"] == "CHN"].iloc[0]
    assert chn["levy_after"] == pytest.approx(0.25 * 55)
    finite = _issue_case(cap=True, export_supply_elasticity=2.0).rows
    chn_f = finite[finite["origin"] == "CHN"].iloc[0]
    assert chn_f["levy_after"] == pytest.approx(0.25 * chn_f["import_price_after"])


def test_smart_on_the_issue_case_is_clipped_and_says_so():
    result = _issue_case(cap=False, method="smart")
    assert (result.rows["quantity_after"] >= 0).all()
    assert (result.rows["revenue_after"] >= 0).all()
    assert result.summary["clipped_rows"] == 4  # CHN, every quarter
    assert "clipped at zero" in result.summary["warnings"]
    exact = _issue_case(cap=False)
    assert "clipped" not in exact.summary.get("warnings", "")


def test_smart_keeps_its_price_effect_when_supply_is_finite():
    """SMART's world price change, η / (ε − η) × Δt / (1 + t0), lowers the price
    non-members are paid and so the levy collected: CHN at 55 under a 110 floor is an
    AVE of 100 %, with η −1.5 and ε 2 a world price change of −1.5/3.5 × 1."""
    flat = _issue_case(cap=False, method="smart").rows
    finite = _issue_case(cap=False, method="smart", export_supply_elasticity=2.0).rows
    chn = finite[finite["origin"] == "CHN"].iloc[0]
    assert chn["import_price_after"] == pytest.approx(55 * (1 - 1.5 / 3.5))
    assert chn["levy_after"] == pytest.approx(1.0 * chn["import_price_after"])
    base = flat[flat["origin"] == "CHN"].iloc[0]
    assert base["import_price_after"] == pytest.approx(55)
    assert (finite["quantity_after"] >= 0).all()


def test_a_refixed_levy_is_a_specific_duty_in_the_period():
    request = copy.deepcopy(price_floor.CALCULATOR.example)
    request["refix_threshold"] = 100.0  # the first levy stays in force
    rows = RUN(request).rows
    chn = rows[rows["origin"] == "CHN"]
    np.testing.assert_allclose(chn["levy_after"], chn["levy"].iloc[0])


@settings(max_examples=40, deadline=None)
@given(
    floor=st.floats(0.0, 2000.0),
    price=st.lists(
        st.one_of(st.just(0.0), st.floats(0.01, 500.0)), min_size=3, max_size=3
    ),
    eta=st.floats(-6.0, -0.1),
    sigma=st.floats(0.2, 8.0),
    eps=st.one_of(st.none(), st.floats(0.3, 10.0)),
    method=st.sampled_from(["exact", "smart"]),
    cap=st.one_of(st.none(), st.floats(0.0, 3.0)),
)
def test_quantities_and_revenue_after_are_never_negative(
    floor, price, eta, sigma, eps, method, cap
):
    result = RUN(
        {
            "periods": ["2025", "2026", "2027"],
            "reference_price": floor,
            "levy_cap_ad_valorem": cap,
            "flows": [
                {"origin": "X", "import_price": price, "quantity": [10, 0, 30]},
                {"origin": "M", "member": True, "import_price": 50, "quantity": 20},
            ],
            "trade_response": {
                "method": method,
                "import_demand_elasticity": eta,
                "substitution_elasticity": sigma,
                "export_supply_elasticity": eps,
            },
        }
    )
    rows = result.rows
    priced = rows["import_price"] > 0
    assert (rows.loc[priced, "quantity_after"] >= 0).all()
    assert (rows.loc[priced, "revenue_after"] >= -1e-9).all()


def test_a_trailing_average_floor_lags_the_current_period_by_default():
    """Prices 100, 120, 80, 200 over two periods ending one period back: the floor of
    a period never includes that period's own price."""
    data = {
        "periods": ["2025", "2026", "2027", "2028"],
        "reference_basis": "trailing_average",
        "market_price": [100, 120, 80, 200],
        "trailing_periods": 2,
        "flows": [{"origin": "CHN", "quantity": 1}],
    }
    lagged = RUN(data)
    # 2026: mean(100); 2027: mean(100, 120); 2028: mean(120, 80); 2025: no earlier
    np.testing.assert_allclose(lagged.rows["reference_price"], [100, 100, 110, 100])
    assert "first 1 period has no market price" in lagged.summary["warnings"]
    two = RUN({**data, "trailing_lag": 2}).rows["reference_price"]
    np.testing.assert_allclose(two, [100, 100, 100, 110])


def test_wto_bound_rate_check_and_the_cap_on_tariff_plus_levy():
    """Floor 110, CIF 95/105/120/80, existing tariff 5 %, bound 20 %: tariff + levy
    is 20.8 %, 9.8 %, 5 %, 42.5 %, above the bound in Q1 and Q4."""
    data = {
        "periods": ["2025Q1", "2025Q2", "2025Q3", "2025Q4"],
        "reference_price": 110,
        "applied_tariff": 0.05,
        "bound_rate": 0.2,
        "flows": [
            {"origin": "CHN", "import_price": [95, 105, 120, 80], "quantity": 1},
            {"origin": "AUS", "member": True, "import_price": 50, "quantity": 1},
        ],
    }
    result = RUN(data)
    non_member = result.rows[result.rows["origin"] == "CHN"]
    np.testing.assert_allclose(
        non_member["tariff_plus_levy"], [0.05 + 15 / 95, 0.05 + 5 / 105, 0.05, 0.425]
    )
    assert result.summary["bound_rate_exceeded_periods"] == 2
    assert result.summary["bound_rate_exceeded_in"] == "2025Q1, 2025Q4"
    capped = RUN(
        {
            **data,
            "levy_cap_ad_valorem": 0.2,
            "levy_cap_applies_to": "tariff_plus_levy",
        }
    )
    levy = capped.rows[capped.rows["origin"] == "CHN"]["levy"]
    np.testing.assert_allclose(levy, [0.15 * 95, 5, 0, 0.15 * 80])
    assert capped.summary["bound_rate_exceeded_periods"] == 0
    alone = RUN({**data, "levy_cap_ad_valorem": 0.2})
    np.testing.assert_allclose(
        alone.rows[alone.rows["origin"] == "CHN"]["levy"], [15, 5, 0, 16]
    )
