"""The same project under each support instrument (INSTRUMENTS.md §12): one
``project-support`` request run with every instrument solved for the same
bankability target, for the one-commodity comparison of instruments.

The request is a stored project with the pipeline's choice (``pipeline.support_request``)
or a project-support result's own request; its ``support`` list is dropped, so the
calculator solves every instrument (a concessional loan only when the project has
debt). A Schwartz model whose history shows no mean reversion falls back to GBM, as
on the pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from instruments.calculators.base import InputError
from instruments.services import pipeline
from instruments.services.calculation import Calculation, run_calculation


def every_instrument(request: Mapping[str, Any]) -> dict[str, Any]:
    """``request`` with its support list dropped: every instrument solved."""
    return {k: v for k, v in request.items() if k != "support"}


def run_same_project(request: Mapping[str, Any]) -> Calculation:
    """Run ``request`` with every instrument solved for its target (its
    ``request`` is what ran, after any fall-back to GBM). Raises ``InputError`` for
    a request the calculator refuses."""
    data = every_instrument(request)
    try:
        return run_calculation(slug=pipeline.CALCULATOR, data=data)
    except InputError as exc:
        simulation = data.get("simulation")
        if (
            not isinstance(simulation, Mapping)
            or simulation.get("model") != "schwartz"
            or simulation.get("mean_reversion") is not None
            or "simulation" not in exc.errors
        ):
            raise
    data = {**data, "simulation": {**simulation, "model": "gbm"}}
    return run_calculation(slug=pipeline.CALCULATOR, data=data)


def stored_project_request(
    slug: str, choice: pipeline.PipelineChoice
) -> dict[str, Any]:
    """The pipeline's request for the stored project ``slug`` under ``choice``."""
    return every_instrument(pipeline.support_request(slug, choice))
