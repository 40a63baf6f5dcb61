"""The registry, the examples, declared inputs, purity and the error tree."""

import json
import math
import subprocess
import sys

import pytest

from instruments.calculators import REGISTRY, get_calculator
from instruments.calculators.base import InputError, describe, to_data
from instruments.calculators.limits import MAX_FLOWS, MAX_PERIODS

SLUGS = [
    "price-floor",
    "trade-response",
    "standards-market",
    "price-gap-subsidy",
    "offtake",
    "plurilateral",
    "project-support",
    "stockpile",
]


def test_registry_has_the_seven_by_slug():
    assert sorted(REGISTRY) == sorted(SLUGS)
    for slug in SLUGS:
        calculator = get_calculator(slug)
        assert calculator.slug == slug
        assert calculator.compute.__module__.endswith(slug.replace("-", "_"))
    with pytest.raises(KeyError):
        get_calculator("tariff")


@pytest.mark.parametrize("slug", SLUGS)
def test_each_registry_record_carries_everything_about_its_calculator(slug):
    """The one record per calculator: words for the pages (title, summary, the
    precedent), its declared inputs and example, and its outputs (summary keys with
    labels and headlines, one per column). Charts are found by its module name
    (tests/presentation/test_charts.py), so no list keyed by slug is kept beside it."""
    calculator = REGISTRY[slug]
    assert calculator.title.strip()
    assert calculator.summary.strip()
    assert calculator.precedent.strip()
    assert describe(calculator.inputs)
    assert calculator.example
    assert calculator.outputs, "summary outputs declared"
    assert calculator.headline_keys, "at least one headline figure"
    assert tuple(o.key for o in calculator.column_outputs) == calculator.columns


