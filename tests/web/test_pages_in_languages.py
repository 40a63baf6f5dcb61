"""The pages around the calculators in French and Japanese: sensitivity, commodity
(export controls, declared stocks, values), comparisons of scenarios and of
instruments, a scenario's page and its private notice, the project pipeline, an
address the API refuses, a job, a partner group, the batch form and the error pages
leave no English phrase (``english_text``); the words the scripts show come from
the same catalogue, translated."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from instruments import selectors
from instruments.calculators import REGISTRY
from instruments.models import Job, JobKind, JobState, Scenario
from tests.web.english_text import english_phrases, english_words, visible_text

pytestmark = pytest.mark.django_db
LANGUAGES = ("fr", "ja")
# Parts of pages other work translates: a result's own panel and its sentences.
RESULT_PARTS = ("results-column",)


def stored_words() -> list[str]:
    """Every text the stored data holds (names, notes, citations, titles), in the
    words of its source: a page may show them as they are."""
    found: list[str] = []
    for model in apps.get_app_config("instruments").get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        for field in fields:
            values = model._default_manager.values_list(field, flat=True).distinct()[
                :3000
            ]
            found += [v for v in values if isinstance(v, str)]
    for commodity in selectors.list_commodities():
        for series in commodity.series:
            found += [series.citation, series.short_citation]
    return found


def assert_no_english(
    html: str, language: str, *, skip: tuple[str, ...] = ()
) -> list[str]:
    assert f'<html lang="{language}">' in html, html[:200]
    pieces = visible_text(html, skip)
    assert pieces, html[:300]
    left = english_phrases(pieces, language, stored_words())
    assert not left, left
    return pieces


def page(client: Client, url: str, language: str, status: int = 200) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def test_the_checker_finds_an_english_sentence_and_spares_french():
    english = ["Back to the calculator with these inputs: 1 234,5."]
    assert english_phrases(english, "fr")[0].startswith("Back to the calculator")
    french = ["Les valeurs unitaires sont la valeur ÷ les tonnes sur les flux."]
    assert english_phrases(french, "fr") == []
    assert english_phrases(["Export controls in force"], "ja")
    assert "the" in english_words("ja")
    assert english_phrases(["CSV · XLSX · JSON · HS 2846"], "ja") == []


@pytest.fixture
def scenarios(seeded_db) -> dict[str, Scenario]:
    def saved(slug: str, title: str, **inputs: Any) -> Scenario:
        return Scenario.objects.create(
            calculator=slug,
            title=title,
            inputs={**REGISTRY[slug].example, **inputs},
            is_public=True,
        )

    return {
        "floor": saved("price-floor", "Floor A"),
        "floor_b": saved("price-floor", "Floor B"),
        "offtake": saved("offtake", "Offtake A"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_sensitivity_page(client, language):
    url = reverse("instruments:calculator_sensitivity", args=["price-floor"])
    html = page(client, f"{url}?steps=3", language)
    assert 'id="sweep-table"' in html
    assert 'id="tornado-table"' in html
    assert_no_english(html, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_sensitivity_page_with_errors(client, language):
    url = reverse("instruments:calculator_sensitivity", args=["price-floor"])
    html = page(client, f"{url}?vary=nowhere&steps=x&change=500", language, 400)
    assert 'id="sensitivity-errors"' in html
    assert_no_english(html, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_commodity_pages(client, seeded_db, language):
    html = page(client, "/commodities/ndpr-oxide/", language)
    for part in ('id="export-controls"', 'id="declared-stockpiles"', "values-table"):
        assert part in html
    assert_no_english(html, language)
    assert_no_english(page(client, "/commodities/", language), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_comparing_scenarios_and_instruments(client, scenarios, language):
    a, b, c = scenarios["floor"], scenarios["floor_b"], scenarios["offtake"]
    html = page(client, f"/scenarios/compare/?ids={a.pk}&ids={b.pk}", language)
    # the chart of one calculator's scenarios is drawn by the results' charts, and
    # the cells are the calculator's own figures and words ("no market price")
    pieces = assert_no_english(html, language, skip=("chart-figure", "td"))
    assert "Floor A" in pieces
    html = page(client, f"/scenarios/compare/?ids={a.pk}&ids={c.pk}", language, 400)
    assert_no_english(html, language)
    url = reverse("instruments:instrument_compare")
    html = page(client, f"{url}?ids={a.pk}&ids={c.pk}", language)
    assert 'id="instrument-table"' in html
    # the cells (who pays, the risk) and the sections' sentences are each
    # instrument's own words (presentation/instruments); the rest is this page's
    main = html[: html.index("<h3>")] + "</main></body></html>"
    assert_no_english(main, language, skip=("td",))
    choosing = page(client, f"{url}?commodity=ndpr-oxide", language)
    assert 'id="compare-choice"' in choosing
    assert_no_english(choosing, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_scenario_and_a_private_one(client, scenarios, language):
    html = page(client, f"/scenarios/{scenarios['floor'].pk}/", language)
    assert_no_english(html, language, skip=RESULT_PARTS)
    private = Scenario.objects.create(
        calculator="price-floor", title="Hidden", inputs={}, is_public=False
    )
    html = page(client, f"/scenarios/{private.pk}/", language, 404)
    assert 'id="private-scenario"' in html
    assert_no_english(html, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_refused_query_job_group_and_batch(client, seeded_db, language):
    html = page(
        client, "/calculators/price-floor/?inputs=%7B%7D&year=2024", language, 400
    )
    assert "field-errors" in html
    assert_no_english(html, language)
    job = Job.objects.create(
        kind=JobKind.BATCH,
        calculator="price-floor",
        request={"size": 3},
        state=JobState.RUNNING,
        progress=40,
    )
    html = page(client, f"/jobs/{job.pk}/", language)
    assert_no_english(html, language)
    assert_no_english(page(client, "/groups/eu-27/", language), language)
    assert_no_english(
        page(client, "/calculators/price-floor/batch/", language), language
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_error_pages(client, django_user_model, language):
    assert_no_english(page(client, "/no-such-page/", language, 404), language)
    with translation.override(language):
        assert_no_english(render_to_string("500.html"), language)
        request = RequestFactory().get("/admin/")
        request.user = AnonymousUser()
        assert_no_english(render_to_string("403.html", request=request), language)


def js_words(html: str) -> dict[str, Any]:
    found = re.search(
        r'<script id="js-words" type="application/json">(.*?)</script>', html
    )
    assert found, "no #js-words on the page"
    return json.loads(found.group(1))


@pytest.mark.parametrize(
    ("language", "copied", "running"),
    [
        ("fr", "Copié", "en cours"),
        ("ja", "コピーしました", "実行中"),
        ("en", "Copied", "running"),
    ],
)
def test_the_scripts_words_come_translated(client, language, copied, running):
    words = js_words(page(client, "/", language))
    assert words["copied"] == copied
    assert words["job_states"]["running"] == running
    assert "{seconds}" in words["calculating_for"]
    if language != "en":
        english = js_words(page(Client(), "/", "en"))
        for key, value in english.items():
            if isinstance(value, str) and key != "language":
                assert words[key] != value, key
        assert all(words["plotly"][k] != k for k in words["plotly"] if k != "Zoom")
