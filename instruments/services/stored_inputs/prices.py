"""Periods and prices from a stored series, converted into the request's unit."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
from django.utils.translation import gettext

from instruments import selectors
from instruments.calculators.base import Calculator, InputError, describe, iter_errors
from instruments.calculators.extras import StoredPrices
from instruments.calculators.periods import parse_periods
from instruments.calculators.units import convert_price, parse_price_unit
from instruments.services.stored_inputs.producers import (
    fill_stored_producer_costs,
    fill_stored_suppliers,
)
from instruments.services.stored_inputs.request import StoredRequest


def resolve_stored_prices(
    *, calculator: Calculator, resolved: dict[str, Any], given: StoredPrices
) -> dict[str, Any] | None:
    """Fill the periods and prices of ``resolved`` from the stored series ``given``
    names, converted into the request's ``price_unit``; what was used, or None.
    Typed periods select the stored observations (``select_stored_periods``);
    without them the series' own periods (within ``start``/``end``) are taken."""
    if given.commodity is None or calculator.price_field is None:
        return None
    history = selectors.get_price_history(
        given.commodity, series=given.series, start=given.start, end=given.end
    )
    data = resolved
    typed = data.get("periods")
    if typed not in (None, "", []) and not getattr(
        calculator, "price_field_scalar", False
    ):
        history = select_stored_periods(history=history, typed=typed)
    source_unit = stored_price_unit(history=history)
    price_unit = str(data.get("price_unit") or source_unit)
    prices = convert_price(
        history.prices.to_numpy(dtype=float),
        source_unit,
        price_unit,
        fx_rate=_fx_rate_for(history, price_unit, given.fx_rate),
    )
    resolved["price_unit"] = price_unit
    if calculator.price_field_scalar:
        resolved[calculator.price_field] = float(prices.mean())
    else:
        resolved["periods"] = [str(label) for label in history.prices.index]
        resolved[calculator.price_field] = [float(p) for p in prices]
    simulation = resolved.get("simulation")
    if isinstance(simulation, Mapping) and "price_history" not in simulation:
        # Parameters the official left out are estimated from this history.
        # The history's own spacing matters: annual data estimated as if quarterly
        # would double the volatility.
        resolved["simulation"] = {
            "history_step_years": _STEP_YEARS.get(history.frequency),
            **simulation,
            "price_history": resolved.get(calculator.price_field),
        }
    delivery = delivery_basis(history=history)
    declared = {fs.name for fs in describe(calculator.inputs)}
    if (
        "market_price_basis" in declared
        and delivery in ("fob", "cif")
        and resolved.get("market_price_basis") in (None, "")
    ):
        resolved["market_price_basis"] = delivery
    stored = {
        "commodity": history.commodity,
        "commodity_name": history.commodity_name,
        "delivery_basis": delivery,
        "series": history.series,
        "series_name": history.series_name,
        "source_unit": source_unit,
        "price_unit": price_unit,
        "frequency": history.frequency,
        "first_period": str(history.prices.index[0]),
        "last_period": str(history.prices.index[-1]),
        "count": len(history.prices),
        "estimated_periods": [
            str(label) for label, flag in history.estimated.items() if bool(flag)
        ],
        "source": history.source,
        "citation": history.citation,
        "licence": history.licence,
    }
    producers = fill_stored_producer_costs(calculator, resolved, history.commodity)
    if producers is None:
        producers = fill_stored_suppliers(calculator, resolved, history.commodity)
    if producers is not None:
        stored["producers"] = producers
    return stored


_FOB = re.compile(r"\bfree on board\b|\bf\.?o\.?b\b", re.IGNORECASE)
_CIF = re.compile(
    r"\bc\.?i\.?f\b|\bcost,? insurance,? and freight\b|\bc\.?f\.?r\b",
    re.IGNORECASE,
)


def delivery_basis(*, history: selectors.PriceHistory) -> str:
    """'fob', 'cif' (CIF or CFR) or '' from the wording of a stored series' basis."""
    text = f"{history.series_name} {history.basis}"
    if _FOB.search(text):
        return "fob"
    if _CIF.search(text):
        return "cif"
    return ""


