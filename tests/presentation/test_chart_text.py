"""Charts and headline labels read well: no placeholder units."""

from __future__ import annotations

import json

import pytest

from instruments.calculators import REGISTRY
from instruments.presentation import presenters
from instruments.presentation.charts import results as charts

PLACEHOLDERS = (
    "(value)",
    "price unit",
    "quantity unit",
    "(money)",
    "carbon price unit",
)


@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_no_placeholder_units_in_charts_or_headlines(slug: str) -> None:
    calculator = REGISTRY[slug]
    example = dict(calculator.example)
    result = calculator.run(example)
    text = json.dumps(
        [
            f["figure"]["layout"]
            for f in charts.build_result_figures(calculator, result, example)
        ]
    )
    headline, more = presenters.summary_items(calculator, result.summary, example)
    text += " ".join(i.label for i in headline + more)
    for placeholder in PLACEHOLDERS:
        assert placeholder not in text, placeholder
