"""The policy a result is about, in one phrase a minister's brief can open with:
"a coordinated NdPr oxide floor of 66 USD/kg by EU-27, United States and Japan on
2024 flows". It names the measure, its level and who applies it.

An instrument's presentation module may say it in its own words with a ``policy(inputs,
names)`` function; the instruments here have theirs below, and any other calculator
(a new one in the registry) gets the general phrase: its title, the commodity and the
settings that differ from their defaults. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from instruments.calculators.base import Calculator
from instruments.calculators.numbers import is_number
from instruments.presentation.charts.base import result_units
from instruments.presentation.instruments import INSTRUMENTS
from instruments.presentation.presenters import carried_over_settings
from instruments.presentation.text import (
    commodity_name,
    format_figure,
    mean_of,
    period_word,
)

Phrase = Callable[[Mapping[str, Any], Mapping[str, str]], str]


def policy_phrase(
    calculator: Calculator, inputs: Mapping[str, Any], names: Mapping[str, str]
) -> str:
    """The measure, its level and its members, as a phrase starting with "a"."""
    module = INSTRUMENTS.get(calculator.slug)
    own = getattr(module, "policy", None) or PHRASES.get(calculator.slug)
    phrase = own(inputs, names) if callable(own) else ""
    return phrase or general_phrase(calculator, inputs)


def general_phrase(calculator: Calculator, inputs: Mapping[str, Any]) -> str:
    """A calculator's title on the commodity, with up to three settings that differ
    from their defaults ("with levy cap 25 %")."""
    commodity = short_commodity(inputs)
    about = f" on {commodity}" if commodity else ""
    chips = carried_over_settings(calculator, inputs)[:3]
    settings = "; ".join(f"{c.label.lower()} {c.value}" for c in chips)
    title = calculator.title[:1].lower() + calculator.title[1:]
    return f"{_article(title)} {title}{about}" + (
        f" with {settings}" if settings else ""
    )


# --- words -----------------------------------------------------------------------------


def short_commodity(inputs: Mapping[str, Any]) -> str:
    """ "NdPr oxide", not "NdPr oxide (neodymium-praseodymium oxide)"."""
    baseline = inputs.get("market_baseline")
    name = ""
    if isinstance(baseline, Mapping):
        name = str(baseline.get("commodity_name") or baseline.get("commodity") or "")
    name = name or commodity_name(inputs)
    return name.split(" (", 1)[0].strip()


def names_list(codes: Sequence[str], names: Mapping[str, str]) -> str:
    """``EU-27, United States and Japan``."""
    words = [names.get(c, c) for c in dict.fromkeys(codes) if c]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _level(value: Any, unit: str) -> str:
    value = mean_of(value)
    if not is_number(value):
        return ""
    return f"{format_figure(float(value))} {unit}".strip()


def _percent(value: Any) -> str:
    value = mean_of(value)
    return f"{format_figure(float(value) * 100)} %" if is_number(value) else ""


# --- the instruments' own phrases ---------------------------------------------------------

_MEASURE_WORDS = {
    "floor": "floor",
    "undertaking": "minimum border price (undertaking)",
    "specific": "specific duty",
    "ad_valorem": "tariff",
    "price_gap_subsidy": "price-gap subsidy to own producers",
}


def plurilateral(inputs: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """ "a coordinated NdPr oxide floor of 66 USD/kg by EU-27, United States and
    Japan on 2024 flows"."""
    units = result_units(inputs)
    members = [
        str(m.get("code"))
        for m in inputs.get("markets") or []
        if isinstance(m, Mapping) and m.get("member")
    ]
    measures = [m for m in inputs.get("measures") or [] if isinstance(m, Mapping)]
    parts = []
    for measure in measures:
        kind = str(measure.get("kind") or "")
        word = _MEASURE_WORDS.get(kind, kind.replace("_", " "))
        if kind == "ad_valorem":
            level = _percent(measure.get("rate"))
        elif kind == "price_gap_subsidy":
            level = _level(measure.get("strike"), units["price"])
        else:
            level = _level(measure.get("level"), units["price"])
        parts.append(f"{word} of {level}" if level else word)
    commodity = short_commodity(inputs)
    what = " and ".join(parts) or "no measure"
    coordinated = "coordinated " if len(members) > 1 and parts else ""
    phrase = f"{coordinated}{commodity + ' ' if commodity else ''}{what}"
    phrase = f"{_article(phrase)} {phrase}"
    if members:
        phrase += f" by {names_list(members, names)}"
    baseline = inputs.get("market_baseline")
    if isinstance(baseline, Mapping) and baseline.get("year"):
        phrase += f" on {baseline['year']} flows"
    return phrase


