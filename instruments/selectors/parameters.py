"""Policy parameters by year."""

from __future__ import annotations

import pandas as pd

from instruments.calculators.base import InputError
from instruments.models import ParameterSchedule
from instruments.selectors.decimals import to_float_series


def get_parameter_schedule(code: str) -> pd.Series:
    """A policy parameter by year (float64, index = year as int, name = code)."""
    rows = list(
        ParameterSchedule.objects.filter(code=code)
        .order_by("year")
        .values_list("year", "value")
    )
    if not rows:
        raise InputError.at(("parameter",), f"Unknown parameter schedule '{code}'.")
    return to_float_series(
        rows, pd.Index([int(year) for year, _ in rows], name="year"), code
    )


def get_parameter_value(code: str, year: int) -> float:
    """The value of a parameter in ``year``: the latest year on or before it."""
    schedule = get_parameter_schedule(code)
    known = schedule[schedule.index <= year]
    if known.empty:
        raise InputError.at(
            ("year",),
            f"'{code}' starts in {int(schedule.index[0])}; no value for {year}.",
        )
    return float(known.iloc[-1])
