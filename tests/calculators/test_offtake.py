"""Offtake: pricing, take-or-pay, valuation, prepayment and streaming."""

import math

import numpy as np
import pytest

from instruments.calculators import offtake
from instruments.calculators.base import InputError

RUN = offtake.CALCULATOR.run


def test_collar_and_take_or_pay_worked_example():
    """Index 1500/900/2600/1800, collar 1000–2200; 120 kt of 150 kt → $11.25 m."""
    result = RUN(offtake.CALCULATOR.example)
    np.testing.assert_allclose(result.rows["contract_price"], [1500, 1000, 2200, 1800])
    assert result.rows["take_or_pay_payment"].iloc[1] == pytest.approx(11.25e6)
    assert result.summary["take_or_pay_total"] == pytest.approx(11.25e6)
    assert (
        result.summary["producer_revenue_cv"]
        < result.summary["producer_revenue_cv_spot"]
    )


def test_collar_valuation_worked_example():
    result = RUN(
        {
            "periods": ["2026"],
            "market_price": 1500,
            "pricing": {"method": "collar", "floor": 1200, "cap": 2000},
            "contracted_quantity": 1,
            "valuation": {
                "forward": 1500,
                "volatility": 0.45,
                "rate": 0.04,
                "expiry_years": 1,
            },
        }
    )
    summary = result.summary
    assert summary["floor_value"] == pytest.approx(114.0001, abs=5e-5)
    assert summary["cap_value"] == pytest.approx(116.8010, abs=5e-5)
    assert summary["collar_value"] == pytest.approx(-2.8009, abs=5e-5)
    assert summary["zero_cost_cap"] == pytest.approx(2015.23, abs=5e-3)


@pytest.mark.parametrize(
    ("pricing", "expected"),
    [
        ({"method": "fixed", "price": 1000}, [1000, 1000]),
        ({"method": "index", "discount": 0.1}, [1350, 810]),
        ({"method": "index", "discount_amount": 100}, [1400, 800]),
        ({"method": "collar", "floor": 1000, "discount": 0.1}, [1350, 900]),
        (
            {
                "method": "collar",
                "floor": 1000,
                "discount": 0.1,
                "discount_before_collar": True,
            },
            [1350, 1000],
        ),
    ],
)
def test_pricing_methods(pricing, expected):
    result = RUN(
        {
            "periods": ["2026", "2027"],
            "market_price": [1500, 900],
            "pricing": pricing,
            "contracted_quantity": 1,
        }
    )
    np.testing.assert_allclose(result.rows["contract_price"], expected)


def test_saving_sign_and_npv():
    result = RUN(
        {
            "periods": ["2026", "2027"],
            "market_price": [900, 900],
            "pricing": {"method": "fixed", "price": 1000},
            "contracted_quantity": 10,
            "discount_rate": 0.08,
        }
    )
    np.testing.assert_allclose(result.rows["buyer_saving"], [-1000, -1000])
    assert result.summary["npv_buyer_saving"] == pytest.approx(
        -1000 / 1.08 - 1000 / 1.08**2
    )


def test_prepayment_and_streaming():
    result = RUN(
        {
            "periods": ["2026", "2027", "2028"],
            "market_price": 100,
            "pricing": {"method": "index"},
            "contracted_quantity": 10,
            "prepayment": {"amount": 300, "recoup_share": 0.25},
            "streaming": {"deposit": 500, "stream_share": 0.5, "price_share": 0.2},
        }
    )
    np.testing.assert_allclose(result.rows["prepayment_recouped"], [250, 50, 0])
    assert result.summary["prepayment_outstanding"] == pytest.approx(0)
    # forgone: 0.8 × 100 × 5 = 400 a year, undiscounted
    assert result.summary["streaming_producer_npv"] == pytest.approx(500 - 1200)


def test_cap_below_floor_and_missing_price_are_errors():
    with pytest.raises(InputError) as info:
        RUN(
            {
                "periods": ["2026"],
                "market_price": 100,
                "pricing": {"method": "collar", "floor": 200, "cap": 100},
                "contracted_quantity": 1,
            }
        )
    assert "cap" in info.value.errors["pricing"]
    with pytest.raises(InputError) as info:
        RUN(
            {
                "periods": ["2026"],
                "market_price": 100,
                "pricing": {"method": "fixed"},
                "contracted_quantity": 1,
            }
        )
    assert "price" in info.value.errors["pricing"]


def test_collar_value_is_the_strip_over_the_settlement_dates():
    """Four annual settlements at 1, 2, 3, 4 years on 150 kt a year: the value per
    unit is the quantity-weighted strip, the total is it × the contracted quantity."""
    from instruments.calculators import valuation

    quantity = [150_000, 150_000, 100_000, 100_000]
    result = RUN(
        {
            **offtake.CALCULATOR.example,
            "contracted_quantity": quantity,
            "taken_quantity": None,
            "valuation": {"forward": 1500, "volatility": 0.45, "rate": 0.04},
        }
    )
    years = np.array([1.0, 2.0, 3.0, 4.0])
    weights = np.array(quantity) / sum(quantity)
    puts = valuation.black76_put(1500, 1000, 0.45, 0.04, years)
    calls = valuation.black76_call(1500, 2200, 0.45, 0.04, years)
    summary = result.summary
    assert summary["floor_value"] == pytest.approx(float(puts @ weights))
    assert summary["cap_value"] == pytest.approx(float(calls @ weights))
    assert summary["collar_value_total"] == pytest.approx(
        float((puts - calls) @ np.array(quantity))
    )
    single = valuation.black76_put(1500, 1000, 0.45, 0.04, 1.0)
    assert summary["floor_value"] > single  # not one settlement at one year
    zero = summary["zero_cost_cap"]
    assert valuation.cap_value(1500, zero, 0.45, 0.04, years, weights) == (
        pytest.approx(summary["floor_value"])
    )


def test_no_zero_cost_cap_below_the_floor_and_a_far_forward_is_flagged():
    """A 15,000 floor valued on the example's forward of 1,500: no cap above the floor
    makes the collar free, and the forward is far from the market prices."""
    result = RUN(
        {
            **offtake.CALCULATOR.example,
            "market_price": [15_500, 14_000, 16_000, 15_000],
            "pricing": {"method": "collar", "floor": 15_000, "cap": 20_000},
        }
    )
    summary = result.summary
    assert math.isnan(summary["zero_cost_cap"])
    assert "No cap above the floor makes the collar free" in summary["warnings"]
    assert "far from the market prices" in summary["warnings"]
    assert "(1,500 on average)" in summary["warnings"]
    assert "e+" not in summary["warnings"]  # figures as officials read them
    fine = RUN(offtake.CALCULATOR.example).summary
    assert "warnings" not in fine
    assert fine["zero_cost_cap"] > 1000
