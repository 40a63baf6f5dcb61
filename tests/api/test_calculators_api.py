"""The calculator endpoints: same numbers as the pure call, in JSON, CSV and XLSX;
stored prices; every error case a 400 naming the field."""

from __future__ import annotations

import copy
import csv
import io
import math
from typing import Any

import openpyxl
import pytest

from instruments.api.querystring import encode_query
from instruments.api.schema import input_serializer
from instruments.calculators import REGISTRY
from instruments.calculators.base import describe, iter_errors
from instruments.calculators.extras import request_extras
from instruments.calculators.limits import MAX_PERIODS
from instruments.presentation.jsonify import json_value, rows_as_records

pytestmark = pytest.mark.django_db

SLUGS = sorted(REGISTRY)


def url(slug: str) -> str:
    return f"/api/v1/calculators/{slug}/"


def pure(slug: str, data: dict[str, Any]) -> dict[str, Any]:
    """What the calculator computes without the API."""
    result = REGISTRY[slug].run(data)
    return {
        "summary": json_value(dict(result.summary)),
        "rows": rows_as_records(result.rows),
    }


def error_paths(tree: Any) -> set[str]:
    return {".".join(str(step) for step in path) for path, _ in iter_errors(tree)}


def example(slug: str) -> dict[str, Any]:
    return copy.deepcopy(dict(REGISTRY[slug].example))


def as_number(text: str) -> Any:
    if text == "":
        return None
    if text in ("true", "false"):
        return text == "true"
    try:
        return float(text)
    except ValueError:
        return text


def same(a: Any, b: Any) -> bool:
    if isinstance(b, str):
        return str(a) == b or (
            isinstance(a, float) and a.is_integer() and str(int(a)) == b
        )
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return a == b


# --- the same numbers as the pure call -----------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_post_gives_the_numbers_of_the_pure_call(anon, strict_json, slug):
    response = anon.post(url(slug), example(slug), format="json")

    assert response.status_code == 200, response.content
    body = strict_json(response.content)
    expected = pure(slug, example(slug))
    assert body["summary"] == expected["summary"]
    assert body["rows"] == expected["rows"]
    assert set(body) >= {"summary", "rows", "inputs"}


@pytest.mark.parametrize("slug", SLUGS)
def test_get_with_query_parameters_gives_the_same_numbers(anon, strict_json, slug):
    query = encode_query(REGISTRY[slug], example(slug))

    response = anon.get(f"{url(slug)}?{query}")

    assert response.status_code == 200, (query, response.content)
    body = strict_json(response.content)
    expected = pure(slug, example(slug))
    assert body["summary"] == expected["summary"]
    assert body["rows"] == expected["rows"]


@pytest.mark.parametrize("slug", SLUGS)
def test_normalised_inputs_fill_in_every_declared_field(anon, slug):
    body = anon.post(url(slug), example(slug), format="json").json()

    declared = {fs.name for fs in describe(REGISTRY[slug].inputs)}
    assert declared <= set(body["inputs"])


def test_a_flattened_flow_is_a_non_member_unless_member_is_true(anon):
    query = (
        "periods=2025Q1,2025Q2&reference_price=110&price_unit=USD/kg&quantity_unit=t"
        "&origin=CHN&import_price=95,105&quantity=100,120"
    )
    non_member = anon.get(f"{url('price-floor')}?{query}").json()
    member = anon.get(f"{url('price-floor')}?{query}&member=true").json()

    assert non_member["inputs"]["flows"][0]["member"] is False
    assert [row["levy"] for row in non_member["rows"]] == [15, 5]
    assert member["inputs"]["flows"][0]["member"] is True
    assert [row["levy"] for row in member["rows"]] == [0, 0]


