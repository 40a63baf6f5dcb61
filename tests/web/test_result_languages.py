"""Every calculator's result in French and in Japanese: the headline, its sentences,
the settings chips, the warnings, the sources, the charts' titles, axes and series,
the further tables' titles, with no English sentence left.

"English" is measured against the app's own words: a run of three or more words in
a row, each a word of the English catalogue (the msgids), that no translation of
the language contains, is an English phrase the reader was left with. Data keep their
own names (what the request typed, partners' and commodities' names) and codes and
units (USD, CIF, HS) are not words."""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

import polib
import pytest
from django.conf import settings
from django.test import Client
from lxml import html as lxml_html

from instruments.calculators import REGISTRY
from instruments.models import Commodity, Partner

pytestmark = pytest.mark.django_db

LANGUAGES = ("fr", "ja")
WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")


def _with_warnings(slug: str, example: dict[str, Any]) -> dict[str, Any]:
    """The example, changed so that its result carries the calculator's warnings
    (where the example alone has none)."""
    data = copy.deepcopy(example)
    if slug == "price-floor":
        data.update(
            reference_basis="trailing_average",
            trailing_lag=1,
            market_price=[100, 110, 120, 130],
        )
    elif slug == "price-gap-subsidy":
        data["simulation"] = {
            "model": "gbm",
            "start_price": 60.0,
            "paths": 500,
            "seed": 7,
            "price_history": [50, 55, 60, 58, 62, 61],
        }
    elif slug == "plurilateral":
        data["downstream"][0]["illustrative"] = True
    elif slug == "stockpile":
        data["disruption"] = None
    return data


WARNED = ("price-floor", "price-gap-subsidy", "plurilateral", "stockpile")
"""Calculators whose result above carries warnings, so that they are checked too."""


def _result_page(slug: str, language: str, data: Mapping[str, Any]) -> Any:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    query = urlencode({"inputs": json.dumps(data)})
    response = client.get(f"/calculators/{slug}/?{query}")
    assert response.status_code == 200, response.content[:500]
    assert response.context["calculation"] is not None
    return response


def result_texts(content: str) -> list[str]:
    """The visible text of a page's result area, piece by piece: the heading, the
    stored-data notes, warnings, headline and more figures, sentences and chips,
    charts' captions and source lines, the charts' own words, tables' titles."""
    tree = lxml_html.fromstring(content)
    (results,) = tree.xpath("//section[@id='results']")
    texts: list[str] = []
    for path in (
        ".//h2[@id='results-heading']",
        ".//p[contains(@class,'source-note')]",
        ".//div[contains(@class,'warning-note')]",
        ".//dl[contains(@class,'headline')]//div",
        ".//section[contains(@class,'what-this-means')]//li",
        ".//section[contains(@class,'what-this-means')]//span",
        ".//details[contains(@class,'more-figures')]//div",
        ".//figure[contains(@class,'chart-figure')]/figcaption",
        ".//p[contains(@class,'chart-source')]",
        ".//h3[starts-with(@id,'table-') and @id!='table-heading']",
    ):
        texts += [" ".join(e.text_content().split()) for e in results.xpath(path)]
    for script in results.xpath(".//script[@type='application/json']"):
        texts += list(chart_words(json.loads(script.text_content())))
    return [t for t in texts if t]


def chart_words(figure: Any, key: str = "") -> Iterator[str]:
    """A Plotly figure's words: titles (of the chart, axes, legend), series' names
    and annotations (subplot titles, reference-line labels)."""
    if isinstance(figure, Mapping):
        for name, value in figure.items():
            if name in ("x", "y", "z", "customdata", "hovertemplate", "meta"):
                continue
            yield from chart_words(value, name)
    elif isinstance(figure, list):
        for value in figure:
            yield from chart_words(value, key)
    elif isinstance(figure, str) and key in ("text", "name", "title"):
        yield figure


@functools.cache
def english_words() -> frozenset[str]:
    """Every word of the app's English sentences (the catalogue's msgids)."""
    po = polib.pofile(str(settings.BASE_DIR / "locale" / "fr/LC_MESSAGES/django.po"))
    words = {
        w.lower() for e in po for w in WORD.findall(e.msgid + " " + e.msgid_plural)
    }
    return frozenset(w for w in words if len(w) > 1 or w == "a")


