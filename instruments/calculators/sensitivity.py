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

from instruments.calculators.numbers import is_number

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
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            raise PathError(f"The request has no input {path!r}.")
    return node


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


def sweep_values(
    *,
    start: float | None = None,
    stop: float | None = None,
    steps: int | None = None,
    values: Sequence[float] | None = None,
) -> list[float]:
    """The values of a one-way sweep: ``values`` as given, or ``steps`` evenly spaced
    points from ``start`` to ``stop`` (both included)."""
    if values is not None:
        out = [float(v) for v in values]
    elif start is None or stop is None or steps is None:
        raise ValueError("Give either 'values' or 'from', 'to' and 'steps'.")
    elif steps < 2:
        raise ValueError("'steps' must be at least 2.")
    else:
        out = [float(v) for v in np.linspace(float(start), float(stop), int(steps))]
    if not out:
        raise ValueError("The sweep has no values.")
    if not all(np.isfinite(out)):
        raise ValueError("Every value of a sweep must be a finite number.")
    return out
