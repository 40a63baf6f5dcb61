"""What every calculator shares: declared inputs, the result shape and input errors.

A calculator declares its inputs once, as a frozen dataclass whose fields carry
``spec(...)`` metadata (label in officials' words, unit, bounds, help text). From it:

- ``describe(cls)`` (``specs``) gives the field tree (``FieldSpec``) that the API
  serializer, the HTML form and the API documentation are built from;
- ``parse(cls, data)`` (``parsing``) turns a plain mapping (parsed JSON, or form data
  already grouped) into the dataclass, collecting *every* field error at once into
  ``InputError.errors``, shaped like the input:
  ``{"flows": [{}, {"import_price": ["must be ≥ 0"]}]}``.

Field kinds come from the type hints:

    float -> number          int -> integer          bool -> boolean
    str -> text              Literal[...] -> choice  Series (float | tuple) -> series
    tuple[str, ...] -> texts tuple[float, ...] -> numbers
    SomeDataclass -> group   tuple[SomeDataclass, ...] -> groups      X | None -> nullable

A *series* field takes one number (the same in every period) or one number per period.
Every inputs dataclass derives from ``Inputs`` (``validation``): when it is built,
``validate_declared`` checks the declared bounds, the periods, each per-period field's
length (naming the field on a mismatch) and the units, then the calculator's
``validate`` adds its cross-field rules; one ``InputError`` reports every problem.

The registry record (``Calculator``, in ``results``) declares the outputs too: one
``Output`` (label, unit kind, headline flag, help) per summary key and per row column.
``InputError`` and the array types live below this package (``errors``, ``arrays``), so
``units`` and ``periods`` use them without importing it; they are re-exported here.
"""

from __future__ import annotations

from instruments.calculators.arrays import BoolArray, FloatArray, IntArray
from instruments.calculators.base.parsing import parse, parse_rows
from instruments.calculators.base.results import (
    DATA_BASIS_OUTPUT,
    WARNINGS_OUTPUT,
    Calculator,
    Output,
    Result,
    UnitKind,
    add_warning,
)
from instruments.calculators.base.specs import (
    PLAUSIBLE_RATE,
    RATE_UNITS,
    FieldMeta,
    FieldSpec,
    Kind,
    Series,
    describe,
    spec,
)
from instruments.calculators.base.validation import (
    Inputs,
    check_declared,
    check_lengths,
    to_data,
    validate_declared,
)
from instruments.calculators.errors import (
    NON_FIELD,
    ErrorCollector,
    ErrorTree,
    InputError,
    iter_errors,
)

__all__ = [
    "DATA_BASIS_OUTPUT",
    "NON_FIELD",
    "PLAUSIBLE_RATE",
    "RATE_UNITS",
    "WARNINGS_OUTPUT",
    "BoolArray",
    "Calculator",
    "ErrorCollector",
    "ErrorTree",
    "FieldMeta",
    "FieldSpec",
    "FloatArray",
    "InputError",
    "Inputs",
    "IntArray",
    "Kind",
    "Output",
    "Result",
    "Series",
    "UnitKind",
    "add_warning",
    "check_declared",
    "check_lengths",
    "describe",
    "iter_errors",
    "parse",
    "parse_rows",
    "spec",
    "to_data",
    "validate_declared",
]
