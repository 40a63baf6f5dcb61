"""Stored data -> request values: prices (converted, with FX), member groups, policy
schedules and producers, filled in before a calculator parses the request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from instruments import selectors
from instruments.calculators.base import (
    Calculator,
    ErrorCollector,
    InputError,
    describe,
    iter_errors,
    parse,
)
from instruments.calculators.extras import (
    ALL_EXTRA_FIELDS,
    MemberSelection,
    StoredPrices,
    find_rows_field,
    member_code_fields,
    member_flows_field,
    request_extras,
    split_extras,
)
from instruments.calculators.units import (
    convert_price,
    parse_price_unit,
    quantity_factor,
)
from instruments.jsonify import json_value


@dataclass(frozen=True)
class Extras:
    """The request extras given, parsed from their one declaration."""

    prices: StoredPrices
    members: MemberSelection


def fill_stored_inputs(
    calculator: Calculator, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the calculator's own data with stored values filled in, what was used).

    The second mapping is echoed in the normalised inputs: which stored series,
    member group and policy schedules the result rests on.
    """
    refuse_extras_that_do_not_apply(calculator, data)
    resolved, given = split_extras(calculator, dict(data))
    extras = parse_extras(given)
    used: dict[str, Any] = {}
    stored = resolve_stored_prices(calculator, resolved, extras.prices)
    if stored is not None:
        used["stored_prices"] = stored
    group = apply_member_group(calculator, resolved, extras.members.member_group)
    if group is not None:
        used["member_group"] = group
    scheduled = apply_parameter_schedules(calculator, resolved)
    if scheduled:
        used["parameter_schedules"] = scheduled
    return resolved, used


def parse_extras(given: Mapping[str, Any]) -> Extras:
    """The extras through the same parser as the inputs: every bad one at once."""
    errors = ErrorCollector()
    parsed: dict[str, Any] = {}
    for name, cls in (("prices", StoredPrices), ("members", MemberSelection)):
        own = {fs.name for fs in describe(cls)}
        try:
            parsed[name] = parse(cls, {k: v for k, v in given.items() if k in own})
        except InputError as exc:
            errors.merge(exc)
    errors.raise_if_any()
    return Extras(**parsed)


def refuse_extras_that_do_not_apply(
    calculator: Calculator, data: Mapping[str, Any]
) -> None:
    """An extra given to a calculator that cannot use it is an error, not ignored."""
    applicable = {fs.name for fs in request_extras(calculator)}
    errors = ErrorCollector()
    for name in sorted(ALL_EXTRA_FIELDS - applicable):
        if data.get(name) in (None, ""):
            continue
        if name == "member_group":
            message = (
                f"The {calculator.title} calculator has no import flows with members."
            )
        elif name == "commodity":
            message = (
                f"The {calculator.title} calculator takes no market price, so it "
                "cannot use a stored series; remove 'commodity'."
            )
        else:
            message = f"The {calculator.title} calculator takes no stored prices."
        errors.add((name,), message)
    errors.raise_if_any()


# Inputs that follow a policy schedule stored as data: input -> (year input, schedule).
SCHEDULED_INPUTS = {
    "free_allocation_share": ("cbam_year", "cbam-free-allocation-share"),
    "default_markup": ("cbam_year", "cbam-default-markup"),
}


