"""Numbers on the pages follow the official's number format: from the browser's
Accept-Language (Django's locale formats) or an explicit choice; the API stays
dot-decimal JSON."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from instruments.calculators import REGISTRY
from instruments.calculators.numbers import ENGLISH
from instruments.web.form_data import inputs_to_form_data
from instruments.web.number_formats import COOKIE, get_number_format, number_format_of

pytestmark = pytest.mark.django_db

FLOOR = REGISTRY["price-floor"]
URL = reverse("instruments:calculator", args=["price-floor"])
GERMAN = number_format_of("de")


def form_data(**changes: Any) -> dict[str, Any]:
    data = inputs_to_form_data(FLOOR, FLOOR.example, number_format=GERMAN)
    data.update(changes)
    return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}


def test_the_format_comes_from_django_locale_files() -> None:
    assert (GERMAN.decimal, GERMAN.thousands) == (",", ".")
    french = number_format_of("fr")
    assert (french.decimal, french.thousands) == (",", "\u00a0")
    assert number_format_of("en-gb").decimal == "."
    assert number_format_of("not-a-language") == ENGLISH


def test_accept_language_picks_the_format_and_a_cookie_overrides_it(rf) -> None:
    request = rf.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.8")
    assert get_number_format(request).decimal == ","
    request.COOKIES[COOKIE] = "en"
    assert get_number_format(request).decimal == "."
    assert get_number_format(rf.get("/")).decimal == "."  # LANGUAGE_CODE en-gb


def test_a_german_official_types_decimal_commas_and_gets_the_same_answer(
    client: Client,
) -> None:
    typed = form_data(
        reference_price="1.234,5",
        **{"trade_response-import_demand_elasticity": "-1,5"},
    )
    response = client.post(URL, typed, HTTP_ACCEPT_LANGUAGE="de-DE,de")
    assert response.status_code == 200
    assert response.context["form"].errors == {}
    request = response.context["calculation"].request
    assert request["reference_price"] == 1234.5
    assert request["trade_response"]["import_demand_elasticity"] == -1.5
    assert request["flows"][0]["import_price"] == [95, 105, 120, 80]
    pure = FLOOR.run({**FLOOR.example, "reference_price": 1234.5})
    headline = response.context["headline"][0]
    assert headline.value == pytest.approx(pure.summary[headline.key])
    html = response.content.decode()
    # Echoed as read (a per-period series: no thousands separator, as in a list).
    assert 'value="1234,5"' in html
    assert 'value="-1,5"' in html
    assert "Numbers in the German format: 1.234,5" in html


def test_the_same_text_is_read_per_locale(client: Client) -> None:
    name = "trade_response-substitution_elasticity"  # a single number
    english = inputs_to_form_data(FLOOR, FLOOR.example)
    english[name] = "1,234"
    english = {k: ("on" if v is True else v) for k, v in english.items() if v}
    response = client.post(URL, english, HTTP_ACCEPT_LANGUAGE="en-US")
    # 1234 in English: over the field's bound of 50, and the page says how it read it.
    assert "Must be at most 50; 1234 given." in response.context["form"].errors[name]
    assert "Read as 1234: in the English format" in response.content.decode()

    response = client.post(URL, form_data(**{name: "1,234"}), HTTP_ACCEPT_LANGUAGE="de")
    used = response.context["calculation"].request["trade_response"]
    assert used["substitution_elasticity"] == 1.234
    html = response.content.decode()
    assert f'id="id_{name}-reading"' in html
    assert "Read as 1,234, a number between 1 and 2" in html


def test_a_list_read_differently_than_meant_says_how_it_was_read(
    client: Client,
) -> None:
    """English "1,234" in a per-period field is two values, and the page says so
    beside the length error."""
    english = inputs_to_form_data(FLOOR, FLOOR.example)
    english["reference_price"] = "1,234"
    english = {k: ("on" if v is True else v) for k, v in english.items() if v}
    response = client.post(URL, english)
    form = response.context["form"]
    assert "2 values given, 4 periods." in form.errors["reference_price"]
    assert "Read as 2 values (1, 234)" in response.content.decode()


def test_the_example_form_is_written_in_each_format(client: Client) -> None:
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="de")
    assert "Accept-Language" in response["Vary"]  # a cache keeps one per format
    german = response.content.decode()
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="-1,5"' in german
    assert 'value="95; 105; 120; 80"' in german
    assert 'value="-1.5"' in english
    assert 'value="95, 105, 120, 80"' in english
    assert 'type="number"' not in german.split('id="calculator-form"')[1]


def test_the_explicit_choice_is_kept_and_can_be_forgotten(client: Client) -> None:
    response = client.post(
        reverse("instruments:number_format"), {"number_format": "de", "next": URL}
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    assert response.cookies[COOKIE].value == "de"
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert 'value="-1,5"' in page
    assert '<option value="de" selected>' in page
    response = client.post(
        reverse("instruments:number_format"),
        {"number_format": "", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"  # never off the site
    assert response.cookies[COOKIE].value == ""


def test_the_api_stays_dot_decimal(client: Client) -> None:
    response = client.post(
        "/api/v1/calculators/price-floor/",
        {**FLOOR.example, "reference_price": "1,5"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 400
    assert "reference_price" in response.json()
    ok = client.post(
        "/api/v1/calculators/price-floor/",
        {**FLOOR.example, "reference_price": 1234.5},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert ok.json()["inputs"]["reference_price"] == 1234.5


def test_the_sensitivity_range_is_typed_in_the_format(client: Client) -> None:
    url = reverse("instruments:calculator_sensitivity", args=["price-floor"])
    response = client.get(
        url,
        {"vary": "reference_price", "from": "90,5", "to": "130", "steps": "3"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 200
    values = [row["value"] for row in response.context["rows"]]
    assert values == pytest.approx([90.5, 110.25, 130])
    assert 'value="90,5"' in response.content.decode()
