"""Inputs that crashed the server, and typos that gave
wrong numbers silently."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from rest_framework.test import APIClient

from instruments.api.querystring import decode_query, encode_query
from instruments.calculators import REGISTRY
from instruments.models import Commodity
from tests.factories import make_series

pytestmark = pytest.mark.django_db

PRICE_FLOOR = "/api/v1/calculators/price-floor/"
QUERY = "periods=2025&reference_price=110&origin=CHN&import_price=95&quantity=1"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- finding 3: no 500s -----------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_a_body_nested_5000_deep_is_a_400_on_every_calculator(slug):
    body = '{"a": ' + nested(5000) + "}"
    response = APIClient().post(
        f"/api/v1/calculators/{slug}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested" in json.dumps(response.json())


def test_a_body_nested_5000_deep_is_a_400_on_the_token_endpoint():
    response = APIClient().post(
        "/api/v1/token/", nested(5000), content_type="application/json"
    )
    assert response.status_code == 400


def test_a_query_key_3000_dots_deep_is_a_400():
    key = ".".join(["flows"] + ["0"] * 3000)
    response = APIClient().get(f"{PRICE_FLOOR}?{QUERY}&{key}=1")
    assert response.status_code == 400


def test_deeply_nested_inputs_on_a_page_are_a_400_not_a_500():
    """The page takes the API's query: what the API refuses, it refuses (a page)."""
    inputs = '{"a": ' + nested(5000) + "}"
    response = Client().get("/calculators/price-floor/", {"inputs": inputs})
    assert response.status_code == 400
    assert b"inputs" in response.content


@pytest.mark.parametrize("year", ["inf", "1e400", "-inf", "nan"])
def test_a_cbam_year_that_overflows_is_a_400(year):
    response = APIClient().get(
        "/api/v1/calculators/standards-market/?base_price=2500&carbon_price=80"
        f"&benchmark=1&free_allocation_share=&cbam_year={year}"
        "&name=a&quantity=1&intensity=2"
    )
    assert response.status_code == 400, response.content
    assert "cbam_year" in response.json()


def test_deleting_a_commodity_with_series_is_a_409_with_the_reason():
    steward = User.objects.create_user("keeper")
    steward.groups.add(Group.objects.get(name="Data stewards"))
    make_series(
        commodity="ni",
        commodity_name="Nickel",
        code="ni-lme",
        name="LME",
        unit="USD/t",
        frequency="annual",
        prices=[],
    )
    client = APIClient()
    client.force_authenticate(steward)
    response = client.delete("/api/v1/commodities/ni/")
    assert response.status_code == 409
    assert "ni-lme" in response.json()["detail"] or "LME" in response.json()["detail"]
    assert Commodity.objects.filter(code="ni").exists()


