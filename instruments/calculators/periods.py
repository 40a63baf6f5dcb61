"""Period labels with their lengths, and discounting (INSTRUMENTS.md §1, §7).

Labels ``2025`` (year), ``2025H1`` (half), ``2025Q1`` (quarter), ``2025-01`` (month) or
ISO dates ``2025-01-31``; all labels of a request are of one kind and strictly
increasing (gaps are allowed). A year is 1, a quarter 0.25, a month 1/12 of a year; an
ISO date opens a period that runs to the next date (the last date's period is as long as
the median gap, one day when there is a single date). Discounting is end of period:
``DF = (1 + rate)^(−t)`` with ``t`` in years from the start of the first period to the
end of the period (annual: 1, 2, ...; quarters: 0.25, 0.5, ...).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from instruments.calculators.arrays import FloatArray, IntArray
from instruments.calculators.errors import InputError, Message
from instruments.calculators.translation import gettext, gettext_noop

PeriodKind = Literal["year", "half", "quarter", "month", "date"]

_PERIOD_PATTERN = (
    r"^(?P<year>[0-9]{4})"
    r"(?:(?P<q>-?Q[1-4])|(?P<h>-?H[12])|-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?$"
)
PERIOD_LABEL_PATTERN = r"^ *[0-9]{4}(-?[Qq][1-4]|-?[Hh][12]|-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)? *$"
"""One period label as the API schema states it (any case, spaces around allowed):
what ``parse_periods`` reads, less what needs the other labels (one kind, in order)
or a calendar (2025-02-30)."""
_LENGTH = {"year": 1.0, "half": 0.5, "quarter": 0.25, "month": 1.0 / 12.0}
_DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Periods:
    """Parsed period labels: kind, start (years from the first start) and length."""

    labels: tuple[str, ...]
    kind: PeriodKind
    start: FloatArray
    length: FloatArray
    year: npt.NDArray[np.integer[Any]]
    quarter: npt.NDArray[np.integer[Any]]

    @property
    def end(self) -> FloatArray:
        """Years from the start of the first period to the end of each period."""
        return self.start + self.length


def parse_periods(
    labels: Sequence[str], path: Sequence[str | int] = ("periods",)
) -> Periods:
    """Parse period labels (see the module docstring); ``InputError`` at ``path``.

    Results are cached per tuple of labels; their arrays are read-only.
    """
    parsed = _parse_periods(tuple(str(label).strip() for label in labels))
    if isinstance(parsed, Message):
        raise InputError.at(path, str(parsed))
    return parsed


@functools.lru_cache(maxsize=256)
def _parse_periods(labels: tuple[str, ...]) -> Periods | Message:
    if not labels:
        return Message(gettext_noop("Give at least one period."))
    parts = pd.Series(labels, dtype="object").str.upper().str.extract(_PERIOD_PATTERN)
    bad = parts["year"].isna().to_numpy()
    if bad.any():
        first = labels[int(np.argmax(bad))]
        return Message.of(
            gettext_noop(
                "{label!r} is not a period label; use 2025, 2025Q1, 2025-01 or "
                "2025-01-31."
            ),
            label=first,
        )
    kinds = np.select(
        [
            parts["day"].notna(),
            parts["month"].notna(),
            parts["q"].notna(),
            parts["h"].notna(),
        ],
        ["date", "month", "quarter", "half"],
        default="year",
    )
    if len(set(kinds.tolist())) > 1:
        return Message(
            gettext_noop(
                "All periods must be of one kind (years, quarters, months or dates)."
            )
        )
    kind = typing.cast(PeriodKind, str(kinds[0]))
    year = parts["year"].astype(np.int64).to_numpy(dtype=np.int64)
    if kind == "date":
        dates = pd.to_datetime(pd.Series(labels), format="%Y-%m-%d", errors="coerce")
        if dates.isna().any():
            first = labels[int(np.argmax(dates.isna().to_numpy()))]
            return Message.of(
                gettext_noop("{label!r} is not a valid date."), label=first
            )
        days = (dates - dates.iloc[0]).dt.days.to_numpy(dtype=np.float64)
        start = days / _DAYS_PER_YEAR
        gaps = np.diff(start)
        last = float(np.median(gaps)) if gaps.size else 1.0 / _DAYS_PER_YEAR
        length = np.append(gaps, last)
        months = dates.dt.month.to_numpy(dtype=np.int64)
        if np.any(gaps <= 0):
            return Message(
                gettext_noop("Periods must be in increasing order, each once.")
            )
        return _frozen(
            Periods(labels, kind, start, length, year, (months - 1) // 3 + 1)
        )
    quarter: npt.NDArray[np.integer[Any]]
    if kind == "month":
        month = parts["month"].astype(np.int64).to_numpy()
        if np.any((month < 1) | (month > 12)):
            return Message(gettext_noop("Months run from 01 to 12."))
        offset = (month - 1) / 12.0
        quarter = (month - 1) // 3 + 1
    elif kind == "quarter":
        quarter = parts["q"].str[-1].astype(np.int64).to_numpy()
        offset = (quarter - 1) / 4.0
    elif kind == "half":
        half = parts["h"].str[-1].astype(np.int64).to_numpy()
        offset = (half - 1) / 2.0
        quarter = (half - 1) * 2 + 1
    else:
        offset = np.zeros(len(labels))
        quarter = np.ones(len(labels), dtype=np.int64)
    absolute = year + offset
    if np.any(np.diff(absolute) <= 0):
        return Message(gettext_noop("Periods must be in increasing order, each once."))
    start = (absolute - absolute[0]).astype(np.float64)
    length = np.full(len(labels), _LENGTH[kind])
    return _frozen(Periods(labels, kind, start, length, year, quarter.astype(np.int64)))


FREQUENCY_KIND: dict[str, PeriodKind] = {
    "monthly": "month",
    "quarterly": "quarter",
    "annual": "year",
}
"""The period kind of a stored series' frequency."""


