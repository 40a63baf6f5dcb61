"""Stored ``Decimal`` values as floats: the selectors' one conversion."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd


def to_float(value: Decimal | None) -> float | None:
    """A stored ``Decimal`` as a float (``None`` stays ``None``)."""
    return None if value is None else float(value)


def to_float_series(rows: list[Any], index: pd.Index, name: str) -> pd.Series:
    """Stored ``(key, Decimal)`` rows as a float64 Series on ``index``."""
    return pd.Series(
        [float(value) for _, value in rows], index=index, name=name, dtype="float64"
    )
