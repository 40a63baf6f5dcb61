"""The policy phrase and the brief's question in French and Japanese: every
calculator's example said with the language's words and word order (names, codes,
units and figures kept)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from instruments.calculators import REGISTRY
from instruments.presentation import briefing, policies
from tests.presentation.test_brief_content import NAMES, plurilateral_inputs

ENGLISH = {
    "fr": {"a", "the", "of", "by", "with", "and", "to", "at", "for", "floor"},
    "ja": {"a", "an", "the", "of", "on", "by", "with", "and", "to", "at", "for"},
}
WORD = re.compile(r"[A-Za-z][A-Za-z-]*")


def english_words(text: str, language: str) -> set[str]:
    for name in (*NAMES.values(), "NdPr oxide"):
        text = text.replace(name, " ")
    return {w for w in WORD.findall(text) if w.lower() in ENGLISH[language]}


@pytest.mark.parametrize("language", ["fr", "ja"])
@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_every_policy_phrase_is_said_in_the_language(slug: str, language: str) -> None:
    calculator = REGISTRY[slug]
    with translation.override("en"):
        english = policies.policy_phrase(calculator, dict(calculator.example), NAMES)
    with translation.override(language):
        phrase = policies.policy_phrase(calculator, dict(calculator.example), NAMES)
    assert phrase
    assert phrase != english
    assert not english_words(phrase, language), phrase


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            "Que signifierait le dispositif « prix plancher de 66 USD/kg sur NdPr "
            "oxide, en coordination », appliqué par EU-27, United States et Japan, "
            "sur les flux de 2024 en argent et en échanges, et qui paierait ?",
        ),
        (
            "ja",
            "EU-27、United StatesとJapanによるNdPr oxideについて協調して設ける"
            "66 USD/kgの最低価格（2024年の貿易フローに基づく）は、金額と貿易の面で"
            "何をもたらし、誰が負担するのか？",
        ),
    ],
)
def test_the_question_of_the_coordinated_floor(language: str, expected: str) -> None:
    with translation.override(language):
        question = briefing.question_of(
            REGISTRY["plurilateral"], plurilateral_inputs(), None, NAMES
        )
    assert question == expected


def test_the_brief_date_in_each_language() -> None:
    import datetime as dt

    day = dt.date(2026, 5, 7)
    with translation.override("en"):
        assert briefing.date_text(day) == "07 May 2026"
    with translation.override("fr"):
        assert briefing.date_text(day) == "07 mai 2026"
    with translation.override("ja"):
        assert briefing.date_text(day) == "2026年5月7日"


def test_the_stored_elasticities_are_named_in_the_language() -> None:
    calculator = REGISTRY["plurilateral"]
    inputs = {
        "market_baseline": {"year": 2024},
        "elasticity_ranges": {
            "supply_elasticity": {
                "value": 0.25,
                "low": 0.03,
                "high": 2.03,
                "source": "Fally and Sayre (2018)",
            }
        },
    }
    with translation.override("ja"):
        pairs = briefing.non_default_inputs(calculator, {}, inputs)
    assert pairs == [
        (
            "供給の弾力性（保存された既定値）",
            "0.25（範囲 0.03～2.03、Fally and Sayre (2018)）",
        )
    ]
    with translation.override("en"):
        pairs = briefing.non_default_inputs(calculator, {}, inputs)
    assert pairs == [
        (
            "Supply elasticity (stored default)",
            "0.25 (range 0.03 to 2.03; Fally and Sayre (2018))",
        )
    ]