def test_importing_the_engine_loads_no_django_plotly_or_html():
    code = (
        "import sys, json; import instruments.calculators as c; "
        "c.get_calculator('offtake').run(c.get_calculator('offtake').example); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    modules = json.loads(out.stdout)
    banned = ("django", "rest_framework", "plotly", "html", "jinja2", "bs4")
    loaded = [m for m in modules if m.split(".")[0] in banned]
    assert loaded == []


@pytest.mark.parametrize("slug", SLUGS)
def test_example_runs_with_exactly_the_columns(slug):
    calculator = REGISTRY[slug]
    json.dumps(calculator.example)  # JSON-able
    result = calculator.run(calculator.example)
    assert tuple(result.rows.columns) == calculator.columns
    assert len(result.rows) > 0
    for key, value in result.summary.items():
        assert isinstance(value, str | int | float), key
        assert calculator.output(key) is not None, key


@pytest.mark.parametrize("slug", SLUGS)
def test_declared_inputs_have_labels_and_round_trip(slug):
    calculator = REGISTRY[slug]
    specs = describe(calculator.inputs)
    assert specs
    assert all(fs.label for fs in specs)
    inputs = calculator.inputs
    from instruments.calculators.base import parse

    parsed = parse(inputs, calculator.example)
    again = parse(inputs, to_data(parsed))
    assert again == parsed
    if calculator.price_field:
        names = {fs.name: fs for fs in specs}
        kind = "number" if calculator.price_field_scalar else "series"
        assert names[calculator.price_field].kind == kind


# Requests that, with the example, exercise every optional block of a calculator.
OPTIONAL_BLOCKS: dict[str, list[dict]] = {
    "stockpile": [
        {"disruption": None, "sizes": None},
        {
            "scenarios": {"draws": 20, "annual_probability": 0.1, "cut": [0.5, 0.5]},
            "sizes": [0, 60],
            "build_up": {"months": 3},
        },
    ],
    # uncertainty without published ranges: a warning, no bands
    "plurilateral": [{"uncertainty": {"draws": 10}}],
    "price-floor": [
        {
            "bound_rate": 0.1,
            "reference_basis": "trailing_average",
            "market_price": 90,
        }
    ],
    "standards-market": [{"free_intensity": None, "benchmark": 4.0, "cbam_year": 2040}],
    "price-gap-subsidy": [
        {
            "simulation": {
                "model": "gbm",
                "price_history": [60, 70, 65, 80, 75],
                "paths": 200,
                "seed": 1,
            }
        }
    ],
    # an estimate from five prices carries a warning
    "project-support": [
        {
            "simulation": {
                "model": "gbm",
                "price_history": [60, 70, 65, 80, 75],
                "paths": 100,
                "seed": 1,
            },
            "support": [{"kind": "capex_grant", "solve": True}],
        }
    ],
    "offtake": [
        {"pricing": {"method": "collar", "floor": 15_000, "cap": 20_000}},
        {
            "prepayment": {"amount": 1e8, "recoup_share": 0.2},
            "streaming": {"deposit": 5e7, "stream_share": 0.1, "price_share": 0.2},
        },
    ],
}

HEADLINES = {
    "price-floor": "revenue_total revenue_total_after levy_weighted ave_weighted "
    "landed_price_weighted revenue_npv",
    "trade-response": "trade_creation_total trade_diversion_to_members "
    "tariff_revenue_change welfare_change_total",
    "standards-market": "compliant_share premium_total charge_total netback_compliant "
    "netback_non_compliant",
    "price-gap-subsidy": "net_cost_total npv expected_cost p95 p95_worst_year "
    "probability_of_payment probability_budget_exhausted guarantee_value",
    "offtake": "buyer_saving_total payment_total spot_cost_total take_or_pay_total "
    "npv_buyer_saving collar_value",
    "plurilateral": "imports_from_non_members_change trade_diverted_to_members "
    "trade_diverted_to_rest_of_world world_price_change non_member_price_change "
    "net_welfare_members importer_revenue_total",
    "project-support": "probability_npv_positive npv_p50 irr_p50 cheapest_instrument "
    "cheapest_expected_cost cheapest_p95_cost",
    "stockpile": "peak_price_change_without peak_price_change_with "
    "months_short_without months_short_with shortfall_avoided consumer_loss_avoided "
    "building_cost holding_cost net_benefit coordination_gain days_to_hold_trigger "
    "building_cost_to_hold_trigger holding_cost_to_hold_trigger "
    "coordination_gain_to_hold_trigger",
}


@pytest.mark.parametrize("slug", SLUGS)
def test_outputs_declare_exactly_the_summary_keys_and_every_column(slug):
    calculator = REGISTRY[slug]
    returned: set[str] = set()
    for extra in [{}, *OPTIONAL_BLOCKS.get(slug, [])]:
        returned |= set(calculator.run({**calculator.example, **extra}).summary)
    declared = [o.key for o in calculator.outputs]
    assert returned - set(declared) == set(), "summary keys without an output"
    # The services add what a stored-data result stands on (data_basis).
    assert set(declared) - returned - {"data_basis"} == set(), "outputs never returned"
    assert [o.key for o in calculator.column_outputs] == list(calculator.columns)
    for output in (*calculator.outputs, *calculator.column_outputs):
        assert output.label, output.key
        placeholders = ("(money", "(price unit", "(quantity unit", "(fraction")
        assert not any(p in output.label for p in placeholders), output.label
    assert calculator.headline_keys == tuple(HEADLINES[slug].split())
    headline = [o.key for o in calculator.outputs[: len(calculator.headline_keys)]]
    assert headline == list(calculator.headline_keys), "headline outputs come first"
    assert all(calculator.output(key) for key in calculator.headline_keys)
    assert calculator.output("no_such_key") is None


CONTRACT_COLUMNS = {
    "price-floor": "period origin member import_price reference_price levy ad_valorem_equivalent landed_price quantity revenue",
    "trade-response": "origin trade_creation trade_diversion imports_after tariff_revenue_before tariff_revenue_after welfare_change",
    "standards-market": "name compliant intensity_effective carbon_charge netback quantity premium_total charge_total",
    "price-gap-subsidy": "period strike market_price quantity payment upside net_cost cumulative_net_cost",
    "offtake": "period market_price contract_price taken_quantity payment spot_cost buyer_saving shortfall take_or_pay_payment",
    "plurilateral": "origin market member_origin member_market quantity_before quantity_after border_price_before border_price_after consumer_price_before consumer_price_after importer_revenue exporter_rent",
    "project-support": "period phase volume revenue operating_cost tax capex cash_flow debt_service",
    "stockpile": "month market price_without price_with consumption_without consumption_with shortfall_without shortfall_with release stock_left",
}


@pytest.mark.parametrize("slug", SLUGS)
def test_contract_columns_are_present(slug):
    assert set(CONTRACT_COLUMNS[slug].split()) <= set(REGISTRY[slug].columns)


def _floor(**changes):
    request = {
        "periods": ["2025", "2026", "2027", "2028"],
        "reference_price": 110,
        "flows": [
            {"origin": "CHN", "import_price": [95, 105, 120, 80], "quantity": 100}
        ],
    }
    request.update(changes)
    return request


def _errors(slug, request):
    with pytest.raises(InputError) as info:
        REGISTRY[slug].run(request)
    return info.value.errors


def test_error_length_mismatch():
    errors = _errors("price-floor", _floor(reference_price=[1, 2, 3]))
    assert errors == {"reference_price": ["3 values given, 4 periods."]}


def test_error_negative_price():
    errors = _errors(
        "price-floor",
        _floor(flows=[{"origin": "X", "import_price": [1, -2, 3, 4], "quantity": 1}]),
    )
    assert "Value 2" in errors["flows"][0]["import_price"][0]


def test_error_nan_and_empty_series():
    errors = _errors(
        "price-floor",
        _floor(flows=[{"origin": "X", "import_price": float("nan"), "quantity": []}]),
    )
    assert "not a number" in errors["flows"][0]["import_price"][0]
    assert errors["flows"][0]["quantity"] == ["The list is empty."]


def test_error_nan_when_built_directly():
    from instruments.calculators import price_floor

    with pytest.raises(InputError) as info:
        price_floor.PriceFloorInputs(
            periods=("2025",),
            reference_price=math.nan,
            flows=(price_floor.FloorFlow(origin="X", import_price=1.0, quantity=1.0),),
        )
    assert "reference_price" in info.value.errors


def test_error_unknown_and_incompatible_units():
    assert "price_unit" in _errors("price-floor", _floor(price_unit="USD/parsec"))
    assert "quantity_unit" in _errors(
        "price-floor", _floor(price_unit="USD/MWh", quantity_unit="t")
    )


def test_error_limits_exceeded():
    many = [str(1000 + i) for i in range(MAX_PERIODS + 1)]
    assert "periods" in _errors("price-floor", _floor(periods=many))
    flows = [
        {"origin": str(i), "import_price": 1, "quantity": 1}
        for i in range(MAX_FLOWS + 1)
    ]
    assert "flows" in _errors("price-floor", _floor(flows=flows))
    errors = _errors(
        "price-gap-subsidy",
        {
            "periods": ["2026"],
            "strike": 1,
            "quantity": 1,
            "simulation": {
                "start_price": 1,
                "drift": 0,
                "volatility": 0.1,
                "paths": 10**7,
            },
        },
    )
    assert "paths" in errors["simulation"]


@pytest.mark.parametrize("slug", SLUGS)
def test_garbage_input_is_always_an_input_error(slug):
    for request in ({}, {"periods": "x"}, {"flows": "no"}, {"suppliers": [{}]}):
        with pytest.raises(InputError):
            REGISTRY[slug].run(request)


def test_absurdly_large_numbers_are_refused_at_their_field():
    data = {**REGISTRY["trade-response"].example}
    data["flows"] = [{**data["flows"][0], "imports": 1e300}]
    with pytest.raises(InputError) as caught:
        REGISTRY["trade-response"].run(data)
    assert "imports" in caught.value.errors["flows"][0]


@pytest.mark.parametrize("slug", ["price-floor", "price-gap-subsidy", "offtake"])
def test_vat_inclusive_market_prices_are_stated_net(slug):
    """Prices quoted with 13 % VAT give the same result as the net prices."""
    calculator = get_calculator(slug)
    example = json.loads(json.dumps(calculator.example))
    example.pop("simulation", None)
    periods = example["periods"]
    net = [100.0 + 10 * i for i in range(len(periods))]
    example["market_price"] = net
    if slug == "price-floor":
        for flow in example["flows"]:
            flow.pop("import_price", None)
    gross = {
        **example,
        "market_price": [p * 1.13 for p in net],
        "market_price_vat": 0.13,
    }
    with_vat = calculator.run(gross).rows
    without = calculator.run(example).rows
    assert with_vat[
        "market_price" if slug != "price-floor" else "import_price"
    ].tolist() == (
        pytest.approx(
            without[
                "market_price" if slug != "price-floor" else "import_price"
            ].tolist()
        )
    )
    money = {
        "price-floor": "revenue",
        "price-gap-subsidy": "net_cost",
        "offtake": "payment",
    }
    assert with_vat[money[slug]].tolist() == pytest.approx(
        without[money[slug]].tolist()
    )


def test_validation_runs_once_from_the_declaration_when_built_directly():
    from instruments.calculators import price_floor

    with pytest.raises(InputError) as info:
        price_floor.PriceFloorInputs(
            periods=("2025", "2026"),
            reference_price=(1.0, 2.0, 3.0),
            flows=(
                price_floor.FloorFlow(origin="X", import_price=1.0, quantity=(1.0,)),
                price_floor.FloorFlow(origin="Y", quantity=(1.0, 2.0, 3.0)),
            ),
        )
    assert info.value.errors == {
        "reference_price": ["3 values given, 2 periods."],
        "flows": [
            {},
            {
                "quantity": ["3 values given, 2 periods."],
                "import_price": [
                    "Give an import price here, or a market price for the request."
                ],
            },
        ],
    }


def test_a_price_history_is_not_checked_against_the_periods():
    request = {
        "periods": ["2026", "2027"],
        "strike": 110,
        "quantity": 1,
        "simulation": {"price_history": [50, 55, 52, 60, 58], "paths": 10},
    }
    result = REGISTRY["price-gap-subsidy"].run(request)
    assert len(result.rows) == 2


def test_too_many_rows_or_values_say_how_many_are_allowed():
    """The same limit message from the parser and for a dataclass built directly."""
    from instruments.calculators import price_floor

    many = [str(1000 + i) for i in range(MAX_PERIODS + 1)]
    assert _errors("price-floor", _floor(periods=many))["periods"] == [
        f"At most {MAX_PERIODS} values are allowed; {MAX_PERIODS + 1} given."
    ]
    rows = [{"origin": "X", "import_price": 1, "quantity": 1}] * (MAX_FLOWS + 1)
    assert _errors("price-floor", _floor(flows=rows))["flows"] == [
        f"At most {MAX_FLOWS} items are allowed; {MAX_FLOWS + 1} given."
    ]
    flow = price_floor.FloorFlow(origin="X", import_price=1.0, quantity=1.0)
    with pytest.raises(InputError) as info:
        price_floor.PriceFloorInputs(
            periods=("2025",), reference_price=1.0, flows=(flow,) * (MAX_FLOWS + 1)
        )
    assert info.value.errors["flows"] == [
        f"At most {MAX_FLOWS} items are allowed; {MAX_FLOWS + 1} given."
    ]
