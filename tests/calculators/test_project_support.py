"""Project support (§12): cash flows by hand, the closed forms of the solved floor and
grant, the debt annuity, IRR, monotonicity and field-level errors."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instruments.calculators import get_calculator
from instruments.calculators.base import InputError, parse
from instruments.calculators.project_support import (
    CALCULATOR,
    plan_of,
    price_paths,
)
from instruments.calculators.project_support import cashflows as cf
from instruments.calculators.project_support import support as sp
from instruments.calculators.project_support.inputs import (
    ProjectSupportInputs,
    Support,
)

RUN = CALCULATOR.run

# A small project priced in USD/t on tonnes (money factor 1): 2 construction years of
# 100 each, 3 operating years of 10 t (ramp 0.5 then full), unit opex 4, fixed opex 5,
# tax 20 %, sponsor's rate 10 %, a constant benchmark of 20 realised at 90 %.
SMALL = {
    "project": {
        "name": "Small",
        "capacity": 10.0,
        "ramp_up": [0.5],
        "capex": [100.0, 100.0],
        "construction_years": 2,
        "life_years": 3,
        "unit_opex": 4.0,
        "fixed_opex": 5.0,
        "realised_share": 0.9,
        "tax_rate": 0.2,
        "discount_rate": 0.1,
    },
    "price_unit": "USD/t",
    "quantity_unit": "t",
    "price_path": 20.0,
}


def _with(base, **changes):
    data = {**base, **changes}
    if "project" in changes:
        data["project"] = {**base["project"], **changes["project"]}
    return data


def _hand_npv(price=20.0, floor=None, grant=0.0, rate=0.1):
    """The SMALL project's NPV, year by year as written on paper."""
    volumes = [5.0, 10.0, 10.0]
    depreciation = 200.0 / 3
    value = -100.0 * (1 - grant) / (1 + rate) - 100.0 * (1 - grant) / (1 + rate) ** 2
    for j, v in enumerate(volumes):
        revenue = 0.9 * price * v
        if floor is not None:
            revenue += 0.9 * max(floor - price, 0.0) * v
        cost = 4.0 * v + 5.0
        tax = 0.2 * (revenue - cost - depreciation)
        value += (revenue - cost - tax) / (1 + rate) ** (3 + j)
    return value


def _pv_volume_after_tax(rate=0.1):
    return sum(v * 0.8 / (1 + rate) ** (3 + j) for j, v in enumerate([5, 10, 10]))


def test_deterministic_npv_is_the_hand_computed_discounted_cash_flow():
    result = RUN(SMALL)
    summary = result.summary
    assert summary["paths"] == 1
    for key in ("npv_p5", "npv_p50", "npv_p95", "npv_mean"):
        assert summary[key] == pytest.approx(_hand_npv(), rel=1e-12)
    assert summary["probability_npv_positive"] == (1.0 if _hand_npv() >= 0 else 0.0)
    rows = result.rows
    assert list(rows["phase"]) == ["construction"] * 2 + ["operation"] * 3
    np.testing.assert_allclose(rows["volume"], [0, 0, 5, 10, 10])
    np.testing.assert_allclose(rows["capex"], [100, 100, 0, 0, 0])
    # year 3: revenue 90, cost 25, tax 0.2·(90 − 25 − 66.67) = −0.333
    assert rows["revenue"].iloc[2] == pytest.approx(90.0)
    assert rows["tax"].iloc[2] == pytest.approx(0.2 * (90 - 25 - 200 / 3))
    np.testing.assert_allclose(rows["discount_factor"], 1.1 ** -np.arange(1, 6))


def test_a_floor_above_a_constant_price_adds_the_after_tax_present_value():
    result = RUN(_with(SMALL, support=[{"kind": "price_floor", "level": 26.0}]))
    row = result.extras["support"].iloc[0]
    added = (26.0 - 20.0) * 0.9 * _pv_volume_after_tax()
    assert row["npv_p50"] == pytest.approx(_hand_npv() + added, rel=1e-12)
    assert row["npv_p50"] == pytest.approx(_hand_npv(floor=26.0), rel=1e-12)
    # the state pays 6 × 0.9 per tonne on 5, 10, 10 t at the public rate (3 %)
    cost = sum(6.0 * 0.9 * v / 1.03 ** (3 + j) for j, v in enumerate([5, 10, 10]))
    assert row["expected_cost"] == pytest.approx(cost, rel=1e-12)
    assert row["p95_cost"] == pytest.approx(cost, rel=1e-12)
    assert row["cost_per_unit_capacity_year"] == pytest.approx(cost / 30.0)


