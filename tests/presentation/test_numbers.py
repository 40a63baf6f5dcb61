"""The one formatter: at most 4 significant figures, never an exponent, tiny values
marked, shares as typed, signs in words, the reader's number format."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from instruments.calculators.numbers import NumberFormat
from instruments.presentation.numbers import (
    format_figure,
    format_headline,
    format_percent,
    format_quantity,
    money_text,
    nice_ticks,
    number_format_in_use,
    signed_words,
    tick_text,
)

GERMAN = NumberFormat(decimal=",", thousands=".", name="German", code="de")
FRENCH = NumberFormat(decimal=",", thousands="\u202f", name="French", code="fr")

finite = st.floats(
    allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15
)


def significant_figures(text: str) -> int:
    digits = re.sub(r"[^0-9]", "", text.split(" ")[0] if " " in text else text)
    digits = digits.lstrip("0")
    # trailing zeros of a whole number are not significant
    if "." not in text:
        digits = digits.rstrip("0")
    return len(digits)


@given(finite)
def test_never_an_exponent_nor_more_than_four_significant_figures(value: float) -> None:
    for shown in (format_figure(value), format_headline(value)):
        assert "e" not in shown.replace("million", "").replace("billion", "")
        assert significant_figures(shown) <= 4, shown


@given(finite)
def test_never_an_exponent_in_another_number_format(value: float) -> None:
    with number_format_in_use(GERMAN):
        shown = format_figure(value)
    assert "e" not in shown
    assert significant_figures(shown.replace(".", "").replace(",", ".")) <= 4, shown


@given(st.floats(min_value=1e-300, max_value=0.00999))
def test_tiny_values_are_marked_not_written_out(value: float) -> None:
    assert format_figure(value) == "< 0.01"
    assert format_figure(-value) == "> \u22120.01"


def test_worked_examples() -> None:
    assert format_figure(0.0009915) == "< 0.01"
    assert format_figure(-0.7335) == "\u22120.73"
    assert format_figure(1.059e-06) == "< 0.01"
    assert format_figure(82.1234) == "82.12"
    assert format_figure(1234.5) == "1,234"  # 4 significant figures, half to even
    assert format_figure(55025.0) == "55,020"
    assert format_figure(18_500_000.0) == "18.5 M"
    assert format_figure(2_309_491_114.0) == "2.309 bn"
    assert format_figure(0) == "0"
    assert format_figure(None) == "—"
    assert format_figure(float("nan")) == "—"
    assert format_headline(906_912_345.0) == "906.9 million"
    assert format_headline(1_250_000_000) == "1.25 billion"
    assert format_figure(1e-7, plain=True) == "0.0000001"
    assert format_figure(1234567.891, plain=True) == "1234567.891"


def test_percentages_as_typed() -> None:
    assert format_percent(0.9) == "90 %"
    assert format_percent(0.25) == "25 %"
    assert format_percent(-0.007335) == "\u22120.73 %"


def test_units_in_their_multiples() -> None:
    assert format_quantity(2_309_491_114.0, "W") == "2.309 GW"
    assert format_quantity(55_025.0, "t") == "55.02 kt"
    assert format_quantity(0.0009915, "t") == "< 0.01 t"
    assert format_quantity(12.0, "t") == "12 t"
    assert format_quantity(12.0, "kg") == "12 kg"


def test_signs_read_as_words() -> None:
    assert signed_words(17_800_000.0, "USD") == "a gain of USD 17.8 million"
    assert (
        signed_words(-17_800_000.0, "USD", negative="a cost of")
        == "a cost of USD 17.8 million"
    )
    assert signed_words(0.0, "USD") == "no change"
    assert money_text(-5.0, "EUR") == "EUR \u22125"


def test_the_readers_number_format() -> None:
    with number_format_in_use(GERMAN):
        assert format_figure(1200.5) == "1.200"
        assert format_figure(82.125) == "82,12"
        assert format_quantity(1175.0, "t") == "1.175 t"
        assert format_quantity(55_025.0, "t") == "55,02 kt"
        assert format_headline(17_800_000.0) == "17,8 million"
        assert format_figure(1.5, plain=True) == "1,5"
    with number_format_in_use(FRENCH):
        assert format_figure(1234.0) == "1\u202f234"
    assert format_figure(1200.5) == "1,200"  # the block ended


@given(finite, finite)
def test_axis_ticks_cover_the_range_and_read_without_exponents(
    a: float, b: float
) -> None:
    ticks = nice_ticks(a, b)
    assert ticks[0] <= min(a, b) + 1e-6 * max(1.0, abs(min(a, b)))
    assert ticks[-1] >= max(a, b) - 1e-6 * max(1.0, abs(max(a, b)))
    labels, _ = tick_text(ticks, "USD")
    assert all("e" not in label for label in labels)
    assert len(set(labels)) == len(labels), labels


def test_axis_ticks_in_units() -> None:
    labels, unit = tick_text([0.0, 1e9, 2e9, 3e9], "W")
    assert unit == "GW"
    assert labels == ["0", "1", "2", "3"]
    labels, unit = tick_text([0.0, 5e7, 1e8], "USD")
    assert labels == ["0", "50 M", "100 M"]
    assert unit == "USD"
