"""The exact multi-market equilibrium (INSTRUMENTS.md §9). No database."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instruments.calculators import market as mk
from instruments.calculators.base import InputError
from instruments.calculators.market.gsim import EXAMPLE_FTA_POWERS as FTA
from instruments.calculators.market.gsim import EXAMPLE_POWERS as POWERS
from instruments.calculators.market.gsim import EXAMPLE_PUBLISHED as GSIM_PUBLISHED
from instruments.calculators.market.gsim import example_problem as gsim_problem

PROPERTY = settings(max_examples=60, deadline=None)


def test_gsim_reproduces_the_published_export_price_changes():
    """US–EU FTA: +7.92 %, −3.16 %, +4.80 %, −1.84 % (to 0.005 pp, the rounding)."""
    solution = mk.solve(gsim_problem(FTA), method="gsim")
    assert solution.price_change == pytest.approx(GSIM_PUBLISHED, abs=5e-5)


def test_exact_agrees_with_gsim_to_first_order():
    """Tariff powers moved 1 % of the way: exact Δln π / 0.01 within 1 % of GSIM."""
    small = POWERS + 0.01 * (FTA - POWERS)
    exact = mk.solve(gsim_problem(small))
    linear = mk.solve(gsim_problem(FTA), method="gsim").price_change
    assert np.log1p(exact.price_change) / 0.01 == pytest.approx(linear, rel=0.01)
    assert exact.residual <= 1e-9


def test_exact_full_fta_differs_from_the_linear_answer():
    """The full cut is not small: the exact US price rise is well above GSIM's."""
    exact = mk.solve(gsim_problem(FTA)).price_change
    assert exact[0] > 0.10 > GSIM_PUBLISHED[0]
    assert np.sign(exact) == pytest.approx(np.sign(GSIM_PUBLISHED))


def test_gsim_refuses_non_linear_measures():
    problem = gsim_problem(FTA).with_after(mk.Regime.of(4, 4, floor=2.0))
    with pytest.raises(InputError, match="GSIM"):
        mk.solve(problem, method="gsim")


# --- random problems -----------------------------------------------------------------


@st.composite
def problems(draw, *, floors=True, measures_before=True):
    """Foreign origins, optionally a domestic one in market 0; the last market is a
    floor-free rest of world where every finite-ε origin sells, so an equilibrium
    exists even with fixed supply."""
    n_v = draw(st.integers(1, 3))
    n_f = draw(st.integers(1, 4))
    domestic = draw(st.booleans())
    n_r = n_f + domestic
    floats = st.floats
    q = np.array(
        draw(
            st.lists(
                st.one_of(st.just(0.0), floats(1.0, 1000.0)),
                min_size=n_r * n_v,
                max_size=n_r * n_v,
            )
        )
    ).reshape(n_r, n_v)
    eps = np.array(
        draw(
            st.lists(
                st.one_of(st.just(math.inf), st.just(0.0), floats(0.05, 5.0)),
                min_size=n_r,
                max_size=n_r,
            )
        )
    )
    dom = np.full(n_r, -1, dtype=np.int64)
    if domestic:
        dom[-1] = 0
        q[-1, 1:] = 0.0
        eps[-1] = draw(floats(0.0, 3.0))
    q[:n_f, -1] = np.where(
        np.isfinite(eps[:n_f]), np.maximum(q[:n_f, -1], 10.0), q[:n_f, -1]
    )
    if domestic:
        q[-1, 0] = max(q[-1, 0], 10.0)
    price = np.array(draw(st.lists(floats(1.0, 100.0), min_size=n_r, max_size=n_r)))

    def route_array(lo, hi):
        return np.array(
            draw(
                st.lists(
                    st.one_of(st.just(0.0), floats(lo, hi)),
                    min_size=n_r * n_v,
                    max_size=n_r * n_v,
                )
            )
        ).reshape(n_r, n_v)

    t1 = route_array(0.0, 1.0)
    f1 = route_array(1.0, 300.0) if floors else np.zeros((n_r, n_v))
    f1[:, -1] = 0.0
    t0 = route_array(0.0, 0.5) if measures_before else np.zeros((n_r, n_v))
    return mk.Problem(
        market_codes=tuple(f"M{i}" for i in range(n_v)),
        import_demand_elasticity=np.array(
            draw(st.lists(floats(-3.0, -0.2), min_size=n_v, max_size=n_v))
        ),
        substitution_elasticity=np.array(
            draw(st.lists(floats(0.3, 8.0), min_size=n_v, max_size=n_v))
        ),
        member_market=np.arange(n_v) < n_v - 1,
        origin_codes=tuple(f"O{i}" for i in range(n_r)),
        price=price,
        supply_elasticity=eps,
        member_origin=np.array(
            draw(st.lists(st.booleans(), min_size=n_r, max_size=n_r))
        ),
        domestic_market=dom,
        quantity=q,
        before=mk.Regime.of(n_r, n_v, ad_valorem=t0),
        after=mk.Regime.of(n_r, n_v, ad_valorem=t1, floor=f1),
    )


