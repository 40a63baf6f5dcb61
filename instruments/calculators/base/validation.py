"""Checking built inputs against their declaration: bounds, lengths per period, periods
and units; ``Inputs``, the base of every inputs dataclass, runs it when built."""

from __future__ import annotations

import dataclasses
import functools
import math
import typing
from collections.abc import Sequence
from typing import Any

import numpy as np

from instruments.calculators.base.specs import RATE_UNITS, FieldSpec, describe
from instruments.calculators.errors import ErrorCollector, InputError
from instruments.calculators.limits import MAX_MAGNITUDE
from instruments.calculators.periods import parse_periods
from instruments.calculators.translation import gettext
from instruments.calculators.units import money_factor


def bound_problem(fs: FieldSpec, number: float) -> str:
    if abs(number) > MAX_MAGNITUDE:
        # Beyond this, products of prices and quantities overflow float64 precision.
        return gettext(
            "Must be between −{limit:g} and {limit:g}; {number:g} given."
        ).format(limit=MAX_MAGNITUDE, number=number)
    if fs.min_value is not None:
        if fs.exclusive_min and number <= fs.min_value:
            return gettext("Must be greater than {limit:g}; {number:g} given.").format(
                limit=fs.min_value, number=number
            )
        if number < fs.min_value:
            return gettext("Must be at least {limit:g}; {number:g} given.").format(
                limit=fs.min_value, number=number
            )
    if fs.max_value is not None and fs.exclusive_max and number >= fs.max_value:
        return gettext("Must be less than {limit:g}; {number:g} given.").format(
            limit=fs.max_value, number=number
        )
    if fs.max_value is not None and number > fs.max_value:
        hint = ""
        if fs.unit in RATE_UNITS and number <= 100 * max(fs.max_value, 1.0):
            hint = " " + gettext(
                "Shares and rates are decimals: did you mean {number:g}?"
            ).format(number=number / 100)
        return (
            gettext("Must be at most {limit:g}; {number:g} given.").format(
                limit=fs.max_value, number=number
            )
            + hint
        )
    return ""


def check_declared(
    instance: Any, errors: ErrorCollector, path: tuple[str | int, ...] = ()
) -> None:
    """Check a built inputs dataclass against its declared bounds, recursively.

    ``parse`` already checks plain data; this repeats the checks for a dataclass built
    directly in Python (tests, services), so NaN, infinities, values out of bounds and
    too many items become errors at the field instead of wrong numbers.
    """
    cls: type = type(instance)
    for fs in describe(cls):
        value = getattr(instance, fs.name)
        here = (*path, fs.name)
        if value is None:
            if fs.required and not fs.nullable:
                errors.add(here, gettext("This field is required."))
            continue
        if fs.kind == "group":
            check_declared(value, errors, here)
        elif fs.kind == "groups":
            if too_many(fs, len(value), here, errors):
                continue
            for i, item in enumerate(value):
                check_declared(item, errors, (*here, i))
        elif fs.kind in ("series", "numbers"):
            values = value if isinstance(value, tuple | list) else (value,)
            if len(values) == 0:
                errors.add(here, gettext("The list is empty."))
            elif not too_many(fs, len(values), here, errors):
                _check_numbers(fs, values, errors, here)
        elif fs.kind == "texts":
            if len(value) == 0:
                errors.add(here, gettext("The list is empty."))
            else:
                too_many(fs, len(value), here, errors)
        elif fs.kind in ("number", "integer"):
            problem = _number_problem(fs, value)
            if problem:
                errors.add(here, problem)
        elif fs.kind == "choice" and str(value) not in fs.choices:
            errors.add(
                here,
                gettext("{value!r} is not one of: {choices}.").format(
                    value=value, choices=", ".join(fs.choices)
                ),
            )


def too_many(
    fs: FieldSpec, count: int, path: tuple[str | int, ...], errors: ErrorCollector
) -> bool:
    """More than the field's ``max_items`` given: the error added, True."""
    if fs.max_items is None or count <= fs.max_items:
        return False
    message = (
        gettext("At most {max_items} items are allowed; {count} given.")
        if fs.kind == "groups"
        else gettext("At most {max_items} values are allowed; {count} given.")
    )
    errors.add(path, message.format(max_items=fs.max_items, count=count))
    return True