def test_solved_floor_and_grant_match_the_closed_forms():
    npv = _hand_npv(price=15.0)
    assert npv < 0, "the example needs support"
    result = RUN(
        _with(
            SMALL,
            price_path=15.0,
            support=[
                {"kind": "price_floor", "solve": True},
                {"kind": "capex_grant", "solve": True},
            ],
        )
    )
    table = result.extras["support"]
    floor, grant = table.iloc[0], table.iloc[1]
    k_star = 15.0 - npv / (0.9 * _pv_volume_after_tax())
    assert floor["level"] == pytest.approx(k_star, rel=1e-12)
    assert floor["npv_p50"] == pytest.approx(0.0, abs=1e-9)
    assert bool(floor["meets_target"])
    pv_capex = 100 / 1.1 + 100 / 1.1**2
    assert grant["level"] == pytest.approx(-npv / pv_capex, rel=1e-12)
    assert grant["npv_p50"] == pytest.approx(0.0, abs=1e-9)
    assert _hand_npv(price=15.0, grant=grant["level"]) == pytest.approx(0.0, abs=1e-9)
    # the grant costs the state g* × capex at the public rate
    assert grant["expected_cost"] == pytest.approx(
        grant["level"] * (100 / 1.03 + 100 / 1.03**2), rel=1e-12
    )


def test_an_offtake_costs_its_price_less_the_realised_share_of_the_benchmark():
    # Half the output bought at 25 while the project realises 0.9 × 20 = 18 a tonne:
    # the state pays 25 for material worth 18 to it, on 5, 10 and 10 t.
    result = RUN(
        _with(
            SMALL,
            support=[
                {"kind": "offtake_fixed", "level": 25.0, "share": 0.5},
                {"kind": "offtake_fixed", "level": 18.0},
                {"kind": "offtake_collar", "level": 10.0, "cap": 30.0},
            ],
        )
    )
    fixed, at_market, inside = result.extras["support"].to_dict("records")
    volumes = [5.0, 10.0, 10.0]
    cost = sum(0.5 * (25.0 - 18.0) * v / 1.03 ** (3 + j) for j, v in enumerate(volumes))
    assert fixed["expected_cost"] == pytest.approx(cost, rel=1e-12)
    added = 0.5 * (25.0 - 18.0) * _pv_volume_after_tax()
    assert fixed["npv_p50"] == pytest.approx(_hand_npv() + added, rel=1e-12)
    # bought at what the project realises, or a collar the price stays inside: the
    # project is as without support and the state pays nothing
    for row in (at_market, inside):
        assert row["expected_cost"] == pytest.approx(0.0, abs=1e-12)
        assert row["npv_p50"] == pytest.approx(_hand_npv(), rel=1e-12)


def test_debt_annuity_and_dscr_by_hand():
    # 1,000 at 10 % over 3 years: 1000 · 0.1 / (1 − 1.1^−3) = 402.1148
    assert float(cf.annuity(1000.0, 0.1, 3)) == pytest.approx(402.11480362537765)
    assert float(cf.annuity(900.0, 0.0, 3)) == pytest.approx(300.0)
    data = _with(
        SMALL,
        project={"debt": {"share": 0.5, "rate": 0.1, "tenor_years": 2}},
        price_path=40.0,
    )
    result = RUN(data)
    service = 100.0 * 0.1 / (1 - 1.1**-2)  # 50 % of 200 over 2 years
    assert result.summary["debt_amount"] == pytest.approx(100.0)
    assert result.summary["debt_service"] == pytest.approx(service)
    rows = result.rows
    np.testing.assert_allclose(rows["debt_service"], [0, 0, service, service, 0])
    flows = rows["cash_flow"].to_numpy()
    assert result.summary["min_dscr_p10"] == pytest.approx(
        min(flows[2], flows[3]) / service
    )


def test_irr_of_a_hand_built_cash_flow():
    # −100 then 60 and 60: with x = 1/(1 + r), 60x² + 60x − 100 = 0
    x = (-60 + math.sqrt(3600 + 24000)) / 120
    expected = 1 / x - 1
    data = {
        "project": {
            "capacity": 1.0,
            "capex": 100.0,
            "construction_years": 1,
            "life_years": 2,
            "tax_rate": 0.0,
        },
        "price_unit": "USD/t",
        "quantity_unit": "t",
        "price_path": 60.0,
    }
    result = RUN(data)
    assert result.summary["irr_p50"] == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(0.130662386, abs=1e-9)


def test_solved_level_meets_an_irr_target_on_half_the_paths():
    data = _with(
        SMALL,
        price_path=None,
        simulation={
            "start_price": 20.0,
            "drift": 0.0,
            "volatility": 0.3,
            "paths": 301,
            "seed": 3,
        },
        support=[{"kind": "capex_grant", "solve": True}],
        bankability={"metric": "p50_irr", "target": 0.12},
    )
    result = RUN(data)
    row = result.extras["support"].iloc[0]
    assert bool(row["meets_target"])
    assert row["irr_p50"] == pytest.approx(0.12, abs=1e-6)
    assert row["irr_p50"] >= 0.12 - 1e-9