def clearing_gap(solution: mk.MarketSolution) -> float:
    finite = np.isfinite(solution.problem.supply_elasticity)
    x0 = solution.supply_before
    gap = np.abs(solution.supply_after - solution.quantity_after.sum(axis=1))
    active = finite & (x0 > 0)
    return float(np.max(gap[active] / x0[active], initial=0.0))


@PROPERTY
@given(problems())
def test_quantities_stay_non_negative_and_markets_clear(problem):
    solution = mk.solve(problem)
    assert (solution.quantity_after >= 0).all()
    assert (solution.quantity_after[problem.quantity == 0] == 0).all()
    assert clearing_gap(solution) <= 1e-9
    assert np.isfinite(solution.summary["net_welfare_change"])


@PROPERTY
@given(problems())
def test_clear_gives_solves_quantities_and_prices_without_the_accounts(problem):
    solution, cleared = mk.solve(problem), mk.clear(problem)
    np.testing.assert_array_equal(cleared.quantity, solution.quantity_after)
    np.testing.assert_array_equal(cleared.border_price, solution.border_price_after)
    np.testing.assert_array_equal(cleared.consumer_price, solution.consumer_price_after)
    assert cleared.iterations == solution.iterations


@PROPERTY
@given(problems(floors=False))
def test_a_floor_below_every_price_changes_nothing(problem):
    without = mk.solve(problem)
    low = 0.5 * min(
        without.consumer_price_before.min(), without.consumer_price_after.min()
    )
    after = problem.after
    with_floor = mk.solve(
        problem.with_after(
            mk.Regime(
                after.ad_valorem,
                after.specific,
                np.full_like(after.floor, low),
                after.undertaking,
                after.strike,
            )
        )
    )
    np.testing.assert_allclose(
        with_floor.quantity_after, without.quantity_after, rtol=1e-12
    )
    np.testing.assert_allclose(
        with_floor.price_change, without.price_change, atol=1e-14
    )


@PROPERTY
@given(problems(measures_before=True))
def test_no_change_is_the_base_exactly(problem):
    same = mk.solve(problem.with_after(problem.before))
    np.testing.assert_array_equal(same.quantity_after, problem.quantity)
    np.testing.assert_array_equal(same.price_change, 0.0)
    np.testing.assert_array_equal(same.consumer_price_after, same.consumer_price_before)
    assert same.iterations == 0
    for key in (
        "consumer_surplus_change",
        "producer_surplus_change",
        "net_welfare_change",
    ):
        assert same.summary[key] == 0.0


MEASURES = st.sampled_from(
    ["ad_valorem", "specific", "floor", "undertaking", "price_gap_subsidy"]
)


