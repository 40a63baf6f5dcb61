"""What every calculator shares: declared inputs, the result shape and input errors.

A calculator declares its inputs once, as a frozen dataclass whose fields carry
``spec(...)`` metadata (label in officials' words, unit, bounds, help text). From it:

- ``describe(cls)`` gives the field tree (``FieldSpec``) that the API serializer, the HTML
  form and the API documentation are built from;
- ``parse(cls, data)`` turns a plain mapping (parsed JSON, or form data already grouped)
  into the dataclass, collecting *every* field error at once into ``InputError.errors``,
  shaped like the input: ``{"flows": [{}, {"import_price": ["must be ≥ 0"]}]}``.

Field kinds come from the type hints:

    float -> number          int -> integer          bool -> boolean
    str -> text              Literal[...] -> choice  Series (float | tuple) -> series
    tuple[str, ...] -> texts tuple[float, ...] -> numbers
    SomeDataclass -> group   tuple[SomeDataclass, ...] -> groups      X | None -> nullable

A *series* field takes one number (the same in every period) or one number per period.
Every inputs dataclass derives from ``Inputs``: when it is built, ``validate_declared``
checks the declared bounds, the periods, each per-period field's length (naming the
field on a mismatch) and the units, then the calculator's ``validate`` adds its
cross-field rules; one ``InputError`` reports every problem.

The registry record (``Calculator``) declares the outputs too: one ``Output`` (label,
unit kind, headline flag, help) per summary key and per row column.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import numpy as np
import numpy.typing as npt
import pandas as pd

from instruments.calculators.limits import MAX_MAGNITUDE

Series = float | tuple[float, ...]
"""A series field: one number for every period, or one number per period."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

ErrorTree = dict[str, Any]
"""Field name -> list of messages, or a nested tree (dict), or a list of trees (groups)."""

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

NON_FIELD = "non_field_errors"


class InputError(ValueError):
    """Input that is well-formed JSON but wrong for the instrument.

    ``errors`` mirrors the input's shape, so the API returns it as its 400 body and a
    form shows each message beside its field. A plain message goes under
    ``non_field_errors``.
    """

    def __init__(self, errors: ErrorTree | str) -> None:
        self.errors: ErrorTree = (
            {NON_FIELD: [errors]} if isinstance(errors, str) else errors
        )
        super().__init__(_flatten_messages(self.errors))

    @classmethod
    def at(cls, path: Sequence[str | int], message: str) -> InputError:
        """One error at a field path such as ``("flows", 1, "import_price")``."""
        collector = ErrorCollector()
        collector.add(path, message)
        return cls(collector.errors)


class ErrorCollector:
    """Collects messages at field paths, so a request reports every problem at once."""

    def __init__(self) -> None:
        self.errors: ErrorTree = {}

    def add(self, path: Sequence[str | int], message: str) -> None:
        """Add ``message`` at ``path``; integer steps index into a list of groups."""
        path = tuple(path) or (NON_FIELD,)
        if isinstance(path[-1], int):
            raise ValueError("An error path must end with a field name.")
        node: Any = self.errors
        for step, next_step in itertools.pairwise(path):
            if isinstance(step, int):
                while len(node) <= step:
                    node.append({})
                node = node[step]
            else:
                node = node.setdefault(step, [] if isinstance(next_step, int) else {})
        node.setdefault(path[-1], []).append(message)

    def merge(self, other: InputError, prefix: Sequence[str | int] = ()) -> None:
        """Add every message of ``other`` under ``prefix``."""
        for path, message in iter_errors(other.errors):
            self.add((*prefix, *path), message)

    def has(self, path: Sequence[str | int]) -> bool:
        """Whether a message is already recorded at ``path`` (or below it)."""
        node: Any = self.errors
        for step in path:
            if isinstance(step, int):
                if not isinstance(node, list) or len(node) <= step:
                    return False
            elif not isinstance(node, dict) or step not in node:
                return False
            node = node[step]
        return bool(node)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors)


