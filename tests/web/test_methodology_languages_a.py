"""The methodology page in French and Japanese, from its top to the offtake agreement:
headings and prose translated, every formula exactly as in English, the markup intact."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SECTIONS = (
    "conventions",
    "price-floor",
    "trade-response",
    "standards-market",
    "price-gap-subsidy",
    "offtake",
)

HEADINGS = {
    "fr": {
        "conventions": "Conventions communes à tous les calculateurs",
        "price-floor": "Prix plancher ajusté à la frontière",
        "trade-response": "Réponse des échanges (équilibre partiel)",
        "standards-market": "Marché fondé sur des normes",
        "price-gap-subsidy": "Subvention de l’écart de prix",
        "offtake": "Accord d’enlèvement",
    },
    "ja": {
        "conventions": "全計算ツールに共通する規約",
        "price-floor": "国境調整付き最低価格",
        "trade-response": "貿易の反応(部分均衡)",
        "standards-market": "基準に基づく市場",
        "price-gap-subsidy": "価格差補填",
        "offtake": "オフテイク契約",
    },
}

# One sentence of each section, as the reader sees it.
SAMPLES = {
    "fr": {
        "conventions": "<strong>Arrondis.</strong> Le moteur de calcul n’arrondit jamais",
        "price-floor": "Les membres ne paient rien ; les non-membres acquittent un "
        "prélèvement variable",
        "trade-response": "<strong>Trois méthodes, une par défaut.</strong>",
        "standards-market": "Conformément à l’article 9 du règlement (UE) 2023/956",
        "price-gap-subsidy": "Un prix d’exercice K (un plancher, un prix d’exercice ou "
        "un prix contractuel)",
        "offtake": "L’enlèvement à 100 % par le DoD",
    },
    "ja": {
        "conventions": "<strong>端数処理:</strong>計算エンジンは丸めを行いません。",
        "price-floor": "参加国は何も支払わず、非参加国は価格を下限まで引き上げる"
        "可変課徴金を支払います。",
        "trade-response": "<strong>三つの方法と既定の方法:</strong>",
        "standards-market": "規則(EU)2023/956第9条に従い",
        "price-gap-subsidy": "行使価格K(下限、行使価格または契約価格)",
        "offtake": "生産量100 %の10年間のオフテイク",
    },
}

FORMULA = re.compile(
    r'<p class="formula">.*?</p>|<span class="formula">.*?</span>', re.S
)
PROSE = re.compile(r"<(p|li|h2)>(.*?)</\1>", re.S)


def page(language: str) -> str:
    response = Client().get("/methodology/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def first_half(html: str) -> str:
    """From the page's title to the end of the offtake agreement."""
    start = html.index('<div class="prose">')
    return html[start : html.index('<section id="plurilateral">')]


def section(html: str, name: str) -> str:
    start = html.index(f'<section id="{name}">')
    return html[start : html.index("</section>", start)]


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.opened: Counter[str] = Counter()
        self.closed: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        self.opened[(tag, tuple(attrs))] += 1

    def handle_endtag(self, tag):
        self.closed[tag] += 1


def tags(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def english(django_db_setup, django_db_blocker) -> str:
    with django_db_blocker.unblock():
        return first_half(page("en"))


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_the_headings_and_prose_of_each_section_are_translated(english, language):
    html = first_half(page(language))
    assert re.search(r'<html lang="' + language, page(language))
    for name in SECTIONS:
        part = section(html, name)
        heading = re.search(r"<h2>(.*?)</h2>", part).group(1)
        assert heading == HEADINGS[language][name]
        assert SAMPLES[language][name] in part, name
    # The contents list links every section under its translated name.
    assert f'<a href="#offtake">{HEADINGS[language]["offtake"]}</a>' in html
    # No English paragraph, item or heading is left in this half of the page.
    prose = [text for _, text in PROSE.findall(FORMULA.sub("", english))]
    assert len(prose) > 50
    left = [text for text in prose if text in html]
    assert not left, left[:3]


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_every_formula_is_as_in_english(english, language):
    html = first_half(page(language))
    formulas = FORMULA.findall(html)
    assert len(formulas) == 9
    assert formulas == FORMULA.findall(english)
    # the worked comparison's numbers stay as they are too
    assert "<td>1,000 × (2^−1.5 − 1) = −646.4</td><td>353.6</td>" in html


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_the_markup_is_the_english_markup(english, language):
    """Same elements with the same attributes, each closed: a translation that
    dropped or broke a tag would show here."""
    html = first_half(page(language))
    for name in SECTIONS:
        translated, original = tags(section(html, name)), tags(section(english, name))
        assert translated.opened == original.opened, name
        assert translated.closed == original.closed, name
    assert "%%" not in html
    assert "{%" not in html
    assert "{{" not in html
