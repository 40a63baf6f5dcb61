"""The project-support inputs' cross-field rules (INSTRUMENTS.md §12): capex, ramp-up
and debt against the project's years, the price source (a typed path, a simulation or
stored prices), each support instrument and the bankability target, every error at
its field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from instruments.calculators.base import ErrorCollector, InputError
from instruments.calculators.limits import MAX_PERIODS
from instruments.calculators.simulation import check_price_model
from instruments.calculators.translation import gettext
from instruments.calculators.units import money_factor

if TYPE_CHECKING:
    from instruments.calculators.project_support.inputs import (
        BankabilityTarget,
        ProjectSupportInputs,
        Support,
    )

MAX_PROJECT_PATH_YEARS = 4_000_000
"""Paths × project years per request: every path is held in memory at once (the solver
evaluates all of them at each step), about 32 MB per array."""


def validate(inputs: ProjectSupportInputs, errors: ErrorCollector) -> None:
    """Every cross-field rule; each error at its field."""
    project = inputs.project
    if project.price_unit or project.quantity_unit:
        try:
            money_factor(
                project.quantity_unit or inputs.quantity_unit,
                project.price_unit or inputs.price_unit,
            )
        except InputError as exc:
            errors.merge(exc, ("project",))
    construction, life = project.construction_years, project.life_years
    capex = inputs.project.capex
    if isinstance(capex, tuple) and len(capex) not in (1, construction):
        errors.add(
            ("project", "capex"),
            gettext(
                "{n_capex} amounts given, {construction} construction years: give one total or one amount per construction year."
            ).format(n_capex=len(capex), construction=construction),
        )
    if project.ramp_up is not None and len(project.ramp_up) > life:
        errors.add(
            ("project", "ramp_up"),
            gettext("{n_ramp_up} ramp-up shares for {life} operating years.").format(
                n_ramp_up=len(project.ramp_up), life=life
            ),
        )
    if project.debt is not None and project.debt.tenor_years > life:
        errors.add(
            ("project", "debt", "tenor_years"),
            gettext(
                "The debt must be repaid within the {life} operating years."
            ).format(life=life),
        )
    path = inputs.price_path
    if isinstance(path, tuple) and len(path) not in (1, life):
        errors.add(
            ("price_path",),
            gettext(
                "{n_path} prices given, {life} operating years: give one price, or one per operating year."
            ).format(n_path=len(path), life=life),
        )
    _validate_price_source(inputs, errors)
    if inputs.periods is not None and inputs.price_history is not None:
        history = inputs.price_history
        count = len(history) if isinstance(history, tuple) else 1
        if count != len(inputs.periods):
            errors.add(
                ("price_history",),
                gettext("{count} prices given, {n_periods} history periods.").format(
                    count=count, n_periods=len(inputs.periods)
                ),
            )
    if len(inputs.periods or ()) > MAX_PERIODS * 20:
        errors.add(("periods",), gettext("Too many history periods."))
    response = inputs.strategic_response
    if response is not None and response.years > life:
        errors.add(
            ("strategic_response", "years"),
            gettext("The price war cannot outlast the {life} operating years.").format(
                life=life
            ),
        )
    for i, support in enumerate(inputs.support or ()):
        _validate_support(inputs, support, i, errors)
    target = inputs.bankability
    if target is not None:
        _validate_target(target, errors)


def _validate_price_source(
    inputs: ProjectSupportInputs, errors: ErrorCollector
) -> None:
    simulation = inputs.simulation
    if inputs.price_path is not None:
        if simulation is not None:
            errors.add(
                ("price_path",),
                gettext("Give a typed price path or a simulation, not both."),
            )
        return
    history = inputs.price_history
    if simulation is None:
        if history is None:
            errors.add(
                ("price_path",),
                gettext(
                    "Give a price path, a simulation, or name a commodity whose stored "
                    "prices the simulation is estimated from."
                ),
            )
        return
    years = inputs.project.construction_years + inputs.project.life_years
    if simulation.paths * years > MAX_PROJECT_PATH_YEARS:
        errors.add(
            ("simulation", "paths"),
            gettext(
                "{paths:,} paths × {years} years = {paths2:,} exceeds the limit of {MAX_PROJECT_PATH_YEARS:,} per request; use fewer paths."
            ).format(
                paths=simulation.paths,
                years=years,
                paths2=simulation.paths * years,
                MAX_PROJECT_PATH_YEARS=MAX_PROJECT_PATH_YEARS,
            ),
        )
    history = (
        simulation.price_history if simulation.price_history is not None else (history)
    )
    check_price_model(simulation, history, ("simulation",), errors)


def _validate_support(
    inputs: ProjectSupportInputs, support: Support, i: int, errors: ErrorCollector
) -> None:
    here = ("support", i)
    if support.solve == (support.level is not None):
        errors.add(
            (*here, "level"),
            gettext("Give a level, or ask to solve for it (one of the two)."),
        )
    if (
        support.kind == "capex_grant"
        and support.level is not None
        and support.level > 1.0
    ):
        errors.add(
            (*here, "level"),
            gettext(
                "A grant is a share of capex, at most 1. Shares are decimals: did you mean {level:g}?"
            ).format(level=support.level / 100),
        )
    if support.kind == "concessional_loan":
        debt = inputs.project.debt
        if debt is None or debt.share == 0:
            errors.add(
                (*here, "kind"),
                gettext(
                    "A concessional loan needs the project's debt (a share above 0)."
                ),
            )
        elif support.level is not None and support.level > 1.0:
            errors.add(
                (*here, "level"),
                gettext("A rate is a decimal: did you mean {level:g}?").format(
                    level=support.level / 100
                ),
            )
    if support.kind == "offtake_collar":
        if (
            support.cap is not None
            and support.level is not None
            and support.cap < support.level
        ):
            errors.add(
                (*here, "cap"), gettext("The cap must be at least the collar's floor.")
            )
    elif support.cap is not None:
        errors.add((*here, "cap"), gettext("Only an offtake with a collar has a cap."))


def _validate_target(target: BankabilityTarget, errors: ErrorCollector) -> None:
    here = ("bankability", "target")
    if target.metric == "probability_npv_positive" and not 0 < target.target <= 1:
        errors.add(
            here,
            gettext(
                "A probability between 0 and 1 (0.9 = 9 paths in 10). Shares are decimals."
            ),
        )
    elif target.metric == "p50_irr" and not -0.99 < target.target <= 2.0:
        errors.add(
            here, gettext("An IRR as a decimal (0.12 = 12 %), between −0.99 and 2.")
        )
    elif target.metric == "p10_min_dscr" and not 0 < target.target <= 20:
        errors.add(here, gettext("A cover ratio such as 1.3, above 0 and at most 20."))
