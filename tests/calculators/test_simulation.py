"""Monte Carlo against the closed forms; the Schwartz transition; estimation; memory."""

import math
import tracemalloc

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from instruments.calculators import simulation as sim
from instruments.calculators.base import InputError
from instruments.calculators.price_gap_subsidy import CALCULATOR as SUBSIDY

# --- the closed forms for one settlement date (see the simulation module docstring) --


def lognormal_terminal(
    model: sim.Model, start_price: float, years: float
) -> tuple[float, float]:
    """(m, s): ``ln S_T ~ N(m, s²)`` after ``years`` from ``start_price``."""
    x0 = math.log(start_price)
    if isinstance(model, sim.GBM):
        m = x0 + (model.drift - 0.5 * model.volatility**2) * years
        return m, model.volatility * math.sqrt(years)
    kappa = model.mean_reversion
    decay = math.exp(-kappa * years)
    m = x0 * decay + model.alpha * (1.0 - decay)
    variance = model.volatility**2 * -math.expm1(-2.0 * kappa * years) / (2.0 * kappa)
    return m, math.sqrt(variance)


def expected_put_payoff(strike: float, m: float, s: float) -> float:
    """E[(K − S)+] for ``ln S ~ N(m, s²)`` (undiscounted)."""
    if s <= 0:
        return max(strike - math.exp(m), 0.0)
    z = (math.log(strike) - m) / s
    return float(strike * ndtr(z) - math.exp(m + 0.5 * s * s) * ndtr(z - s))


def lognormal_quantile(q: float, m: float, s: float) -> float:
    """The ``q`` quantile of ``S`` when ``ln S ~ N(m, s²)``."""
    return float(math.exp(m + s * float(ndtri(q))))


def test_gbm_closed_form_matches_worked_example():
    """S0 80, K 110, μ 0, σ 35 %, T 1 on 1,000 t in USD/kg → $33.21 m, P95 $67.69 m."""
    m, s = lognormal_terminal(sim.GBM(drift=0.0, volatility=0.35), 80.0, 1.0)
    expected = expected_put_payoff(110.0, m, s) * 1_000_000
    p95 = (110.0 - lognormal_quantile(0.05, m, s)) * 1_000_000
    assert expected / 1e6 == pytest.approx(33.21, abs=0.005)
    assert p95 / 1e6 == pytest.approx(67.69, abs=0.005)


def _one_period(model: dict) -> dict:
    request = {
        "periods": ["2026"],
        "strike": 110,
        "quantity": 1000,
        "price_unit": "USD/kg",
        "quantity_unit": "t",
        "simulation": {"start_price": 80, "paths": 200_000, "seed": 11, **model},
    }
    return SUBSIDY.run(request).summary


def test_gbm_one_period_monte_carlo_within_one_percent():
    summary = _one_period({"model": "gbm", "drift": 0.0, "volatility": 0.35})
    assert summary["expected_cost"] == pytest.approx(33.21e6, rel=0.01)
    assert summary["p95"] == pytest.approx(67.69e6, rel=0.01)
    assert summary["probability_of_payment"] == pytest.approx(
        float(ndtr((math.log(110 / 80) + 0.5 * 0.35**2) / 0.35)), abs=0.01
    )


def test_schwartz_one_period_monte_carlo_within_one_percent():
    model = sim.Schwartz(mean_reversion=1.2, long_run_price=100.0, volatility=0.4)
    m, s = lognormal_terminal(model, 80.0, 1.0)
    closed = expected_put_payoff(110.0, m, s) * 1_000_000
    summary = _one_period(
        {
            "model": "schwartz",
            "mean_reversion": 1.2,
            "long_run_price": 100.0,
            "volatility": 0.4,
        }
    )
    assert summary["expected_cost"] == pytest.approx(closed, rel=0.01)
    p95 = (110.0 - lognormal_quantile(0.05, m, s)) * 1_000_000
    assert summary["p95"] == pytest.approx(p95, rel=0.01)


