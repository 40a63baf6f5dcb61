"""Units, currencies, VAT and periods."""

import datetime as dt

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
MASS = ["kg", "t", "lb", "oz", "troy oz", "dmt", "g", "short_ton", "long_ton"]


@pytest.mark.parametrize("text", STORED_UNITS)
def test_every_stored_price_unit_parses(text):
    unit = units.parse_price_unit(text)
    assert unit.currency in {"USD", "EUR", "GBP"}


def test_cents_scale_and_special_units():
    cents = units.parse_price_unit("US cents/lb")
    assert (cents.currency, cents.scale) == ("USD", 0.01)
    assert units.quantity_factor("t", "USD/kg") == 1000
    assert units.quantity_factor("t @ 100% WO3", "USD/mtu") == 100
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
        ["USD/t", "USD/kg", "US cents/lb", "USD/troy oz", "USD/short_ton"]
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
    np.testing.assert_allclose(units.parse_periods(["2025", "2026"]).end, [1, 2])
    np.testing.assert_allclose(
        units.parse_periods(["2025Q1", "2025Q2"]).end, [0.25, 0.5]
    )
    np.testing.assert_allclose(
        units.parse_periods(["2025-01", "2025-02"]).length, [1 / 12] * 2
    )
    np.testing.assert_allclose(
        units.parse_periods(["2025H1", "2025H2"]).end, [0.5, 1.0]
    )
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


@pytest.mark.parametrize(
    ("label", "kind", "first", "last"),
    [
        ("2024", "year", "2024-01-01", "2024-12-31"),
        ("2024Q2", "quarter", "2024-04-01", "2024-06-30"),
        ("2024q4", "quarter", "2024-10-01", "2024-12-31"),
        ("2025H2", "half", "2025-07-01", "2025-12-31"),
        ("2024-02", "month", "2024-02-01", "2024-02-29"),
        ("2024-05-17", "date", "2024-05-17", "2024-05-17"),
    ],
)
def test_period_bounds(label, kind, first, last):
    assert units.period_bounds(label) == (
        kind,
        dt.date.fromisoformat(first),
        dt.date.fromisoformat(last),
    )
    assert units.period_bound(label, end=False) == dt.date.fromisoformat(first)
    assert units.period_bound(label, end=True) == dt.date.fromisoformat(last)


@pytest.mark.parametrize("label", ["2024-13", "x", "2024Q5", "2024-02-30", ""])
def test_period_bounds_refuse_what_is_not_a_period(label):
    with pytest.raises(ValueError, match=r"period|month|date"):
        units.period_bounds(label)


def test_period_start_of_a_frequency():
    day = dt.date(2025, 8, 17)
    assert units.period_start(day, "annual") == dt.date(2025, 1, 1)
    assert units.period_start(day, "quarterly") == dt.date(2025, 7, 1)
    assert units.period_start(day, "monthly") == dt.date(2025, 8, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("yes", True),
        (" TRUE ", True),
        ("1", True),
        (1, True),
        ("on", True),
        ("y", True),
        ("no", False),
        ("", False),
        (0, False),
        (None, False),
        ("off", False),
        ("False", False),
    ],
)
def test_parse_yes_no(value, expected):
    assert units.parse_yes_no(value) is expected


@pytest.mark.parametrize("value", ["maybe", 2, "2"])
def test_parse_yes_no_refuses_anything_else(value):
    with pytest.raises(ValueError, match="is not true or false"):
        units.parse_yes_no(value)


def test_a_parsed_price_unit_and_money_unit_say_whole_currency_units():
    cents = units.parse_price_unit("US cents/lb")
    assert (cents.money, cents.per) == ("USD", "lb")
    tonnes = units.parse_price_unit("EUR/t")
    assert (tonnes.money, tonnes.per) == ("EUR", "t")
    assert units.money_unit("USc/lb") == "USD"
    assert units.money_unit("GBP pence/kg") == "GBP"
    assert units.money_unit("XYZ/t") == "XYZ"  # unparseable: shown as typed
    assert units.money_unit("") == ""