def _check_numbers(
    fs: FieldSpec,
    values: Sequence[Any],
    errors: ErrorCollector,
    path: Sequence[str | int],
) -> None:
    """Report the first bad value of a series; one array pass when all are numbers."""
    try:
        array = np.asarray(values, dtype=np.float64)
        ok = np.isfinite(array)
        if fs.min_value is not None:
            ok &= array > fs.min_value if fs.exclusive_min else array >= fs.min_value
        if fs.max_value is not None:
            ok &= array < fs.max_value if fs.exclusive_max else array <= fs.max_value
        if all(not isinstance(v, bool) for v in values[:1]) and bool(ok.all()):
            return
    except (TypeError, ValueError):
        pass
    for i, number in enumerate(values):
        problem = _number_problem(fs, number)
        if problem:
            if len(values) > 1:
                problem = gettext("Value {i}: {problem}").format(
                    i=i + 1, problem=problem
                )
            errors.add(path, problem)
            return


def _number_problem(fs: FieldSpec, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return gettext("{value!r} is not a number.").format(value=value)
    if not math.isfinite(value):
        return gettext("Not a number (NaN or infinite).")
    return bound_problem(fs, float(value))


def check_lengths(
    instance: Any,
    n_periods: int | None,
    errors: ErrorCollector,
    path: tuple[str | int, ...] = (),
) -> None:
    """Check every per-period field (``FieldSpec.per_period``) against the number of
    periods, recursively: one value, or one per period; a list needs the periods."""
    cls: type = type(instance)
    for fs in describe(cls):
        value = getattr(instance, fs.name)
        here = (*path, fs.name)
        if value is None:
            continue
        if fs.kind == "group":
            check_lengths(value, n_periods, errors, here)
        elif fs.kind == "groups":
            for i, item in enumerate(value):
                check_lengths(item, n_periods, errors, (*here, i))
        elif fs.per_period and isinstance(value, tuple | list):
            if n_periods is not None and len(value) not in (1, n_periods):
                errors.add(
                    here,
                    gettext("{n_value} values given, {n_periods} periods.").format(
                        n_value=len(value), n_periods=n_periods
                    ),
                )
            elif n_periods is None and len(value) > 1:
                errors.add(here, gettext("Give one number here, or give the periods."))


def validate_declared(inputs: Any, n_periods: int | None) -> ErrorCollector:
    """What every calculator's inputs are checked for, driven by the declaration.

    First the declared bounds (``check_declared``), raised at once as ``parse`` does;
    then, collected: the ``periods`` labels, every per-period field's length against
    ``n_periods`` and, when the inputs have a ``price_unit`` and a ``quantity_unit``,
    that the one can price the other. Returns the collector, so the calculator adds
    its cross-field rules and raises once with every problem.
    """

    errors = ErrorCollector()
    check_declared(inputs, errors)
    errors.raise_if_any()
    labels = getattr(inputs, "periods", None)
    if labels is not None:
        try:
            parse_periods(labels)
        except InputError as exc:
            errors.merge(exc)
    check_lengths(inputs, n_periods, errors)
    price_unit = getattr(inputs, "price_unit", None)
    quantity_unit = getattr(inputs, "quantity_unit", None)
    if price_unit is not None and quantity_unit is not None:
        try:
            money_factor(quantity_unit, price_unit)
        except InputError as exc:
            errors.merge(exc)
    return errors


class Inputs:
    """Base of every calculator's inputs dataclass: checked once, when built.

    Building the dataclass (by ``parse`` or directly in Python) runs
    ``validate_declared`` and then the calculator's own cross-field rules
    (``validate``), and raises one ``InputError`` with every problem.
    """

    def __post_init__(self) -> None:
        errors = validate_declared(self, self.n_periods())
        self.validate(errors)
        errors.raise_if_any()

    def n_periods(self) -> int | None:
        """How many periods per-period fields are checked against."""
        periods = getattr(self, "periods", None)
        return None if periods is None else len(periods)

    def validate(self, errors: ErrorCollector) -> None:
        """The calculator's cross-field rules: add a message at each bad field."""


def to_data(inputs: Any) -> dict[str, Any]:
    """The normalised inputs as plain JSON-ready data (tuples become lists)."""
    return typing.cast(dict[str, Any], _plain(inputs))


_SCALARS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> Any:
    kind: type = type(value)
    if kind in _SCALARS:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    names = _field_names(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@functools.cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """A dataclass's field names (None for any other type), once per type."""
    if dataclasses.is_dataclass(kind):
        return tuple(f.name for f in dataclasses.fields(kind))
    return None
