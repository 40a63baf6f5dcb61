"""Parsing plain data (parsed JSON, or form data already grouped) into an inputs
dataclass, collecting every field error at once."""

from __future__ import annotations

import math
import typing
from collections.abc import Mapping
from typing import Any

from instruments.calculators.base.specs import FieldSpec, describe
from instruments.calculators.base.validation import bound_problem, too_many
from instruments.calculators.errors import NON_FIELD, ErrorCollector, InputError
from instruments.calculators.numbers import parse_yes_no, read_number, split_numbers
from instruments.calculators.translation import gettext

T = typing.TypeVar("T")


def parse(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build the inputs dataclass from plain data, reporting every bad field at once.

    Unknown keys are ignored (the API may carry extra keys such as ``format``).
    """
    errors = ErrorCollector()
    value = _parse_group(cls, data, (), errors)
    errors.raise_if_any()
    return typing.cast(T, value)


def parse_rows(
    cls: type[T], rows: Any, path: tuple[str | int, ...] = ()
) -> tuple[T, ...]:
    """Each of ``rows`` parsed as ``cls``, as a repeatable group's items are (errors
    at ``(*path, i, field)``, every one at once). ``parse`` takes the items back as
    they are: an item that is already its group's dataclass was checked when built,
    so rows shared by many requests (a stored baseline's) are parsed once."""
    errors = ErrorCollector()
    items = tuple(
        _parse_group(cls, row, (*path, i), errors) for i, row in enumerate(rows)
    )
    errors.raise_if_any()
    return typing.cast(tuple[T, ...], items)


def _parse_group(
    cls: type, data: Any, path: tuple[str | int, ...], errors: ErrorCollector
) -> Any:
    if not isinstance(data, Mapping):
        errors.add((*path, NON_FIELD), gettext("Expected an object with named fields."))
        return None
    values: dict[str, Any] = {}
    for fs in describe(cls):
        here = (*path, fs.name)
        if fs.name not in data or (data[fs.name] is None and not fs.nullable):
            if data.get(fs.name, ...) is None and not fs.nullable and not fs.required:
                continue  # null for a defaulted field means "use the default"
            if fs.required:
                errors.add(here, gettext("This field is required."))
            continue
        raw = data[fs.name]
        if raw is None:
            values[fs.name] = None
            continue
        parsed = _parse_value(fs, raw, here, errors)
        if parsed is not _INVALID:
            values[fs.name] = parsed
    if any(fs.required and fs.name not in values for fs in describe(cls)):
        return None
    try:
        return cls(**values)
    except InputError as exc:  # __post_init__ cross-field checks
        errors.merge(exc, path)
    return None


_INVALID = object()


def _parse_value(
    fs: FieldSpec, raw: Any, path: tuple[str | int, ...], errors: ErrorCollector
) -> Any:
    if fs.kind == "group":
        assert fs.group_type is not None
        value = _parse_group(fs.group_type, raw, path, errors)
        return _INVALID if value is None else value
    if fs.kind == "groups":
        assert fs.group_type is not None
        if isinstance(raw, Mapping):
            raw = [raw]
        if not isinstance(raw, list | tuple):
            errors.add(path, gettext("Expected a list of objects."))
            return _INVALID
        if too_many(fs, len(raw), path, errors):
            return _INVALID
        group = fs.group_type
        items = [
            # A built item (``parse_rows``) was checked when it was built.
            item
            if type(item) is group
            else _parse_group(group, item, (*path, i), errors)
            for i, item in enumerate(raw)
        ]
        if any(item is None for item in items):
            return _INVALID
        return tuple(items)
    if fs.kind in ("series", "numbers", "texts"):
        return _parse_sequence(fs, raw, path, errors)
    return _parse_scalar(fs, raw, path, errors)


def _parse_sequence(
    fs: FieldSpec, raw: Any, path: tuple[str | int, ...], errors: ErrorCollector
) -> Any:
    if isinstance(raw, str) and fs.kind != "texts" and "," in raw:
        raw = split_numbers(raw)
    if fs.kind == "series" and not isinstance(raw, list | tuple):
        return _parse_scalar(fs, raw, path, errors)
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list | tuple):
        errors.add(path, gettext("Expected a list."))
        return _INVALID
    if len(raw) == 0:
        errors.add(path, gettext("The list is empty."))
        return _INVALID
    if too_many(fs, len(raw), path, errors):
        return _INVALID
    if fs.kind == "texts":
        return tuple(str(item).strip() for item in raw)
    numbers = []
    for i, item in enumerate(raw):
        number = _to_number(item)
        if number is None:
            errors.add(
                path,
                gettext("Value {i} ({item!r}) is not a number.").format(
                    i=i + 1, item=item
                ),
            )
            return _INVALID
        problem = bound_problem(fs, number)
        if problem:
            errors.add(
                path, gettext("Value {i}: {problem}").format(i=i + 1, problem=problem)
            )
            return _INVALID
        numbers.append(number)
    return tuple(numbers)


def _parse_scalar(
    fs: FieldSpec, raw: Any, path: tuple[str | int, ...], errors: ErrorCollector
) -> Any:
    if fs.kind == "boolean":
        try:
            return parse_yes_no(raw)
        except ValueError:
            errors.add(path, gettext("Expected true or false."))
            return _INVALID
    if fs.kind in ("text", "choice"):
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            errors.add(path, gettext("Expected text."))
            return _INVALID
        text = str(raw).strip()
        if fs.kind == "choice" and text not in fs.choices:
            errors.add(
                path,
                gettext("{value!r} is not one of: {choices}.").format(
                    value=text, choices=", ".join(fs.choices)
                ),
            )
            return _INVALID
        return text
    number = _to_number(raw)
    if number is None:
        errors.add(path, gettext("{raw!r} is not a number.").format(raw=raw))
        return _INVALID
    if fs.kind == "integer":
        if number != int(number):
            errors.add(path, gettext("Expected a whole number."))
            return _INVALID
        number = int(number)
    problem = bound_problem(fs, number)
    if problem:
        errors.add(path, problem)
        return _INVALID
    return number


def _to_number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        try:
            number = float(raw)
        except OverflowError:  # an integer beyond float64 (10**400)
            return None
    elif isinstance(raw, str):
        try:
            number = read_number(raw)  # the API's dot-decimal form
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None