def test_a_3_mb_body_is_a_json_413():
    body = json.dumps({"periods": ["2025"], "notes": "x" * 3_000_000})
    response = APIClient().post(PRICE_FLOOR, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "larger than" in response.json()["detail"]


@pytest.mark.parametrize("fmt", ["xml", "pdf"])
def test_an_unknown_format_is_a_406_naming_the_formats(fmt):
    response = APIClient().get(f"{PRICE_FLOOR}?{QUERY}&format={fmt}")
    assert response.status_code == 406
    detail = response.json()["detail"]
    assert "csv" in detail
    assert "xlsx" in detail
    assert "json" in detail


def test_format_is_case_insensitive():
    response = APIClient().get(f"{PRICE_FLOOR}?{QUERY}&format=CSV")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


# --- finding 4: typos refused -----------------------------------------------------


def test_a_misspelt_query_field_is_a_400_naming_it_and_the_known_fields():
    response = APIClient().get(f"{PRICE_FLOOR}?{QUERY}&levy_cap_ad_valorm=0.25")
    assert response.status_code == 400
    message = response.json()["levy_cap_ad_valorm"][0]
    assert "levy_cap_ad_valorem" in message
    assert "Known fields" in message


def test_a_misspelt_nested_query_field_is_a_400():
    response = APIClient().get(f"{PRICE_FLOOR}?{QUERY}&flows.0.orign=AUS")
    assert response.status_code == 400
    assert "flows.0.orign" in response.json()


def test_a_repeated_query_key_is_a_400():
    response = APIClient().get(f"{PRICE_FLOOR}?{QUERY}&reference_price=120")
    assert response.status_code == 400
    assert "more than once" in response.json()["reference_price"][0]


def test_an_empty_query_value_means_the_default():
    plain = APIClient().get(f"{PRICE_FLOOR}?{QUERY}")
    blank = APIClient().get(f"{PRICE_FLOOR}?{QUERY}&levy_cap_ad_valorem=")
    assert blank.status_code == 200, blank.content
    assert blank.json()["summary"] == plain.json()["summary"]


def test_a_misspelt_body_field_is_a_400_at_its_path():
    body = dict(REGISTRY["price-floor"].example)
    body["levy_cap_ad_valorm"] = 0.25
    response = APIClient().post(PRICE_FLOOR, body, format="json")
    assert response.status_code == 400
    assert "levy_cap_ad_valorem" in response.json()["levy_cap_ad_valorm"][0]


def test_a_misspelt_field_inside_a_body_list_is_a_400_at_its_path():
    body = json.loads(json.dumps(dict(REGISTRY["standards-market"].example)))
    body["suppliers"][1]["intensty"] = 2
    response = APIClient().post(
        "/api/v1/calculators/standards-market/", body, format="json"
    )
    assert response.status_code == 400
    assert "intensty" in response.json()["suppliers"][1]


def test_request_extras_and_reserved_keys_are_known():
    body = dict(REGISTRY["price-floor"].example)
    body["format"] = "json"
    body["member_group"] = None
    response = APIClient().post(PRICE_FLOOR, body, format="json")
    assert response.status_code == 200, response.content


def test_every_example_passes_the_check_by_post_and_by_get():
    for slug, calculator in REGISTRY.items():
        body = json.loads(json.dumps(dict(calculator.example)))
        url = f"/api/v1/calculators/{slug}/"
        assert APIClient().post(url, body, format="json").status_code == 200, slug
        query = encode_query(calculator, body)
        assert APIClient().get(f"{url}?{query}").status_code == 200, slug


def test_commas_inside_a_text_value_survive_the_query_string():
    calculator = REGISTRY["standards-market"]
    body = json.loads(json.dumps(dict(calculator.example)))
    body["suppliers"][2]["name"] = "Coal smelter, default values"
    from urllib.parse import parse_qsl

    decoded = decode_query(calculator, parse_qsl(encode_query(calculator, body)))
    assert decoded["suppliers"][2]["name"] == "Coal smelter, default values"


# --- issue #24: sizes bounded before any allocation, strict keys, no 500s -----------

SENSITIVITY = "/api/v1/calculators/price-floor/sensitivity/"
JOBS = "/api/v1/jobs/"
INTERNALS = ("Traceback", "object does not support", "object is not", "Error:")


def _example(slug: str = "price-floor") -> dict:
    return json.loads(json.dumps(dict(REGISTRY[slug].example)))


def _no_internals(response) -> None:
    text = response.content.decode("utf-8", "replace")
    for marker in INTERNALS:
        assert marker not in text, text[:500]


@pytest.mark.parametrize("steps", [1_000_000_000, 10**12, 201])
def test_sensitivity_steps_beyond_the_limit_are_a_400_at_once(steps, monkeypatch):
    import numpy as np

    def refuse(*args, **kwargs):
        raise AssertionError("np.linspace called before the bound was checked")

    monkeypatch.setattr(np, "linspace", refuse)
    body = {
        "inputs": _example(),
        "vary": [{"path": "reference_price", "from": 90, "to": 130, "steps": steps}],
    }
    response = APIClient().post(SENSITIVITY, body, format="json")
    assert response.status_code == 400, response.content
    assert "steps" in json.dumps(response.json())
    _no_internals(response)


def test_sensitivity_too_many_values_is_a_400():
    body = {
        "inputs": _example(),
        "vary": [{"path": "reference_price", "values": list(range(201))}],
    }
    response = APIClient().post(SENSITIVITY, body, format="json")
    assert response.status_code == 400
    assert "200" in json.dumps(response.json())


def test_sensitivity_too_many_tornado_paths_is_a_400():
    body = {
        "inputs": _example(),
        "vary": [{"path": "reference_price", "values": [100, 110]}],
        "tornado": {"paths": ["reference_price"] * 500},
    }
    response = APIClient().post(SENSITIVITY, body, format="json")
    assert response.status_code == 400
    assert "tornado" in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"vary": [{"path": "reference_price", "values": [1, 2]}], "tornad": {}},
            "tornad",
        ),
        (
            {"vary": [{"path": "reference_price", "from": 1, "to": 2, "stpes": 5}]},
            "stpes",
        ),
        (
            {
                "vary": [{"path": "reference_price", "values": [1, 2]}],
                "tornado": {"pths": ["reference_price"]},
            },
            "pths",
        ),
    ],
)
def test_sensitivity_unknown_keys_are_a_400_naming_them(body, field):
    response = APIClient().post(
        SENSITIVITY, {"inputs": _example(), **body}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json())


def test_sensitivity_page_steps_beyond_the_limit_do_not_allocate(monkeypatch):
    import numpy as np

    monkeypatch.setattr(np, "linspace", None)
    response = Client().get(
        "/calculators/price-floor/sensitivity/", {"steps": str(10**12)}
    )
    assert response.status_code in (200, 400)
    assert response.status_code != 500


@pytest.mark.parametrize("url", [JOBS, SENSITIVITY])
def test_a_body_nested_10000_deep_is_a_400_on_jobs_and_sensitivity(url):
    body = '{"inputs": ' + nested(10_000) + "}"
    response = APIClient().post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in json.dumps(response.json())


def test_a_job_body_with_an_unknown_key_is_a_400_naming_it():
    body = {
        "calculator": "price-floor",
        "base": _example(),
        "gird": {"reference_price": [100, 110]},
    }
    response = APIClient().post(JOBS, body, format="json")
    assert response.status_code == 400, response.content
    assert "gird" in response.json()


