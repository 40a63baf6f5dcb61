"""Saved scenarios: create, change visibility, delete, compare."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from instruments.models import (
    Scenario,
)
from instruments.services.calculation import run_calculation


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
    run_calculation(calculator, inputs)
    return Scenario.objects.create(
        calculator=calculator,
        inputs=dict(inputs),
        title=title,
        notes=notes,
        owner=owner,
        is_public=is_public,
    )