def price_floor(inputs: Mapping[str, Any], names: Mapping[str, str]) -> str:
    units = result_units(inputs)
    commodity = short_commodity(inputs)
    level = _level(inputs.get("reference_price"), units["price"])
    basis = str(inputs.get("reference_basis") or "fixed")
    floor = f"floor of {level}" if level and basis == "fixed" else f"{basis} floor"
    phrase = f"a border-adjusted {commodity + ' ' if commodity else ''}{floor}"
    non_members = [
        str(f.get("origin"))
        for f in inputs.get("flows") or []
        if isinstance(f, Mapping) and not f.get("member")
    ]
    if non_members:
        phrase += f" on imports from {names_list(non_members[:6], names)}"
        if len(set(non_members)) > 6:
            phrase += " and others"
    cap = inputs.get("levy_cap_ad_valorem")
    if is_number(cap):
        phrase += f", the levy capped at {_percent(cap)}"
    return phrase


def price_gap_subsidy(inputs: Mapping[str, Any], names: Mapping[str, str]) -> str:
    units = result_units(inputs)
    commodity = short_commodity(inputs)
    strike = _level(inputs.get("strike"), units["price"])
    quantity = _level(inputs.get("quantity"), units["quantity"])
    design = "two-sided" if inputs.get("design") == "two_sided" else "one-sided"
    phrase = f"a {design} price-gap subsidy guaranteeing {strike or 'a strike price'}"
    if quantity:
        phrase += f" on {quantity} a {period_word(inputs.get('periods') or [])}"
    if commodity:
        phrase += f" of {commodity}"
    cap = inputs.get("budget_cap")
    if is_number(cap):
        phrase += f", within a budget of {format_figure(float(cap))} {units['money']}"
    return phrase


def offtake(inputs: Mapping[str, Any], names: Mapping[str, str]) -> str:
    units = result_units(inputs)
    commodity = short_commodity(inputs)
    pricing = inputs.get("pricing") or {}
    method = str(pricing.get("method") or "") if isinstance(pricing, Mapping) else ""
    terms = method.replace("_", " ") or "priced"
    if isinstance(pricing, Mapping):
        floor = _level(pricing.get("floor"), units["price"])
        cap = _level(pricing.get("cap"), units["price"])
        fixed = _level(pricing.get("price"), units["price"])
        if floor and cap:
            terms = f"{terms} of {floor} to {cap}"
        elif floor:
            terms = f"{terms} with a floor of {floor}"
        elif fixed:
            terms = f"{terms} at {fixed}"
    quantity = _level(inputs.get("contracted_quantity"), units["quantity"])
    every = period_word(inputs.get("periods") or [])
    phrase = f"an offtake agreement for {quantity or 'a contracted quantity'} a {every}"
    if commodity:
        phrase += f" of {commodity}"
    phrase += f", {terms}"
    share = inputs.get("min_take_share")
    if is_number(share) and share > 0:
        phrase += f", minimum take {_percent(share)}"
    return phrase


def standards_market(inputs: Mapping[str, Any], names: Mapping[str, str]) -> str:
    units = result_units(inputs)
    commodity = short_commodity(inputs)
    standard = inputs.get("standard") or {}
    limit = standard.get("max_intensity") if isinstance(standard, Mapping) else None
    intensity_unit = str(inputs.get("intensity_unit") or "tCO2e/t")
    phrase = f"a standards-based market{' for ' + commodity if commodity else ''}"
    if is_number(limit):
        phrase += f" admitting at most {format_figure(float(limit))} {intensity_unit}"
    premium = inputs.get("compliance_premium")
    if is_number(premium) and premium:
        phrase += f", a premium of {_level(premium, units['price'])}"
    carbon = inputs.get("carbon_price")
    if is_number(carbon) and carbon:
        unit = inputs.get("carbon_price_unit") or f"{units['money']}/tCO2e"
        phrase += f" and a carbon price of {format_figure(float(carbon))} {unit}"
    return phrase


def trade_response(inputs: Mapping[str, Any], names: Mapping[str, str]) -> str:
    flows = [f for f in inputs.get("flows") or [] if isinstance(f, Mapping)]
    changed = [
        f
        for f in flows
        if is_number(f.get("tariff_before"))
        and is_number(f.get("tariff_after"))
        and f.get("tariff_before") != f.get("tariff_after")
    ]
    commodity = short_commodity(inputs)
    if not changed:
        return ""
    parts = [
        f"{names.get(str(f.get('origin')), str(f.get('origin')))} "
        f"{_percent(f.get('tariff_before'))} to {_percent(f.get('tariff_after'))}"
        for f in changed[:4]
    ]
    return (
        f"a tariff change{' on ' + commodity if commodity else ''} ({'; '.join(parts)})"
    )


PHRASES: dict[str, Phrase] = {
    "plurilateral": plurilateral,
    "price-floor": price_floor,
    "price-gap-subsidy": price_gap_subsidy,
    "offtake": offtake,
    "standards-market": standards_market,
    "trade-response": trade_response,
}
