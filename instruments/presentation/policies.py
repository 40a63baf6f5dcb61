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
from instruments.calculators.translation import gettext, gettext_noop
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
    """The measure, its level and its members, as a phrase starting with "a" (in the
    reader's language)."""
    module = INSTRUMENTS.get(calculator.slug)
    own = getattr(module, "policy", None) or PHRASES.get(calculator.slug)
    phrase = own(inputs, names) if callable(own) else ""
    return phrase or general_phrase(calculator, inputs)


def general_phrase(calculator: Calculator, inputs: Mapping[str, Any]) -> str:
    """A calculator's title on the commodity, with up to three settings that differ
    from their defaults ("with levy cap 25 %")."""
    commodity = short_commodity(inputs)
    chips = carried_over_settings(calculator, inputs)[:3]
    settings = "; ".join(f"{gettext(c.label).lower()} {c.value}" for c in chips)
    title = gettext(calculator.title)
    title = title[:1].lower() + title[1:]
    phrase = _with_article(title)
    if commodity:
        phrase = gettext("{phrase} on {commodity}").format(
            phrase=phrase, commodity=commodity
        )
    if settings:
        phrase = gettext("{phrase} with {settings}").format(
            phrase=phrase, settings=settings
        )
    return phrase


# --- words -----------------------------------------------------------------------------


def short_commodity(inputs: Mapping[str, Any]) -> str:
    """ "NdPr oxide", not "NdPr oxide (neodymium-praseodymium oxide)"."""
    baseline = inputs.get("market_baseline")
    name = ""
    if isinstance(baseline, Mapping):
        name = str(baseline.get("commodity_name") or baseline.get("commodity") or "")
    name = name or commodity_name(inputs)
    return name.split(" (", 1)[0].strip()