@PROPERTY
@given(
    problems(floors=False, measures_before=False),
    MEASURES,
    st.floats(0.01, 1.5),
    st.data(),
)
def test_one_measure_from_free_trade_lowers_world_welfare(problem, kind, size, data):
    n_r, n_v = problem.n_origins, problem.n_markets
    free = problem.with_after(mk.Regime.empty(n_r, n_v))
    price = problem.price
    if kind == "price_gap_subsidy":
        domestic = np.flatnonzero(problem.domestic_market >= 0)
        if domestic.size == 0:
            return
        strike = np.zeros(n_r)
        strike[domestic] = price[domestic] * (1 + size)
        regime = mk.Regime.of(n_r, n_v, strike=strike)
    else:
        foreign = np.flatnonzero(problem.domestic_market < 0)
        r = int(data.draw(st.sampled_from(list(foreign))))
        markets = list(range(n_v))
        if kind != "ad_valorem" and problem.supply_elasticity[r] == 0:
            # Fixed supply held at a floor, or under a specific duty above what its
            # only buyers pay, has no equilibrium at a positive price.
            markets = markets[:-1]
        if not markets:
            return
        v = data.draw(st.sampled_from(markets))
        level = np.zeros((n_r, n_v))
        level[r, v] = size if kind == "ad_valorem" else price[r] * (1 + size)
        if kind == "specific":
            level[r, v] = price[r] * size
        regime = mk.Regime.of(n_r, n_v, **{kind: level})
    solution = mk.solve(free.with_after(regime))
    scale = float((problem.quantity * price[:, None]).sum())
    assert solution.countries["net_welfare_change"].sum() <= 1e-9 * scale
    assert solution.summary["net_welfare_change"] <= 1e-9 * scale


def test_a_large_importer_gains_from_a_tariff_through_its_terms_of_trade():
    """One market, one foreign origin with ε = 1: a 10 % tariff (below the optimal
    1/ε = 100 %) makes the importer better off, the exporter and the world worse."""
    solution = mk.solve_single_market(
        [1000.0],
        [10.0],
        [False],
        origins=["CHN"],
        market="USA",
        import_demand_elasticity=-2.0,
        substitution_elasticity=1.5,
        supply_elasticity=1.0,
        tariff_after=0.10,
    )
    by = solution.countries.set_index("country")
    assert by.loc["USA", "net_welfare_change"] > 0
    assert by.loc["USA", "terms_of_trade_effect"] > 0
    assert by.loc["CHN", "net_welfare_change"] < 0
    assert solution.summary["net_welfare_change"] < 0
    assert solution.summary["world_price_change"] < 0


# --- SMART to first order ------------------------------------------------------------


def test_tiny_tariff_matches_smart_with_infinite_supply():
    """TC ≈ M·η·Δt/(1 + t0)."""
    m, eta, t0, dt = 1000.0, -1.5, 0.10, 1e-5
    solution = mk.solve_single_market(
        [m],
        [1.0],
        [False],
        import_demand_elasticity=eta,
        substitution_elasticity=1.5,
        tariff_before=t0,
        tariff_after=t0 + dt,
    )
    created = solution.quantity_after.sum() - m
    assert created == pytest.approx(m * eta * dt / (1 + t0), rel=1e-4)


def test_tiny_tariff_matches_smart_with_finite_supply():
    """With ε = 3: world price ≈ η/(ε − η)·Δt/(1 + t0), TC ≈ M·η·Δt/((1+t0)(1 − η/ε))."""
    m, eta, eps, t0, dt = 1000.0, -1.5, 3.0, 0.0, 1e-5
    solution = mk.solve_single_market(
        [m],
        [1.0],
        [False],
        import_demand_elasticity=eta,
        substitution_elasticity=1.5,
        supply_elasticity=eps,
        tariff_before=t0,
        tariff_after=t0 + dt,
    )
    assert solution.price_change[0] == pytest.approx(eta / (eps - eta) * dt, rel=1e-4)
    created = solution.quantity_after.sum() - m
    assert created == pytest.approx(m * eta * dt / (1 - eta / eps), rel=1e-4)


