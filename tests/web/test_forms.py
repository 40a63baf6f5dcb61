"""The calculator form is built from the declared inputs and maps errors back onto them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

from instruments.calculators import REGISTRY
from instruments.calculators.base import (
    Calculator,
    FieldSpec,
    InputError,
    Result,
    Series,
    describe,
    parse,
    spec,
)
from instruments.calculators.extras import ALL_EXTRA_FIELDS, request_extras
from instruments.calculators.numbers import ENGLISH, NumberFormat
from instruments.web.form_data import field_name, inputs_to_form_data, toggle_name
from instruments.web.forms import CalculatorForm


@dataclass(frozen=True, kw_only=True)
class Flow:
    origin: str = spec("Origin")
    member: bool = spec("Member", default=False)
    price: Series = spec("Price", unit="price unit", min_value=0)


@dataclass(frozen=True, kw_only=True)
class Pricing:
    method: Literal["fixed", "index"] = spec("Method", default="fixed")
    discount: float | None = spec("Discount", unit="fraction", default=None)


@dataclass(frozen=True, kw_only=True)
class Toy:
    periods: tuple[str, ...] = spec("Periods")
    price_unit: str = spec("Price unit", default="USD/kg")
    floor: float = spec("Floor", unit="price unit", min_value=0)
    years: int = spec("Years", default=10)
    pricing: Pricing = spec("Pricing", default=Pricing())
    extra: Pricing | None = spec("Extra block", default=None)
    flows: tuple[Flow, ...] = spec("Flows", default=())


TOY = Calculator(
    slug="toy",
    title="Toy",
    summary="A toy. It has every kind of input.",
    precedent="None.",
    inputs=Toy,
    compute=lambda inputs: Result(summary={}, rows=None),  # type: ignore[arg-type]
    columns=(),
    example={
        "periods": ["2025", "2026"],
        "floor": 110,
        "flows": [
            {"origin": "CHN", "price": [95, 105]},
            {"origin": "AUS", "member": True, "price": 100},
        ],
    },
    price_field="floor",
)


def leaf_names(specs: tuple[FieldSpec, ...], path: tuple[str | int, ...] = ()) -> set:
    """Every leaf input as the form names it (row 0 of each repeatable group)."""
    names: set[str] = set()
    for fs in specs:
        here = (*path, fs.name)
        if fs.kind == "group":
            names |= leaf_names(fs.children, here)
        elif fs.kind == "groups":
            names |= leaf_names(fs.children, (*here, 0))
        else:
            names.add(field_name(here))
    return names


def form_leaf_names(form: CalculatorForm) -> set[str]:
    """The form's input fields, row 0 only, without switches and the request-level
    fields (stored prices, member group)."""
    names = set()
    request_level = {fs.name for fs in request_extras(form.calculator)}
    for name in form.fields:
        if name.startswith("use-") or name in request_level:
            continue
        parts = name.split("-")
        if any(p.isdigit() and p != "0" for p in parts):
            continue
        names.add(name)
    return names


@pytest.mark.parametrize("calculator", REGISTRY.values(), ids=lambda c: c.slug)
def test_form_fields_equal_the_declared_inputs(calculator: Calculator) -> None:
    form = CalculatorForm(calculator=calculator, initial_inputs=calculator.example)
    assert form_leaf_names(form) == leaf_names(describe(calculator.inputs))


@pytest.mark.parametrize("calculator", REGISTRY.values(), ids=lambda c: c.slug)
def test_form_offers_exactly_the_request_extras_that_apply(
    calculator: Calculator,
) -> None:
    """The extras come from their one declaration: fx_rate is on the form too."""
    form = CalculatorForm(calculator=calculator)
    extras = [fs.name for fs in request_extras(calculator)]
    assert [name for name in form.fields if name in ALL_EXTRA_FIELDS] == extras
    if calculator.price_field:
        assert "fx_rate" in extras


@pytest.mark.parametrize("calculator", REGISTRY.values(), ids=lambda c: c.slug)
def test_example_round_trips_through_the_form(calculator: Calculator) -> None:
    """The pre-filled example, submitted unchanged, gives the pure call's numbers."""
    form = CalculatorForm(
        inputs_to_form_data(calculator, calculator.example), calculator=calculator
    )
    assert form.is_valid(), form.errors
    via_form = calculator.run(form.request_data())
    direct = calculator.run(calculator.example)
    for key, value in direct.summary.items():
        if isinstance(value, float) and value == value:
            assert via_form.summary[key] == pytest.approx(value), key
        else:
            assert via_form.summary[key] == value or value != value, key


