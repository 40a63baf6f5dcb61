"""Sensitivity helpers, pure: dotted paths into a request (``flows.0.quantity``), the
numeric inputs a request has, and the values a one-way sweep takes.

The sweep itself (which runs the calculator through the service that fills stored
inputs) is ``instruments.services.sensitivity.run_sweep``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from instruments.calculators.base import FieldSpec
from instruments.calculators.numbers import is_number
from instruments.calculators.translation import gettext

MAX_POINTS = 200
"""Calculations one sensitivity request may ask for (sweep points plus tornado runs)."""


class PathError(ValueError):
    """A dotted path that names no numeric input of the request."""


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` (``flows.0.quantity``); PathError if there is none."""
    node = data
    for step in path.split("."):
        if isinstance(node, Mapping) and step in node:
            node = node[step]
        elif isinstance(node, list) and is_index(step) and int(step) < len(node):
            node = node[int(step)]
        else:
            raise PathError(
                gettext("The request has no input {path!r}.").format(path=path)
            )
    return node


def is_index(step: str) -> bool:
    """Whether a step of a dotted path is a list index (ASCII digits, few of them:
    ``int()`` refuses "²" and numbers of more than 4,300 digits)."""
    return step.isascii() and step.isdigit() and len(step) <= 9


def set_path(data: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with ``path`` set to ``value`` (the path must exist)."""
    get_path(data, path)
    copied = copy.deepcopy(dict(data))
    node: Any = copied
    steps = path.split(".")
    for step in steps[:-1]:
        node = node[int(step)] if isinstance(node, list) else node[step]
    last = steps[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return copied


def scale(value: Any, factor: float, whole: bool = False) -> Any:
    """A number or a list of numbers multiplied by ``factor`` (None kept); ``whole``
    for an input declared as an integer (a count of periods is never 3.6)."""
    if isinstance(value, list):
        return [scale(v, factor, whole) for v in value]
    if not is_number(value):
        return value
    return round(value * factor) if whole else value * factor


def numeric_request(data: Any) -> Any:
    """A request with numbers typed as text ("110", "95, 105, 120") as numbers, so
    that a form's request can be varied like an API one. Other text is kept."""
    if isinstance(data, Mapping):
        return {k: numeric_request(v) for k, v in data.items()}
    if isinstance(data, list):
        return [numeric_request(v) for v in data]
    if isinstance(data, str) and data.strip():
        parts = [p.strip() for p in data.split(",")]
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            return data
        return numbers[0] if len(parts) == 1 else numbers
    return data


def numeric_paths(data: Any, prefix: str = "") -> list[str]:
    """The dotted paths of every number (or list of numbers) in a request."""
    paths: list[str] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            paths += _numeric_leaf(value, f"{prefix}{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            paths += _numeric_leaf(value, f"{prefix}{i}")
    return paths


def _numeric_leaf(value: Any, path: str) -> list[str]:
    if is_number(value):
        return [path]
    if isinstance(value, list) and value and all(is_number(v) for v in value):
        return [path]
    if isinstance(value, Mapping | list):
        return numeric_paths(value, f"{path}.")
    return []


def declared_path_problem(
    fields: Sequence[FieldSpec], dotted: str, data: Mapping[str, Any] | None = None
) -> str:
    """What is wrong with ``dotted`` as the path of a declared input among ``fields``
    (``reference_price``, ``flows.0.quantity``), "" if nothing. With ``data``, a list
    index must also be within the list ``data`` has there."""
    steps = dotted.split(".")
    known = {fs.name: fs for fs in fields}
    node: Any = data
    i = 0
    while i < len(steps):
        step = steps[i]
        fs = known.get(step)
        if fs is None:
            return gettext("Not a declared input. Known: {names}.").format(
                names=", ".join(sorted(known))
            )
        node = node.get(step) if isinstance(node, Mapping) else None
        i += 1
        if i == len(steps):
            return ""
        if fs.kind == "groups":
            index = steps[i]
            if not is_index(index) or i + 1 >= len(steps):
                return gettext(
                    "Expected {name}.<number>.<field>, e.g. {name}.0.quantity."
                ).format(name=fs.name)
            if isinstance(node, list):
                if int(index) >= len(node):
                    return gettext(
                        "The base has {count} {name}; {index} is out of range."
                    ).format(count=len(node), name=fs.name, index=index)
                node = node[int(index)]
            else:
                node = None
            i += 1
        elif fs.kind != "group":
            return gettext("{name} has no fields.").format(name=fs.name)
        known = {child.name: child for child in fs.children}
    return ""


def sweep_values(
    *,
    start: float | None = None,
    stop: float | None = None,
    steps: int | None = None,
    values: Sequence[float] | None = None,
) -> list[float]:
    """The values of a one-way sweep: ``values`` as given, or ``steps`` evenly spaced
    points from ``start`` to ``stop`` (both included). At most ``MAX_POINTS`` of
    them, checked before any is made."""
    if values is not None:
        if not isinstance(values, list | tuple):
            raise ValueError(gettext("'values' must be a list of numbers."))
        if len(values) > MAX_POINTS:
            raise ValueError(
                gettext(
                    "'values' has {n_values} values; at most {MAX_POINTS} are allowed."
                ).format(n_values=len(values), MAX_POINTS=MAX_POINTS)
            )
        out = [_number(v, "values") for v in values]
    elif start is None or stop is None or steps is None:
        raise ValueError(gettext("Give either 'values' or 'from', 'to' and 'steps'."))
    elif steps < 2:
        raise ValueError(gettext("'steps' must be at least 2."))
    elif steps > MAX_POINTS:
        raise ValueError(
            gettext("'steps' must be at most {MAX_POINTS}; {steps} given.").format(
                MAX_POINTS=MAX_POINTS, steps=steps
            )
        )
    else:
        low, high = _number(start, "from"), _number(stop, "to")
        out = [float(v) for v in np.linspace(low, high, int(steps))]
    if not out:
        raise ValueError(gettext("The sweep has no values."))
    if not all(np.isfinite(out)):
        raise ValueError(gettext("Every value of a sweep must be a finite number."))
    return out


def _number(value: Any, name: str) -> float:
    """``value`` as a float, or a ValueError naming ``name`` (never Python's own
    message: it is shown to the client)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(
            gettext("'{name}' must be numbers; {kind} given.").format(
                name=name, kind=type(value).__name__
            )
        )
    try:
        return float(value)
    except (ValueError, OverflowError):
        raise ValueError(
            gettext("'{name}' must be numbers; {value!r} given.").format(
                name=name, value=str(value)[:40]
            )
        ) from None
