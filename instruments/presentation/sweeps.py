"""The sensitivity's inputs as officials read them: which inputs a sweep may vary,
each named in words ("EU-27 › Import price", not "markets.0.import_price"), and the
tornado's order (the floor level and the elasticities first). Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from instruments.calculators.base import (
    Calculator,
    FieldSpec,
    describe,
)
from instruments.calculators.extras import request_extras
from instruments.calculators.translation import gettext
from instruments.presentation.charts.base import result_units
from instruments.presentation.text import (  # pages name the commodity through here
    commodity_name as commodity_name,
)

PERCENT_UNITS = {"fraction": "%", "fraction a year": "% a year"}
"""Shares and rates are decimals in the API (0.25) and percentages on the pages (25
%), as the official typed them: inputs in words say 25 %."""


def is_rate(fs: FieldSpec | None) -> bool:
    """Whether an input is a share or rate (typed as a percentage on the pages)."""
    return fs is not None and fs.unit in PERCENT_UNITS


def field_unit(fs: FieldSpec | None, units: Mapping[str, str]) -> str:
    """The unit an input is read in, for this result's units."""
    if fs is None or not fs.unit:
        return ""
    if fs.unit in PERCENT_UNITS:
        return PERCENT_UNITS[fs.unit]
    return {
        "price unit": units["price"],
        "quantity unit": units["quantity"],
        "money": units["money"],
        "currency": units["money"],
    }.get(fs.unit, fs.unit)


NOT_SWEPT = frozenset({"seed", "paths", "steps", "history_step_years", "year"})
"""Numeric inputs a sensitivity never varies: they are settings, not assumptions."""


_ROW_NAMES = ("name", "code", "market", "origin", "country", "good", "importer", "id")
"""Fields that name one row of a repeated group in words ("EU" for markets.0)."""


def path_label(
    calculator: Calculator,
    path: str,
    inputs: Mapping[str, Any],
    data: Mapping[str, Any] | None = None,
) -> str:
    """``markets.0.demand_elasticity`` as "EU › Demand elasticity" (the row's own
    name from ``data``, the request; "Markets 1 › …" when the row has none)."""
    units = result_units(inputs)
    specs: Sequence[FieldSpec] = (
        *describe(calculator.inputs),
        *request_extras(calculator),
    )
    words: list[str] = []
    spec: FieldSpec | None = None
    node: Any = data
    for step in path.split("."):
        if step.isdigit():
            node = (
                node[int(step)]
                if isinstance(node, list) and int(step) < len(node)
                else None
            )
            name = _row_name(node)
            if words:
                words[-1] = name or f"{words[-1]} {int(step) + 1}"
            continue
        node = node.get(step) if isinstance(node, Mapping) else None
        spec = next((fs for fs in specs if fs.name == step), None)
        words.append(
            gettext(spec.label) if spec else step.replace("_", " ").capitalize()
        )
        specs = spec.children if spec else ()
    unit = field_unit(spec, units)
    if unit:
        words[-1] = f"{words[-1]} ({unit})"
    return " › ".join(words)


def _row_name(row: Any) -> str:
    if not isinstance(row, Mapping):
        return ""
    for key in _ROW_NAMES:
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def sweepable_paths(
    paths: Sequence[str],
    base: Mapping[str, Any] | None = None,
    used: Mapping[str, Any] | None = None,
) -> list[str]:
    """The numeric inputs worth varying (settings such as the seed left out), and,
    given the request ``base`` and the inputs ``used`` (stored data filled in), not
    the typed values stored data replaced (flows from BACI, prices from a series)."""
    kept = [p for p in paths if p.split(".")[-1] not in NOT_SWEPT]
    if base is None or used is None:
        return kept
    return [p for p in kept if not _replaced(p, base, used)]


def _replaced(path: str, base: Mapping[str, Any], used: Mapping[str, Any]) -> bool:
    typed, taken = _at(base, path), _at(used, path)
    if taken is _MISSING:
        return False  # an extra the calculator does not echo (e.g. the floor level)
    if typed == taken:
        return False
    if isinstance(taken, list) and not isinstance(typed, list):
        return any(v != typed for v in taken)
    return True


_MISSING = object()


def _at(data: Any, path: str) -> Any:
    node = data
    for step in path.split("."):
        if isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        elif isinstance(node, Mapping) and step in node:
            node = node[step]
        else:
            return _MISSING
    return node


_FIRST_IN_TORNADO = (
    "floor",
    "reference_price",
    "strike",
    "level",
    "elasticity",
    "price",
)
"""Inputs the tornado moves first: the policy's level, then the elasticities."""


def tornado_order(paths: Sequence[str], price_field: str = "") -> list[str]:
    """The inputs in the order the tornado takes them: the calculator's price
    field, the floor level and the other policy levels, the elasticities, the rest."""

    def rank(path: str) -> int:
        if path == price_field:
            return 0
        leaf = path.split(".")[-1]
        for i, word in enumerate(_FIRST_IN_TORNADO, start=1):
            if word in leaf:
                return i
        return len(_FIRST_IN_TORNADO) + 1

    return sorted(paths, key=rank)


# --- comparing instruments on one commodity ---------------------------------------------
