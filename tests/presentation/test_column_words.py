"""Every column of every result table has a heading in the reader's language: a
declared output's label, else words declared in ``presentation.columns``."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from django.utils import translation

from instruments.calculators import REGISTRY
from instruments.calculators.base import parse, to_data
from instruments.presentation import presenters
from instruments.presentation.columns import COLUMN_WORDS


@pytest.mark.parametrize("slug", sorted(REGISTRY))
def test_every_table_column_has_declared_words(slug: str) -> None:
    calculator = REGISTRY[slug]
    inputs: Any = parse(calculator.inputs, calculator.example)
    result = calculator.compute(inputs)
    tables = {"rows": result.rows}
    tables.update(
        (name, table)
        for name, table in (result.extras or {}).items()
        if isinstance(table, pd.DataFrame)
    )
    missing = []
    for name, table in tables.items():
        columns = [str(c) for c in table.columns]
        with translation.override("fr"):  # declared labels read in French
            headings = presenters.column_headings(
                calculator.outputs, columns, to_data(inputs)
            )
        missing += [
            (name, column)
            for column, heading in headings
            if heading == column.replace("_", " ").strip().capitalize()
            and column not in COLUMN_WORDS
        ]
    assert not missing


def test_an_undeclared_column_reads_in_french_and_japanese() -> None:
    outputs = REGISTRY["price-floor"].outputs
    for language, expected in (
        ("fr", "Droit de douane plus prélèvement"),
        ("ja", "関税と課徴金の合計"),
        ("en-gb", "Tariff plus levy"),
    ):
        with translation.override(language):
            headings = dict(
                presenters.column_headings(outputs, ["tariff_plus_levy"], {})
            )
        assert headings["tariff_plus_levy"] == expected