@pytest.mark.parametrize("kappa", [0.5, 40.0])
def test_schwartz_many_steps_match_the_exact_distribution(kappa):
    """120 monthly steps (κ = 40 crosses many blocks) end on the one-step law."""
    model = sim.Schwartz(mean_reversion=kappa, long_run_price=50.0, volatility=0.3)
    steps = np.full(120, 1 / 12)
    rng = np.random.default_rng(3)
    x = sim.simulate_log_prices(model, 80.0, steps, rng.standard_normal((20_000, 120)))
    m, s = lognormal_terminal(model, 80.0, 10.0)
    assert x[:, -1].mean() == pytest.approx(m, abs=4 * s / math.sqrt(20_000))
    assert x[:, -1].std() == pytest.approx(s, rel=0.03)
    m1, s1 = lognormal_terminal(model, 80.0, 1 / 12)
    assert x[:, 0].mean() == pytest.approx(m1, abs=4 * s1 / math.sqrt(20_000))


def test_gbm_paths_are_reproducible_and_chunk_independent_in_law():
    model = sim.GBM(drift=0.05, volatility=0.2)
    steps = np.full(12, 1 / 12)
    a = np.concatenate(list(sim.iter_price_paths(model, 10.0, steps, 1000, seed=5)))
    b = np.concatenate(list(sim.iter_price_paths(model, 10.0, steps, 1000, seed=5)))
    np.testing.assert_array_equal(a, b)
    c = np.concatenate(
        list(sim.iter_price_paths(model, 10.0, steps, 1000, 5, chunk=120))
    )
    assert c.shape == (1000, 12)


def test_estimation_recovers_parameters():
    rng = np.random.default_rng(0)
    steps = np.full(3000, 1 / 12)
    gbm = sim.GBM(drift=0.08, volatility=0.3)
    path = np.exp(
        sim.simulate_log_prices(gbm, 50.0, steps, rng.standard_normal((1, 3000)))
    )[0]
    fitted = sim.estimate_gbm(path, 1 / 12)
    assert fitted.volatility == pytest.approx(0.3, rel=0.05)
    schwartz = sim.Schwartz(mean_reversion=2.0, long_run_price=40.0, volatility=0.35)
    path = np.exp(
        sim.simulate_log_prices(schwartz, 60.0, steps, rng.standard_normal((1, 3000)))
    )[0]
    fitted_s = sim.estimate_schwartz(path, 1 / 12)
    assert fitted_s.mean_reversion == pytest.approx(2.0, rel=0.25)
    assert fitted_s.volatility == pytest.approx(0.35, rel=0.05)
    assert fitted_s.long_run_price == pytest.approx(40.0, rel=0.1)


def test_estimation_errors_name_the_history():
    with pytest.raises(InputError) as info:
        sim.estimate_gbm([100.0, 101.0], 1.0)
    assert "price_history" in info.value.errors["simulation"]
    with pytest.raises(InputError) as info:
        sim.estimate_schwartz([1.0, 2.0, 4.0, 8.0, 16.0], 1.0)
    assert "mean reversion" in str(info.value)


def test_memory_is_bounded_by_the_chunk():
    """60,000 paths × 50 steps never hold more than a chunk of paths at once."""
    model = sim.GBM(drift=0.0, volatility=0.3)
    steps = np.full(50, 1 / 12)
    tracemalloc.start()
    total = 0.0
    for chunk in sim.iter_price_paths(model, 10.0, steps, 60_000, 1, chunk=100_000):
        total += float(chunk[:, -1].sum())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * 100_000 * 8  # a few chunk-sized arrays, not 60,000 × 50 × 8
    assert total > 0


