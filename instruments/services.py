"""Writes and glue: imports and seeding, saving scenarios, and run_calculation().

Services know nothing of HTTP; views and API views call them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from instruments import selectors
from instruments.calculators import get_calculator
from instruments.calculators.base import Calculator, InputError, Result, parse, to_data
from instruments.calculators.units import convert_price, parse_price_unit
from instruments.models import Scenario
from instruments.querystring import encode_query

# --- data imports and seeding (foundation) -------------------------------------------


# --- running a calculation (API and pages) -------------------------------------------


@dataclass(frozen=True)
class Calculation:
    """A calculation that ran: the calculator, its normalised inputs and its result.

    ``inputs`` is JSON-ready; when stored prices were used it carries a
    ``stored_prices`` entry naming the series, its unit and the periods taken.
    ``request`` is the data as given (commodity references kept), which is what a
    saved scenario stores so that a re-run picks up revised prices.
    """

    calculator: Calculator
    request: dict[str, Any]
    inputs: dict[str, Any]
    result: Result


STORED_PRICE_KEYS = ("commodity", "series", "start", "end")


def run_calculation(slug: str, data: Mapping[str, Any]) -> Calculation:
    """Resolve stored prices, validate, compute. Raises InputError (field-level) or
    KeyError for an unknown calculator."""
    calculator = get_calculator(slug)
    if not isinstance(data, Mapping):
        raise InputError("The request body must be a JSON object of named fields.")
    resolved, stored = resolve_stored_prices(calculator, data)
    inputs = parse(calculator.inputs, resolved)
    result = calculator.compute(inputs)
    normalised = to_data(inputs)
    if stored is not None:
        normalised["stored_prices"] = stored
    return Calculation(calculator, dict(data), normalised, result)


def resolve_stored_prices(
    calculator: Calculator, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Replace ``commodity`` (+ ``series``, ``start``, ``end``) by the stored periods and
    prices, converted into the request's ``price_unit``."""
    resolved = {k: v for k, v in data.items() if k not in STORED_PRICE_KEYS}
    commodity = data.get("commodity")
    if commodity in (None, ""):
        return resolved, None
    if calculator.price_field is None:
        raise InputError.at(
            ("commodity",),
            f"The {calculator.title} calculator takes no market price, so it cannot "
            "use a stored series; remove 'commodity'.",
        )
    history = selectors.get_price_history(
        str(commodity),
        series=_text_or_none(data.get("series")),
        start=_text_or_none(data.get("start")),
        end=_text_or_none(data.get("end")),
    )
    price_unit = str(data.get("price_unit") or history.unit)
    prices = convert_price(
        history.prices.to_numpy(dtype=float),
        history.unit,
        price_unit,
        fx_rate=_fx_rate_for(history, price_unit, data),
    )
    resolved["price_unit"] = price_unit
    if getattr(calculator, "price_field_scalar", False):
        resolved[calculator.price_field] = float(prices.mean())
    else:
        resolved["periods"] = [str(label) for label in history.prices.index]
        resolved[calculator.price_field] = [float(p) for p in prices]
    simulation = resolved.get("simulation")
    if isinstance(simulation, Mapping) and "price_history" not in simulation:
        # Parameters the official left out are estimated from this history.
        resolved["simulation"] = {
            **simulation,
            "price_history": resolved.get(calculator.price_field),
        }
    stored = {
        "commodity": history.commodity,
        "series": history.series,
        "series_name": history.series_name,
        "source_unit": history.unit,
        "price_unit": price_unit,
        "frequency": history.frequency,
        "first_period": str(history.prices.index[0]),
        "last_period": str(history.prices.index[-1]),
        "count": len(history.prices),
        "estimated_periods": [
            str(label) for label, flag in history.estimated.items() if bool(flag)
        ],
        "source": history.source,
        "licence": history.licence,
    }
    return resolved, stored


def _text_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _fx_rate_for(
    history: selectors.PriceHistory, price_unit: str, data: Mapping[str, Any]
) -> float | None:
    """Units of the request's currency per unit of the series' currency, or None when
    both are the same currency. A request may state ``fx_rate`` itself."""
    source = parse_price_unit(history.unit).currency
    target = parse_price_unit(price_unit).currency
    if source == target:
        return None
    given = data.get("fx_rate")
    if given not in (None, ""):
        try:
            rate = float(given)
        except (TypeError, ValueError):
            raise InputError.at(("fx_rate",), f"{given!r} is not a number.") from None
        if not rate > 0:
            raise InputError.at(("fx_rate",), "The exchange rate must be positive.")
        return rate
    raise InputError.at(
        ("price_unit",),
        f"The stored series is in {source}; choose a {source} price unit or give "
        f"fx_rate (units of {target} per {source}).",
    )


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


def calculation_query_string(slug: str, data: Mapping[str, Any]) -> str:
    """The GET query string that reproduces a calculation (for spreadsheets)."""
    return encode_query(get_calculator(slug), data)


# --- saved scenarios ----------------------------------------------------------------


def save_scenario(
    *,
    owner: Any,
    calculator: str,
    inputs: Mapping[str, Any],
    title: str,
    notes: str = "",
    is_public: bool = False,
) -> Scenario:
    """Validate by running the calculation, then save it for its owner."""
    run_calculation(calculator, inputs)
    return Scenario.objects.create(
        calculator=calculator,
        inputs=dict(inputs),
        title=title,
        notes=notes,
        owner=owner,
        is_public=is_public,
    )