@pytest.mark.parametrize("calculator", [["price-floor"], {"a": 1}, 5, None])
def test_a_job_calculator_that_is_not_a_name_is_a_400(calculator):
    response = APIClient().post(
        JOBS, {"calculator": calculator, "inputs": {}}, format="json"
    )
    assert response.status_code == 400
    assert "calculator" in response.json()
    _no_internals(response)


@pytest.mark.parametrize(
    "key",
    [
        "referenc_price",
        "flows.x.quantity",
        "flows.99.quantity",
        "flows.0.qty",
        "flows.\u00b2.quantity",
        "flows." + "9" * 5000 + ".quantity",
    ],
)
def test_a_grid_key_must_be_a_declared_input(key):
    body = {"calculator": "price-floor", "base": _example(), "grid": {key: [1, 2, 3]}}
    response = APIClient().post(JOBS, body, format="json")
    assert response.status_code == 400, response.content
    assert key[:80] in json.dumps(response.json(), ensure_ascii=False)
    _no_internals(response)


@pytest.mark.parametrize("path", ["flows.\u00b2.quantity", "flows.x.quantity"])
def test_a_sensitivity_path_that_is_no_input_is_a_400(path):
    body = {"inputs": _example(), "vary": [{"path": path, "values": [1, 2]}]}
    response = APIClient().post(SENSITIVITY, body, format="json")
    assert response.status_code == 400, response.content
    assert path in json.dumps(response.json(), ensure_ascii=False)
    _no_internals(response)


def test_a_declared_grid_key_still_runs():
    body = {
        "calculator": "price-floor",
        "base": _example(),
        "grid": {"reference_price": [100, 110], "flows.0.quantity": [1, 2]},
    }
    response = APIClient().post(JOBS, body, format="json")
    assert response.status_code == 202, response.content


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/trade-flows/?yaer=2024",
        "/api/v1/commodities/?nmae=nickel",
        "/api/v1/partners/?year=2024&limit=5",
    ],
)
def test_an_unknown_list_filter_is_a_400_naming_it(url):
    response = APIClient().get(url)
    assert response.status_code == 400, response.content
    bad = url.split("?")[1].split("=")[0]
    assert bad in json.dumps(response.json())


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/trade-flows/?year=2024&limit=5&offset=0&format=json",
        "/api/v1/commodities/?name=nickel&page_size=5&ordering=code",
    ],
)
def test_known_list_parameters_are_accepted(url):
    assert APIClient().get(url).status_code == 200


def test_a_scenario_posted_public_is_saved_public_or_refused():
    user = User.objects.create_user("saver")
    client = APIClient()
    client.force_authenticate(user)
    body = {
        "calculator": "price-floor",
        "title": "Public one",
        "inputs": _example(),
        "public": True,
    }
    response = client.post("/api/v1/scenarios/", body, format="json")
    if response.status_code == 201:
        assert response.json()["is_public"] is True
    else:
        assert response.status_code == 400
        assert "public" in response.json()


def test_a_nul_in_member_group_is_a_400():
    response = APIClient().get(f"{PRICE_FLOOR}?{QUERY}&member_group=%00")
    assert response.status_code == 400, response.content
    _no_internals(response)


def test_a_lone_surrogate_in_a_supplier_name_is_a_400():
    body = _example("standards-market")
    body["suppliers"][0]["name"] = "\ud800"
    raw = json.dumps(body)  # ensure_ascii: the surrogate travels as \\ud800
    response = APIClient().post(
        "/api/v1/calculators/standards-market/", raw, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "suppliers.0.name" in json.dumps(response.json())
    _no_internals(response)


@pytest.mark.parametrize(
    "item",
    [
        {"from": {"a": 1}, "to": 2, "steps": 3},
        {"from": "abc", "to": 2, "steps": 3},
        {"values": [1, [2]]},
        {"values": {"a": 1}},
        {"from": 1, "to": 2, "steps": "many"},
    ],
)
def test_sensitivity_values_that_are_not_numbers_are_a_plain_400(item):
    body = {"inputs": _example(), "vary": [{"path": "reference_price", **item}]}
    response = APIClient().post(SENSITIVITY, body, format="json")
    assert response.status_code == 400, response.content
    text = json.dumps(response.json())
    for internal in ("could not convert", "argument must be", "invalid literal"):
        assert internal not in text, text


def test_an_export_job_with_an_unknown_filter_is_a_400_naming_it():
    body = {"export": "/api/v1/trade-flows/?yaer=2024"}
    response = APIClient().post(JOBS, body, format="json")
    assert response.status_code == 400, response.content
    assert "yaer" in json.dumps(response.json())


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/trade-flows/?commodity=%00",
        "/api/v1/partner-groups/?code=a%00b",
        "/commodities/?q=%00",
    ],
)
def test_a_nul_anywhere_in_the_address_is_a_400_on_every_database(url):
    """PostgreSQL text holds no NUL: it is refused before any query sees it."""
    response = APIClient().get(url)
    assert response.status_code == 400, response.content
    assert b"NUL" in response.content