# --- floors, undertakings and subsidies ----------------------------------------------


def test_a_floor_doubling_every_import_price_multiplies_imports_by_two_to_the_eta():
    eta = -1.3
    solution = mk.solve_single_market(
        [300.0, 700.0],
        [50.0, 50.0],
        [False, False],
        import_demand_elasticity=eta,
        substitution_elasticity=1.0,
        floor_after=100.0,
    )
    assert solution.quantity_after.sum() == pytest.approx(1000 * 2**eta, rel=1e-12)
    assert solution.composite_price_change[0] == pytest.approx(1.0)


def test_a_floor_above_a_finite_supply_exporters_price_pins_the_consumer_price():
    q0, p0, floor, eta, eps = 1000.0, 50.0, 80.0, -1.2, 2.0
    solution = mk.solve_single_market(
        [q0],
        [p0],
        [False],
        import_demand_elasticity=eta,
        substitution_elasticity=3.0,
        supply_elasticity=eps,
        floor_after=floor,
    )
    q1 = q0 * (floor / p0) ** eta
    assert solution.consumer_price_after[0, 0] == pytest.approx(floor)
    assert solution.quantity_after[0, 0] == pytest.approx(q1, rel=1e-9)
    assert solution.price_change[0] == pytest.approx(
        (q1 / q0) ** (1 / eps) - 1, rel=1e-8
    )
    assert solution.price_change[0] < 0
    row = solution.rows.iloc[0]
    assert row["importer_revenue"] == pytest.approx(
        (floor - row["border_price_after"]) * q1
    )


def test_an_exporter_with_fixed_supply_lowers_its_price_into_the_rest_of_the_world():
    solution = mk.solve_single_market(
        [800.0],
        [55.0],
        [False],
        import_demand_elasticity=-1.2,
        substitution_elasticity=3.0,
        supply_elasticity=0.0,
        floor_after=110.0,
        rest_of_world_share=0.5,
    )
    assert solution.quantity_after.sum() == pytest.approx(1600.0, rel=1e-9)
    assert solution.quantity_after[0, 1] > 800.0
    assert solution.price_change[0] < 0
    assert solution.summary["trade_diverted_to_rest_of_world"] > 0


def test_undertaking_rent_goes_to_the_exporter():
    problem = mk.build_problem(
        [mk.Market("EU", -1.0, 2.0, member=True)],
        [mk.Origin("CHN", 40.0, supply_elasticity=1.5)],
        [mk.Flow("CHN", "EU", 500.0)],
        [
            mk.Measure(
                "undertaking", level=56.0, markets="members", origins="non_members"
            )
        ],
    )
    solution = mk.solve(problem)
    row = solution.rows.iloc[0]
    pi1 = 40.0 * (1 + solution.price_change[0])
    assert row["border_price_after"] == pytest.approx(56.0)
    assert row["consumer_price_after"] == pytest.approx(56.0)
    assert row["importer_revenue"] == 0.0
    assert row["exporter_rent"] == pytest.approx((56.0 - pi1) * row["quantity_after"])
    by = solution.countries.set_index("country")
    assert by.loc["CHN", "rent_change"] == pytest.approx(row["exporter_rent"])
    assert by.loc["EU", "revenue_change"] == 0.0


def subsidy_problem(extra=()):
    return mk.build_problem(
        [mk.Market("USA", -1.2, 3.0, member=True), mk.Market("ROW", -1.2, 3.0)],
        [
            mk.Origin("CHN", 55.0, supply_elasticity=2.0),
            mk.Origin(
                "USA-producers", 55.0, supply_elasticity=1.0, domestic_market="USA"
            ),
        ],
        [
            mk.Flow("CHN", "USA", 600.0),
            mk.Flow("CHN", "ROW", 900.0),
            mk.Flow("USA-producers", "USA", 200.0),
        ],
        [
            mk.Measure("price_gap_subsidy", strike=70.0, origins=["USA-producers"]),
            *extra,
        ],
    )


