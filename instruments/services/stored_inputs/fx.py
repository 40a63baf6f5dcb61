"""Exchange rates a request leaves empty, from the stored H.10 rates."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from instruments import selectors
from instruments.calculators.base import Calculator, InputError, describe
from instruments.calculators.units import parse_price_unit
from instruments.services.stored_inputs.request import StoredRequest

# Inputs converted between two currencies: rate input -> (from unit, to unit, year).
FX_INPUTS = {
    "carbon_price_fx_rate": ("carbon_price_unit", "price_unit", "cbam_year"),
}
FX_SOURCE = "US Federal Reserve, H.10 Foreign Exchange Rates (stored monthly rates)"


def apply_stored_fx_rates(
    *, calculator: Calculator, resolved: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Fill an exchange rate the request leaves empty (the carbon price's, when its
    currency is not the price's) from the stored H.10 rates: the mean of the months
    of the year input (``cbam_year``) when given, else the latest month stored for
    both currencies; never a rate from after that period. A typed rate wins."""
    declared = {fs.name for fs in describe(calculator.inputs)}
    used: dict[str, dict[str, Any]] = {}
    for name, (source_field, target_field, year_field) in FX_INPUTS.items():
        if name not in declared or resolved.get(name) not in (None, ""):
            continue
        try:
            target = parse_price_unit(str(resolved.get(target_field) or "")).currency
            source = parse_price_unit(
                str(resolved.get(source_field) or resolved.get(target_field) or "")
            ).currency
        except InputError:
            continue  # the calculator reports the unit
        if source == target:
            continue
        year = resolved.get(year_field)
        try:
            period = (
                str(int(float(year)))
                if year is not None and year != ""
                else _latest_common_month(source, target)
            )
            rates = {
                code: float(selectors.get_fx_rate_series(code, [period]).iloc[0])
                for code in (source, target)
            }
        except (InputError, TypeError, ValueError, OverflowError):
            continue  # no stored rate: the calculator asks for one
        rate = rates[target] / rates[source]
        resolved[name] = rate
        used[name] = {
            "rate": rate,
            "unit": f"{target} per {source}",
            "period": period,
            "source": FX_SOURCE,
        }
    return used


def _latest_common_month(*currencies: str) -> str:
    """The latest month with a stored rate for every one of ``currencies``."""
    lasts = [
        rates.index[-1]
        for rates in (selectors.get_fx_rates(code) for code in currencies)
        if not rates.empty
    ]
    if not lasts:
        raise InputError.at(("currency",), gettext("No stored FX rates."))
    return min(lasts).strftime("%Y-%m")


def fill_fx_rates(request: StoredRequest) -> dict[str, dict[str, Any]]:
    return apply_stored_fx_rates(
        calculator=request.calculator, resolved=request.resolved
    )
