"""Exchange rates for calculation periods, from monthly rates per US dollar. Pure.

Stored rates (Federal Reserve H.10, ``FxRate``) are monthly averages, in units of the
currency per USD, indexed by the month's first day. A calculation period gets:

- a **month**: that month's rate, else the latest earlier month's;
- a **longer period** (quarter, half-year, year): the mean of its months' rates (a
  quarter is the mean of its 3 months, a year of its 12; months missing from the
  store are left out of the mean);
- a **date**: the rate of the month that contains it;
- a period none of whose months is stored: the latest month **before** it.

A rate from after a period's end is never used; with no rate at or before the period,
the result is NaN (the caller says which period has none).

No Django here: selectors turn stored rates into the pandas Series this module reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from instruments.calculators.base import FloatArray, IntArray
from instruments.calculators.translation import gettext

_LABEL = re.compile(
    r"^(?P<year>\d{4})(?:"
    r"(?P<quarter>[Qq][1-4])|(?P<half>[Hh][12])"
    r"|-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$"
)


def period_month_span(label: str) -> tuple[int, int]:
    """The first and last month of a period label as month ordinals
    (``year * 12 + month - 1``): ``2024`` → Jan–Dec 2024, ``2024Q2`` → Apr–Jun,
    ``2024H2`` → Jul–Dec, ``2024-05`` and ``2024-05-17`` → May. Raises ``ValueError``.
    """
    match = _LABEL.match(str(label).strip())
    if not match:
        raise ValueError(
            gettext(
                "{label!r} is not a period label; use 2025, 2025Q1, 2025H1, 2025-01 or 2025-01-31."
            ).format(label=label)
        )
    base = int(match["year"]) * 12
    if match["quarter"]:
        first = 3 * (int(match["quarter"][1]) - 1)
        return base + first, base + first + 2
    if match["half"]:
        first = 6 * (int(match["half"][1]) - 1)
        return base + first, base + first + 5
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(
                gettext("{label!r} has no month {month}.").format(
                    label=label, month=month
                )
            )
        return base + month - 1, base + month - 1
    return base, base + 11


def _month_ordinals(index: pd.Index) -> IntArray:
    stamps = pd.DatetimeIndex(index)
    return np.asarray(stamps.year * 12 + stamps.month - 1, dtype=np.int64)


def rates_for_periods(monthly: pd.Series, labels: Sequence[str]) -> FloatArray:
    """Units per USD for each period label (see the module docstring), float64.

    ``monthly`` is indexed by month start dates (any order); an empty series means
    the currency is the US dollar itself, so every rate is 1.
    """
    if monthly.empty:
        return np.ones(len(labels), dtype=np.float64)
    ordered = monthly.dropna().sort_index()
    months = _month_ordinals(ordered.index)
    values = ordered.to_numpy(dtype=np.float64)
    spans = np.array([period_month_span(label) for label in labels], dtype=np.int64)
    if spans.size == 0:
        return np.array([], dtype=np.float64)
    first, last = spans[:, 0], spans[:, 1]
    lo = np.searchsorted(months, first, side="left")
    hi = np.searchsorted(months, last, side="right")
    totals = np.concatenate([[0.0], np.cumsum(values)])
    count = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (totals[hi] - totals[lo]) / count
    before = np.where(lo > 0, values[np.maximum(lo - 1, 0)], np.nan)
    return np.where(count > 0, mean, before).astype(np.float64)


def cross_rates(target_per_usd: FloatArray, source_per_usd: FloatArray) -> FloatArray:
    """Units of the target currency per unit of the source currency."""
    return np.asarray(target_per_usd, dtype=np.float64) / np.asarray(
        source_per_usd, dtype=np.float64
    )


__all__ = ["cross_rates", "period_month_span", "rates_for_periods"]
