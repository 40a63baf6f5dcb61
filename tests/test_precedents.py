"""The seeded precedents (INSTRUMENTS.md §0) all run through the calculators."""

import json
from pathlib import Path

from instruments.services.calculation import run_calculation

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_every_precedent_in_the_seeds_runs_and_matches_its_saved_copy(seeded_db):
    from instruments.models import Scenario

    precedents = json.loads((SEEDS / "scenarios.json").read_text())
    assert len(precedents) >= 9
    saved_precedents = Scenario.objects.filter(is_precedent=True)
    assert saved_precedents.count() == len(precedents)
    for saved in saved_precedents:
        calculation = run_calculation(saved.calculator, saved.inputs)
        assert len(calculation.result.rows) > 0, saved.title
        assert list(
            calculation.result.rows.columns[: len(calculation.calculator.columns)]
        ) == list(calculation.calculator.columns)