def test_price_gap_subsidy_pays_the_gap_to_the_strike():
    solution = mk.solve(subsidy_problem())
    pi = 55.0 * (1 + solution.price_change[1])
    supply = solution.supply_after[1]
    assert solution.producer_price_after[1] == pytest.approx(70.0)
    assert supply == pytest.approx(200.0 * (70 / 55) ** 1.0, rel=1e-9)
    assert pi < 55.0
    by = solution.countries.set_index("country")
    assert by.loc["USA", "subsidy_cost"] == pytest.approx((70.0 - pi) * supply)
    assert solution.rows.set_index("origin").loc[
        "USA-producers", "subsidy"
    ] == pytest.approx((70.0 - pi) * supply)
    assert clearing_gap(solution) <= 1e-9


def test_floor_and_subsidy_stack():
    floor = mk.Measure("floor", level=110.0, markets="members", origins="non_members")
    solution = mk.solve(subsidy_problem([floor]))
    rows = solution.rows.set_index(["origin", "market"])
    assert rows.loc[("CHN", "USA"), "consumer_price_after"] == pytest.approx(110.0)
    pi_dom = 55.0 * (1 + solution.price_change[1])
    assert solution.producer_price_after[1] == pytest.approx(max(pi_dom, 70.0))
    subsidy = solution.countries.set_index("country").loc["USA", "subsidy_cost"]
    assert subsidy == pytest.approx(max(70.0 - pi_dom, 0.0) * solution.supply_after[1])
    assert rows.loc[("CHN", "ROW"), "quantity_after"] > 900.0
    assert clearing_gap(solution) <= 1e-9


def test_subsidy_on_a_price_taker_is_refused():
    with pytest.raises(InputError, match="finite supply elasticity"):
        mk.build_problem(
            [mk.Market("USA", -1.0, 2.0)],
            [mk.Origin("USA-producers", 50.0, domestic_market="USA")],
            [mk.Flow("USA-producers", "USA", 10.0)],
            [mk.Measure("price_gap_subsidy", strike=60.0)],
        )


# --- failures ------------------------------------------------------------------------


def test_non_convergence_raises_never_returns():
    problem = gsim_problem(FTA)
    with pytest.raises(mk.EquilibriumError, match="did not converge"):
        mk.solve(problem, max_iterations=1, tolerance=1e-30)
    with pytest.raises(ValueError, match="did not converge"):  # a ValueError too
        mk.solve(problem, max_iterations=1, tolerance=1e-30)


def test_no_equilibrium_with_fixed_supply_all_at_a_floor():
    with pytest.raises(mk.EquilibriumError):
        mk.solve_single_market(
            [100.0],
            [50.0],
            [False],
            import_demand_elasticity=-1.0,
            substitution_elasticity=2.0,
            supply_elasticity=0.0,
            floor_after=80.0,
        )


def test_every_price_taker_needs_no_solve():
    solution = mk.solve(
        gsim_problem(FTA).with_after(mk.Regime.of(4, 4, ad_valorem=0.0))
    )
    assert solution.iterations > 0
    takers = mk.solve_single_market(
        [100.0, 50.0],
        [5.0, 6.0],
        [True, False],
        import_demand_elasticity=-1.0,
        substitution_elasticity=2.0,
        tariff_after=[0.0, 0.3],
    )
    assert takers.iterations == 0
    np.testing.assert_array_equal(takers.price_change, 0.0)


# --- building problems: selectors, stacking, errors ----------------------------------

