"""The page in the reader's language: chosen with the switcher (a cookie), else from
Accept-Language; ``lang`` on the page; the cached pages kept per language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

LANG = re.compile(r'<html lang="([^"]+)">')


def page_language(html: str) -> str:
    found = LANG.search(html)
    assert found, html[:200]
    return found.group(1)


@pytest.mark.parametrize(
    ("accept", "lang", "nav"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr", "Calculateurs"),
        ("ja,en;q=0.5", "ja", "計算ツール"),
        ("en-US,en;q=0.9", "en-gb", "Calculators"),
        ("de-DE", "en-gb", "Calculators"),  # not offered: the site's default
    ],
)
def test_the_language_follows_accept_language(accept, lang, nav):
    html = Client().get("/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert page_language(html) == lang
    assert f">{nav}</a>" in html


def test_the_switcher_keeps_the_choice_in_a_cookie_over_the_browser():
    client = Client()
    response = client.post(
        "/i18n/setlang/", {"language": "ja", "next": "/commodities/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/commodities/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert page_language(html) == "ja"
    assert "計算ツール" in html


def test_the_switcher_refuses_an_unknown_language_and_an_outside_next():
    client = Client()
    response = client.post(
        "/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_every_page_offers_the_switcher_with_the_current_language_selected():
    html = Client().get("/methodology/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    menu = html[html.index('id="language-menu"') :]
    menu = menu[: menu.index("</form>")]
    assert '<option value="fr" lang="fr" selected>Français</option>' in menu
    assert 'lang="ja"' in menu
    assert "日本語" in menu


def test_a_cached_page_is_kept_per_language():
    """The calculator page is served from the shared cache to anonymous visitors: each
    language has its own copy, and neither leaks into the other."""
    page = "/calculators/price-floor/"
    for _ in range(2):  # the second round is served from the cache
        french = Client().get(page, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        english = Client().get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert page_language(french) == "fr"
        assert "Calculateurs" in french
        assert page_language(english) == "en-gb"
        assert "Calculateurs" not in english


def test_pages_vary_on_the_language_for_shared_caches():
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == "fr"


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_the_pages_and_a_calculation_answer_in_each_language(seeded_db, language):
    """Every page family renders in the language (Django's number localisation in
    templates included), and a calculation from the example still computes."""
    from instruments.calculators import REGISTRY
    from instruments.web.form_data import inputs_to_form_data
    from instruments.web.number_formats import number_format_of

    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    pages = ["/", "/methodology/", "/api-guide/", "/commodities/", "/groups/"]
    pages += [f"/calculators/{slug}/" for slug in REGISTRY]
    pages.append("/commodities/ndpr-oxide/")
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert page_language(response.content.decode()) == language, page
    floor = REGISTRY["price-floor"]
    typed = inputs_to_form_data(
        floor, floor.example, number_format=number_format_of(language)
    )
    typed = {k: ("on" if v is True else v) for k, v in typed.items() if v is not False}
    result = client.post("/calculators/price-floor/", typed)
    assert result.status_code == 200
    assert result.context["form"].errors == {}
    pure = floor.run(floor.example)
    headline = result.context["headline"][0]
    assert headline.value == pytest.approx(pure.summary[headline.key])