def test_concessional_loan_solved_for_a_dscr_target():
    data = _with(
        SMALL,
        project={"debt": {"share": 0.6, "rate": 0.1, "tenor_years": 3}},
        price_path=17.7,
        support=[{"kind": "concessional_loan", "solve": True}],
        bankability={"metric": "p10_min_dscr", "target": 1.3},
    )
    base = RUN({**data, "support": None})
    assert base.summary["min_dscr_p10"] < 1.3
    row = RUN(data).extras["support"].iloc[0]
    assert 0 <= row["level"] < 0.1
    assert row["min_dscr_p10"] == pytest.approx(1.3, rel=1e-9)
    # the state pays the annuity difference each year of the tenor
    gap = float(cf.annuity(120.0, 0.1, 3) - cf.annuity(120.0, row["level"], 3))
    cost = sum(gap / 1.03**t for t in (3, 4, 5))
    assert row["expected_cost"] == pytest.approx(cost, rel=1e-9)


def test_no_level_within_bounds_is_reported():
    data = _with(
        SMALL,
        price_path=15.0,
        support=[{"kind": "price_floor", "solve": True, "max_level": 16.0}],
    )
    result = RUN(data)
    row = result.extras["support"].iloc[0]
    assert math.isnan(row["level"])
    assert not bool(row["meets_target"])
    assert "No level up to 16" in row["note"]
    assert "No instrument" in result.summary["warnings"]


def test_default_solves_every_instrument_and_names_the_cheapest():
    result = RUN(CALCULATOR.example)
    table = result.extras["support"]
    assert list(table["kind"]) == [
        "price_floor",
        "two_sided_cfd",
        "offtake_fixed",
        "offtake_collar",
        "capex_grant",
        "concessional_loan",
    ]
    meeting = table[table["meets_target"]]
    assert len(meeting) >= 4
    assert (meeting["probability_npv_positive"] >= 0.9).all()
    cheapest = meeting.loc[meeting["expected_cost"].idxmin()]
    assert result.summary["cheapest_instrument"] == cheapest["kind"]
    assert (meeting["p95_cost"] >= meeting["expected_cost"] - 1e-6).all()
    quantiles = result.extras["npv_quantiles"]
    assert {"without_support", "price_floor", "capex_grant"} <= set(quantiles)
    curve = result.extras["cost_against_target"]
    floor_curve = curve[curve["kind"] == "price_floor"]
    assert floor_curve["share_meeting"].is_monotonic_increasing
    assert floor_curve["expected_cost"].iloc[0] == 0.0


def test_a_price_war_lowers_the_paths_in_its_years_only():
    plain = parse(
        ProjectSupportInputs, {**CALCULATOR.example, "strategic_response": None}
    )
    war = parse(ProjectSupportInputs, CALCULATOR.example)
    a, _, _ = price_paths(plain, plan_of(plain))
    b, _, _ = price_paths(war, plan_of(war))
    np.testing.assert_allclose(b[:, :2], 0.6 * a[:, :2])
    np.testing.assert_allclose(b[:, 2:], a[:, 2:])


def _simulated(seed: int, cut: float = 0.0, years: int = 1):
    data = _with(
        SMALL,
        price_path=None,
        simulation={
            "start_price": 20.0,
            "drift": 0.0,
            "volatility": 0.4,
            "paths": 200,
            "seed": seed,
        },
    )
    if cut:
        data["strategic_response"] = {"cut": cut, "years": years}
    inputs = parse(ProjectSupportInputs, data)
    plan = plan_of(inputs)
    prices, _, _ = price_paths(inputs, plan)
    return plan, prices


@settings(max_examples=30, deadline=None)
@given(
    low=st.floats(0, 60),
    step=st.floats(0, 30),
    seed=st.integers(0, 1000),
    kind=st.sampled_from(["price_floor", "two_sided_cfd", "offtake_fixed"]),
)
def test_a_higher_floor_never_lowers_the_probability_of_npv_positive(
    low, step, seed, kind
):
    plan, prices = _simulated(seed)
    support = Support(kind=kind, level=low)
    lower = sp.evaluate(plan, prices, kind, low, support)
    higher = sp.evaluate(plan, prices, kind, low + step, support)
    assert np.all(higher.npv >= lower.npv - 1e-9)
    assert np.mean(higher.npv >= 0) >= np.mean(lower.npv >= 0)
    # nor raises the project's risk: the NPV's P5 does not fall
    assert cf.percentile(higher.npv, 0.05) >= cf.percentile(lower.npv, 0.05) - 1e-9


