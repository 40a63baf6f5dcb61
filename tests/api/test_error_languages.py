"""The API's field-level error messages in the language the request asks for.

``Accept-Language: fr`` or ``ja`` gives the messages in French or Japanese at the same
paths (field names and JSON keys stay English); no header, or ``en``, gives English.
DRF's own messages come from DRF's catalogues. A cached parse never keeps the words of
the first reader's language.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from instruments.calculators import REGISTRY

pytestmark = pytest.mark.django_db

ENGLISH = ("", "en", "en-US,en;q=0.9")


def example(slug: str) -> dict[str, Any]:
    return copy.deepcopy(dict(REGISTRY[slug].example))


def post(client: Any, slug: str, body: Any, language: str, **kwargs: Any) -> Any:
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    if "content_type" not in kwargs:
        kwargs["format"] = "json"
    response = client.post(f"/api/v1/calculators/{slug}/", body, **kwargs, **headers)
    assert response.status_code == 400, response.content
    return response


def negative_quantity() -> dict[str, Any]:
    data = example("price-floor")
    data["flows"][0]["quantity"] = -5
    return data


def no_flows() -> dict[str, Any]:
    data = example("price-floor")
    data["flows"] = []
    return data


def fixed_offtake_without_price() -> dict[str, Any]:
    data = example("offtake")
    data["pricing"] = {"method": "fixed"}
    return data


# (calculator, body, where the message is, English, French, Japanese)
CASES = [
    pytest.param(
        "price-floor",
        negative_quantity,
        ("flows", 0, "quantity"),
        "Must be at least 0; -5 given.",
        "Doit être au moins égal à 0 ; -5 donné.",
        "0 以上を指定してください。-5 が指定されました。",
        id="nested-field-in-a-list",
    ),
    pytest.param(
        "price-floor",
        no_flows,
        ("flows",),
        "Give at least one.",
        "Indiquez-en au moins un.",
        "少なくとも1つ指定してください。",
        id="error-on-a-list-of-groups",
    ),
    pytest.param(
        "offtake",
        fixed_offtake_without_price,
        ("pricing", "price"),
        "Required for fixed pricing.",
        "Obligatoire pour un prix fixe.",
        "固定価格の場合は必須です。",
        id="field-of-a-group",
    ),
    pytest.param(
        "price-floor",
        lambda: [1, 2, 3],
        ("non_field_errors",),
        "The request body must be a JSON object of named fields.",
        "Le corps de la requête doit être un objet JSON à champs nommés.",
        "リクエスト本文は名前付きフィールドを持つJSONオブジェクトでなければなりません。",
        id="non-field-error",
    ),
]


def messages_at(body: Any, path: tuple[Any, ...]) -> list[str]:
    node = body
    for step in path:
        node = node[step]
    assert isinstance(node, list), body
    return node


@pytest.mark.parametrize(
    ("slug", "make", "path", "english", "french", "japanese"), CASES
)
def test_a_field_error_is_in_the_requested_language(
    anon, slug, make, path, english, french, japanese
):
    for language, wanted in (("fr", french), ("ja", japanese)):
        body = post(anon, slug, make(), language).json()
        assert messages_at(body, path) == [wanted], (language, body)
    for language in ENGLISH:
        body = post(anon, slug, make(), language).json()
        assert messages_at(body, path) == [english], (language, body)


def test_field_names_and_keys_stay_english(anon):
    french = post(anon, "price-floor", negative_quantity(), "fr").json()
    english = post(anon, "price-floor", negative_quantity(), "").json()
    assert set(french) == set(english) == {"flows"}
    assert french["flows"][0].keys() == english["flows"][0].keys() == {"quantity"}


def test_a_sentence_with_values_keeps_them_in_every_language(anon):
    data = example("price-floor")
    data["price_unit"] = "USD"
    body = post(anon, "price-floor", data, "fr").json()
    assert body["price_unit"] == [
        "Une unité de prix est une monnaie par quantité, comme USD/kg ; 'USD' donné."
    ]
    body = post(anon, "price-floor", data, "ja").json()
    assert body["price_unit"] == [
        "価格の単位は数量あたりの通貨です(例:USD/kg)。'USD' が指定されました。"
    ]


def test_a_cached_parse_answers_each_reader_in_their_language(anon):
    """The unit parser keeps its answers (functools.lru_cache): the second reader,
    in another language, must not get the first reader's words."""
    data = example("price-floor")
    data["price_unit"] = "EUR per tonne"
    first = post(anon, "price-floor", data, "ja").json()["price_unit"][0]
    then = post(anon, "price-floor", data, "fr").json()["price_unit"][0]
    last = post(anon, "price-floor", data, "").json()["price_unit"][0]
    assert first.startswith("価格の単位は")
    assert then.startswith("Une unité de prix est")
    assert last.startswith("A price unit is money per quantity")


def test_malformed_json_is_said_in_the_requested_language(anon):
    """Our sentence is translated; the parser's detail after it is DRF's (which DRF
    does not translate: 'JSON parse error - Expecting ...')."""
    french = post(
        anon, "price-floor", '{"periods": [2025', "fr", content_type="application/json"
    )
    message = french.json()["non_field_errors"][0]
    assert message.startswith("Le corps de la requête n’est pas du JSON valide : ")
    japanese = post(
        anon, "price-floor", '{"periods": [2025', "ja", content_type="application/json"
    )
    assert japanese.json()["non_field_errors"][0].startswith(
        "リクエスト本文は有効なJSONではありません:"
    )


@pytest.mark.parametrize(
    ("language", "required"),
    [("fr", "Ce champ est obligatoire."), ("ja", "この項目は必須です。")],
)
def test_drf_s_own_messages_come_translated(user_client, language, required):
    """A serializer's 'This field is required.' is DRF's, served from its catalogue
    (the codes 'fr' and 'ja' are DRF's locale folders)."""
    response = user_client.post(
        "/api/v1/scenarios/",
        {"calculator": "price-floor", "inputs": example("price-floor")},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400, response.content
    assert response.json()["title"] == [required]


def test_the_api_is_not_forced_to_english(anon):
    """LocaleMiddleware answers /api/ too, and says the answer varies on the header."""
    response = post(anon, "price-floor", no_flows(), "fr")
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]
