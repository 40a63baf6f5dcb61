"""Policy schedules stored as data (CBAM free allocation and default mark-up)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from instruments import selectors
from instruments.calculators.base import Calculator, InputError, describe
from instruments.services.stored_inputs.request import StoredRequest

# Inputs that follow a policy schedule stored as data: input -> (year input, schedule).
SCHEDULED_INPUTS = {
    "free_allocation_share": ("cbam_year", "cbam-free-allocation-share"),
    "default_markup": ("cbam_year", "cbam-default-markup"),
}


def apply_parameter_schedules(
    *, calculator: Calculator, resolved: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Fill scheduled inputs (CBAM free-allocation share and default mark-up) for the
    requested year from the stored schedules, so that a data steward's edit takes
    effect: the value of the latest stored year on or before it, and that year
    (``value_year``), which ``schedule_warnings`` reports when it is not the year
    asked for. A value typed in the request wins; without a stored schedule the
    calculator's own published table applies."""
    declared = {fs.name for fs in describe(calculator.inputs)}
    used: dict[str, dict[str, Any]] = {}
    for name, (year_field, code) in SCHEDULED_INPUTS.items():
        year = resolved.get(year_field)
        if name not in declared or resolved.get(name) not in (None, "") or not year:
            continue
        try:
            wanted = int(float(year))
            schedule = selectors.get_parameter_schedule(code)
        except (InputError, TypeError, ValueError, OverflowError):
            continue  # no stored schedule: the calculator decides
        known = schedule[schedule.index <= wanted]
        if known.empty:
            continue  # before the stored schedule starts: the calculator decides
        value = float(known.iloc[-1])
        resolved[name] = value
        used[name] = {
            "schedule": code,
            "year": wanted,
            "value": value,
            "value_year": int(known.index[-1]),
        }
    return used


def schedule_warnings(*, used: Mapping[str, Any]) -> list[str]:
    """A sentence for each scheduled input whose stored value is from an earlier year
    than the one requested (a year beyond the stored schedule)."""
    messages = []
    for name, entry in (used.get("parameter_schedules") or {}).items():
        if entry.get("value_year") != entry.get("year"):
            messages.append(
                f"The stored schedule '{entry['schedule']}' ends before "
                f"{entry['year']}: {name.replace('_', ' ')} {entry['value']:g} is its "
                f"{entry['value_year']} value."
            )
    return messages


def fill_schedules(request: StoredRequest) -> dict[str, dict[str, Any]]:
    return apply_parameter_schedules(
        calculator=request.calculator, resolved=request.resolved
    )