@settings(max_examples=30, deadline=None)
@given(
    cut=st.floats(0.0, 0.95),
    years=st.integers(1, 3),
    seed=st.integers(0, 1000),
    floor=st.one_of(st.none(), st.floats(0, 60)),
)
def test_a_strategic_cut_never_raises_npv(cut, years, seed, floor):
    plan, prices = _simulated(seed)
    war_plan, war_prices = _simulated(seed, cut, years)
    kind = None if floor is None else "price_floor"
    support = None if floor is None else Support(kind="price_floor", level=floor)
    level = 0.0 if floor is None else floor
    before = sp.evaluate(plan, prices, kind, level, support)
    after = sp.evaluate(war_plan, war_prices, kind, level, support)
    assert np.all(after.npv <= before.npv + 1e-9)


def test_bisection_on_arrays_finds_each_paths_break_even():
    tops = np.array([1.0, 2.0, 5.0, 100.0])
    points = sp.break_even(lambda x: x - tops, 4, 10.0, 0.0)
    np.testing.assert_allclose(points, [1.0, 2.0, 5.0, np.inf])


def test_registered_under_its_slug():
    assert get_calculator("project-support") is CALCULATOR


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"project": {"capex": [1.0, 2.0, 3.0]}}, ("project", "capex")),
        ({"project": {"ramp_up": [0.5, 0.6, 0.7, 0.8]}}, ("project", "ramp_up")),
        ({"price_path": [1.0, 2.0]}, ("price_path",)),
        ({"price_path": None}, ("price_path",)),
        (
            {"support": [{"kind": "price_floor"}]},
            ("support", 0, "level"),
        ),
        (
            {"support": [{"kind": "concessional_loan", "solve": True}]},
            ("support", 0, "kind"),
        ),
        (
            {"support": [{"kind": "capex_grant", "level": 30.0}]},
            ("support", 0, "level"),
        ),
        (
            {"bankability": {"metric": "probability_npv_positive", "target": 90}},
            ("bankability", "target"),
        ),
        (
            {"strategic_response": {"cut": 0.3, "years": 9}},
            ("strategic_response", "years"),
        ),
        ({"project": {"tax_rate": 30}}, ("project", "tax_rate")),
    ],
)
def test_bad_input_is_an_error_at_the_field(changes, where):
    with pytest.raises(InputError) as caught:
        RUN(_with(SMALL, **changes))
    tree = caught.value.errors
    for key in where:
        tree = tree[key]
    assert tree


def test_the_names_of_section_12():
    result = RUN(_with(SMALL, support=[{"kind": "price_floor", "level": 21.0}]))
    assert {
        "npv_p5",
        "npv_p50",
        "npv_p95",
        "irr_p50",
        "probability_npv_positive",
        "min_dscr_p10",
    } <= set(result.summary)
    assert {
        "kind",
        "level",
        "probability_npv_positive",
        "npv_p50",
        "min_dscr_p10",
        "expected_cost",
        "p95_cost",
        "cost_per_unit_capacity_year",
        "meets_target",
    } <= set(result.extras["support"].columns)


def _gbm_on(history, **simulation):
    return _with(
        SMALL,
        price_path=None,
        price_history=history,
        simulation={"model": "gbm", "paths": 200, "seed": 5, **simulation},
    )


def test_a_drift_from_a_short_history_is_zero_and_said():
    # Five yearly prices doubling: the raw estimate is ln 2 + σ²/2, about 69 % a
    # year, which over the project's life would compound to absurd expected prices.
    result = RUN(_gbm_on([10.0, 20.0, 40.0, 80.0, 160.0 * 1.1]))
    summary = result.summary
    assert summary["simulation_drift"] == 0.0
    assert "spans 4 years" in summary["warnings"]
    assert "has none" in summary["warnings"]


def test_a_drift_from_a_long_history_is_held_to_the_bound_and_said():
    rising = [10.0 * 1.3**t * (1.05 if t % 2 else 0.95) for t in range(16)]
    result = RUN(_gbm_on(rising))
    summary = result.summary
    assert summary["simulation_drift"] == pytest.approx(0.05)
    assert "is held to +5% a year" in summary["warnings"]
    falling = [10.0 * 0.7**t * (1.05 if t % 2 else 0.95) for t in range(16)]
    assert RUN(_gbm_on(falling)).summary["simulation_drift"] == pytest.approx(-0.05)


def test_a_typed_drift_is_used_as_given():
    result = RUN(_gbm_on([10.0, 20.0, 40.0, 80.0, 160.0], drift=0.2))
    assert result.summary["simulation_drift"] == pytest.approx(0.2)
    assert "drift" not in str(result.summary.get("warnings") or "")