# What a stored price per mtu counts, from the publisher's wording ("dollars per dry
# metric ton unit of tungsten trioxide"): an mtu of WO3 holds 7.93 kg of W, so a
# request per mtu W or on tonnes graded in W converts by the molar masses.
_MTU_CONTENT = (
    (re.compile(r"\btungsten trioxide\b|\bWO3\b", re.IGNORECASE), "WO3"),
    (re.compile(r"\bmanganese content\b", re.IGNORECASE), "Mn"),
)


def stored_price_unit(*, history: selectors.PriceHistory) -> str:
    """The stored series' price unit, with the substance of a price per mtu named
    when the series' wording says it (``USD/mtu`` of WO3 → ``USD/mtu WO3``)."""
    unit = history.unit
    if not unit.endswith("/mtu"):
        return unit
    text = f"{history.series_name} {history.basis}"
    for pattern, substance in _MTU_CONTENT:
        if pattern.search(text):
            return f"{unit} {substance}"
    return unit


_KIND_OF_FREQUENCY = {"monthly": "month", "quarterly": "quarter", "annual": "year"}


def select_stored_periods(
    *, history: selectors.PriceHistory, typed: Any
) -> selectors.PriceHistory:
    """The stored observations of the typed periods, in their order: typed periods
    select, they are never replaced. A period of another frequency than the series'
    is refused (an annual series is not re-labelled as quarters), and so is a period
    with no stored price, named in the message."""
    labels = (
        [part.strip() for part in typed.split(",") if part.strip()]
        if isinstance(typed, str)
        else [str(label).strip() for label in typed]
    )
    try:
        kind = parse_periods(labels).kind
    except InputError:
        return history  # the calculator reports the bad labels
    wanted = _KIND_OF_FREQUENCY.get(history.frequency)
    if wanted is not None and kind != wanted:
        raise InputError.at(
            ("periods",),
            gettext(
                "The periods are {kind}s but the stored series '{series}' is {frequency}: type {frequency} periods (e.g. {example}), or leave the periods out to take the series' own."
            ).format(
                kind=kind,
                series=history.series,
                frequency=history.frequency,
                example=history.periods[-1],
            ),
        )
    stored = set(history.periods)
    missing = [label for label in labels if label not in stored]
    if missing:
        raise InputError.at(
            ("periods",),
            gettext(
                "No stored price in '{series}' for {missing} (stored: {first} to {last})."
            ).format(
                series=history.series,
                missing=", ".join(missing),
                first=history.periods[0],
                last=history.periods[-1],
            ),
        )
    return dataclasses.replace(
        history,
        prices=history.prices.loc[labels],
        estimated=history.estimated.loc[labels],
    )


# Length in years of one period of a stored series, by its frequency.
_STEP_YEARS = {"monthly": 1 / 12, "quarterly": 0.25, "annual": 1.0}


def _fx_rate_for(
    history: selectors.PriceHistory,
    price_unit: str,
    given: float | tuple[float, ...] | None,
) -> float | np.ndarray | None:
    """Units of the request's currency per unit of the series' currency, or None when
    both are the same currency: the request's own ``fx_rate`` if given, else the stored
    rates, each period at the mean of the rates dated within it (a year of monthly
    rates: their mean) or, with none inside, the latest before it; never a later one."""
    source = parse_price_unit(history.unit).currency
    target = parse_price_unit(price_unit).currency
    if source == target:
        return None
    periods = len(history.prices)
    if given is not None:
        if isinstance(given, float):
            return given
        if len(given) == 1:
            return float(given[0])
        if len(given) != periods:
            raise InputError.at(
                ("fx_rate",),
                gettext("{count} values given, {periods} stored periods.").format(
                    count=len(given), periods=periods
                ),
            )
        return np.asarray(given, dtype=float)
    labels = [str(p) for p in history.prices.index]
    rates = {}
    for code in (source, target):
        try:
            rates[code] = selectors.get_fx_rate_series(code, labels).to_numpy()
        except InputError as exc:
            message = "; ".join(m for _, m in iter_errors(exc.errors))
            raise InputError.at(
                ("price_unit",),
                gettext(
                    "{message} The stored series is in {source}: choose a {source} price unit or give fx_rate (units of {target} per {source})."
                ).format(message=message, source=source, target=target),
            ) from None
    return rates[target] / rates[source]


def fill_prices(request: StoredRequest) -> dict[str, Any] | None:
    return resolve_stored_prices(
        calculator=request.calculator,
        resolved=request.resolved,
        given=request.extras.prices,
    )