def period_bounds(label: str) -> tuple[PeriodKind, dt.date, dt.date]:
    """The kind, first day and last day of one period label (see the module docstring):
    ``"2024Q2"`` is ``("quarter", 2024-04-01, 2024-06-30)``; an ISO date is its own
    first and last day. Raises ``ValueError`` for anything else."""
    text = str(label).strip()
    match = re.match(_PERIOD_PATTERN, text.upper())
    if not match:
        raise ValueError(
            gettext(
                "{label!r} is not a period label; use 2025, 2025Q1, 2025-01 or "
                "2025-01-31."
            ).format(label=text)
        )
    year = int(match["year"])
    if match["day"]:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                gettext("{label!r} is not a valid date.").format(label=text)
            ) from None
        return "date", day, day
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(
                gettext("{label!r} has no month {month}.").format(
                    label=text, month=month
                )
            )
        first, last, kind = month, month, "month"
    elif match["q"]:
        first = 3 * int(match["q"][-1]) - 2
        last, kind = first + 2, "quarter"
    elif match["h"]:
        first = 6 * int(match["h"][-1]) - 5
        last, kind = first + 5, "half"
    else:
        first, last, kind = 1, 12, "year"
    end = dt.date(year, last, calendar.monthrange(year, last)[1])
    return typing.cast(PeriodKind, kind), dt.date(year, first, 1), end


def period_bound(label: str, *, end: bool) -> dt.date:
    """A period label's first day (``end=False``) or last day; ``ValueError`` if it is
    not a period label."""
    _, first, last = period_bounds(label)
    return last if end else first


def period_start(day: dt.date, frequency: str) -> dt.date:
    """The first day of the period of ``frequency`` (``monthly``, ``quarterly``,
    ``annual``) that contains ``day``."""
    kind = FREQUENCY_KIND.get(frequency, "month")
    if kind == "year":
        return dt.date(day.year, 1, 1)
    if kind == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, day.month, 1)


def _frozen(periods: Periods) -> Periods:
    for array in (periods.start, periods.length, periods.year, periods.quarter):
        array.flags.writeable = False
    return periods


def discount_factors(labels: Sequence[str], rate: float) -> FloatArray:
    """End-of-period discount factors ``(1 + rate)^(−t)`` of the periods."""
    return discount_factors_at(parse_periods(labels).end, rate)


def discount_factors_at(end_years: FloatArray, rate: float) -> FloatArray:
    """Discount factors ``(1 + rate)^(−t)`` at ``end_years`` (years from the start of
    the first period), e.g. the ends of settlement groups."""
    return np.power(1.0 + rate, -end_years)


def group_periods(
    labels: Sequence[str],
    every: Literal["quarter", "year"] = "year",
    path: Sequence[str | int] = ("settlement", "every"),
) -> tuple[tuple[str, ...], IntArray]:
    """Group periods into quarters or years: (group labels, group index per period).

    Months and dates group into quarters or years; quarters and halves into years;
    quarters into quarters (each its own group). Years cannot be split into quarters.
    """
    periods = parse_periods(labels)
    if every == "quarter":
        if periods.kind in ("year", "half"):
            raise InputError.at(
                path,
                gettext(
                    "Periods are {kind}s; they cannot settle every quarter."
                ).format(kind=periods.kind),
            )
        keys = (
            pd.Series(periods.year.astype(str))
            + "Q"
            + pd.Series(periods.quarter.astype(str))
        )
    else:
        keys = pd.Series(periods.year.astype(str))
    codes, uniques = pd.factorize(keys, sort=False)
    return tuple(str(u) for u in uniques), codes.astype(np.int64)
