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


def test_deeply_nested_inputs_on_a_page_are_ignored_not_a_500():
    inputs = '{"a": ' + nested(5000) + "}"
    response = Client().get("/calculators/price-floor/", {"inputs": inputs})
    assert response.status_code == 200


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
