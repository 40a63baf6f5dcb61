"""Issue #12, finding 8: what the OpenAPI schema promises."""

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
