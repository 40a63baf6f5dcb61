"""Each calculator's presentation module: found in one explicit table, named like its
calculator, and holding its charts, comparison, sentences and who-pays text."""

from __future__ import annotations

import pytest

from instruments.calculators import REGISTRY
from instruments.presentation.instruments import INSTRUMENTS, presentation_of


def test_every_calculator_has_a_presentation_module_and_no_more() -> None:
    assert sorted(INSTRUMENTS) == sorted(REGISTRY)


@pytest.mark.parametrize("slug", list(REGISTRY))
def test_each_presentation_module_is_complete(slug: str) -> None:
    calculator = REGISTRY[slug]
    module = presentation_of(calculator)
    assert (
        getattr(module, "__name__", "")
        == f"instruments.presentation.instruments.{slug.replace('-', '_')}"
    )
    assert callable(module.build_figures)
    # What the comparison overlays is a column the calculator declares.
    assert module.COMPARISON.x in calculator.columns
    assert module.COMPARISON.y in calculator.columns
    result = calculator.run(calculator.example)
    units = {"money": "USD", "price": "USD/kg", "quantity": "t"}
    who, risk = module.who_pays(result.summary, units)
    assert who
    assert isinstance(risk, str)
    assert isinstance(module.sentences(result, dict(calculator.example), [], {}), list)
