"""What the OpenAPI schema promises."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer


@pytest.fixture(scope="module")
def schema() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_operation_documents_the_shared_error_answers(schema):
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        assert {"401", "403", "404", "406", "429"} <= codes, (method, path)
        if "requestBody" in operation:
            assert {"413", "415"} <= codes, (method, path)


def test_the_query_token_is_advertised_on_get_operations_only(schema):
    for path, method, operation in _operations(schema):
        names = {name for s in operation.get("security", []) for name in s}
        if method != "get":
            assert "queryToken" not in names, (method, path)


def test_anonymous_access_is_declared_where_reads_are_open(schema):
    ops = schema["paths"]["/api/v1/calculators/price-floor/"]
    assert {} in ops["get"]["security"]
    assert {} in ops["post"]["security"]
    assert {} not in schema["paths"]["/api/v1/scenarios/"]["post"]["security"]


def test_commodity_series_is_documented_as_a_paginated_list(schema):
    response = schema["paths"]["/api/v1/commodities/{code}/series/"]["get"]
    ref = response["responses"]["200"]["content"]["application/json"]["schema"]
    assert ref["$ref"].endswith("PaginatedSeriesCoverageList")


def test_the_400_error_body_is_typed(schema):
    error = schema["paths"]["/api/v1/calculators/price-floor/"]["post"]["responses"][
        "400"
    ]["content"]["application/json"]["schema"]
    assert isinstance(error["additionalProperties"], dict)


def test_must_be_greater_than_zero_is_an_exclusive_minimum(schema):
    text = json.dumps(schema)
    assert '"exclusiveMinimum": true' in text  # OpenAPI 3.0.3 form, with minimum
    assert schema["openapi"].startswith("3.0")


def test_member_group_is_documented_where_it_applies(schema):
    params = schema["paths"]["/api/v1/calculators/price-floor/"]["get"]["parameters"]
    assert "member_group" in {p["name"] for p in params}


# --- what the schema now states, and the server holds to ------------------------------


def test_anonymous_access_follows_the_views_permissions(schema):
    paths = schema["paths"]
    assert {} in paths["/api/v1/jobs/"]["post"]["security"]  # a calculation: a read
    assert {} in paths["/api/v1/commodities/"]["get"]["security"]
    assert {} not in paths["/api/v1/commodities/"]["post"]["security"]
    assert {} not in paths["/api/v1/token/"]["get"]["security"]  # needs a sign-in
    assert {} not in paths["/api/v1/token/"]["delete"]["security"]


def test_the_answers_of_lists_and_writes_are_documented(schema):
    paths = schema["paths"]
    assert "400" in paths["/api/v1/partners/"]["get"]["responses"]  # bad filters
    assert "409" in paths["/api/v1/partners/"]["post"]["responses"]  # a taken key
    assert "409" in paths["/api/v1/commodities/{code}/"]["delete"]["responses"]
    accepted = paths["/api/v1/jobs/"]["post"]["responses"]["202"]
    assert accepted["headers"]["Location"]["required"] is True
    assert (
        "Retry-After"
        in paths["/api/v1/partners/"]["get"]["responses"]["429"]["headers"]
    )


def test_optional_query_parameters_allow_an_empty_value(schema):
    for path, _method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                assert parameter.get("allowEmptyValue") is True, (path, parameter)


def test_calculator_bodies_are_closed_and_bounded(schema):
    components = schema["components"]["schemas"]
    body = components["PriceFloorInputRequest"]
    assert body["additionalProperties"] is False
    assert components["PriceFloorFloorFlowRequest"]["additionalProperties"] is False
    assert body["properties"]["flows"]["minItems"] == 1
    factor = body["properties"]["reference_factor"]
    assert factor["minimum"] == 0
    assert factor["exclusiveMinimum"] is True
    assert "format" in body["properties"]  # a query name a body may carry
    demand = components["TradeResponseInputRequest"]["properties"][
        "import_demand_elasticity"
    ]
    assert demand["maximum"] == 0
    assert demand["exclusiveMaximum"] is True
    labels = body["properties"]["periods"]["oneOf"][0]["items"]
    assert labels["pattern"].startswith("^")


def test_query_parameters_of_a_calculator_are_typed(schema):
    params = {
        p["name"]: p
        for p in schema["paths"]["/api/v1/calculators/price-floor/"]["get"][
            "parameters"
        ]
    }
    assert params["trailing_periods"]["schema"]["type"] == "integer"
    assert params["reference_basis"]["schema"]["enum"]
    periods = params["periods"]
    assert periods["schema"]["type"] == "array"
    assert (periods["style"], periods["explode"]) == ("form", False)


def test_pagination_refuses_what_it_cannot_read(anon, db):
    for query in ("offset=abc", "offset=-1", "limit=0", "limit=10001", "limit=1.5"):
        response = anon.get(f"/api/v1/partners/?{query}")
        assert response.status_code == 400, query
        assert query.split("=")[0] in response.json(), query
    assert anon.get("/api/v1/partners/?limit=&offset=").status_code == 200
    assert anon.get("/api/v1/partners/?format=csv&offset=x").status_code == 400


def test_yes_no_and_whole_number_filters_refuse_other_values(anon, db):
    assert anon.get("/api/v1/scenarios/?is_public=maybe").status_code == 400
    assert anon.get("/api/v1/scenarios/?is_public=null").status_code == 400
    assert anon.get("/api/v1/scenarios/?is_public=TRUE").status_code == 200
    assert anon.get("/api/v1/scenarios/?is_public=").status_code == 200
    assert anon.get("/api/v1/trade-flows/?year=1.5").status_code == 400
    assert anon.get("/api/v1/trade-flows/?year=2024").status_code == 200


def test_a_calculator_body_is_typed_as_the_schema_says(anon, db):
    from instruments.calculators import REGISTRY

    body = json.loads(json.dumps(dict(REGISTRY["price-floor"].example)))
    body["reference_factor"] = "1.5"  # text, not a number
    body["flows"][0]["member"] = 1  # a number, not true or false
    body["flows"][1]["import_price"] = -5  # the calculator's own check, still named
    response = anon.post("/api/v1/calculators/price-floor/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["reference_factor"] == ["Expected a number."]
    assert errors["flows"][0]["member"] == ["Expected true or false."]
    assert "import_price" in errors["flows"][1]


def test_a_reference_write_is_typed_and_a_taken_key_is_a_conflict(client_for, steward):
    client = client_for(steward)
    rate = {"currency": "EUR", "period": "2024-01-01", "source": "ECB"}
    assert client.post(
        "/api/v1/fx-rates/", {**rate, "units_per_usd": "0.9"}, format="json"
    ).json() == {"units_per_usd": ["Expected a number."]}
    created = client.post(
        "/api/v1/fx-rates/", {**rate, "units_per_usd": 0.923456789123}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["units_per_usd"] == pytest.approx(0.92345679)  # 8 places
    again = client.post(
        "/api/v1/fx-rates/", {**rate, "units_per_usd": 1}, format="json"
    )
    assert again.status_code == 409
    zero = {**rate, "period": "2024-02-01", "units_per_usd": 1e-9}
    assert client.post("/api/v1/fx-rates/", zero, format="json").status_code == 400
    bad_code = {**rate, "currency": "eur", "period": "2024-03-01", "units_per_usd": 1}
    assert (
        "currency" in client.post("/api/v1/fx-rates/", bad_code, format="json").json()
    )


def test_the_token_endpoint_needs_a_sign_in_to_show_or_revoke(anon, db):
    assert anon.get("/api/v1/token/").status_code == 401
    assert anon.delete("/api/v1/token/").status_code == 401