def apply_parameter_schedules(
    calculator: Calculator, resolved: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Fill scheduled inputs (CBAM free-allocation share and default mark-up) for the
    requested year from the stored schedules, so that a data steward's edit takes
    effect. A value typed in the request wins; without a stored schedule the
    calculator's own published table applies."""
    declared = {fs.name for fs in describe(calculator.inputs)}
    used: dict[str, dict[str, Any]] = {}
    for name, (year_field, code) in SCHEDULED_INPUTS.items():
        year = resolved.get(year_field)
        if name not in declared or resolved.get(name) not in (None, "") or not year:
            continue
        try:
            value = selectors.get_parameter_value(code, int(float(year)))
        except (InputError, TypeError, ValueError, OverflowError):
            continue  # no stored schedule for that year: the calculator decides
        resolved[name] = value
        used[name] = {"schedule": code, "year": int(float(year)), "value": value}
    return used


def apply_member_group(
    calculator: Calculator, resolved: dict[str, Any], group: str | None
) -> dict[str, Any] | None:
    """With ``member_group`` (a stored partner group such as ``msp`` or ``eu-27``), a
    flow is a member exactly when its origin (ISO 3166 alpha-3) is in the group: the
    member list is data, not a box ticked per flow. Markets and origins with a
    ``code`` (the market model) follow ``with_group_membership``."""
    flows_field = member_flows_field(calculator)
    code_fields = member_code_fields(calculator)
    if group is None or (flows_field is None and not code_fields):
        return None
    try:
        members = set(selectors.get_partner_group_members(str(group)))
    except InputError:
        known = ", ".join(str(g["code"]) for g in selectors.list_partner_groups())
        raise InputError.at(
            ("member_group",), f"Unknown partner group '{group}'. Known: {known}."
        ) from None
    for name in code_fields:
        items = resolved.get(name)
        if isinstance(items, list):
            resolved[name] = [
                with_group_membership(item, members)
                if isinstance(item, Mapping)
                else item
                for item in items
            ]
    flows = resolved.get(flows_field) if flows_field is not None else None
    if flows_field is not None and isinstance(flows, list):
        resolved[flows_field] = [
            {**flow, "member": str(flow.get("origin", "")).strip().upper() in members}
            if isinstance(flow, Mapping)
            else flow
            for flow in flows
        ]
    return {"code": str(group), "members": sorted(members)}


REST_OF_WORLD = "ROW"
_ISO3 = re.compile(r"^[A-Z]{3}$")


def with_group_membership(item: Mapping[str, Any], members: set[str]) -> dict[str, Any]:
    """A market or origin row with ``member`` set from a partner group: an ISO3 code is
    a member exactly when it is in the group, ``ROW`` never is, and any other code
    (``EU``, ``USA-producers``) keeps its own flag."""
    code = str(item.get("code", "")).strip().upper()
    if code == REST_OF_WORLD:
        return {**item, "member": False}
    if _ISO3.match(code):
        return {**item, "member": code in members}
    return dict(item)


def resolve_stored_prices(
    calculator: Calculator, resolved: dict[str, Any], given: StoredPrices
) -> dict[str, Any] | None:
    """Fill the periods and prices of ``resolved`` from the stored series ``given``
    names, converted into the request's ``price_unit``; what was used, or None."""
    if given.commodity is None or calculator.price_field is None:
        return None
    history = selectors.get_price_history(
        given.commodity, series=given.series, start=given.start, end=given.end
    )
    data = resolved
    price_unit = str(data.get("price_unit") or history.unit)
    prices = convert_price(
        history.prices.to_numpy(dtype=float),
        history.unit,
        price_unit,
        fx_rate=_fx_rate_for(history, price_unit, given.fx_rate),
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
        # The history's own spacing matters: annual data estimated as if quarterly
        # would double the volatility.
        resolved["simulation"] = {
            "history_step_years": _STEP_YEARS.get(history.frequency),
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
    producers = _fill_stored_producer_costs(calculator, resolved, history.commodity)
    if producers is None:
        producers = _fill_stored_suppliers(calculator, resolved, history.commodity)
    if producers is not None:
        stored["producers"] = producers
    return stored


# Length in years of one period of a stored series, by its frequency.
_STEP_YEARS = {"monthly": 1 / 12, "quarterly": 0.25, "annual": 1.0}

# The stored producers' emission scopes, in the calculators' spelling.
_SCOPES = {"scope1": "scope_1", "scope1_2": "scope_1_2", "scope1_2_3": "scope_1_2_3"}


def _fill_stored_suppliers(
    calculator: Calculator, resolved: dict[str, Any], commodity: str
) -> list[dict[str, Any]] | None:
    """A standards market with no typed suppliers takes the commodity's stored
    producers that report a carbon intensity: capacity as quantity, intensity, scope,
    audit score and traceability (stored values count as verified)."""
    field = find_rows_field(calculator, "name", "quantity", "intensity")
    if field is None or resolved.get(field) not in (None, "", []):
        return None
    producers = selectors.get_producers(commodity).dropna(
        subset=["carbon_intensity", "capacity"]
    )
    if producers.empty:
        raise InputError.at(
            (field,),
            f"No producers with a carbon intensity are stored for '{commodity}'; "
            "type the suppliers in.",
        )
    quantity_unit = str(resolved.get("quantity_unit") or "t")
    suppliers = []
    for producer in producers.to_dict(orient="records"):
        capacity_unit = str(producer["capacity_unit"] or "t").split("/")[0].strip()
        factor = quantity_factor(capacity_unit, f"USD/{quantity_unit}")
        supplier: dict[str, Any] = {
            "name": producer["name"],
            "quantity": float(producer["capacity"]) * factor,
            "intensity": float(producer["carbon_intensity"]),
            "traceable": bool(producer["traceable"]),
            "verified": True,
        }
        if producer["intensity_scope"] in _SCOPES:
            supplier["scope"] = _SCOPES[producer["intensity_scope"]]
        if pd.notna(producer["audit_score"]):
            supplier["score"] = float(producer["audit_score"])
        suppliers.append(supplier)
    resolved[field] = suppliers
    return [
        {**supplier, "is_illustrative": bool(producer["is_illustrative"])}
        for supplier, producer in zip(
            suppliers, producers.to_dict(orient="records"), strict=True
        )
    ]


def _fill_stored_producer_costs(
    calculator: Calculator, resolved: dict[str, Any], commodity: str
) -> list[dict[str, Any]] | None:
    """A cost-curve floor with no typed costs takes the commodity's stored producers:
    their unit costs (converted into the price unit) and capacities as volumes."""
    declared = {fs.name for fs in describe(calculator.inputs)}
    if (
        "producer_costs" not in declared
        or resolved.get("reference_basis") != "cost_percentile"
        or resolved.get("producer_costs") not in (None, "", [])
    ):
        return None
    producers = selectors.get_producers(commodity).dropna(subset=["unit_cost"])
    producers = producers[producers["cost_unit"] != ""]
    if producers.empty:
        raise InputError.at(
            ("producer_costs",),
            f"No producer costs are stored for '{commodity}'; type them in.",
        )
    price_unit = str(resolved["price_unit"])
    converted = producers["unit_cost"].to_numpy(dtype=float).copy()
    for unit, rows in producers.groupby("cost_unit").indices.items():
        converted[rows] = convert_price(converted[rows], str(unit), price_unit)
    costs = [float(cost) for cost in converted]
    resolved["producer_costs"] = costs
    if producers["capacity"].notna().all():
        resolved["producer_volumes"] = [float(c) for c in producers["capacity"]]
    return [
        {
            "name": name,
            "unit_cost": cost,
            "capacity": json_value(capacity),
            "is_illustrative": bool(illustrative),
        }
        for name, cost, capacity, illustrative in zip(
            producers["name"],
            costs,
            producers["capacity"],
            producers["is_illustrative"],
            strict=True,
        )
    ]


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
                ("fx_rate",), f"{len(given)} values given, {periods} stored periods."
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
                f"{message} The stored series is in {source}: choose a {source} "
                f"price unit or give fx_rate (units of {target} per {source}).",
            ) from None
    return rates[target] / rates[source]
