"""Values made JSON-safe: numpy scalars to Python, NaN and pandas NA to None."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def rows_as_records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Result rows as JSON-ready dicts: numpy scalars to Python, NaN to None."""
    return [
        {str(k): json_value(v) for k, v in record.items()}
        for record in rows.to_dict(orient="records")
    ]


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
