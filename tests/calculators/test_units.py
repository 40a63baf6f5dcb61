"""Units, currencies, VAT and periods."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instruments.calculators import units
from instruments.calculators.base import InputError

STORED_UNITS = [
    "USD/t",
    "USD/kg",
    "USD/lb",
    "US cents/lb",
    "USD/troy oz",
    "USD/mtu",
    "USD/dmt",
    "EUR/t",
    "EUR/MWh",
    "GBP/MWh",
    "USD/MWh",
    "USD/tCO2e",
    "EUR/tCO2e",
    "EUR/W",
    "USD/W",
    "USD/oz",
]
MASS = ["kg", "t", "lb", "oz", "troy oz", "mtu", "dmt", "g"]


@pytest.mark.parametrize("text", STORED_UNITS)
def test_every_stored_price_unit_parses(text):
    unit = units.parse_price_unit(text)
    assert unit.currency in {"USD", "EUR", "GBP"}


def test_cents_scale_and_special_units():
    cents = units.parse_price_unit("US cents/lb")
    assert (cents.currency, cents.scale) == ("USD", 0.01)
    assert units.quantity_factor("t", "USD/kg") == 1000
    assert units.quantity_factor("t", "USD/mtu") == 100
    assert units.quantity_factor("dmt", "USD/t") == 1
    assert units.quantity_factor("kg", "USD/troy oz") == pytest.approx(1 / 0.0311034768)
    assert units.quantity_factor("GWh", "EUR/MWh") == 1000
    assert units.quantity_factor("MW", "EUR/W") == 1e6
    assert units.money_factor("lb", "US cents/lb") == 0.01
    assert units.convert_price(100, "US cents/lb", "USD/t") == pytest.approx(
        2204.62262, rel=1e-8
    )


@pytest.mark.parametrize(
    ("quantity", "price", "field"),
    [
        ("t", "USD/MWh", "quantity_unit"),
        ("furlong", "USD/t", "quantity_unit"),
        ("t", "XYZ/t", "price_unit"),
        ("t", "USD", "price_unit"),
        ("tCO2e", "USD/kg", "quantity_unit"),
    ],
)
def test_unknown_or_incompatible_units_name_the_field(quantity, price, field):
    with pytest.raises(InputError) as info:
        units.quantity_factor(quantity, price)
    assert list(info.value.errors) == [field]


def test_fx_and_vat():
    np.testing.assert_allclose(
        units.convert_price([100, 200], "EUR/t", "USD/t", fx_rate=[1.1, 1.2]),
        [110, 240],
    )
    with pytest.raises(InputError):
        units.convert_price(100, "EUR/t", "USD/t")
    assert units.net_of_vat(120, 0.2) == pytest.approx(100)


@settings(max_examples=60, deadline=None)
@given(
    value=st.floats(1e-6, 1e9),
    source=st.sampled_from(
        ["USD/t", "USD/kg", "US cents/lb", "USD/troy oz", "USD/mtu"]
    ),
    target=st.sampled_from(
        ["USD/t", "USD/kg", "US cents/lb", "USD/troy oz", "USD/dmt"]
    ),
    fx=st.floats(0.01, 100.0),
)
def test_price_conversions_round_trip(value, source, target, fx):
    there = units.convert_price(value, source, target)
    assert units.convert_price(there, target, source) == pytest.approx(value, rel=1e-12)
    eur = units.convert_price(value, source, "EUR/t", fx_rate=fx)
    back = units.convert_price(eur, "EUR/t", source, fx_rate=1 / fx)
    assert back == pytest.approx(value, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(a=st.sampled_from(MASS), b=st.sampled_from(MASS))
def test_quantity_factors_are_reciprocal(a, b):
    forward = units.quantity_factor(a, f"USD/{b}")
    backward = units.quantity_factor(b, f"USD/{a}")
    assert forward * backward == pytest.approx(1.0, rel=1e-12)


def test_period_lengths_and_discounting():
    np.testing.assert_allclose(units.period_end_years(["2025", "2026"]), [1, 2])
    np.testing.assert_allclose(
        units.period_end_years(["2025Q1", "2025Q2"]), [0.25, 0.5]
    )
    np.testing.assert_allclose(units.period_years(["2025-01", "2025-02"]), [1 / 12] * 2)
    np.testing.assert_allclose(units.period_end_years(["2025H1", "2025H2"]), [0.5, 1.0])
    np.testing.assert_allclose(
        units.discount_factors(["2025", "2026"], 0.1), [1 / 1.1, 1 / 1.21]
    )
    dates = units.parse_periods(["2025-01-01", "2025-07-02", "2026-01-01"])
    assert dates.kind == "date"
    assert dates.end[-1] == pytest.approx(dates.start[-1] + dates.length[0], rel=0.01)


def test_grouping_into_quarters_and_years():
    labels, codes = units.group_periods(
        ["2025-01", "2025-02", "2025-04", "2026-01"], "quarter"
    )
    assert labels == ("2025Q1", "2025Q2", "2026Q1")
    assert list(codes) == [0, 0, 1, 2]
    labels, codes = units.group_periods(["2025Q3", "2025Q4", "2026Q1"], "year")
    assert labels == ("2025", "2026")
    with pytest.raises(InputError):
        units.group_periods(["2025", "2026"], "quarter")


@pytest.mark.parametrize(
    "labels",
    [["2025", "2025Q1"], ["2026", "2025"], ["2025", "2025"], ["soon"], ["2025-13"], []],
)
def test_bad_periods(labels):
    with pytest.raises(InputError) as info:
        units.parse_periods(labels)
    assert "periods" in info.value.errors
