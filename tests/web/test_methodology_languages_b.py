"""The methodology page in French and Japanese, from the plurilateral market model to
the sources: headings and prose translated, formulas and HTML structure unchanged."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from instruments.calculators import limits

pytestmark = pytest.mark.django_db

FIRST = '<section id="plurilateral">'

# Section id: its heading and a sentence of its prose, in each language.
SECTIONS = {
    "plurilateral": {
        "en": ("Plurilateral market model", "Origins are exporters;"),
        "fr": ("Modèle de marché plurilatéral", "Les origines sont les exportateurs ;"),
        "ja": ("複数国間市場モデル", "原産国は輸出国です。"),
    },
    "project-support": {
        "en": ("Supporting projects", "A concessional loan changes the DSCR only."),
        "fr": ("Soutien aux projets", "Un prêt concessionnel ne modifie que le DSCR."),
        "ja": ("プロジェクトの支援", "低利融資はDSCRのみを変えます。"),
    },
    "stockpile": {
        "en": ("Disruptions and stockpiles", "Without one, the stocks are bought at"),
        "fr": (
            "Perturbations et stocks stratégiques",
            "Sans constitution, les stocks sont achetés au prix de base.",
        ),
        "ja": (
            "供給途絶と備蓄",
            "積み増し期間がない場合、備蓄は基準価格で購入します。",
        ),
    },
    "baseline": {
        "en": ("The baseline from stored data", "Never below zero."),
        "fr": (
            "La situation de référence à partir des données enregistrées",
            "Jamais négative.",
        ),
        "ja": ("保存データによるベースライン", "負にはなりません。"),
    },
    "choices": {
        "en": (
            "Choices where the specification is silent",
            "a dry metric ton (dmt) is 1 t.",
        ),
        "fr": (
            "Choix opérés lorsque la spécification est muette",
            "une tonne métrique sèche (dmt) correspond à 1 t.",
        ),
        "ja": (
            "仕様に定めのない点についての選択",
            "乾燥メトリックトン(dmt)は1 tです。",
        ),
    },
    "limits": {
        "en": ("Limits of one calculation", "so memory stays bounded"),
        "fr": ("Limites d’un calcul", "de sorte que la mémoire reste bornée"),
        "ja": ("1回の計算の上限", "メモリ使用量は一定の範囲に収まります。"),
    },
    "sources": {
        "en": ("Precedents and sources", "US Department of Defense – MP Materials"),
        "fr": (
            "Précédents et sources",
            "Accord entre le département de la Défense des États-Unis et MP Materials",
        ),
        "ja": ("先例と出典", "米国防総省とMP Materialsの契約(2025年7月)。"),
    },
}

FORMULA = re.compile(r'<p class="formula">.*?</p>', re.S)
TAG = re.compile(r"<(/?[a-z0-9]+)")


def second_half(language: str) -> str:
    html = Client().get("/methodology/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    return html[html.index(FIRST) : html.index("</main>")]


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker) -> dict[str, str]:
    with django_db_blocker.unblock():
        return {language: second_half(language) for language in ("en", "fr", "ja")}


def section(page: str, name: str) -> str:
    start = page.index(f'<section id="{name}">')
    end = page.find("<section", start + 1)
    return page[start:end] if end > 0 else page[start:]


@pytest.mark.parametrize("language", ["fr", "ja"])
@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_headings_and_prose_are_translated(pages, language, name):
    part = section(pages[language], name)
    heading, sentence = SECTIONS[name][language]
    english_heading, english_sentence = SECTIONS[name]["en"]
    assert f"<h2>{heading}</h2>" in part
    assert sentence in part
    assert english_sentence not in part
    assert f"<h2>{english_heading}</h2>" in section(pages["en"], name)
    assert english_sentence in section(pages["en"], name)


@pytest.mark.parametrize(
    ("language", "paths"),
    [
        ("en", "200,000 simulated paths"),
        ("fr", "200\u00a0000 trajectoires simulées"),
        ("ja", "シミュレーション経路200,000"),
    ],
)
def test_the_limits_are_filled_in_in_every_language(pages, language, paths):
    """The limits are the server's own figures, in the reader's number format."""
    assert limits.MAX_PATHS == 200_000
    assert paths in section(pages[language], "limits")


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_formulas_are_the_english_ones(pages, language):
    english = FORMULA.findall(pages["en"])
    assert len(english) == 6
    assert FORMULA.findall(pages[language]) == english


@pytest.mark.parametrize("language", ["fr", "ja"])
def test_the_markup_is_the_same_in_every_language(pages, language):
    """Same elements in the same order (links, emphasis, code, lists), and no
    template syntax or msgid escapes left in the page."""
    assert TAG.findall(pages[language]) == TAG.findall(pages["en"])
    assert re.findall(r'href="[^"]*"', pages[language]) == re.findall(
        r'href="[^"]*"', pages["en"]
    )
    for leftover in ("{%", "{{", "%%", "%("):
        assert leftover not in pages[language]


class Balance(HTMLParser):
    VOID = {"br", "img", "input", "meta", "link", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.closed_outside: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open:
            self.closed_outside.append(tag)
            return
        assert self.open[-1] == tag, (tag, self.open[-3:])
        self.open.pop()


@pytest.mark.parametrize("language", ["en", "fr", "ja"])
def test_the_html_is_balanced(pages, language):
    parser = Balance()
    parser.feed(pages[language])
    assert parser.open == []
    assert parser.closed_outside == ["div"]  # the prose block, opened above
