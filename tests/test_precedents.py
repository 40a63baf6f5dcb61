"""The seeded precedents (INSTRUMENTS.md §0) all run through the calculators."""

import json
from pathlib import Path

import pytest

from instruments.services.calculation import run_calculation

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_every_precedent_in_the_seeds_runs_and_matches_its_saved_copy(seeded_db):
    from instruments.models import Scenario

    precedents = json.loads((SEEDS / "scenarios.json").read_text())
    assert len(precedents) >= 9
    saved_precedents = Scenario.objects.filter(is_precedent=True)
    assert saved_precedents.count() == len(precedents)
    for saved in saved_precedents:
        calculation = run_calculation(slug=saved.calculator, data=saved.inputs)
        assert len(calculation.result.rows) > 0, saved.title
        assert list(
            calculation.result.rows.columns[: len(calculation.calculator.columns)]
        ) == list(calculation.calculator.columns)


def test_the_cbam_aluminium_precedent_counts_direct_emissions_only(seeded_db):
    """CBAM counts scope 1 for aluminium, so the precedent names its
    sector and the standard counts direct emissions; its charge is unchanged (the
    intensities are direct emissions): 13,808 + 79,408 + 18,904 − 9,500 = 102,620 EUR,
    borne by buyers with the default pass-through of 1."""
    from instruments.models import Scenario

    saved = Scenario.objects.get(
        is_precedent=True, title="EU CBAM on aluminium imports (2026)"
    )
    assert saved.inputs["sector"] == "aluminium"
    summary = run_calculation(slug=saved.calculator, data=saved.inputs).result.summary
    assert summary["scope_used"] == "scope_1"
    assert summary["charge_total"] == pytest.approx(102_620)
    assert summary["charge_borne_by_buyers"] == pytest.approx(102_620)
    assert summary["charge_borne_by_producers"] == 0
    assert summary["netback_non_compliant"] == pytest.approx(2300)