def test_discount_factors_at_the_periods_ends():
    factors = units.discount_factors(["2025Q1", "2025Q2"], 0.1)
    assert factors.tolist() == pytest.approx([1.1**-0.25, 1.1**-0.5])


@pytest.mark.parametrize(
    ("quantity", "price"),
    [("ton", "USD/t"), ("tons", "USD/kg"), ("t", "USD/ton"), ("kg", "EUR/tons")],
)
def test_the_bare_ton_is_refused_with_a_hint(quantity, price):
    with pytest.raises(InputError) as info:
        units.money_factor(quantity, price)
    message = str(info.value)
    assert "short_ton" in message
    assert "metric tonne" in message


def test_short_and_long_tons_are_explicit():
    assert units.quantity_factor("short_ton", "USD/t") == pytest.approx(0.90718474)
    assert units.quantity_factor("long ton", "USD/t") == pytest.approx(1.0160469088)


def test_a_price_per_mtu_needs_the_grade_of_gross_tonnes():
    """USD/mtu on tonnes of 65 % WO3 concentrate: 65 mtu a tonne, not 100."""
    with pytest.raises(InputError) as info:
        units.money_factor("t", "USD/mtu")
    assert "grade" in str(info.value)
    assert units.money_factor("t @ 65% WO3", "USD/mtu") == pytest.approx(65)
    # wet tonnes: the grade is on the dry mass
    assert units.money_factor("wmt @ 65% WO3, 8% H2O", "USD/mtu WO3") == (
        pytest.approx(65 * 0.92)
    )
    # a grade of W metal against a price per mtu of WO3: by the molar masses
    assert units.money_factor("t @ 50% W", "USD/mtu WO3") == pytest.approx(
        50 * 231.84 / 183.84
    )
    assert units.money_factor("mtu", "USD/mtu") == 1
    # a stored USD/mtu series (44 % Mn ore) as a price per tonne of ore
    assert units.convert_price(5.0, "USD/mtu", "USD/t @ 44% Mn") == pytest.approx(220)
    with pytest.raises(InputError):
        units.convert_price(5.0, "USD/mtu", "USD/t")


def test_an_mtu_of_w_is_not_an_mtu_of_wo3():
    """10 kg of tungsten metal is 12.61 kg of WO3: a price per mtu WO3 is 26 % more
    per mtu W, never the same number; mtu of unrelated substances are refused."""
    ratio = 231.84 / 183.84
    assert units.convert_price(198.0, "USD/mtu WO3", "USD/mtu W") == pytest.approx(
        198 * ratio
    )
    assert units.convert_price(198.0, "USD/mtu W", "USD/mtu WO3") == pytest.approx(
        198 / ratio
    )
    assert units.money_factor("mtu W", "USD/mtu WO3") == pytest.approx(ratio)
    assert units.money_factor("mtu WO3", "USD/mtu WO3") == 1
    with pytest.raises(InputError) as info:
        units.convert_price(5.0, "USD/mtu Mn", "USD/mtu WO3")
    assert "same substance" in str(info.value)


# --- numbers as officials type them -----------------------------------------------------

GERMAN = units.NumberFormat(decimal=",", thousands=".", name="German", code="de")
FRENCH = units.NumberFormat(decimal=",", thousands="\u00a0", name="French", code="fr")
ENGLISH = units.ENGLISH


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("1.234,5", GERMAN, 1234.5),
        ("1,234.5", ENGLISH, 1234.5),
        ("1 234,5", FRENCH, 1234.5),  # a plain space where French writes a no-break one
        ("1\u00a0234,5", FRENCH, 1234.5),
        ("1,234", GERMAN, 1.234),  # ambiguous: read per the active format
        ("1,234", ENGLISH, 1234.0),
        ("1.234", GERMAN, 1234.0),
        ("1.234", ENGLISH, 1.234),
        ("1234,5", GERMAN, 1234.5),
        ("−0,5", GERMAN, -0.5),
        ("-12.000.000", GERMAN, -12_000_000.0),
        (" 250000 ", ENGLISH, 250_000.0),
        ("2,5e3", GERMAN, 2500.0),
    ],
)
def test_a_typed_number_is_read_in_its_format(text, fmt, expected) -> None:
    assert units.read_number(text, fmt) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "fmt", "hint"),
    [
        ("1234.5", GERMAN, "Did you mean 1234,5?"),
        ("12,5", ENGLISH, "Did you mean 12.5?"),
        ("1.5", GERMAN, "Did you mean 1,5?"),
        ("12,34", ENGLISH, "Did you mean 12.34?"),
        ("1 234", ENGLISH, ""),  # a space is no thousands separator in English
        ("abc", GERMAN, ""),
    ],
)
def test_a_number_not_in_the_format_is_refused_with_the_format_named(
    text, fmt, hint
) -> None:
    with pytest.raises(ValueError, match="is not a number") as info:
        units.read_number(text, fmt)
    assert f"not a number in the {fmt.name} format" in str(info.value)
    assert fmt.example in str(info.value)
    assert hint in str(info.value)