def join_words(words: Sequence[str]) -> str:
    """``a, b and c`` in the reader's language."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    # Translators: the separator of a list of names ("EU-27, United States and Japan").
    first = gettext(", ").join(words[:-1])
    return gettext("{first} and {last}").format(first=first, last=words[-1])


def names_list(codes: Sequence[str], names: Mapping[str, str]) -> str:
    """``EU-27, United States and Japan``."""
    return join_words([names.get(c, c) for c in dict.fromkeys(codes) if c])


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _with_article(phrase: str) -> str:
    """``a {phrase}`` or ``an {phrase}`` (in French and Japanese as the catalogue says)."""
    if _article(phrase) == "an":
        return gettext("an {phrase}").format(phrase=phrase)
    return gettext("a {phrase}").format(phrase=phrase)


def _level(value: Any, unit: str) -> str:
    value = mean_of(value)
    if not is_number(value):
        return ""
    return f"{format_figure(float(value))} {unit}".strip()


def _percent(value: Any) -> str:
    value = mean_of(value)
    return f"{format_figure(float(value) * 100)} %" if is_number(value) else ""


_EVERY = {
    "year": gettext_noop("{quantity} a year"),
    "quarter": gettext_noop("{quantity} a quarter"),
    "month": gettext_noop("{quantity} a month"),
    "period": gettext_noop("{quantity} a period"),
}


def _per_period(quantity: str, periods: Any) -> str:
    """``150,000 t a year``."""
    return gettext(_EVERY[period_word(periods or [])]).format(quantity=quantity)


# --- the instruments' own phrases ---------------------------------------------------------

_MEASURE_WORDS = {
    "floor": gettext_noop("floor"),
    "undertaking": gettext_noop("minimum border price (undertaking)"),
    "specific": gettext_noop("specific duty"),
    "ad_valorem": gettext_noop("tariff"),
    "price_gap_subsidy": gettext_noop("price-gap subsidy to own producers"),
}


def _measure(measure: Mapping[str, Any], units: Mapping[str, str]) -> str:
    """``floor of 66 USD/kg``."""
    kind = str(measure.get("kind") or "")
    word = gettext(_MEASURE_WORDS[kind]) if kind in _MEASURE_WORDS else kind
    word = word.replace("_", " ")
    if kind == "ad_valorem":
        level = _percent(measure.get("rate"))
    elif kind == "price_gap_subsidy":
        level = _level(measure.get("strike"), units["price"])
    else:
        level = _level(measure.get("level"), units["price"])
    if not level:
        return word
    return gettext("{measure} of {level}").format(measure=word, level=level)


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
    parts = [_measure(measure, units) for measure in measures]
    commodity = short_commodity(inputs)
    what = join_words(parts) or gettext("no measure")
    coordinated = len(members) > 1 and bool(parts)
    if coordinated and commodity:
        template = gettext("coordinated {commodity} {measures}")
    elif coordinated:
        template = gettext("coordinated {measures}")
    elif commodity:
        template = gettext("{commodity} {measures}")
    else:
        template = "{measures}"
    phrase = _with_article(template.format(commodity=commodity, measures=what))
    if members:
        phrase = gettext("{phrase} by {members}").format(
            phrase=phrase, members=names_list(members, names)
        )
    baseline = inputs.get("market_baseline")
    if isinstance(baseline, Mapping) and baseline.get("year"):
        phrase = gettext("{phrase} on {year} flows").format(
            phrase=phrase, year=baseline["year"]
        )
    return phrase


_FLOOR_BASES = {
    "trailing_average": gettext_noop("trailing-average"),
    "cost_percentile": gettext_noop("cost-percentile"),
}


def price_floor(inputs: Mapping[str, Any], names: Mapping[str, str]) -> str:
    units = result_units(inputs)
    commodity = short_commodity(inputs)
    level = _level(inputs.get("reference_price"), units["price"])
    basis = str(inputs.get("reference_basis") or "fixed")
    if level and basis == "fixed":
        floor = gettext("floor of {level}").format(level=level)
    else:
        word = gettext(_FLOOR_BASES[basis]) if basis in _FLOOR_BASES else basis
        floor = gettext("{basis} floor").format(basis=word)
    if commodity:
        phrase = gettext("a border-adjusted {commodity} {floor}").format(
            commodity=commodity, floor=floor
        )
    else:
        phrase = gettext("a border-adjusted {floor}").format(floor=floor)
    non_members = [
        str(f.get("origin"))
        for f in inputs.get("flows") or []
        if isinstance(f, Mapping) and not f.get("member")
    ]
    if non_members:
        origins = names_list(non_members[:6], names)
        if len(set(non_members)) > 6:
            origins = gettext("{names} and others").format(names=origins)
        phrase = gettext("{phrase} on imports from {origins}").format(
            phrase=phrase, origins=origins
        )
    cap = inputs.get("levy_cap_ad_valorem")
    if is_number(cap):
        phrase = gettext("{phrase}, the levy capped at {cap}").format(
            phrase=phrase, cap=_percent(cap)
        )
    return phrase


def price_gap_subsidy(inputs: Mapping[str, Any], names: Mapping[str, str]) -> str:
    units = result_units(inputs)
    commodity = short_commodity(inputs)
    strike = _level(inputs.get("strike"), units["price"]) or gettext("a strike price")
    quantity = _level(inputs.get("quantity"), units["quantity"])
    if inputs.get("design") == "two_sided":
        template = gettext("a two-sided price-gap subsidy guaranteeing {strike}")
    else:
        template = gettext("a one-sided price-gap subsidy guaranteeing {strike}")
    phrase = template.format(strike=strike)
    if quantity:
        phrase = gettext("{phrase} on {quantity}").format(
            phrase=phrase, quantity=_per_period(quantity, inputs.get("periods"))
        )
    if commodity:
        phrase = gettext("{phrase} of {commodity}").format(
            phrase=phrase, commodity=commodity
        )
    cap = inputs.get("budget_cap")
    if is_number(cap):
        phrase = gettext("{phrase}, within a budget of {budget}").format(
            phrase=phrase, budget=f"{format_figure(float(cap))} {units['money']}"
        )
    return phrase


_PRICING = {
    "fixed": gettext_noop("fixed"),
    "index": gettext_noop("index"),
    "collar": gettext_noop("collar"),
}


def _offtake_terms(pricing: Any, units: Mapping[str, str]) -> str:
    method = str(pricing.get("method") or "") if isinstance(pricing, Mapping) else ""
    if method in _PRICING:
        terms = gettext(_PRICING[method])
    else:
        terms = method.replace("_", " ") or gettext("priced")
    if isinstance(pricing, Mapping):
        floor = _level(pricing.get("floor"), units["price"])
        cap = _level(pricing.get("cap"), units["price"])
        fixed = _level(pricing.get("price"), units["price"])
        if floor and cap:
            return gettext("{terms} of {floor} to {cap}").format(
                terms=terms, floor=floor, cap=cap
            )
        if floor:
            return gettext("{terms} with a floor of {floor}").format(
                terms=terms, floor=floor
            )
        if fixed:
            return gettext("{terms} at {price}").format(terms=terms, price=fixed)
    return terms


def offtake(inputs: Mapping[str, Any], names: Mapping[str, str]) -> str:
    units = result_units(inputs)
    commodity = short_commodity(inputs)
    terms = _offtake_terms(inputs.get("pricing") or {}, units)
    quantity = _level(inputs.get("contracted_quantity"), units["quantity"])
    amount = _per_period(
        quantity or gettext("a contracted quantity"), inputs.get("periods")
    )
    phrase = gettext("an offtake agreement for {amount}").format(amount=amount)
    if commodity:
        phrase = gettext("{phrase} of {commodity}").format(
            phrase=phrase, commodity=commodity
        )
    phrase = gettext("{phrase}, {terms}").format(phrase=phrase, terms=terms)
    share = inputs.get("min_take_share")
    if is_number(share) and share > 0:
        phrase = gettext("{phrase}, minimum take {share}").format(
            phrase=phrase, share=_percent(share)
        )
    return phrase


def standards_market(inputs: Mapping[str, Any], names: Mapping[str, str]) -> str:
    units = result_units(inputs)
    commodity = short_commodity(inputs)
    standard = inputs.get("standard") or {}
    limit = standard.get("max_intensity") if isinstance(standard, Mapping) else None
    intensity_unit = str(inputs.get("intensity_unit") or "tCO2e/t")
    if commodity:
        phrase = gettext("a standards-based market for {commodity}").format(
            commodity=commodity
        )
    else:
        phrase = gettext("a standards-based market")
    if is_number(limit):
        phrase = gettext("{phrase} admitting at most {limit}").format(
            phrase=phrase, limit=f"{format_figure(float(limit))} {intensity_unit}"
        )
    premium = inputs.get("compliance_premium")
    if is_number(premium) and premium:
        phrase = gettext("{phrase}, a premium of {premium}").format(
            phrase=phrase, premium=_level(premium, units["price"])
        )
    carbon = inputs.get("carbon_price")
    if is_number(carbon) and carbon:
        unit = inputs.get("carbon_price_unit") or f"{units['money']}/tCO2e"
        phrase = gettext("{phrase} and a carbon price of {price}").format(
            phrase=phrase, price=f"{format_figure(float(carbon))} {unit}"
        )
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
    parts = "; ".join(
        gettext("{origin} {before} to {after}").format(
            origin=names.get(str(f.get("origin")), str(f.get("origin"))),
            before=_percent(f.get("tariff_before")),
            after=_percent(f.get("tariff_after")),
        )
        for f in changed[:4]
    )
    if commodity:
        return gettext("a tariff change on {commodity} ({changes})").format(
            commodity=commodity, changes=parts
        )
    return gettext("a tariff change ({changes})").format(changes=parts)


PHRASES: dict[str, Phrase] = {
    "plurilateral": plurilateral,
    "price-floor": price_floor,
    "price-gap-subsidy": price_gap_subsidy,
    "offtake": offtake,
    "standards-market": standards_market,
    "trade-response": trade_response,
}