def test_several_flows_by_indexed_dotted_names(anon):
    query = (
        "periods=2025Q1,2025Q2&reference_price=110&price_unit=USD/kg&quantity_unit=t"
        "&flows.0.origin=CHN&flows.0.import_price=95,105&flows.0.quantity=100,120"
        "&flows.1.origin=AUS&flows.1.member=true&flows.1.import_price=100"
        "&flows.1.quantity=50"
    )
    body = anon.get(f"{url('price-floor')}?{query}").json()

    assert [flow["origin"] for flow in body["inputs"]["flows"]] == ["CHN", "AUS"]


def test_nested_blocks_by_dotted_names(anon):
    data = example("offtake")
    data["pricing"] = {"method": "collar", "floor": 1000, "cap": 2200, "discount": 0.0}
    query = encode_query(REGISTRY["offtake"], data)
    assert "pricing.method=collar" in query

    body = anon.get(f"{url('offtake')}?{query}").json()

    assert body["inputs"]["pricing"]["method"] == "collar"
    assert body["inputs"]["pricing"]["floor"] == 1000


# --- CSV and XLSX --------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_csv_parses_back_to_the_rows_in_the_documented_column_order(anon, slug):
    response = anon.post(f"{url(slug)}?format=csv", example(slug), format="json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    columns = list(REGISTRY[slug].columns)
    assert table[0][: len(columns)] == columns
    expected = pure(slug, example(slug))["rows"]
    assert len(table) - 1 == len(expected)
    for line, record in zip(table[1:], expected, strict=True):
        for column, text in zip(table[0], line, strict=True):
            assert same(as_number(text), record[column]), (column, text)


@pytest.mark.parametrize("slug", SLUGS)
def test_xlsx_has_summary_and_rows_sheets_with_the_same_figures(anon, slug):
    response = anon.post(f"{url(slug)}?format=xlsx", example(slug), format="json")

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["Summary", "Rows"]
    expected = pure(slug, example(slug))
    summary = {
        name: value
        for name, value in workbook["Summary"].iter_rows(min_row=2, values_only=True)
    }
    for name, value in expected["summary"].items():
        if isinstance(value, int | float | str | type(None)):
            assert same(summary[name], value), name
    rows = list(workbook["Rows"].iter_rows(values_only=True))
    header, lines = list(rows[0]), rows[1:]
    assert header[: len(REGISTRY[slug].columns)] == list(REGISTRY[slug].columns)
    assert len(lines) == len(expected["rows"])
    for line, record in zip(lines, expected["rows"], strict=True):
        for column, value in zip(header, line, strict=True):
            wanted = record[column]
            if isinstance(wanted, bool):
                wanted = "true" if wanted else "false"
            assert same(value, wanted), (column, value, wanted)


def test_accept_text_csv_gives_csv(anon):
    response = anon.post(
        url("price-floor"),
        example("price-floor"),
        format="json",
        HTTP_ACCEPT="text/csv",
    )

    assert response.status_code == 200
    assert response.content.decode().splitlines()[0].startswith("period,origin")


def test_an_error_as_csv_is_a_field_message_table(anon):
    data = example("price-floor")
    data["flows"][0]["import_price"] = [-1, 105]

    response = anon.post(f"{url('price-floor')}?format=csv", data, format="json")

    assert response.status_code == 400
    lines = response.content.decode().splitlines()
    assert lines[0] == "field,message"
    assert lines[1].startswith("flows.0.import_price,")


def test_undefined_values_are_null_never_nan(anon, strict_json):
    # An import price of 0 makes the ad-valorem equivalent undefined.
    data = example("price-floor")
    prices = data["flows"][0]["import_price"]
    data["flows"][0]["import_price"] = (
        [0, *prices[1:]] if isinstance(prices, list) else 0
    )

    response = anon.post(url("price-floor"), data, format="json")

    assert response.status_code == 200, response.content
    body = strict_json(response.content)
    assert body["rows"][0]["ad_valorem_equivalent"] is None


# --- stored prices -------------------------------------------------------------------


def stored_price_calculator() -> str:
    """price-gap-subsidy (a per-period market price), else the first that takes one."""
    if "price-gap-subsidy" in REGISTRY:
        return "price-gap-subsidy"
    return next(s for s, c in sorted(REGISTRY.items()) if c.price_field)


def without_typed_prices(slug: str) -> dict[str, Any]:
    data = example(slug)
    calculator = REGISTRY[slug]
    if calculator.price_field:
        data.pop(calculator.price_field, None)
    data.pop("periods", None)
    data.pop("simulation", None)
    data.pop("valuation", None)
    data.pop("settlement", None)
    for name in ("taken_quantity", "quantity", "contracted_quantity"):
        if isinstance(data.get(name), list):
            data[name] = data[name][0]
    return data


def test_stored_prices_default_series_converted_into_the_request_unit(
    anon, stored_prices
):
    slug = stored_price_calculator()
    calculator = REGISTRY[slug]
    data = {
        **without_typed_prices(slug),
        "commodity": "test-nickel",
        "price_unit": "USD/kg",
    }

    response = anon.post(url(slug), data, format="json")

    assert response.status_code == 200, response.content
    inputs = response.json()["inputs"]
    used = inputs["stored_prices"]
    assert used["series"] == "test-nickel-annual"
    assert used["source_unit"] == "USD/t"
    assert (used["first_period"], used["last_period"]) == ("2021", "2024")
    assert used["estimated_periods"] == ["2024"]
    assert inputs["periods"] == ["2021", "2022", "2023", "2024"]
    assert inputs[calculator.price_field] == pytest.approx([15.0, 18.0, 21.0, 17.0])


def test_stored_prices_named_monthly_series_and_range(anon, stored_prices):
    slug = stored_price_calculator()
    calculator = REGISTRY[slug]
    data = {
        **without_typed_prices(slug),
        "commodity": "test-nickel",
        "series": "test-nickel-monthly",
        "start": "2024-02",
        "end": "2024-04",
        "price_unit": "USD/t",
    }

    response = anon.post(url(slug), data, format="json")

    assert response.status_code == 200, response.content
    inputs = response.json()["inputs"]
    assert inputs["stored_prices"]["series"] == "test-nickel-monthly"
    assert inputs["periods"] == ["2024-02", "2024-03", "2024-04"]
    assert inputs[calculator.price_field] == pytest.approx([16500, 17000, 17500])


def test_stored_prices_by_query_string(anon, stored_prices):
    slug = stored_price_calculator()
    query = encode_query(
        REGISTRY[slug],
        {**without_typed_prices(slug), "commodity": "test-nickel", "end": "2022"},
    )

    response = anon.get(f"{url(slug)}?{query}&format=csv")

    assert response.status_code == 200, response.content
    assert len(response.content.decode().strip().splitlines()) >= 3  # header + 2 years


# --- errors: 400 naming the field ----------------------------------------------------


def post_error(anon, slug: str, data: Any, **kwargs: Any) -> dict[str, Any]:
    response = anon.post(url(slug), data, **kwargs)
    assert response.status_code == 400, response.content
    return response.json()


def test_malformed_json_is_a_400(anon):
    body = post_error(
        anon, "price-floor", '{"periods": [2025', content_type="application/json"
    )

    assert "not valid JSON" in body["non_field_errors"][0]


def test_malformed_json_to_a_sensitivity_sweep_is_the_same_400(anon):
    response = anon.post(
        "/api/v1/calculators/price-floor/sensitivity/",
        '{"inputs": {',
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["non_field_errors"][0].startswith(
        "The request body is not valid JSON: "
    )


def test_a_flow_that_is_not_an_object_is_a_400_not_a_500(anon):
    data = example("price-floor")
    data["flows"] = [1]

    response = anon.post(url("price-floor"), data, format="json")

    assert response.status_code == 400
    assert response.json()["flows"][0]["non_field_errors"] == [
        "Expected an object with named fields."
    ]


def test_a_body_that_is_not_an_object_is_a_400(anon):
    body = post_error(anon, "price-floor", [1, 2, 3], format="json")

    assert "non_field_errors" in body


def test_an_empty_body_lists_every_required_field(anon):
    body = post_error(anon, "price-floor", {}, format="json")

    required = {
        fs.name for fs in describe(REGISTRY["price-floor"].inputs) if fs.required
    }
    assert required <= set(body)


def test_unknown_price_unit_is_a_400_at_price_unit(anon):
    data = {**example("price-floor"), "price_unit": "USD/furlong"}

    assert "price_unit" in error_paths(
        post_error(anon, "price-floor", data, format="json")
    )


def test_incompatible_units_are_a_400_naming_the_units(anon):
    data = {**example("price-floor"), "price_unit": "USD/MWh", "quantity_unit": "t"}

    paths = error_paths(post_error(anon, "price-floor", data, format="json"))

    assert paths & {"price_unit", "quantity_unit"}


def test_negative_price_is_a_400_at_the_flow_field(anon):
    data = example("price-floor")
    data["flows"][0]["import_price"] = [-95, 105]

    paths = error_paths(post_error(anon, "price-floor", data, format="json"))

    assert "flows.0.import_price" in paths


def test_length_mismatch_is_a_400_at_the_flow_field(anon):
    data = example("price-floor")
    data["flows"][0]["import_price"] = [95, 105, 120]

    body = post_error(anon, "price-floor", data, format="json")

    assert "flows.0.import_price" in error_paths(body)
    assert body["flows"][0]["import_price"][0]  # a sentence, not a code


def test_every_invalid_field_is_reported_at_once(anon):
    data = example("price-floor")
    data["flows"][0]["import_price"] = [-95, 105]
    data["flows"][1]["quantity"] = "lots"
    data["levy_cap_ad_valorem"] = "a quarter"

    paths = error_paths(post_error(anon, "price-floor", data, format="json"))

    assert {"flows.0.import_price", "flows.1.quantity", "levy_cap_ad_valorem"} <= paths


def test_unknown_commodity_is_a_400_at_commodity(anon, db):
    slug = stored_price_calculator()
    data = {**without_typed_prices(slug), "commodity": "unobtainium"}

    assert "commodity" in error_paths(post_error(anon, slug, data, format="json"))


def test_too_many_periods_is_a_400_at_periods(anon):
    data = example("price-floor")
    data["periods"] = [str(1000 + i) for i in range(MAX_PERIODS + 1)]
    for flow in data["flows"]:
        flow["import_price"], flow["quantity"] = 100, 10

    assert "periods" in error_paths(
        post_error(anon, "price-floor", data, format="json")
    )


def test_too_many_simulated_paths_is_a_400_at_simulation_paths(anon):
    data = example("price-gap-subsidy")
    data["simulation"] = {**(data.get("simulation") or {}), "paths": 10**9}

    paths = error_paths(post_error(anon, "price-gap-subsidy", data, format="json"))

    assert any(path.startswith("simulation") for path in paths)


def test_unknown_calculator_is_a_404_naming_the_known_ones(anon):
    response = anon.post(url("carbon-tax"), {}, format="json")

    assert response.status_code == 404
    assert "price-floor" in response.json()["detail"]


def test_a_failed_request_writes_nothing(anon, stored_prices):
    from instruments.models import PriceObservation, Scenario

    before = (PriceObservation.objects.count(), Scenario.objects.count())
    anon.post(url("price-floor"), {"periods": "x"}, format="json")

    assert (PriceObservation.objects.count(), Scenario.objects.count()) == before


# --- discovery and schema ------------------------------------------------------------


def test_calculator_list_names_every_calculator_with_its_fields(anon):
    body = anon.get("/api/v1/calculators/").json()

    assert [entry["slug"] for entry in body] == list(REGISTRY)
    for entry in body:
        calculator = REGISTRY[entry["slug"]]
        assert entry["url"].endswith(url(entry["slug"]))
        assert entry["columns"] == list(calculator.columns)
        assert [f["name"] for f in entry["fields"]] == [
            fs.name for fs in describe(calculator.inputs)
        ]


def serializer_names(serializer_class: type) -> dict[str, Any]:
    """Field names of a serializer, nested serializers expanded like describe()."""
    tree: dict[str, Any] = {}
    for name, field in serializer_class().fields.items():
        child = getattr(field, "child", field)
        tree[name] = serializer_names(type(child)) if hasattr(child, "fields") else None
    return tree


def spec_names(specs: Any) -> dict[str, Any]:
    return {fs.name: spec_names(fs.children) if fs.children else None for fs in specs}


@pytest.mark.parametrize("slug", SLUGS)
def test_request_serializer_fields_are_the_declared_inputs(slug):
    calculator = REGISTRY[slug]
    names = serializer_names(input_serializer(calculator))
    declared = {fs.name for fs in describe(calculator.inputs)}
    extra = {fs.name for fs in request_extras(calculator)} - declared

    assert {k: v for k, v in names.items() if k not in extra} == spec_names(
        describe(calculator.inputs)
    )
    assert extra <= set(names)


def test_schema_shows_each_calculator_with_its_request_fields(anon):
    schema = anon.get("/api/schema/?format=json").json()

    for slug, calculator in REGISTRY.items():
        operation = schema["paths"][url(slug)]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        declared = {fs.name for fs in describe(calculator.inputs)}
        assert declared <= set(component["properties"])
        responses = operation["responses"]
        assert {"200", "400"} <= set(responses)
        assert "text/csv" in responses["200"]["content"]
        get_names = {p["name"] for p in schema["paths"][url(slug)]["get"]["parameters"]}
        assert "format" in get_names


def test_series_fields_are_documented_as_number_or_array(anon):
    schema = anon.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    flows = components["PriceFloorInputRequest"]["properties"]["flows"]
    flow = components[flows["items"]["$ref"].rsplit("/", 1)[-1]]["properties"]

    kinds = {option["type"] for option in flow["import_price"]["oneOf"]}

    assert kinds == {"number", "array"}
    assert flow["import_price"]["oneOf"][0].get("minimum") == 0


def test_text_that_a_spreadsheet_would_run_is_defused_in_csv(anon):
    data = example("price-floor")
    data["flows"][0]["origin"] = '=HYPERLINK("http://evil.example")'
    response = anon.post(f"{url('price-floor')}?format=csv", data, format="json")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["origin"] == '\'=HYPERLINK("http://evil.example")'


def test_negative_numbers_stay_numbers_in_csv(anon):
    response = anon.post(
        f"{url('trade-response')}?format=csv", example("trade-response"), format="json"
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    diversion = [row["trade_diversion"] for row in rows]
    assert any(value.startswith("-") for value in diversion)
    assert all(float(value) == float(value) for value in diversion)  # parse as numbers


# --- outside the request transaction ------------------------------------------------


def test_a_calculation_runs_outside_the_request_transaction(anon):
    """A calculation only reads: no BEGIN and COMMIT round trips around it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve

    view = resolve("/api/v1/calculators/price-floor/").func
    assert "default" in getattr(view, "_non_atomic_requests", set())
    body = REGISTRY["price-floor"].example
    with CaptureQueriesContext(connection) as queries:
        response = anon.post("/api/v1/calculators/price-floor/", body, format="json")
    assert response.status_code == 200
    assert not [q for q in queries if "SAVEPOINT" in q["sql"].upper()]


def test_an_api_error_outside_the_transaction_leaves_the_callers_transaction_usable(
    anon,
):
    """DRF's handler marks the open transaction for rollback on a 404 or 406; outside
    the request transaction the only one open is the caller's (here the test's)."""
    from instruments.models import Partner

    assert anon.get("/api/v1/calculators/no-such/").status_code == 404
    assert anon.get("/api/v1/calculators/price-floor/?format=xml").status_code == 406
    assert Partner.objects.count() >= 0  # no TransactionManagementError


# --- an official's slip is a 400 at its field, with the way to fix it ------------------


@pytest.mark.parametrize(
    ("slug", "change", "field", "words"),
    [
        (
            "price-gap-subsidy",
            {"design": "two_sided", "upside_share": 0.3},
            "upside_share",
            "no separate upside share",
        ),
        ("price-floor", {"quantity_unit": "ton"}, "quantity_unit", "short_ton"),
        ("price-floor", {"price_unit": "USD/ton"}, "price_unit", "short_ton"),
        ("price-floor", {"price_unit": "USD/mtu"}, "quantity_unit", "grade"),
        (
            "price-floor",
            {"levy_cap_ad_valorem": 25},
            "levy_cap_ad_valorem",
            "did you mean 0.25?",
        ),
        ("standards-market", {"pass_through": 30}, "pass_through", "did you mean 0.3?"),
    ],
)
def test_an_officials_slip_is_a_400_at_its_field_with_the_fix(
    anon, slug, change, field, words
):
    body = post_error(anon, slug, {**example(slug), **change}, format="json")

    assert words in body[field][0]


def test_a_flow_origin_that_is_not_a_stored_iso3_code_is_a_400_at_the_origin(anon):
    from tests.factories import make_partner

    make_partner(iso3="CHN", iso2="CN", name="China")
    make_partner(iso3="AUS", iso2="AU", name="Australia")
    data = example("price-floor")
    data["flows"][0]["origin"] = "China"
    data["flows"].append({"origin": "XXX", "import_price": 90, "quantity": 1})
    data["flows"].append({"origin": "ROW", "import_price": 90, "quantity": 1})

    body = post_error(anon, "price-floor", data, format="json")

    flows = body["flows"]
    assert "Did you mean CHN?" in flows[0]["origin"][0]
    assert "ISO 3166 alpha-3" in flows[2]["origin"][0]
    assert not flows[1]  # AUS is a stored partner; ROW (the last flow) is accepted
    assert len(flows) == 3


def test_typed_periods_select_the_stored_prices_or_are_a_400_naming_the_period(
    anon, stored_prices
):
    request = {
        "periods": ["2022", "2024"],
        "strike": 20_000,
        "quantity": 1,
        "price_unit": "USD/t",
        "quantity_unit": "t",
        "commodity": "test-nickel",
    }
    response = anon.post(url("price-gap-subsidy"), request, format="json")
    assert response.status_code == 200, response.content
    rows = response.json()["rows"]
    assert [row["period"] for row in rows] == ["2022", "2024"]
    assert [row["market_price"] for row in rows] == [18_000, 17_000]

    missing = post_error(
        anon,
        "price-gap-subsidy",
        {**request, "periods": ["2024", "2026"]},
        format="json",
    )
    assert "2026" in missing["periods"][0]
    quarters = {**request, "periods": ["2026Q1", "2026Q2"]}
    other = post_error(anon, "price-gap-subsidy", quarters, format="json")
    assert "quarters" in other["periods"][0]


def test_estimates_from_a_short_history_come_with_errors_points_and_a_warning(anon):
    data = {
        **example("price-gap-subsidy"),
        "market_price": None,
        "simulation": {
            "model": "gbm",
            "price_history": [60, 95, 70, 110, 80],
            "history_step_years": 1,
            "paths": 200,
            "seed": 1,
        },
    }
    response = anon.post(url("price-gap-subsidy"), data, format="json")
    assert response.status_code == 200, response.content
    summary = response.json()["summary"]

    assert summary["simulation_history_points"] == 5
    assert summary["simulation_volatility_se"] > 0
    assert summary["simulation_drift_se"] > 0
    assert "only 5 prices" in summary["warnings"]
    given = {**data, "simulation": {**data["simulation"], "volatility": 0.3}}
    overridden = anon.post(url("price-gap-subsidy"), given, format="json").json()
    assert overridden["summary"]["simulation_volatility"] == 0.3
    assert overridden["summary"]["simulation_volatility_se"] is None