def test_the_api_reads_numbers_as_before_dot_decimal() -> None:
    assert units.read_number("1_000.5") == 1000.5
    assert units.read_number("1e3") == 1000.0
    with pytest.raises(ValueError, match="could not convert"):
        units.read_number("1,5")
    with pytest.raises(ValueError, match="not a finite number"):
        units.read_number("nan")


def test_lists_are_separated_by_semicolons_where_the_comma_is_decimal() -> None:
    assert units.read_numbers("95,5; 105; 1.200,25", GERMAN) == [95.5, 105, 1200.25]
    assert units.read_numbers("95.5, 105", ENGLISH) == [95.5, 105]
    # With thousands separators an English list is separated by semicolons.
    assert units.read_numbers("1,234.5; 2,000", ENGLISH) == [1234.5, 2000]
    assert units.read_numbers("1,234", ENGLISH) == [1, 234]
    with pytest.raises(ValueError, match="Value 2"):
        units.read_numbers("1,5; x", GERMAN)


def test_formatting_writes_the_format_and_reads_back() -> None:
    assert units.format_number(1234.5, GERMAN) == "1.234,5"
    assert units.format_number(1234.5, ENGLISH) == "1,234.5"
    assert units.format_number(1234.5, FRENCH) == "1\u00a0234,5"
    assert units.format_number(250000.0, GERMAN, grouping=False) == "250000"
    assert units.format_number(-0.125, GERMAN) == "-0,125"
    assert units.format_number(float("nan"), GERMAN) == ""


@settings(max_examples=200)
@given(
    st.floats(min_value=-1e15, max_value=1e15, allow_nan=False),
    st.sampled_from([GERMAN, ENGLISH, FRENCH]),
    st.booleans(),
)
def test_a_formatted_number_reads_back_exactly(value, fmt, grouping) -> None:
    text = units.format_number(value, fmt, grouping=grouping)
    assert units.read_number(text, fmt) == value


def test_the_html_pattern_accepts_what_the_reader_accepts() -> None:
    import re

    for fmt, good, bad in [
        (GERMAN, ["1.234,5", "1234,5", "-0,5"], ["1234.5", "1,2,3"]),
        (ENGLISH, ["1,234.5", "1234.5", ".5"], ["1.234,5", "12,34"]),
    ]:
        pattern = units.number_pattern(fmt)
        for text in good:
            assert re.fullmatch(pattern, text), text
        for text in bad:
            assert not re.fullmatch(pattern, text), text
    lists = units.number_pattern(GERMAN, many=True)
    assert re.fullmatch(lists, "95,5; 1.105")
    assert not re.fullmatch(lists, "95.5, 105")


def test_a_value_another_format_would_misread_is_described() -> None:
    note = units.describe_reading("1,234", GERMAN)
    assert note.startswith("Read as 1,234, a number between 1 and 2")
    assert "comma is the decimal mark" in note
    note = units.describe_reading("1,234", ENGLISH)
    assert note.startswith("Read as 1234")
    assert "separates thousands" in note
    assert units.describe_reading("1.234,5", GERMAN) == ""
    assert units.describe_reading("12,5", GERMAN) == ""
    assert "2 values" in units.describe_reading("1,234", ENGLISH, many=True)