MARKETS = [
    mk.Market("EU", -1.2, 3.0, member=True),
    mk.Market("USA", -1.2, 3.0, member=True),
    mk.Market("ROW", -1.2, 3.0),
]
ORIGINS = [
    mk.Origin("CHN", 55.0, supply_elasticity=2.0),
    mk.Origin("AUS", 55.0, supply_elasticity=1.0, member=True),
    mk.Origin("USA-producers", 55.0, supply_elasticity=0.5, domestic_market="USA"),
]
FLOWS = [
    mk.Flow("CHN", "EU", 800.0),
    mk.Flow("AUS", "EU", 200.0),
    mk.Flow("CHN", "ROW", 500.0),
    mk.Flow("USA-producers", "USA", 100.0),
]


def test_selectors_and_stacking():
    measures = mk.measures_from_records(
        [
            {
                "kind": "floor",
                "level": 110,
                "markets": "members",
                "origins": "non_members",
            },
            {"kind": "floor", "level": 90, "markets": "all", "origins": "all"},
            {"kind": "ad_valorem", "rate": 0.05, "markets": ["EU"], "origins": ["CHN"]},
            {"kind": "ad_valorem", "rate": 0.02, "markets": ["EU"], "origins": "all"},
            {
                "kind": "specific",
                "level": 1.0,
                "markets": "non_members",
                "origins": "members",
            },
            {"kind": "specific", "level": 2.0, "markets": ["ROW"], "origins": ["AUS"]},
            {"kind": "price_gap_subsidy", "strike": 90, "origins": ["USA-producers"]},
        ]
    )
    problem = mk.build_problem(MARKETS, ORIGINS, FLOWS, measures)
    after = problem.after
    eu, usa, row = 0, 1, 2
    chn, aus, dom = 0, 1, 2
    assert after.floor[chn, eu] == 110
    assert after.floor[chn, usa] == 110
    assert after.floor[chn, row] == 90
    assert after.floor[aus, eu] == 90
    assert after.floor[dom].tolist() == [0, 0, 0]  # own producers: no border
    assert after.ad_valorem[chn, eu] == pytest.approx(0.07)
    assert after.ad_valorem[aus, eu] == pytest.approx(0.02)
    assert after.specific[aus, row] == 3.0
    assert after.specific[chn, row] == 0.0
    assert after.strike.tolist() == [0, 0, 90]
    assert problem.member_origin.tolist() == [
        False,
        True,
        True,
    ]  # own producers: USA's flag
    solution = mk.solve(problem)
    assert list(solution.rows.columns[:12]) == list(mk.ROW_COLUMNS[:12])
    assert len(solution.rows) == 4
    assert set(solution.countries["country"]) == {"EU", "USA", "ROW", "CHN", "AUS"}


@pytest.mark.parametrize(
    ("measure", "path"),
    [
        (
            mk.Measure("ad_valorem", rate=0.1, origins=["XXX"]),
            ("measures", 0, "origins"),
        ),
        (mk.Measure("floor", level=10, markets=["Mars"]), ("measures", 0, "markets")),
        (mk.Measure("floor", level=10, markets="some"), ("measures", 0, "markets")),
        (mk.Measure("floor"), ("measures", 0, "level")),
        (mk.Measure("floor", level=-1.0), ("measures", 0, "level")),
        (mk.Measure("ad_valorem", rate=-1.0), ("measures", 0, "rate")),
        (
            mk.Measure("floor", level=10, origins=["USA-producers"]),
            ("measures", 0, "origins"),
        ),
        (
            mk.Measure("price_gap_subsidy", strike=9, origins=["CHN"]),
            ("measures", 0, "origins"),
        ),
    ],
)
def test_measure_errors_name_the_field(measure, path):
    with pytest.raises(InputError) as caught:
        mk.build_problem(
            MARKETS, ORIGINS, FLOWS, [mk.Measure("floor", level=1.0), measure][1:]
        )
    node = caught.value.errors
    for step in path:
        node = node[step]
    assert node


