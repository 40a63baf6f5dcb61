"""Values made JSON-safe: numpy scalars to Python, NaN and pandas NA to None."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def rows_as_records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Result rows as JSON-ready dicts: numpy scalars to Python, NaN to None.

    Column by column (``DataFrame.to_dict`` boxes every cell through pandas, about
    five times slower on a calculator's table of a few dozen rows)."""
    names = [str(name) for name in rows.columns]
    # The columns' arrays without a Series each (a tenth of a millisecond on a
    # calculator's table; pandas' own to_dict reads them so), else Series.
    arrays = getattr(rows, "_iter_column_arrays", None)
    columns = [
        _json_column(column)
        for column in (arrays() if arrays is not None else (c for _, c in rows.items()))
    ]
    if not columns:
        return [{} for _ in range(len(rows))]
    return [
        dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)
    ]


def _json_column(column: Any) -> list[Any]:
    """A column's values (a Series or an array) made JSON-safe."""
    values = column.tolist()  # numpy dtypes give Python scalars
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        return values
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [v if math.isfinite(v) else None for v in values]
    return [json_value(v) for v in values]


_PLAIN = frozenset({str, int, bool, type(None)})


def json_value(value: Any) -> Any:
    """One value made JSON-safe: NaN/inf and pandas NA become None. The built-in
    types first, by exact type (a request's inputs are thousands of them; the
    abstract ``Mapping`` check is the slow part), then everything else."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {str(k): json_value(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [json_value(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_value(v) for v in value]
    return value
