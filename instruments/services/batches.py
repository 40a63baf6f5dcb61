"""A batch's calculations from a base request and a grid of values, or a list of
requests: checked against the calculator's declared inputs and the batch limit."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from instruments.calculators.base import (
    Calculator,
    ErrorCollector,
    InputError,
    describe,
)
from instruments.calculators.extras import request_extras
from instruments.calculators.sensitivity import declared_path_problem


def check_grid_names(
    *,
    calculator: Calculator,
    grid: Mapping[str, Any],
    base: Mapping[str, Any] | None,
) -> None:
    """InputError naming every key of a grid that is not the dotted path of a
    declared input of the calculator (``referenc_price``, ``flows.x.quantity``), or
    whose list index the base does not have."""
    fields = (*describe(calculator.inputs), *request_extras(calculator))
    errors = ErrorCollector()
    for name in grid:
        problem = declared_path_problem(
            fields, str(name), base if isinstance(base, Mapping) else None
        )
        if problem:
            errors.add(("grid", str(name)[:200]), problem)
    errors.raise_if_any()


def expand_batch(
    *,
    base: Mapping[str, Any] | None,
    grid: Mapping[str, Sequence[Any]] | None,
    requests: Sequence[Mapping[str, Any]] | None,
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The batch's calculations as (what varies, the full request)."""
    if bool(grid) == bool(requests):
        raise InputError(gettext("Give either a grid of values or a list of requests."))
    if base is not None and not isinstance(base, Mapping):
        raise InputError.at(
            ("base",), gettext("The base must be an object of named fields.")
        )
    items: list[tuple[dict[str, Any], dict[str, Any]]] = []
    if grid:
        if not isinstance(grid, Mapping):
            raise InputError.at(
                ("grid",), gettext("The grid maps field names to lists.")
            )
        names = list(grid)
        for name in names:
            if not isinstance(grid[name], list | tuple) or not grid[name]:
                raise InputError.at(
                    ("grid", name), gettext("Give a non-empty list of values.")
                )
        size = 1
        for name in names:
            size *= len(grid[name])
        _check_size(size, ("grid",))
        for values in itertools.product(*(grid[name] for name in names)):
            varied = dict(zip(names, values, strict=True))
            data = copy.deepcopy(dict(base or {}))
            for name, value in varied.items():
                try:
                    set_path(data=data, dotted=name, value=value)
                except (KeyError, IndexError, TypeError, ValueError):
                    raise InputError.at(
                        ("grid", name), gettext("No such input in the base request.")
                    ) from None
            items.append((varied, data))
        return items
    assert requests is not None
    if not isinstance(requests, list | tuple):
        raise InputError.at(("requests",), gettext("Give a list of request objects."))
    _check_size(len(requests), ("requests",))
    for i, request in enumerate(requests):
        if not isinstance(request, Mapping):
            raise InputError.at(("requests", i), gettext("Each request is an object."))
        data = {**(base or {}), **request}
        items.append((_scalars(request), data))
    return items


def _check_size(size: int, path: tuple[str, ...]) -> None:
    if size > settings.JOBS_MAX_BATCH:
        raise InputError.at(
            path,
            gettext(
                "{size:,} calculations exceed the limit of {JOBS_MAX_BATCH:,} per batch."
            ).format(size=size, JOBS_MAX_BATCH=settings.JOBS_MAX_BATCH),
        )


def set_path(*, data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``flows.0.elasticity`` style paths in nested request data."""
    steps = dotted.split(".")
    target: Any = data
    for step in steps[:-1]:
        key: Any = int(step) if isinstance(target, list) else step
        if isinstance(target, dict) and key not in target:
            target[key] = {}
        target = target[key]
    last: Any = int(steps[-1]) if isinstance(target, list) else steps[-1]
    target[last] = value


def _scalars(request: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A request's scalar fields, dotted (lists and flows are left out of the row)."""
    out: dict[str, Any] = {}
    for key, value in request.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_scalars(value, f"{name}."))
        elif not isinstance(value, list | tuple):
            out[name] = value
    return out
