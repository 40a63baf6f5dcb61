"""Series fields: one number for every period, or one number per period.

A series field (``Series = float | tuple[float, ...]``) broadcasts a single number (or
a one-element list) to every period; a list must have exactly one value per period.
``base.validate_declared`` checks that for every per-period field, naming the field:
``{"flows": [{}, {"import_price": ["3 values given, 4 periods."]}]}``, and the declared
bounds (NaN, infinities and negative prices are errors). ``as_array`` then turns a
checked series into a float64 array of the periods' length.

Units: a series carries the unit of its field (``price_unit``, ``quantity_unit``);
this module does not convert.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from instruments.calculators import units
from instruments.calculators.base import (
    ErrorCollector,
    FloatArray,
    InputError,
    IntArray,
    Series,
    spec,
)
from instruments.calculators.limits import MAX_PERIODS
from instruments.calculators.translation import gettext_noop


def as_array(value: Series, n: int) -> FloatArray:
    """A float64 array of length ``n`` (a number or one-value list is repeated)."""
    array = np.asarray(value, dtype=np.float64).reshape(-1)
    if array.size == 1:
        return np.full(n, float(array[0]))
    return array


T = TypeVar("T")


# --- inputs every calculator with periods declares the same way ---------------------


def periods_spec(*, optional: bool = False) -> Any:
    """The declared ``periods`` input."""
    help_text = (
        "Period labels in order: years (2025), quarters (2025Q1), months (2025-01) "
        "or dates."
    )
    if optional:
        return spec(
            "Periods",
            default=None,
            max_items=MAX_PERIODS,
            help=help_text + " May be left out for a pure simulation with steps.",
        )
    return spec("Periods", max_items=MAX_PERIODS, help=help_text)


def price_unit_spec(default: str) -> Any:
    """The declared ``price_unit`` input."""
    return spec(
        "Price unit",
        default=default,
        help=f"Currency per quantity, e.g. {default}, US cents/lb, EUR/t.",
    )


def quantity_unit_spec(default: str = "t") -> Any:
    """The declared ``quantity_unit`` input."""
    return spec(
        "Quantity unit",
        default=default,
        help=gettext_noop("Unit of the quantities, e.g. t or kg."),
    )


def discount_rate_spec() -> Any:
    """The declared ``discount_rate`` input (end-of-period discounting)."""
    return spec(
        "Discount rate",
        unit="fraction a year",
        default=0.0,
        min_value=-0.5,
        max_value=1.0,
        help=gettext_noop(
            "Rate for present values, end of period (0.03 = 3 % a year)."
        ),
    )


def market_price_vat_spec() -> Any:
    """The declared ``market_price_vat`` input, the same in every calculator with a
    market price."""
    return spec(
        "VAT included in the market price",
        unit="fraction",
        default=None,
        min_value=0.0,
        max_value=1.0,
        help=gettext_noop(
            "If the market prices (typed or stored) include value-added tax, its rate, "
            "e.g. 0.13 for Chinese domestic quotes; they are stated net, price / (1 + rate), "
            "before anything else. Leave empty for prices without VAT."
        ),
    )


def net_market_prices(value: Series, n: int, vat: float | None) -> FloatArray:
    """Market prices per period, net of any VAT they include."""
    prices = as_array(value, n)
    return prices if vat is None else np.asarray(units.net_of_vat(prices, vat))


def attempt(errors: ErrorCollector, func: Callable[[], T]) -> T | None:
    """Run a check that raises ``InputError``; collect its messages, return None."""
    try:
        return func()
    except InputError as exc:
        errors.merge(exc)
        return None


def reduce_groups(values: FloatArray, starts: IntArray | None) -> FloatArray:
    """Sum the last axis over contiguous groups opening at ``starts`` (None: no groups)."""
    if starts is None:
        return values
    return np.add.reduceat(values, starts, axis=-1)