def test_measures_before_errors_and_flow_errors_name_the_field():
    with pytest.raises(InputError) as caught:
        mk.build_problem(
            MARKETS,
            ORIGINS,
            [*FLOWS, mk.Flow("USA-producers", "EU", 5.0), mk.Flow("BRA", "EU", 1.0)],
            measures_before=[mk.Measure("specific", level=1.0, origins=["BRA"])],
        )
    errors = caught.value.errors
    assert errors["flows"][4]["market"]
    assert errors["flows"][5]["origin"]
    assert errors["measures_before"][0]["origins"]


def test_the_contract_example_solves():
    measures = mk.measures_from_records(
        [
            {
                "kind": "floor",
                "level": 110,
                "markets": "members",
                "origins": "non_members",
            },
            {"kind": "ad_valorem", "rate": 0.05, "markets": ["EU"], "origins": ["CHN"]},
            {"kind": "price_gap_subsidy", "strike": 90, "origins": ["USA-producers"]},
        ]
    )
    before = mk.measures_from_records(
        [{"kind": "ad_valorem", "rate": 0.05, "markets": ["EU"], "origins": "all"}]
    )
    solution = mk.solve(mk.build_problem(MARKETS, ORIGINS, FLOWS, measures, before))
    assert clearing_gap(solution) <= 1e-9
    rows = solution.rows.set_index(["origin", "market"])
    assert rows.loc[("CHN", "EU"), "consumer_price_after"] == pytest.approx(110.0)
    assert solution.summary["trade_diverted_to_members"] > 0
    assert solution.summary["trade_diverted_to_rest_of_world"] > 0
    assert solution.producer_price_after[2] == pytest.approx(90.0)
    net = solution.countries["net_welfare_change"]
    assert net.sum() == pytest.approx(solution.summary["net_welfare_change"])


# --- capped levies -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cap_av", "cap_s", "expected"),
    [
        (None, None, 110.0),  # the floor binds: levy 55
        (0.25, None, 68.75),  # 55·1.25
        (None, 20.0, 75.0),  # 55 + 20
        (0.25, 5.0, 60.0),  # the tighter cap
        (2.0, 100.0, 110.0),  # caps above the gap: the floor
    ],
)
def test_a_capped_levy_stops_at_the_tighter_cap(cap_av, cap_s, expected):
    q0, eta = 1000.0, -1.5
    solution = mk.solve_single_market(
        [q0],
        [55.0],
        [False],
        import_demand_elasticity=eta,
        substitution_elasticity=1.5,
        floor_after=110.0,
        floor_cap_ad_valorem=cap_av,
        floor_cap_specific=cap_s,
    )
    assert solution.consumer_price_after[0, 0] == pytest.approx(expected)
    assert solution.quantity_after[0, 0] == pytest.approx(q0 * (expected / 55) ** eta)


@settings(max_examples=40, deadline=None)
@given(
    floor=st.floats(1.0, 400.0),
    cap_av=st.floats(0.0, 3.0),
    cap_s=st.floats(0.0, 300.0),
    eps=st.floats(0.2, 10.0),
)
def test_a_capped_levy_with_finite_supply_clears_and_obeys_the_caps(
    floor, cap_av, cap_s, eps
):
    solution = mk.solve_single_market(
        [600.0, 400.0],
        [55.0, 60.0],
        [False, True],
        import_demand_elasticity=-1.5,
        substitution_elasticity=2.0,
        supply_elasticity=eps,
        floor_after=[floor, 0.0],
        floor_cap_ad_valorem=cap_av,
        floor_cap_specific=cap_s,
    )
    b = solution.border_price_after[0, 0]
    p = solution.consumer_price_after[0, 0]
    levy = min(max(floor - b, 0.0), cap_av * b, cap_s)
    assert p == pytest.approx(b + levy, rel=1e-9)
    assert (solution.quantity_after >= 0).all()
    supply = solution.supply_after
    np.testing.assert_allclose(solution.quantity_after.sum(axis=1), supply, rtol=1e-8)