def test_optional_block_gets_a_switch_and_required_block_does_not() -> None:
    form = CalculatorForm(calculator=TOY, initial_inputs=TOY.example)
    assert toggle_name(("extra",)) in form.fields
    assert toggle_name(("pricing",)) not in form.fields
    assert "pricing-method" in form.fields
    assert "extra-discount" in form.fields


def test_unbound_form_offers_example_rows_plus_spare_rows() -> None:
    form = CalculatorForm(calculator=TOY, initial_inputs=TOY.example, spare_rows=2)
    rows = next(n for n in form.layout() if n.type == "groups").rows
    assert [r.spare for r in rows] == [False, False, True, True]
    assert form.initial["flows-0-price"] == "95, 105"
    assert form.initial["flows-1-member"] is True


def test_blank_rows_and_unticked_blocks_are_left_out() -> None:
    data = inputs_to_form_data(TOY, TOY.example)
    data.update({"flows-2-origin": "", "flows-2-price": "", "flows-2-member": True})
    data["extra-discount"] = "0.1"  # typed, but the block's switch is off
    form = CalculatorForm(data, calculator=TOY)
    assert form.is_valid(), form.errors
    request = form.request_data()
    assert [f["origin"] for f in request["flows"]] == ["CHN", "AUS"]
    assert "extra" not in request
    assert request["periods"] == "2025, 2026"


def test_errors_land_beside_their_field_even_after_a_blank_row() -> None:
    data = inputs_to_form_data(TOY, TOY.example)
    # Row 1 blank, the bad flow is form row 2 but request row 1.
    data = {k: v for k, v in data.items() if not k.startswith("flows-1-")}
    data.update({"flows-2-origin": "USA", "flows-2-price": "-1"})
    form = CalculatorForm(data, calculator=TOY)
    assert form.is_valid()
    request = form.request_data()
    assert request["flows"][1]["origin"] == "USA"
    form.apply_errors(
        {"flows": [{}, {"price": ["Must be at least 0."]}], "floor": ["Too low."]}
    )
    assert form.errors["flows-2-price"] == ["Must be at least 0."]
    assert form.errors["floor"] == ["Too low."]
    summary = {item["anchor"]: item["label"] for item in form.error_summary()}
    assert summary["id_flows-2-price"] == "Flows row 3 › Price"


def test_errors_on_a_block_or_the_whole_request_are_kept() -> None:
    form = CalculatorForm(inputs_to_form_data(TOY, TOY.example), calculator=TOY)
    assert form.is_valid()
    form.request_data()
    form.apply_errors(
        InputError(
            {"flows": {"non_field_errors": ["Too many."]}, "non_field_errors": ["No."]}
        ).errors
    )
    assert form.group_errors == {"flows": ["Too many."]}
    assert form.non_field_errors() == ["No."]


def test_stored_prices_replace_typed_periods_and_prices() -> None:
    data = inputs_to_form_data(TOY, TOY.example)
    data.update({"commodity": "ndpr-oxide", "start": "2020"})
    form = CalculatorForm(
        data, calculator=TOY, commodity_choices=[("ndpr-oxide", "NdPr oxide")]
    )
    assert form.is_valid(), form.errors
    request = form.request_data()
    assert request["commodity"] == "ndpr-oxide"
    assert request["start"] == "2020"
    assert "floor" not in request
    assert "periods" not in request


def test_invalid_number_is_reported_by_the_form_and_value_kept() -> None:
    data = inputs_to_form_data(TOY, TOY.example)
    data["floor"] = "abc"
    form = CalculatorForm(data, calculator=TOY)
    assert not form.is_valid()
    assert "floor" in form.errors
    node = next(n for n in form.layout() if n.name == "floor")
    assert node.widget is not None
    assert 'aria-invalid="true"' in node.widget
    assert "id_floor-error" in node.widget
    assert 'value="abc"' in node.widget


