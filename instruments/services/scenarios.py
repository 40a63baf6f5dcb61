"""Saved scenarios: create, change, change visibility, delete, re-run to compare."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from instruments.calculators.base import InputError
from instruments.models import Scenario
from instruments.services.calculation import Calculation, run_calculation


def save_scenario(
    *,
    owner: Any,
    calculator: str,
    inputs: Mapping[str, Any],
    title: str,
    notes: str = "",
    is_public: bool = False,
) -> Scenario:
    """Validate by running the calculation, then save it for its owner."""
    run_calculation(slug=calculator, data=inputs)
    return Scenario.objects.create(
        calculator=calculator,
        inputs=dict(inputs),
        title=title,
        notes=notes,
        owner=owner,
        is_public=is_public,
    )


def update_scenario(*, scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """Change a scenario's fields; new inputs (or a new calculator) are validated by
    running the calculation first, so a saved scenario always runs."""
    calculator = str(changes.get("calculator", scenario.calculator))
    inputs = changes.get("inputs", scenario.inputs)
    if "calculator" in changes or "inputs" in changes:
        run_calculation(slug=calculator, data=inputs or {})
    with transaction.atomic():
        for name, value in changes.items():
            setattr(scenario, name, value)
        scenario.save()
    return scenario


def set_scenario_visibility(*, owner: Any, pk: int, is_public: bool) -> Scenario:
    """Make one of ``owner``'s scenarios public or private (DoesNotExist if not theirs)."""
    scenario = Scenario.objects.get(pk=pk, owner=owner)
    scenario.is_public = is_public
    scenario.save(update_fields=["is_public", "updated"])
    return scenario


def delete_scenario(*, owner: Any, pk: int) -> Scenario:
    """Delete one of ``owner``'s scenarios (DoesNotExist if not theirs); the deleted
    scenario is returned so that a message can name it."""
    scenario = Scenario.objects.get(pk=pk, owner=owner)
    scenario.delete()
    return scenario


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario re-run with today's data: its calculation, or why it failed."""

    scenario: Scenario
    calculation: Calculation | None
    error: str


def rerun_scenarios(*, scenarios: Iterable[Scenario]) -> list[ScenarioRun]:
    """Re-run each scenario; a scenario whose inputs no longer run says why."""
    runs = []
    for scenario in scenarios:
        try:
            calculation = run_calculation(
                slug=scenario.calculator, data=scenario.inputs
            )
            runs.append(ScenarioRun(scenario, calculation, ""))
        except InputError as exc:
            runs.append(ScenarioRun(scenario, None, str(exc)))
    return runs
