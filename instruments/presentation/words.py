"""The words a calculator returns as a figure (``"exact"``, ``"one_sided"``,
``"capex_grant"``) as a reader reads them, in the reader's language: the choice's own
label where the value is one of the calculator's choices, else the words declared
here. Pure: no Django."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from instruments.calculators.base import Calculator, FieldSpec, describe
from instruments.calculators.translation import gettext_noop

TEXT_VALUES: Mapping[str, str] = {
    "exact": gettext_noop("exact market model"),
    "smart": gettext_noop("SMART linear formulas"),
    "gsim": gettext_noop("GSIM linear equations"),
    "fixed": gettext_noop("a fixed price or series"),
    "trailing_average": gettext_noop("trailing average of the market price"),
    "cost_percentile": gettext_noop("percentile of producers' unit costs"),
    "fixed reference price": gettext_noop("fixed reference price"),
    "no market price": gettext_noop("no market price"),
    "CIF as given": gettext_noop("CIF as given"),
    "given": gettext_noop("as given"),
    "gbm": gettext_noop("geometric Brownian motion"),
    "schwartz": gettext_noop("mean-reverting (Schwartz one-factor)"),
    "simulated (gbm)": gettext_noop("simulated (geometric Brownian motion)"),
    "simulated (schwartz)": gettext_noop("simulated (mean-reverting, Schwartz)"),
    "typed path": gettext_noop("typed path"),
    "one_sided": gettext_noop("one-sided top-up"),
    "two_sided": gettext_noop("two-sided contract for difference"),
    "double_auction": gettext_noop("double auction"),
    "scope_1": gettext_noop("scope 1"),
    "scope_1_2": gettext_noop("scopes 1 and 2"),
    "scope_1_2_3": gettext_noop("scopes 1, 2 and 3"),
    "price_floor": gettext_noop("price floor"),
    "two_sided_cfd": gettext_noop("two-sided contract for difference"),
    "offtake_fixed": gettext_noop("offtake at a fixed price"),
    "offtake_collar": gettext_noop("offtake with a collar"),
    "capex_grant": gettext_noop("capital grant"),
    "concessional_loan": gettext_noop("concessional loan"),
    "probability_npv_positive": gettext_noop("probability that NPV ≥ 0"),
    "p10_min_dscr": gettext_noop("minimum DSCR on 9 paths in 10"),
    "p50_irr": gettext_noop("median IRR"),
}
"""Codes the calculators return as figures, in words."""


def choice_words(calculator: Calculator) -> dict[str, str]:
    """Every choice of the calculator's inputs, code → label (the first label when
    two inputs share a code)."""
    words: dict[str, str] = {}
    _collect(describe(calculator.inputs), words)
    return words


def _collect(specs: Iterable[FieldSpec], words: dict[str, str]) -> None:
    for fs in specs:
        for code, label in (fs.choice_labels or {}).items():
            words.setdefault(str(code), str(label))
        _collect(fs.children, words)


def value_words(value: Any, choices: Mapping[str, str]) -> Any:
    """The declared words of a text figure (untranslated: ``translate`` says them);
    a text that is no code as it is (a result's ``Sentences`` stay sentences)."""
    text = str(value)
    return TEXT_VALUES.get(text) or choices.get(text) or value