def test_units_follow_the_price_unit_typed() -> None:
    form = CalculatorForm(calculator=TOY, initial_inputs={**TOY.example})
    floor = next(n for n in form.layout() if n.name == "floor")
    assert floor.widget is not None
    assert floor.unit == "USD/kg"


@pytest.mark.django_db
def test_a_member_group_picked_in_the_form_reaches_the_request() -> None:
    calculator = REGISTRY["price-floor"]
    data = inputs_to_form_data(
        calculator, {**calculator.example, "member_group": "msp"}
    )
    form = CalculatorForm(
        data, calculator=calculator, member_group_choices=[("msp", "MSP")]
    )
    assert form.is_valid(), form.errors
    assert form.request_data()["member_group"] == "msp"
    assert (
        "member_group"
        not in CalculatorForm(
            calculator=REGISTRY["offtake"], member_group_choices=[("msp", "MSP")]
        ).fields
    )


def test_shares_and_rates_are_typed_as_percentages_on_the_form() -> None:
    """A levy cap typed as 25 is 25 % (0.25), not 2,500 %; a tariff of 10 is 10 %."""
    from instruments.calculators import REGISTRY

    floor = REGISTRY["price-floor"]
    example = {
        **floor.example,
        "levy_cap_ad_valorem": 0.25,
        "trade_response": {"import_demand_elasticity": -1.0, "tariff_before": 0.1},
    }
    data = inputs_to_form_data(floor, example)
    assert data["levy_cap_ad_valorem"] == "25"
    assert data["trade_response-tariff_before"] == "10"
    form = CalculatorForm(data, calculator=floor)
    assert form.is_valid(), form.errors
    request = form.request_data()
    assert request["levy_cap_ad_valorem"] == 0.25
    assert request["trade_response"]["tariff_before"] == 0.1
    assert form._unit_text("fraction") == "%"


def test_the_api_refuses_a_percentage_typed_as_a_rate_with_a_hint() -> None:
    from instruments.calculators import REGISTRY
    from instruments.calculators.base import InputError

    floor = REGISTRY["price-floor"]
    with pytest.raises(InputError) as info:
        floor.run({**floor.example, "levy_cap_ad_valorem": 25})
    assert "did you mean 0.25?" in info.value.errors["levy_cap_ad_valorem"][0]
    subsidy = REGISTRY["price-gap-subsidy"]
    with pytest.raises(InputError) as share:
        subsidy.run({**subsidy.example, "upside_share": 30})
    assert "did you mean 0.3?" in share.value.errors["upside_share"][0]


# --- numbers typed in the official's number format --------------------------------------

GERMAN = NumberFormat(decimal=",", thousands=".", name="German", code="de")
FRENCH = NumberFormat(decimal=",", thousands="\u00a0", name="French", code="fr")


@pytest.mark.parametrize(
    ("fmt", "floor", "price", "expected_price"),
    [
        (ENGLISH, "1,234.5", "95.5, 105", [95.5, 105.0]),
        (GERMAN, "1.234,5", "95,5; 105", [95.5, 105.0]),
        (FRENCH, "1 234,5", "95,5 ; 1 105", [95.5, 1105.0]),
    ],
)
def test_numbers_are_read_in_the_officials_format(
    fmt, floor, price, expected_price
) -> None:
    data = inputs_to_form_data(TOY, TOY.example, number_format=fmt)
    data.update({"floor": floor, "flows-0-price": price})
    form = CalculatorForm(data, calculator=TOY, number_format=fmt)
    assert form.is_valid(), form.errors
    request = form.request_data()
    assert request["floor"] == 1234.5
    assert request["flows"][0]["price"] == expected_price
    parsed = parse(Toy, request)  # the calculators' parser agrees
    assert parsed.floor == 1234.5
    assert parsed.flows[0].price == tuple(expected_price)


def test_the_example_is_written_in_the_officials_format() -> None:
    example = {**TOY.example, "floor": 1234.5, "pricing": {"discount": 0.125}}
    data = inputs_to_form_data(TOY, example, number_format=GERMAN)
    assert data["floor"] == "1.234,5"
    assert data["pricing-discount"] == "12,5"  # a share, as a percentage
    assert data["flows-0-price"] == "95; 105"
    form = CalculatorForm(data, calculator=TOY, number_format=GERMAN)
    assert form.is_valid(), form.errors
    assert form.request_data()["pricing"]["discount"] == 0.125


