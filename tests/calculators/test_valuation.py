"""Black-76 against Hull's worked examples, parity and the zero-cost collar."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instruments.calculators import valuation


def test_black_scholes_hull_15_6_through_black76():
    """S 42, K 40, r 10 %, σ 20 %, T 0.5 → call 4.7594, put 0.8086 (F = S·e^{rT})."""
    forward = 42 * math.exp(0.1 * 0.5)
    call, put = valuation.black76(forward, 40, 0.2, 0.1, 0.5)
    assert float(call) == pytest.approx(4.7594, abs=5e-5)
    assert float(put) == pytest.approx(0.8086, abs=5e-5)


def test_black76_put_hull_at_the_money():
    """F 20, K 20, r 9 %, σ 25 %, T 4/12 → put 1.1166, call equal."""
    call, put = valuation.black76(20, 20, 0.25, 0.09, 4 / 12)
    assert float(put) == pytest.approx(1.1166, abs=5e-5)
    assert float(call) == pytest.approx(float(put), abs=1e-12)


def test_collar_and_zero_cost_cap():
    """F 1500, floor 1200, cap 2000, σ 45 %, r 4 %, T 1 → 114.0001, 116.8010, 2015.23."""
    put = float(valuation.black76_put(1500, 1200, 0.45, 0.04, 1.0))
    call = float(valuation.black76_call(1500, 2000, 0.45, 0.04, 1.0))
    assert put == pytest.approx(114.0001, abs=5e-5)
    assert call == pytest.approx(116.8010, abs=5e-5)
    assert put - call == pytest.approx(-2.8009, abs=5e-5)
    assert valuation.zero_cost_cap(1500, 1200, 0.45, 0.04, 1.0) == pytest.approx(
        2015.23, abs=5e-3
    )


def test_degenerate_inputs_give_discounted_intrinsic_value():
    call, put = valuation.black76([100, 100, 100], [90, 110, 0], 0.0, 0.05, 1.0)
    discount = math.exp(-0.05)
    np.testing.assert_allclose(call, [10 * discount, 0.0, 100 * discount])
    np.testing.assert_allclose(put, [0.0, 10 * discount, 0.0])


def test_zero_cost_cap_undefined_is_nan():
    assert math.isnan(valuation.zero_cost_cap(100, 1e6, 0.3, 0.0, 1.0))


def test_strips_weight_each_settlement():
    years = np.array([0.5, 1.0, 1.5])
    strip = valuation.floor_value(100, 90, 0.3, 0.02, years, weights=[1, 2, 3])
    single = valuation.black76_put(100, 90, 0.3, 0.02, years)
    assert strip == pytest.approx(float(single @ np.array([1, 2, 3])))


@settings(max_examples=80, deadline=None)
@given(
    forward=st.floats(1.0, 5000.0),
    strike=st.floats(1.0, 5000.0),
    volatility=st.floats(0.01, 2.0),
    rate=st.floats(-0.05, 0.2),
    years=st.floats(0.01, 20.0),
)
def test_put_call_parity(forward, strike, volatility, rate, years):
    call, put = valuation.black76(forward, strike, volatility, rate, years)
    expected = math.exp(-rate * years) * (forward - strike)
    assert float(call - put) == pytest.approx(expected, abs=1e-9 * max(forward, strike))
    assert float(call) >= 0
    assert float(put) >= 0
