"""Calculator inputs as a URL query string, and back: what makes ``=IMPORTDATA`` work.

The rules (part of the public API contract, INSTRUMENTS.md §7):

- arrays are comma-separated: ``periods=2025Q1,2025Q2&market_price=95,105``;
- nested blocks use dotted names: ``pricing.method=collar&pricing.floor=1000``;
- one flow or supplier may be flattened into top-level fields
  (``origin=CHN&import_price=95,105&quantity=100``); a flattened flow is a non-member
  unless ``member=true``;
- several flows use indexed dotted names: ``flows.0.origin=CHN&flows.1.origin=AUS``.

Values stay strings here; ``calculators.base.parse`` converts and validates them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from instruments.calculators.base import Calculator, describe
from instruments.calculators.extras import ALL_EXTRA_FIELDS

# Query keys that steer the response, not the calculation.
RESERVED_KEYS = frozenset({"format", "page", "limit", "offset", "token", "table"})


def decode_query(
    calculator: Calculator, params: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """Turn query pairs into the nested request data a POST body would carry."""
    top_level = {fs.name: fs for fs in describe(calculator.inputs)}
    groups = [fs for fs in top_level.values() if fs.kind == "groups"]
    flattened_into = groups[0] if len(groups) == 1 else None
    child_names = {c.name for c in flattened_into.children} if flattened_into else set()

    data: dict[str, Any] = {}
    flat_item: dict[str, Any] = {}
    for key, value in params:
        if key in RESERVED_KEYS:
            continue
        head = key.split(".", 1)[0]
        if head not in top_level and head in child_names and "." not in key:
            flat_item[key] = value
            continue
        _set_path(data, key.split("."), value)
    data = _lists_from_indexes(data)
    if flat_item and flattened_into is not None:
        items = data.get(flattened_into.name)
        data[flattened_into.name] = [
            flat_item,
            *(items if isinstance(items, list) else []),
        ]
    return data


def encode_query(calculator: Calculator, data: Mapping[str, Any]) -> str:
    """The GET query string equivalent to a POST body (None values are left out)."""
    top_level = {fs.name: fs for fs in describe(calculator.inputs)}
    texts = _text_field_names(describe(calculator.inputs))
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        if value is None or (name not in top_level and name not in ALL_EXTRA_FIELDS):
            continue
        if isinstance(value, list | tuple) and not value:
            continue  # an empty list has no query form; left out, the default applies
        fs = top_level.get(name)
        if fs is not None and fs.kind == "groups" and isinstance(value, list):
            flattenable = len(value) == 1 and not set(value[0]) & set(top_level)
            if flattenable:
                pairs.extend(_flatten(value[0], "", texts))
                continue
        pairs.extend(_flatten(value, name, texts))
    return urlencode(pairs, safe=",")


def _text_field_names(fields: Iterable[Any]) -> frozenset[str]:
    """Names of the single-text inputs at any depth: a comma there is part of the
    text ("Coal smelter, default values"), not a list separator."""
    names: set[str] = set()
    for fs in fields:
        if fs.kind in ("text", "choice"):
            names.add(fs.name)
        names |= _text_field_names(fs.children)
    return frozenset(names)


def _flatten(
    value: Any, prefix: str, texts: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    dot = f"{prefix}." if prefix else ""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [
            pair for k, v in value.items() for pair in _flatten(v, f"{dot}{k}", texts)
        ]
    if isinstance(value, list | tuple):
        if all(not isinstance(v, Mapping | list | tuple) for v in value):
            return [(prefix, ",".join(_scalar(v) for v in value))]
        return [
            pair
            for i, v in enumerate(value)
            for pair in _flatten(v, f"{dot}{i}", texts)
        ]
    if isinstance(value, str) and prefix.rsplit(".", 1)[-1] in texts:
        return [(prefix, value)]
    return [(prefix, _scalar(value))]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):  # "2025Q1, 2025Q2" typed in a form: no spaces in URLs
        return ",".join(part.strip() for part in value.split(","))
    return str(value)


def _set_path(node: dict[str, Any], path: list[str], value: str) -> None:
    for step in path[:-1]:
        child = node.get(step)
        if not isinstance(child, dict):
            child = {}
            node[step] = child
        node = child
    node[path[-1]] = value


def _lists_from_indexes(node: Any) -> Any:
    """``{"0": {...}, "1": {...}}`` becomes a list, recursively."""
    if not isinstance(node, dict):
        return node
    converted = {k: _lists_from_indexes(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted
