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
    names, columns = [], []
    for name, column in rows.items():
        names.append(str(name))
        columns.append(_json_column(column))
    if not columns:
        return [{} for _ in range(len(rows))]
    return [
        dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)
    ]


def _json_column(column: pd.Series) -> list[Any]:
    values = column.tolist()  # numpy dtypes give Python scalars
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        return values
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [v if math.isfinite(v) else None for v in values]
    return [json_value(v) for v in values]


def json_value(value: Any) -> Any:
    """One value made JSON-safe: NaN/inf and pandas NA become None."""
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
