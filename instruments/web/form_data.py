"""Between request data and form data: the HTML name of each declared input and its
value as the official types it (numbers in their number format, shares and rates as
percentages, lists joined). No Django: the form, its fields and tests share these.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext

from instruments.calculators import units
from instruments.calculators.base import Calculator, FieldSpec, describe
from instruments.calculators.extras import request_extras
from instruments.calculators.units import ENGLISH, NumberFormat

SEP = "-"
TOGGLE = "use"
LIST_KINDS = ("series", "numbers", "texts")


PERCENT_UNITS = {"fraction": "%", "fraction a year": "% a year"}
"""Shares and rates (declared ``unit="fraction"``) are typed as percentages on the
pages: 25 for 0.25. ``request_data`` divides by 100, ``inputs_to_form_data`` multiplies;
the API keeps decimals."""


def is_percent(fs: FieldSpec) -> bool:
    """Whether the form shows ``fs`` as a percentage."""
    return fs.unit in PERCENT_UNITS and fs.kind in ("number", *LIST_KINDS[:2])


def percent_bound_problem(fs: FieldSpec, percent: float) -> str:
    """The bound ``percent`` (a share typed on a form, 25 for 0.25) breaks, in %."""
    unit = PERCENT_UNITS[fs.unit]
    if fs.min_value is not None:
        low = round(fs.min_value * 100.0, 10)
        if percent <= low if fs.exclusive_min else percent < low:
            message = (
                gettext(
                    "Must be greater than {bound:g} {unit}; {value:g} {unit} given."
                )
                if fs.exclusive_min
                else gettext(
                    "Must be at least {bound:g} {unit}; {value:g} {unit} given."
                )
            )
            return message.format(bound=low, unit=unit, value=percent)
    if fs.max_value is not None:
        high = round(fs.max_value * 100.0, 10)
        if percent >= high if fs.exclusive_max else percent > high:
            message = (
                gettext("Must be less than {bound:g} {unit}; {value:g} {unit} given.")
                if fs.exclusive_max
                else gettext(
                    "Must be at most {bound:g} {unit}; {value:g} {unit} given."
                )
            )
            # xgettext:no-python-format
            hint = gettext(
                "Shares and rates are typed here as percentages: 25 for 25 %."
            )
            return message.format(bound=high, unit=unit, value=percent) + " " + hint
    return ""


def scale_number(value: Any, factor: float) -> Any:
    """A number or a list of numbers × ``factor``; request-data text ("0.25",
    "0.1, 0.2") is read as the API reads it; other text is left for the parser to
    report."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return round(float(value) * factor, 12)
    if isinstance(value, list | tuple):
        return [scale_number(v, factor) for v in value]
    if isinstance(value, str):
        try:
            numbers = units.read_numbers(value)
        except ValueError:
            return value
        scaled = [round(n * factor, 12) for n in numbers]
        return scaled if "," in value else (scaled[0] if scaled else value)
    return value


def field_name(path: Iterable[str | int]) -> str:
    """The HTML name of the input at ``path``: ``("flows", 1, "origin")`` → ``flows-1-origin``."""
    return SEP.join(str(step) for step in path)


def toggle_name(path: Iterable[str | int]) -> str:
    return field_name((TOGGLE, *path))


def format_scalar(value: Any) -> str:
    """A value as an official would type it: 250000 not 250000.0, true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


NUMBER_KINDS = ("number", "integer", "series", "numbers")


def format_input(
    fs: FieldSpec, value: Any, number_format: NumberFormat = ENGLISH
) -> str:
    """One input's value as the form shows it: numbers in ``number_format``, shares
    and rates as percentages, lists joined."""
    if fs.kind in NUMBER_KINDS:
        if is_percent(fs):
            value = scale_number(value, 100.0)
        return format_numbers(value, fs.kind, number_format)
    if isinstance(value, list | tuple):
        return ", ".join(format_scalar(v) for v in value)
    return format_scalar(value)


def format_numbers(value: Any, kind: str, number_format: NumberFormat) -> str:
    """A number or a list of numbers written in ``number_format``: a single number of
    kind ``number`` with thousands separators, lists and whole-number counts without
    (so that they read back the same); request-data text ("0.25", "95, 105") is read
    as the API reads it first."""
    grouping = kind == "number"

    def one(item: Any) -> str:
        if isinstance(item, int | float) and not isinstance(item, bool):
            return units.format_number(item, number_format, grouping=grouping)
        return format_scalar(item)

    if isinstance(value, str):
        try:
            value = units.read_numbers(value)
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return f"{number_format.list_separator} ".join(one(v) for v in value)
    return one(value)


def inputs_to_form_data(
    calculator: Calculator,
    inputs: Mapping[str, Any],
    *,
    number_format: NumberFormat = ENGLISH,
) -> dict[str, Any]:
    """Flatten request data (an example, a saved scenario) into form data, numbers
    written in ``number_format``."""
    flat: dict[str, Any] = {}
    _flatten_into(flat, describe(calculator.inputs), inputs, (), number_format)
    for fs in request_extras(calculator):
        if inputs.get(fs.name) not in (None, ""):
            flat[fs.name] = format_input(fs, inputs[fs.name], number_format)
    return flat


def _flatten_into(
    flat: dict[str, Any],
    specs: Sequence[FieldSpec],
    data: Mapping[str, Any],
    path: tuple[str | int, ...],
    number_format: NumberFormat,
) -> None:
    for fs in specs:
        here = (*path, fs.name)
        value = data.get(fs.name, fs.default)
        if fs.kind == "group":
            if fs.nullable:
                flat[toggle_name(here)] = value is not None
            if isinstance(value, Mapping):
                _flatten_into(flat, fs.children, value, here, number_format)
        elif fs.kind == "groups":
            if isinstance(value, Mapping):
                value = [value]
            for i, item in enumerate(value or []):
                if isinstance(item, Mapping):
                    _flatten_into(flat, fs.children, item, (*here, i), number_format)
        elif fs.kind == "boolean":
            flat[field_name(here)] = bool(value) and str(value).lower() != "false"
        elif value is None:
            continue
        else:
            flat[field_name(here)] = format_input(fs, value, number_format)