@functools.cache
def translations(language: str) -> str:
    """Every translation of the language, lowercased, one after another."""
    path = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    parts = [e.msgstr for e in po] + [s for e in po for s in e.msgstr_plural.values()]
    return " | ".join(" ".join(WORD.findall(p)).lower() for p in parts)


def data_names(data: Any) -> set[str]:
    """The request's own words: names, goods, units and notes it typed."""
    if isinstance(data, Mapping):
        return {n for value in data.values() for n in data_names(value)}
    if isinstance(data, list):
        return {n for value in data for n in data_names(value)}
    if isinstance(data, str) and len(data) > 1 and not data.isdigit():
        return {data}
    return set()


def english_phrases(text: str, language: str, names: set[str]) -> list[str]:
    """Runs of three or more English words in ``text`` that no translation into
    ``language`` contains, once the data's own names are taken out."""
    if names:
        alternatives = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
        text = re.sub(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", " | ", text)
    english = english_words()
    found: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 3 and " ".join(run).lower() not in translations(language):
            found.append(" ".join(run))
        run.clear()

    for token in text.split():
        core = token.strip(PUNCTUATION)
        if token.startswith(tuple(PUNCTUATION)):  # "(with …" starts afresh
            flush()
        if (
            WORD.fullmatch(core)
            and core.lower() in english
            and not (core.isupper() and len(core) > 1)  # USD, CIF, HS: codes
        ):
            run.append(core)
        else:
            flush()
        if token.endswith(tuple(PUNCTUATION)):  # "… the floor." ends with it
            flush()
    flush()
    return found


PUNCTUATION = '.,;:()[]“”«»"!?'


@pytest.fixture
def names(seeded_db: Any) -> set[str]:
    """Partners' and commodities' names: proper names, kept as they are."""
    return {
        *Partner.objects.values_list("name", flat=True),
        *Commodity.objects.values_list("name", flat=True),
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_no_english_sentence_is_left_in_a_result(
    slug: str, language: str, names: set[str]
) -> None:
    calculator = REGISTRY[slug]
    data = _with_warnings(slug, dict(calculator.example))
    response = _result_page(slug, language, data)
    texts = result_texts(response.content.decode())
    context = response.context
    # every part of the result area is there to be read (and so checked)
    assert context["headline"]
    assert context["sentences"]
    assert context["figures"]
    assert len(texts) > 12, texts
    if slug in WARNED:
        assert context["calculation"].result.summary.get("warnings")
        assert any(t.startswith(("Avertissement", "注意")) for t in texts), (
            "the warning is shown"
        )
    left = {
        phrase
        for text in texts
        for phrase in english_phrases(text, language, names | data_names(data))
    }
    assert not left, sorted(left)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_check_finds_an_english_sentence(language: str) -> None:
    """The measure itself: an English sentence is found in a translated page, a
    translated sentence, a code, a unit and a name are not."""
    english = "Depends on the elasticities."
    assert english_phrases(english, language, set())
    translated = {
        "fr": "Dépend des élasticités : recettes du prélèvement (USD/kg) en 2025Q1.",
        "ja": "弾力性次第です。課徴金収入（USD/kg）、2025Q1。",
    }[language]
    assert not english_phrases(translated, language, set())
    named = f"{translated} Price of the market"  # e.g. a project's name
    assert english_phrases(named, language, set())
    assert not english_phrases(named, language, {"Price of the market"})


def test_a_cached_result_speaks_each_readers_language(seeded_db: Any) -> None:
    """The result cache keeps one result for every language: warnings and notes are
    said when shown, in the language of the request that shows them."""
    data = _with_warnings("stockpile", dict(REGISTRY["stockpile"].example))
    english = _result_page("stockpile", "en", data).content.decode()
    assert "No disruption: every month is the base." in english
    japanese = _result_page("stockpile", "ja", data).content.decode()
    assert "供給途絶なし：すべての月が基準です。" in japanese
    assert "No disruption" not in japanese
    french = _result_page("stockpile", "fr", data).content.decode()
    assert "Pas de perturbation : chaque mois est la référence." in french