def test_the_long_run_price_is_the_long_run_median_of_the_simulated_price():
    """Typed 100 with σ 40 % and κ 0.5: the simulated long-run median is 100, not
    100·e^(−σ²/(2κ)) ≈ 85, and the long-run mean is e^(α + σ²/(4κ))."""
    model = sim.Schwartz(mean_reversion=0.5, long_run_price=100.0, volatility=0.4)
    steps = np.full(40, 1.0)  # 40 years: κ·T = 20, the start is forgotten
    rng = np.random.default_rng(9)
    x = sim.simulate_log_prices(model, 30.0, steps, rng.standard_normal((40_000, 40)))
    last = np.exp(x[:, -1])
    assert np.median(last) == pytest.approx(100.0, rel=0.02)
    assert last.mean() == pytest.approx(model.long_run_mean, rel=0.02)
    assert model.long_run_mean == pytest.approx(100 * math.exp(0.4**2 / 2.0), rel=1e-12)


def test_estimates_from_a_short_history_carry_standard_errors_and_a_warning():
    """Five annual points: volatility, drift and their standard errors, the number of
    points and a warning; a given parameter overrides its estimate."""
    history = np.array([60.0, 95.0, 70.0, 110.0, 80.0])
    fit = sim.fit_model("gbm", 1.0, history)
    assert fit.points == 5
    sd = float(np.std(np.diff(np.log(history)), ddof=1))
    assert fit.model.volatility == pytest.approx(sd)
    assert fit.standard_errors["volatility"] == pytest.approx(sd / math.sqrt(2 * 3))
    assert fit.standard_errors["drift"] == pytest.approx(sd / math.sqrt(4))
    assert fit.warnings
    assert "only 5 prices" in fit.warnings[0]
    assert fit.warnings[0].startswith("The drift and volatility are estimated")
    given = sim.fit_model("gbm", 1.0, history, volatility=0.3)
    assert given.model.volatility == 0.3
    assert "volatility" not in given.standard_errors
    long = np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.1, 60)) + 4)
    assert sim.fit_model("gbm", 1 / 12, long).warnings == ()
    schwartz = sim.fit_model("schwartz", 1.0, np.array([50.0, 65, 75, 80, 84, 86, 85]))
    assert set(schwartz.standard_errors) == {
        "mean_reversion",
        "long_run_price",
        "volatility",
    }
    assert all(v > 0 for v in schwartz.standard_errors.values())
    assert schwartz.warnings


def test_schwartz_standard_errors_match_the_spread_of_estimates():
    """The delta-method standard errors are close to the spread of the estimates over
    many simulated histories of 200 months."""
    truth = sim.Schwartz(mean_reversion=2.0, long_run_price=40.0, volatility=0.35)
    rng = np.random.default_rng(4)
    steps = np.full(200, 1 / 12)
    x = sim.simulate_log_prices(truth, 40.0, steps, rng.standard_normal((300, 200)))
    fits = [sim.fit_model("schwartz", 1 / 12, np.exp(row)) for row in x]
    ok = [f for f in fits if f.model.mean_reversion < 20]
    for name in ("volatility", "long_run_price"):
        spread = np.std([getattr(f.model, name) for f in ok])
        reported = np.median([f.standard_errors[name] for f in ok])
        assert reported == pytest.approx(spread, rel=0.3), name


def test_a_simulation_reports_its_progress_chunk_by_chunk():
    """60,000 paths of 40 quarters are three chunks of 25,000, 25,000 and 10,000."""
    from instruments.calculators import REGISTRY, progress

    data = dict(REGISTRY["price-gap-subsidy"].example)
    data["simulation"] = {**data["simulation"], "paths": 60_000}
    seen: list[float] = []
    with progress.reporting_to(seen.append):
        REGISTRY["price-gap-subsidy"].run(data)
    assert seen == pytest.approx([25 / 60, 50 / 60, 1.0])
    REGISTRY["price-gap-subsidy"].run(data)  # nobody watching: nothing recorded
    assert len(seen) == 3


def test_progress_within_a_part_of_the_work_maps_onto_that_part():
    from instruments.calculators import progress

    seen: list[float] = []
    with progress.reporting_to(seen.append), progress.within(0.5, 0.75):
        progress.report(0.0)
        progress.report(0.5)
        progress.report(2.0)  # clipped to the whole part
    with progress.within(0.2, 0.4):
        progress.report(0.5)  # no reporter: ignored
    assert seen == [0.5, 0.625, 0.75]