def iter_errors(tree: Any, prefix: tuple[str | int, ...] = ()) -> Any:
    """Yield ``(path, message)`` for every message in an error tree."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from iter_errors(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            if isinstance(value, str):
                yield prefix, value
            else:
                yield from iter_errors(value, (*prefix, index))


def _flatten_messages(tree: ErrorTree) -> str:
    parts = []
    for path, message in iter_errors(tree):
        where = ".".join(str(p) for p in path if p != NON_FIELD)
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


# --- declaring inputs ---------------------------------------------------------------


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


# --- parsing plain data into the dataclass -------------------------------------------


T = typing.TypeVar("T")


def parse(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build the inputs dataclass from plain data, reporting every bad field at once.

    Unknown keys are ignored (the API may carry extra keys such as ``format``).
    """
    errors = ErrorCollector()
    value = _parse_group(cls, data, (), errors)
    errors.raise_if_any()
    return typing.cast(T, value)


def _parse_group(
    cls: type, data: Any, path: tuple[str | int, ...], errors: ErrorCollector
) -> Any:
    if not isinstance(data, Mapping):
        errors.add((*path, NON_FIELD), "Expected an object with named fields.")
        return None
    values: dict[str, Any] = {}
    for fs in describe(cls):
        here = (*path, fs.name)
        if fs.name not in data or (data[fs.name] is None and not fs.nullable):
            if data.get(fs.name, ...) is None and not fs.nullable and not fs.required:
                continue  # null for a defaulted field means "use the default"
            if fs.required:
                errors.add(here, "This field is required.")
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
            errors.add(path, "Expected a list of objects.")
            return _INVALID
        if _too_many(fs, len(raw), path, errors):
            return _INVALID
        items = [
            _parse_group(fs.group_type, item, (*path, i), errors)
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
        from instruments.calculators.units import split_numbers  # units imports base

        raw = split_numbers(raw)
    if fs.kind == "series" and not isinstance(raw, list | tuple):
        return _parse_scalar(fs, raw, path, errors)
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",") if part.strip()]
    if not isinstance(raw, list | tuple):
        errors.add(path, "Expected a list.")
        return _INVALID
    if len(raw) == 0:
        errors.add(path, "The list is empty.")
        return _INVALID
    if _too_many(fs, len(raw), path, errors):
        return _INVALID
    if fs.kind == "texts":
        return tuple(str(item).strip() for item in raw)
    numbers = []
    for i, item in enumerate(raw):
        number = _to_number(item)
        if number is None:
            errors.add(path, f"Value {i + 1} ({item!r}) is not a number.")
            return _INVALID
        problem = _bound_problem(fs, number)
        if problem:
            errors.add(path, f"Value {i + 1}: {problem}")
            return _INVALID
        numbers.append(number)
    return tuple(numbers)


