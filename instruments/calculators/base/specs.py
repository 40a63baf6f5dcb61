"""Declaring inputs: ``spec(...)`` on a dataclass field, and ``describe(cls)``, the field
tree that the API serializer, the HTML form and the API documentation are built from."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

Series = float | tuple[float, ...]
"""A series field: one number for every period, or one number per period."""

Kind = Literal[
    "number",
    "integer",
    "boolean",
    "text",
    "choice",
    "series",
    "numbers",
    "texts",
    "group",
    "groups",
]


@dataclass(frozen=True)
class FieldMeta:
    """What an official reads beside a field; attached to a dataclass field."""

    label: str
    unit: str = ""
    help: str = ""
    min_value: float | None = None
    max_value: float | None = None
    exclusive_min: bool = False
    exclusive_max: bool = False
    max_items: int | None = None
    choice_labels: Mapping[str, str] | None = None
    per_period: bool | None = None
    as_table: bool = False


def spec(
    label: str,
    *,
    unit: str = "",
    help: str = "",
    default: Any = dataclasses.MISSING,
    min_value: float | None = None,
    max_value: float | None = None,
    exclusive_min: bool = False,
    exclusive_max: bool = False,
    max_items: int | None = None,
    choice_labels: Mapping[str, str] | None = None,
    per_period: bool | None = None,
    as_table: bool = False,
) -> Any:
    """Declare one input field. ``unit`` is shown beside it ("fraction", "years",
    "price unit" for the request's ``price_unit``, ...); bounds are inclusive unless
    ``exclusive_min`` / ``exclusive_max``. Without ``default`` the field is required. ``per_period``: the
    field gives one value, or one value per period (checked by ``validate_declared``);
    the default is True for a series and False for anything else. ``as_table``: a
    repeatable group the form shows as a compact table, one line per row."""
    meta = FieldMeta(
        label=label,
        unit=unit,
        help=help,
        min_value=min_value,
        max_value=max_value,
        exclusive_min=exclusive_min,
        exclusive_max=exclusive_max,
        max_items=max_items,
        choice_labels=choice_labels,
        per_period=per_period,
        as_table=as_table,
    )
    return field(default=default, metadata={"spec": meta})


@dataclass(frozen=True)
class FieldSpec:
    """One input as the adapters (serializer, form, docs) see it."""

    name: str
    kind: Kind
    label: str
    unit: str
    help: str
    required: bool
    nullable: bool
    default: Any
    min_value: float | None
    max_value: float | None
    exclusive_min: bool
    max_items: int | None
    choices: tuple[str, ...]
    choice_labels: Mapping[str, str]
    children: tuple[FieldSpec, ...]
    group_type: type | None
    per_period: bool = False
    as_table: bool = False
    exclusive_max: bool = False


RATE_UNITS = frozenset({"fraction", "fraction a year"})
"""Units of shares and rates: decimals in the API (0.25 = 25 %), percentages on the
pages (``forms`` converts)."""

PLAUSIBLE_RATE = 3.0
"""The largest share or rate accepted (300 %) where a field declares no lower bound:
above it, a value is far more likely a percentage typed as a decimal (a levy cap of 25
meant as 25 %, a tariff of 10 meant as 10 %) and is refused with a hint."""


@functools.cache
def describe(cls: type) -> tuple[FieldSpec, ...]:
    """The field tree of an inputs dataclass, in declaration order (computed once per
    class: resolving type hints is the slow part of parsing a request)."""
    hints = get_type_hints(cls)
    specs = []
    for f in dataclasses.fields(cls):
        meta: FieldMeta = f.metadata.get("spec") or FieldMeta(label=f.name)
        kind, nullable, choices, group_type = _classify(hints[f.name])
        has_default = (
            f.default is not dataclasses.MISSING
            or f.default_factory is not dataclasses.MISSING
        )
        default = f.default if f.default is not dataclasses.MISSING else None
        max_value = meta.max_value
        if meta.unit in RATE_UNITS:
            # a share or rate typed as a percentage (25 for 0.25) is refused
            max_value = min(
                PLAUSIBLE_RATE if max_value is None else max_value, PLAUSIBLE_RATE
            )
        specs.append(
            FieldSpec(
                name=f.name,
                kind=kind,
                label=meta.label,
                unit=meta.unit,
                help=meta.help,
                required=not has_default,
                nullable=nullable,
                default=default,
                min_value=meta.min_value,
                max_value=max_value,
                exclusive_min=meta.exclusive_min,
                exclusive_max=meta.exclusive_max,
                max_items=meta.max_items,
                choices=choices,
                choice_labels=dict(meta.choice_labels or {}),
                children=describe(group_type) if group_type is not None else (),
                group_type=group_type,
                per_period=(
                    kind == "series" if meta.per_period is None else meta.per_period
                ),
                as_table=meta.as_table,
            )
        )
    return tuple(specs)


def _classify(hint: Any) -> tuple[Kind, bool, tuple[str, ...], type | None]:
    """(kind, nullable, choices, group dataclass) for a type hint."""
    origin = get_origin(hint)
    nullable = False
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        nullable = len(args) < len(get_args(hint))
        if (
            len(args) == 2
            and float in args
            and any(get_origin(a) is tuple for a in args)
        ):
            return "series", nullable, (), None
        if len(args) != 1:
            raise TypeError(f"Unsupported input type {hint!r}")
        hint, origin = args[0], get_origin(args[0])
    if origin is Literal:
        return "choice", nullable, tuple(str(a) for a in get_args(hint)), None
    if origin is tuple:
        item = get_args(hint)[0]
        if dataclasses.is_dataclass(item):
            return "groups", nullable, (), typing.cast(type, item)
        if item is str:
            return "texts", nullable, (), None
        return "numbers", nullable, (), None
    if dataclasses.is_dataclass(hint):
        return "group", nullable, (), typing.cast(type, hint)
    simple: dict[Any, Kind] = {
        float: "number",
        int: "integer",
        bool: "boolean",
        str: "text",
    }
    if hint in simple:
        return simple[hint], nullable, (), None
    raise TypeError(f"Unsupported input type {hint!r}")
