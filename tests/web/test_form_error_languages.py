"""A calculator page shows each field's error beside it in the reader's language
(from the switcher's cookie or Accept-Language), as the API does."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from instruments.calculators import REGISTRY
from instruments.web.form_data import inputs_to_form_data
from instruments.web.number_formats import number_format_of

pytestmark = pytest.mark.django_db


def post_example(
    client: Client, slug: str, language: str, typed_in: str = "", **changes: Any
) -> Any:
    # The example typed as the reader types numbers (1,5 in French).
    data = inputs_to_form_data(
        REGISTRY[slug],
        REGISTRY[slug].example,
        number_format=number_format_of(typed_in or language),
    )
    data.update(changes)
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    return client.post(
        reverse("instruments:calculator", args=[slug]),
        data,
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize(
    ("language", "wanted"),
    [
        ("fr", "Doit être au moins égal à 0 ; -5 donné."),
        ("ja", "0 以上を指定してください。-5 が指定されました。"),
        ("en", "Must be at least 0; -5 given."),
    ],
)
def test_a_calculator_error_is_beside_its_field_in_the_language(language, wanted):
    response = post_example(
        Client(), "trade-response", language, **{"flows-1-imports": "-5"}
    )
    assert response.status_code == 200
    assert response.context["calculation"] is None
    assert [str(m) for m in response.context["form"].errors["flows-1-imports"]] == [
        wanted
    ]
    content = response.content.decode()
    error = content.split('id="id_flows-1-imports-error"', 1)[1][:400]
    assert wanted in error


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", "au format"),
        ("ja", "の形式の数値ではありません"),
    ],
)
def test_a_number_the_form_cannot_read_is_said_in_the_language(language, words):
    response = post_example(
        Client(), "trade-response", language, import_demand_elasticity="abc"
    )
    messages = [
        str(m) for m in response.context["form"].errors["import_demand_elasticity"]
    ]
    assert any(words in m for m in messages), messages


def test_a_percentage_bound_is_said_in_the_language() -> None:
    response = post_example(Client(), "standards-market", "fr", pass_through="150")
    messages = [str(m) for m in response.context["form"].errors["pass_through"]]
    assert messages == [
        "Doit être au plus égal à 100 % ; 150 % donné. Les parts et les taux se "
        "saisissent ici en pourcentage : 25 pour 25 %."
    ]


def test_the_switcher_s_cookie_chooses_the_language_of_the_errors() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    response = post_example(
        client, "trade-response", "fr", typed_in="ja", **{"flows-1-imports": "-5"}
    )
    assert [str(m) for m in response.context["form"].errors["flows-1-imports"]] == [
        "0 以上を指定してください。-5 が指定されました。"
    ]