def _parse_scalar(
    fs: FieldSpec, raw: Any, path: tuple[str | int, ...], errors: ErrorCollector
) -> Any:
    if fs.kind == "boolean":
        from instruments.calculators.units import parse_yes_no  # units imports base

        try:
            return parse_yes_no(raw)
        except ValueError:
            errors.add(path, "Expected true or false.")
            return _INVALID
    if fs.kind in ("text", "choice"):
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            errors.add(path, "Expected text.")
            return _INVALID
        text = str(raw).strip()
        if fs.kind == "choice" and text not in fs.choices:
            errors.add(path, f"{text!r} is not one of: {', '.join(fs.choices)}.")
            return _INVALID
        return text
    number = _to_number(raw)
    if number is None:
        errors.add(path, f"{raw!r} is not a number.")
        return _INVALID
    if fs.kind == "integer":
        if number != int(number):
            errors.add(path, "Expected a whole number.")
            return _INVALID
        number = int(number)
    problem = _bound_problem(fs, number)
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
        from instruments.calculators.units import read_number  # units imports base

        try:
            number = read_number(raw)  # the API's dot-decimal form
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _bound_problem(fs: FieldSpec, number: float) -> str:
    if abs(number) > MAX_MAGNITUDE:
        # Beyond this, products of prices and quantities overflow float64 precision.
        return f"Must be between −{MAX_MAGNITUDE:g} and {MAX_MAGNITUDE:g}; {number:g} given."
    if fs.min_value is not None:
        if fs.exclusive_min and number <= fs.min_value:
            return f"Must be greater than {fs.min_value:g}; {number:g} given."
        if number < fs.min_value:
            return f"Must be at least {fs.min_value:g}; {number:g} given."
    if fs.max_value is not None and fs.exclusive_max and number >= fs.max_value:
        return f"Must be less than {fs.max_value:g}; {number:g} given."
    if fs.max_value is not None and number > fs.max_value:
        hint = ""
        if fs.unit in RATE_UNITS and number <= 100 * max(fs.max_value, 1.0):
            hint = f" Shares and rates are decimals: did you mean {number / 100:g}?"
        return f"Must be at most {fs.max_value:g}; {number:g} given.{hint}"
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
                errors.add(here, "This field is required.")
            continue
        if fs.kind == "group":
            check_declared(value, errors, here)
        elif fs.kind == "groups":
            if _too_many(fs, len(value), here, errors):
                continue
            for i, item in enumerate(value):
                check_declared(item, errors, (*here, i))
        elif fs.kind in ("series", "numbers"):
            values = value if isinstance(value, tuple | list) else (value,)
            if len(values) == 0:
                errors.add(here, "The list is empty.")
            elif not _too_many(fs, len(values), here, errors):
                _check_numbers(fs, values, errors, here)
        elif fs.kind == "texts":
            if len(value) == 0:
                errors.add(here, "The list is empty.")
            else:
                _too_many(fs, len(value), here, errors)
        elif fs.kind in ("number", "integer"):
            problem = _number_problem(fs, value)
            if problem:
                errors.add(here, problem)
        elif fs.kind == "choice" and str(value) not in fs.choices:
            errors.add(here, f"{value!r} is not one of: {', '.join(fs.choices)}.")


def _too_many(
    fs: FieldSpec, count: int, path: tuple[str | int, ...], errors: ErrorCollector
) -> bool:
    """More than the field's ``max_items`` given: the error added, True."""
    if fs.max_items is None or count <= fs.max_items:
        return False
    what = "items" if fs.kind == "groups" else "values"
    errors.add(path, f"At most {fs.max_items} {what} are allowed; {count} given.")
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
            prefix = f"Value {i + 1}: " if len(values) > 1 else ""
            errors.add(path, prefix + problem)
            return


