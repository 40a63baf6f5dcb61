"""Stored data -> request values: prices (converted, with FX), member groups, policy
schedules and producers, filled in before a calculator parses the request."""

from __future__ import annotations

import dataclasses
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
    StoredFlows,
    StoredPrices,
    find_rows_field,
    member_code_fields,
    member_flows_field,
    request_extras,
    split_extras,
)
from instruments.calculators.periods import parse_periods
from instruments.calculators.units import (
    convert_price,
    parse_price_unit,
    quantity_factor,
)
from instruments.presentation.jsonify import json_value
from instruments.services import data_versions
from instruments.services.stored_flows import fill_stored_flows


@dataclass(frozen=True)
class Extras:
    """The request extras given, parsed from their one declaration."""

    prices: StoredPrices
    members: MemberSelection
    flows: StoredFlows


def fill_stored_inputs(
    *, calculator: Calculator, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the calculator's own data with stored values filled in, what was used).

    The second mapping is echoed in the normalised inputs: which stored series,
    member group and policy schedules the result rests on.
    """
    refuse_extras_that_do_not_apply(calculator=calculator, data=data)
    check_flow_origins(calculator=calculator, data=data)
    resolved, given = split_extras(calculator, dict(data))
    extras = parse_extras(given=given)
    prices = extras.prices
    if extras.flows.year is not None and prices.start is None and prices.end is None:
        # A trade year without a range: the prices of that year beside its flows.
        year = str(extras.flows.year)
        prices = dataclasses.replace(prices, start=year, end=year)
    extras = dataclasses.replace(extras, prices=prices)
    used: dict[str, Any] = {}
    stored = resolve_stored_prices(
        calculator=calculator, resolved=resolved, given=extras.prices
    )
    if stored is not None:
        used["stored_prices"] = stored
    trade = fill_stored_flows(
        calculator=calculator, resolved=resolved, given=extras.flows
    )
    if trade is not None:
        used["stored_flows"] = trade
    goods = fill_downstream_goods(
        calculator=calculator, resolved=resolved, commodity=extras.flows.commodity
    )
    if goods:
        used["downstream_goods"] = goods
    group = apply_member_group(
        calculator=calculator, resolved=resolved, group=extras.members.member_group
    )
    if group is not None:
        used["member_group"] = group
    scheduled = apply_parameter_schedules(calculator=calculator, resolved=resolved)
    if scheduled:
        used["parameter_schedules"] = scheduled
    rates = apply_stored_fx_rates(calculator=calculator, resolved=resolved)
    if rates:
        used["fx_rates"] = rates
    return resolved, used


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
        raise InputError.at(("currency",), "No stored FX rates.")
    return min(lasts).strftime("%Y-%m")


def fill_downstream_goods(
    *, calculator: Calculator, resolved: dict[str, Any], commodity: str | None
) -> list[dict[str, Any]] | None:
    """With a stored commodity and no goods typed, the goods made from it (its value
    chain), each with the commodity's content per tonne of the good."""
    field = find_rows_field(calculator, "name", "content_factor")
    if commodity is None or field is None or resolved.get(field) not in (None, [], ""):
        return None
    factor = quantity_factor("t", f"USD/{resolved.get('quantity_unit') or 't'}")
    goods = [
        {"name": name, "content_factor": content * factor, "unit": "t"}
        for _, name, content in selectors.get_downstream_goods(commodity)
    ]
    if goods:
        resolved[field] = goods
    return goods or None


def parse_extras(*, given: Mapping[str, Any]) -> Extras:
    """The extras through the same parser as the inputs: every bad one at once."""
    errors = ErrorCollector()
    parsed: dict[str, Any] = {}
    blocks = (
        ("prices", StoredPrices),
        ("members", MemberSelection),
        ("flows", StoredFlows),
    )
    for name, cls in blocks:
        own = {fs.name for fs in describe(cls)}
        try:
            parsed[name] = parse(cls, {k: v for k, v in given.items() if k in own})
        except InputError as exc:
            errors.merge(exc)
    errors.raise_if_any()
    return Extras(**parsed)


def refuse_extras_that_do_not_apply(
    *, calculator: Calculator, data: Mapping[str, Any]
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
    *, calculator: Calculator, resolved: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Fill scheduled inputs (CBAM free-allocation share and default mark-up) for the
    requested year from the stored schedules, so that a data steward's edit takes
    effect: the value of the latest stored year on or before it, and that year
    (``value_year``), which ``schedule_warnings`` reports when it is not the year
    asked for. A value typed in the request wins; without a stored schedule the
    calculator's own published table applies."""
    declared = {fs.name for fs in describe(calculator.inputs)}
    used: dict[str, dict[str, Any]] = {}
    for name, (year_field, code) in SCHEDULED_INPUTS.items():
        year = resolved.get(year_field)
        if name not in declared or resolved.get(name) not in (None, "") or not year:
            continue
        try:
            wanted = int(float(year))
            schedule = selectors.get_parameter_schedule(code)
        except (InputError, TypeError, ValueError, OverflowError):
            continue  # no stored schedule: the calculator decides
        known = schedule[schedule.index <= wanted]
        if known.empty:
            continue  # before the stored schedule starts: the calculator decides
        value = float(known.iloc[-1])
        resolved[name] = value
        used[name] = {
            "schedule": code,
            "year": wanted,
            "value": value,
            "value_year": int(known.index[-1]),
        }
    return used


def schedule_warnings(*, used: Mapping[str, Any]) -> list[str]:
    """A sentence for each scheduled input whose stored value is from an earlier year
    than the one requested (a year beyond the stored schedule)."""
    messages = []
    for name, entry in (used.get("parameter_schedules") or {}).items():
        if entry.get("value_year") != entry.get("year"):
            messages.append(
                f"The stored schedule '{entry['schedule']}' ends before "
                f"{entry['year']}: {name.replace('_', ' ')} {entry['value']:g} is its "
                f"{entry['value_year']} value."
            )
    return messages


def apply_member_group(
    *, calculator: Calculator, resolved: dict[str, Any], group: str | None
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
                with_group_membership(item=item, members=members)
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


GROUP_LIKE_ORIGINS = frozenset({"ROW", "OTH", "WLD"})
"""Origins that name a group rather than an economy: the rest of the world, others,
the world. They are accepted beside the stored partners' ISO 3166 alpha-3 codes."""


def check_flow_origins(*, calculator: Calculator, data: Mapping[str, Any]) -> None:
    """Each import flow's ``origin`` must be a stored partner's ISO 3166 alpha-3 code
    (``CHN``, not ``China`` or ``XXX``) or a group-like code (``ROW``, ``OTH``,
    ``WLD``); one field error per bad flow. Skipped when no partners are stored. The
    market model's market and origin codes (``EU``, ``USA-producers``) are labels of
    its own and are not checked here."""
    field = member_flows_field(calculator)
    flows = data.get(field) if field is not None else None
    if isinstance(flows, Mapping):
        flows = [flows]
    if field is None or not isinstance(flows, list) or not flows:
        return
    # Every origin known to a copy of the last 30 s is accepted without a round trip
    # (a partner deleted since on another server is at worst accepted a little
    # longer); any other origin is checked against the partners as they are now.
    codes = {
        str(flow["origin"]).strip().upper()
        for flow in flows
        if isinstance(flow, Mapping) and flow.get("origin") not in (None, "")
    }
    recent = data_versions.recent_read(name="partner-names")
    if recent and codes <= (recent.keys() | GROUP_LIKE_ORIGINS):
        return
    names = data_versions.cached_read(
        name="partner-names", tables=("partner",), read=selectors.get_partner_names
    )
    if not names:
        return
    errors = ErrorCollector()
    for i, flow in enumerate(flows):
        if not isinstance(flow, Mapping) or flow.get("origin") in (None, ""):
            continue
        raw = str(flow["origin"]).strip()
        code = raw.upper()
        if code in names or code in GROUP_LIKE_ORIGINS:
            continue
        hint = next(
            (c for c, name in names.items() if name.strip().lower() == raw.lower()),
            None,
        )
        suggestion = f" Did you mean {hint}?" if hint else ""
        errors.add(
            (field, i, "origin"),
            f"{raw!r} is not the ISO 3166 alpha-3 code of a stored partner (e.g. "
            f"CHN, AUS); for a group use {', '.join(sorted(GROUP_LIKE_ORIGINS))}."
            f"{suggestion}",
        )
    errors.raise_if_any()


REST_OF_WORLD = "ROW"
_ISO3 = re.compile(r"^[A-Z]{3}$")


def with_group_membership(
    *, item: Mapping[str, Any], members: set[str]
) -> dict[str, Any]:
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
    producers = _fill_stored_producer_costs(calculator, resolved, history.commodity)
    if producers is None:
        producers = _fill_stored_suppliers(calculator, resolved, history.commodity)
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
            f"The periods are {kind}s but the stored series '{history.series}' is "
            f"{history.frequency}: type {history.frequency} periods (e.g. "
            f"{history.periods[-1]}), or leave the periods out to take the series' "
            "own.",
        )
    stored = set(history.periods)
    missing = [label for label in labels if label not in stored]
    if missing:
        raise InputError.at(
            ("periods",),
            f"No stored price in '{history.series}' for {', '.join(missing)} (stored: "
            f"{history.periods[0]} to {history.periods[-1]}).",
        )
    return dataclasses.replace(
        history,
        prices=history.prices.loc[labels],
        estimated=history.estimated.loc[labels],
    )


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