def test_number_inputs_are_text_with_the_decimal_keyboard_and_the_pattern() -> None:
    import re

    form = CalculatorForm(calculator=TOY, initial_inputs=TOY.example)
    floor = next(n for n in form.layout() if n.name == "floor")
    assert floor.widget is not None
    assert 'type="text"' in floor.widget
    assert 'inputmode="decimal"' in floor.widget
    assert 'type="number"' not in floor.widget
    pattern = re.search(r'pattern="([^"]+)"', floor.widget)
    assert pattern is not None
    assert re.fullmatch(pattern[1], "1,234.5")
    german = CalculatorForm(
        calculator=TOY, initial_inputs=TOY.example, number_format=GERMAN
    )
    years = german["years"].as_widget()
    assert 'inputmode="numeric"' in years
    pattern = re.search(r'pattern="([^"]+)"', german["floor"].as_widget())
    assert pattern is not None
    assert re.fullmatch(pattern[1].replace("&#x27;", "'"), "1.234,5")
    assert not re.fullmatch(pattern[1], "1,234.5")


def test_an_ambiguous_value_is_read_per_the_format_and_echoed() -> None:
    data = inputs_to_form_data(TOY, TOY.example, number_format=GERMAN)
    data["floor"] = "1,234"
    form = CalculatorForm(data, calculator=TOY, number_format=GERMAN)
    assert form.is_valid(), form.errors
    assert form.request_data()["floor"] == 1.234
    floor = next(n for n in form.layout() if n.name == "floor")
    assert floor.widget is not None
    assert 'value="1,234"' in floor.widget
    assert floor.reading.startswith("Read as 1,234, a number between 1 and 2")
    assert "id_floor-reading" in floor.widget  # described by the note

    english = inputs_to_form_data(TOY, TOY.example)
    english["floor"] = "1,234"
    form = CalculatorForm(english, calculator=TOY)
    assert form.is_valid()
    assert form.request_data()["floor"] == 1234.0
    floor = next(n for n in form.layout() if n.name == "floor")
    assert floor.widget is not None
    assert floor.reading.startswith("Read as 1234")


def test_a_bound_form_shows_values_as_read_in_the_format() -> None:
    data = inputs_to_form_data(TOY, TOY.example, number_format=GERMAN)
    data.update({"floor": "1234,5", "flows-0-price": "95,50;105"})
    form = CalculatorForm(data, calculator=TOY, number_format=GERMAN)
    assert form.is_valid()
    assert 'value="1.234,5"' in form["floor"].as_widget()
    assert 'value="95,5; 105"' in form["flows-0-price"].as_widget()


def test_a_number_in_another_format_is_an_error_beside_its_field() -> None:
    data = inputs_to_form_data(TOY, TOY.example, number_format=GERMAN)
    data["floor"] = "1234.5"
    form = CalculatorForm(data, calculator=TOY, number_format=GERMAN)
    assert not form.is_valid()
    (message,) = form.errors["floor"]
    assert "not a number in the German format" in message
    assert "Did you mean 1234,5?" in message
    assert 'value="1234.5"' in form["floor"].as_widget()  # kept as typed


def test_a_spare_row_with_an_instrument_menu_is_left_out_until_one_is_picked() -> None:
    # A menu without a default in a table row starts blank: a browser then sends ""
    # for the spare row, not the first instrument (which made a half-typed row that
    # failed, and the project-support page showed no result).
    calculator = REGISTRY["project-support"]
    unbound = CalculatorForm(calculator=calculator, initial_inputs=calculator.example)
    menu = unbound.fields["support-0-kind"]
    assert menu.choices[0][0] == ""  # type: ignore[attr-defined]
    data = inputs_to_form_data(calculator, calculator.example)
    data.update({"support-0-kind": "", "support-0-level": "", "support-1-kind": ""})
    form = CalculatorForm(data, calculator=calculator)
    assert form.is_valid(), form.errors
    assert not form.request_data().get("support")
    data.update({"support-0-kind": "capex_grant", "support-0-solve": "on"})
    form = CalculatorForm(data, calculator=calculator)
    assert form.is_valid(), form.errors
    assert form.request_data()["support"] == [{"kind": "capex_grant", "solve": True}]