def _number_problem(fs: FieldSpec, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is not a number."
    if not math.isfinite(value):
        return "Not a number (NaN or infinite)."
    return _bound_problem(fs, float(value))


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
                errors.add(here, f"{len(value)} values given, {n_periods} periods.")
            elif n_periods is None and len(value) > 1:
                errors.add(here, "Give one number here, or give the periods.")


def validate_declared(inputs: Any, n_periods: int | None) -> ErrorCollector:
    """What every calculator's inputs are checked for, driven by the declaration.

    First the declared bounds (``check_declared``), raised at once as ``parse`` does;
    then, collected: the ``periods`` labels, every per-period field's length against
    ``n_periods`` and, when the inputs have a ``price_unit`` and a ``quantity_unit``,
    that the one can price the other. Returns the collector, so the calculator adds
    its cross-field rules and raises once with every problem.
    """
    from instruments.calculators import units  # units imports this module

    errors = ErrorCollector()
    check_declared(inputs, errors)
    errors.raise_if_any()
    labels = getattr(inputs, "periods", None)
    if labels is not None:
        try:
            units.parse_periods(labels)
        except InputError as exc:
            errors.merge(exc)
    check_lengths(inputs, n_periods, errors)
    price_unit = getattr(inputs, "price_unit", None)
    quantity_unit = getattr(inputs, "quantity_unit", None)
    if price_unit is not None and quantity_unit is not None:
        try:
            units.money_factor(quantity_unit, price_unit)
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

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {
                f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
            }
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value

    return typing.cast(dict[str, Any], plain(inputs))


# --- results and the registry record --------------------------------------------------


@dataclass(frozen=True)
class Result:
    """What a calculator returns.

    ``summary``: headline figures (floats, NaN where undefined, or short strings).
    ``rows``: one row per period (or period × flow/supplier); columns are the API's names,
    in the order of ``Calculator.columns``.
    ``extras``: named tables a chart needs beyond the rows (e.g. the simulated fan and
    the distribution of total cost), each a DataFrame or a list of floats.
    """

    summary: dict[str, Any]
    rows: pd.DataFrame
    extras: dict[str, Any] = field(default_factory=dict)


UnitKind = Literal[
    "money", "price", "quantity", "share", "count", "years", "text", "plain"
]
"""How an output is measured: ``money`` in the result's currency (that of
``price_unit``, whole units), ``price`` in ``price_unit``, ``quantity`` in
``quantity_unit``, ``share`` a fraction shown as %, ``count`` a whole number, ``years``,
``text`` a short string, ``plain`` a number in no request unit (its label says what)."""


@dataclass(frozen=True)
class Output:
    """One figure a calculator returns: a summary key or a row column.

    ``label`` is in officials' words without the unit (the page adds the unit from
    ``unit``); ``headline`` outputs are shown first on the result page; ``help`` is one
    sentence of meaning, for the API documentation.
    """

    key: str
    label: str
    unit: UnitKind = "plain"
    headline: bool = False
    help: str = ""


WARNINGS_OUTPUT = Output(
    "warnings",
    "Warnings",
    "text",
    help="Present only when something in the result needs care (an estimate from few "
    "points, a value taken from another year or basis); sentences, one after another.",
)
"""The ``warnings`` summary key, shared by every calculator that can return it."""


def add_warning(summary: dict[str, Any], message: str) -> None:
    """Append ``message`` to the summary's ``warnings`` text."""
    previous = summary.get("warnings")
    summary["warnings"] = f"{previous} {message}" if previous else message


@dataclass(frozen=True)
class Calculator:
    """A registered instrument: its declared inputs, its pure computation, its outputs
    and an example.

    ``slug`` is the API path and page URL segment (``price-floor``); the module name is
    the same with underscores. ``price_field`` names the top-level series field that
    stored prices fill (with ``periods``) when a request names a commodity, or None
    when the calculator takes no market price. With ``price_field_scalar`` the field is
    one number (standards-market's ``base_price``): the service fills it with the
    average of the chosen range and sets no ``periods``. ``outputs`` declares every
    summary key the calculator can return, in display order (headline ones flagged);
    ``column_outputs`` declares each of ``columns``, in the same order. ``tables``
    names the ``Result.extras`` DataFrames published beside the rows, as
    ``(key, title)``: a JSON key, an XLSX sheet and a table on the page each;
    ``table_outputs`` labels their columns (with units) on the page.
    """

    slug: str
    title: str
    summary: str
    precedent: str
    inputs: type
    compute: Callable[[Any], Result]
    columns: tuple[str, ...]
    example: Mapping[str, Any]
    price_field: str | None = None
    outputs: tuple[Output, ...] = ()
    column_outputs: tuple[Output, ...] = ()
    price_field_scalar: bool = False
    tables: tuple[tuple[str, str], ...] = ()
    table_outputs: tuple[Output, ...] = ()

    def __post_init__(self) -> None:
        keys = [o.key for o in self.column_outputs]
        if tuple(keys) != self.columns:
            raise ValueError(f"{self.slug}: column_outputs must match columns.")
        if len({o.key for o in self.outputs}) != len(self.outputs):
            raise ValueError(f"{self.slug}: an output key is declared twice.")

    def output(self, key: str) -> Output | None:
        """The declared summary output ``key``, or None."""
        return self._outputs_by_key().get(key)

    def _outputs_by_key(self) -> dict[str, Output]:
        return {o.key: o for o in self.outputs}

    @property
    def headline_keys(self) -> tuple[str, ...]:
        """The summary keys shown first on the result page, in order."""
        return tuple(o.key for o in self.outputs if o.headline)

    def run(self, data: Mapping[str, Any]) -> Result:
        """Parse plain data and compute."""
        return self.compute(parse(self.inputs, data))
