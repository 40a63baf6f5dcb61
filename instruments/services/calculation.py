"""Running a calculation for the API and the pages: fill the stored inputs, parse,
compute."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from instruments.calculators import get_calculator
from instruments.calculators.base import (
    Calculator,
    InputError,
    Result,
    add_warning,
    parse,
    to_data,
)
from instruments.services.stored_inputs import fill_stored_inputs, schedule_warnings


@dataclass(frozen=True)
class Calculation:
    """A calculation that ran: the calculator, its normalised inputs and its result.

    ``inputs`` is JSON-ready; when stored prices were used it carries a
    ``stored_prices`` entry naming the series, its unit and the periods taken.
    ``request`` is the data as given (commodity references kept), which is what a
    saved scenario stores so that a re-run picks up revised prices.
    """

    calculator: Calculator
    request: dict[str, Any]
    inputs: dict[str, Any]
    result: Result


def run_calculation(slug: str, data: Mapping[str, Any]) -> Calculation:
    """Resolve stored prices, validate, compute. Raises InputError (field-level) or
    KeyError for an unknown calculator."""
    calculator = get_calculator(slug)
    if not isinstance(data, Mapping):
        raise InputError("The request body must be a JSON object of named fields.")
    resolved, used = fill_stored_inputs(calculator, data)
    inputs: Any = parse(calculator.inputs, resolved)
    result = calculator.compute(inputs)
    for message in schedule_warnings(used):
        add_warning(result.summary, message)
    normalised = {**to_data(inputs), **used}
    return Calculation(calculator, dict(data), normalised, result)
