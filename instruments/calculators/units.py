"""Units, currencies, FX and VAT.

Money = price × quantity × ``quantity_factor(quantity_unit, price_unit)`` × ``scale``:
a price in USD/kg on a quantity in t multiplies by 1,000 (1 t = 1,000 kg); a price in
US cents/lb is 0.01 USD/lb (``PriceUnit.scale``), so money comes out in whole currency
units (USD), never in cents.

Price units are ``<money>/<quantity>``:

- money: an ISO 4217 code (``USD``, ``EUR``, ``GBP``, ``CNY``, ...) or cents of one
  (``US cents``, ``USc``, ``EUR cents``: scale 0.01);
- quantity: a mass (``kg``, ``t`` = ``dmt`` = ``mt`` = tonne, ``short_ton`` (2,000 lb),
  ``long_ton`` (2,240 lb), ``g``, ``lb``, ``oz`` = ``troy oz`` = troy ounce, as
  precious metals are quoted; the bare word ``ton`` is refused, as pint would read it
  as the US short ton, a silent 10 % error), ``mtu`` = metric ton unit = 10 kg of
  *contained* metal or oxide, as tungsten concentrate and manganese ore are quoted
  (``mtu WO3`` and ``mtu W`` name the content; 1 mtu WO3 holds 7.93 kg W): a price per
  mtu on a gross mass needs that mass's grade, ``t @ 65% WO3`` (1 t holds 65 mtu), and
  for wet tonnes its moisture, ``wmt @ 65% WO3, 8% H2O`` (the grade on the dry mass);
  a grade of W against a price per mtu WO3 converts by the molar masses), an
  energy (``kWh``, ``MWh``, ``GWh``), a power (``W``, ``Wp``, ``kW``, ``MW``: solar modules
  are quoted per watt peak) or emissions (``tCO2e``, ``kgCO2e``).

Conversions between quantity units come from pint (a maintained units library) with
four definitions added (``mtu``, ``dmt``, ``tCO2e`` as its own dimension, ``kgCO2e``);
the registry is built once, on first use, and each pair's factor is cached, so arrays
are converted by one multiplication. Incompatible pairs (USD/MWh on tonnes) and unknown
units raise ``InputError`` on the field (``price_unit`` / ``quantity_unit``).

Currency: ``fx_rate`` is units of the *target* currency per unit of the *source*
currency (EUR→USD at 1.08 means 1 EUR = 1.08 USD), a number or one value per period.
Prices that include VAT are made net by ``net_of_vat`` (price / (1 + VAT rate)).

Period labels and discounting live in ``periods``, numbers as officials type them in
``numbers``; both are re-exported here for callers that reach them as ``units.<name>``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from instruments.calculators.errors import InputError, Message
from instruments.calculators.numbers import (
    ENGLISH,
    NO_WORDS,
    YES_WORDS,
    NumberFormat,
    describe_reading,
    format_number,
    number_pattern,
    parse_yes_no,
    read_number,
    read_numbers,
    split_numbers,
)
from instruments.calculators.periods import (
    FREQUENCY_KIND,
    PERIOD_LABEL_PATTERN,
    PeriodKind,
    Periods,
    discount_factors,
    discount_factors_at,
    group_periods,
    parse_periods,
    period_bound,
    period_bounds,
    period_start,
)
from instruments.calculators.translation import gettext, gettext_noop

CURRENCIES = frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "JPY",
        "CNY",
        "AUD",
        "CAD",
        "CHF",
        "INR",
        "KRW",
        "BRL",
        "ZAR",
        "CLP",
        "PEN",
        "IDR",
        "RUB",
        "SEK",
        "NOK",
        "DKK",
        "NZD",
        "MXN",
        "ARS",
        "PHP",
        "MYR",
        "THB",
        "VND",
        "SGD",
        "HKD",
        "TWD",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "TRY",
        "SAR",
        "AED",
        "QAR",
        "KZT",
        "MNT",
        "COP",
        "NGN",
        "GHS",
        "KES",
        "ZMW",
        "CDF",
        "MAD",
        "EGP",
        "ISK",
        "ILS",
        "UAH",
    ]
)
"""ISO 4217 codes accepted as the money of a price unit."""

_CENTS = {
    "us cents": "USD",
    "us cent": "USD",
    "usc": "USD",
    "us¢": "USD",
    "¢": "USD",
    "cents": "USD",
    "usd cents": "USD",
    "eur cents": "EUR",
    "euro cents": "EUR",
    "gbp pence": "GBP",
    "pence": "GBP",
    "p": "GBP",
}

_QUANTITY_ALIASES = {
    "t": "metric_ton",
    "mt": "metric_ton",
    "tonne": "metric_ton",
    "tonnes": "metric_ton",
    "metric ton": "metric_ton",
    "metric tons": "metric_ton",
    "short ton": "short_ton",
    "short tons": "short_ton",
    "short_ton": "short_ton",
    "long ton": "long_ton",
    "long tons": "long_ton",
    "long_ton": "long_ton",
    "wmt": "metric_ton",
    "dmt": "dmt",
    "kg": "kilogram",
    "g": "gram",
    "lb": "pound",
    "lbs": "pound",
    "oz": "troy_ounce",
    "ozt": "troy_ounce",
    "troy oz": "troy_ounce",
    "troy ounce": "troy_ounce",
    "mtu": "mtu",
    "wh": "watt_hour",
    "kwh": "kilowatt_hour",
    "mwh": "megawatt_hour",
    "gwh": "gigawatt_hour",
    "w": "watt",
    "wp": "watt",
    "kw": "kilowatt",
    "kwp": "kilowatt",
    "mw": "megawatt",
    "mwp": "megawatt",
    "tco2e": "tCO2e",
    "tco2": "tCO2e",
    "t co2e": "tCO2e",
    "kgco2e": "kgCO2e",
}

_DIMENSIONS = {  # names of kinds of quantity, in messages too
    "[mass]": gettext_noop("mass"),
    "[energy]": gettext_noop("energy"),
    "[power]": gettext_noop("power"),
    "[emission]": gettext_noop("emissions"),
}


@functools.lru_cache(maxsize=1)
def _registry() -> Any:
    """The pint registry, built once (≈0.4 s) on first use."""
    import pint

    ureg: Any = pint.UnitRegistry(cache_folder=None)
    ureg.define("mtu = 10 * kilogram")  # metric ton unit: 10 kg of contained WO3/Mn
    ureg.define("dmt = metric_ton")  # dry metric ton
    ureg.define("tCO2e = [emission]")
    ureg.define("kgCO2e = 0.001 * tCO2e")
    return ureg


AMBIGUOUS_TON = gettext_noop(
    "'ton' is ambiguous (pint reads it as the US short ton, 907.18 kg): use t for the "
    "metric tonne, short_ton (2,000 lb) or long_ton (2,240 lb)."
)

_CONTENT = re.compile(
    r"^(?P<mass>[^@]+?)\s*@\s*(?P<grade>\d+(?:\.\d+)?)\s*%\s*(?P<substance>[A-Za-z0-9]+)"
    r"(?:\s*,\s*(?P<moisture>\d+(?:\.\d+)?)\s*%\s*H2O)?$"
)
_MTU = re.compile(r"^mtu(?:\s+(?P<substance>[A-Za-z0-9]+))?$", re.IGNORECASE)

# Mass of the priced substance per unit mass of the substance of the grade.
_CONTENT_RATIOS = {
    ("W", "WO3"): 231.84 / 183.84,
    ("WO3", "W"): 183.84 / 231.84,
}


@dataclass(frozen=True)
class Content:
    """A gross quantity with its grade: ``t @ 65% WO3`` or, for wet tonnes,
    ``wmt @ 65% WO3, 8% H2O`` (the grade is on the dry mass)."""

    mass: str
    grade: float
    substance: str
    moisture: float


def parse_content(text: str) -> Content | None:
    """The grade of a quantity unit such as ``t @ 65% WO3``, or None without one."""
    match = _CONTENT.match(" ".join(str(text).strip().split()))
    if match is None:
        return None
    return Content(
        mass=match["mass"].strip(),
        grade=float(match["grade"]) / 100.0,
        substance=match["substance"],
        moisture=float(match["moisture"] or 0.0) / 100.0,
    )


def _mtu_substance(per: str) -> str | None:
    """For a price per ``mtu`` or ``mtu WO3``: the substance ('' for bare mtu)."""
    match = _MTU.match(" ".join(per.strip().split()))
    if match is None:
        return None
    return match["substance"] or ""


def _canonical_quantity(text: str) -> str:
    key = " ".join(text.strip().split())
    content = parse_content(key)
    if content is not None:
        key = content.mass
    if _mtu_substance(key) is not None:
        return "mtu"
    return _QUANTITY_ALIASES.get(key.lower(), key)


def _ambiguous(unit: str) -> str:
    """A message when a unit's name is ambiguous (the bare 'ton'), else ''."""
    key = " ".join(unit.strip().split()).lower()
    content = parse_content(key)
    if content is not None:
        key = content.mass.lower()
    return AMBIGUOUS_TON if key in {"ton", "tons"} else ""


def _per_factor(quantity: str, per: str) -> float | str:
    """How many ``per`` units one ``quantity`` unit makes, with grades: a price per
    ``mtu`` (10 kg of contained substance) on a gross mass needs the grade of that
    mass (``t @ 65% WO3``; moisture for wet tonnes); a message when it is missing."""
    content = parse_content(quantity)
    mtu_of = _mtu_substance(per)
    quantity_is_mtu = _mtu_substance(content.mass if content else quantity) is not None
    if mtu_of is None or quantity_is_mtu:
        if content is not None and quantity_is_mtu:
            return gettext(
                "A quantity in mtu already counts contained units; give no grade."
            )
        if quantity_is_mtu and mtu_of is None and _dimension(per) == "mass":
            return gettext(
                "A quantity in mtu (contained units) cannot be priced per {per} of "
                "gross product without a grade: price it per mtu, or give the "
                "grade on the price's unit (e.g. USD/{per} @ 65% WO3)."
            ).format(per=per)
        if content is not None:
            dry = 1.0 - content.moisture
            return dry * _unit_factor(
                _canonical_quantity(content.mass), _canonical_quantity(per)
            )
        if quantity_is_mtu and mtu_of:
            # mtu W against mtu WO3: 10 kg of W is 12.61 kg of WO3, not 10
            held = _mtu_substance(quantity)
            if held and held != mtu_of:
                if (held, mtu_of) not in _CONTENT_RATIOS:
                    return gettext(
                        "An mtu of {held} is not an mtu of {mtu_of}; give both in "
                        "the same substance."
                    ).format(held=held, mtu_of=mtu_of)
                return _CONTENT_RATIOS[(held, mtu_of)]
        return _unit_factor(_canonical_quantity(quantity), _canonical_quantity(per))
    if content is None:
        return gettext(
            "A price per {per} is per 10 kg of contained metal or oxide: give the "
            "grade of the {quantity} (e.g. '{quantity} @ 65% WO3', and moisture for "
            "wet tonnes: '{quantity} @ 65% WO3, 8% H2O'), or quantities in mtu."
        ).format(per=per, quantity=quantity)
    ratio = 1.0
    if mtu_of and mtu_of != content.substance:
        key = (content.substance, mtu_of)
        if key not in _CONTENT_RATIOS:
            return gettext(
                "The grade is of {substance} but the price is per mtu of "
                "{mtu_of}; give the grade as {mtu_of}."
            ).format(substance=content.substance, mtu_of=mtu_of)
        ratio = _CONTENT_RATIOS[key]
    kilograms = _unit_factor(_canonical_quantity(content.mass), "kilogram")
    return kilograms * (1.0 - content.moisture) * content.grade * ratio / 10.0


@functools.lru_cache(maxsize=512)
def _dimension(unit: str) -> str:
    """'mass', 'energy', 'power' or 'emissions' for a quantity unit; '' if unknown."""
    if _ambiguous(unit):
        return ""
    canonical = _canonical_quantity(unit)
    if not canonical:
        return ""
    try:
        quantity = _registry().Quantity(1.0, canonical)
    except Exception:  # pint raises several kinds on text it cannot read
        return ""
    for dimensionality, name in _DIMENSIONS.items():
        if quantity.check(dimensionality):
            return name
    return ""


@functools.lru_cache(maxsize=1024)
def _unit_factor(from_unit: str, to_unit: str) -> float:
    """How many ``to_unit`` make one ``from_unit`` (pint expressions allowed)."""
    ureg = _registry()
    return float(ureg.Quantity(1.0, from_unit).to(ureg.Unit(to_unit)).magnitude)


@dataclass(frozen=True)
class PriceUnit:
    """A parsed price unit: ``scale`` ``currency`` per one ``per``.

    ``US cents/lb`` is ``PriceUnit(currency="USD", scale=0.01, per="lb", ...)``.
    """

    text: str
    currency: str
    scale: float
    per: str
    dimension: str

    @property
    def money(self) -> str:
        """The money unit of totals computed from this price ("USD", never cents)."""
        return self.currency


def parse_quantity_unit(
    text: str, path: Sequence[str | int] = ("quantity_unit",)
) -> str:
    """The quantity unit as given (trimmed), or ``InputError`` at ``path`` if unknown."""
    unit = " ".join(str(text).strip().split())
    if _ambiguous(unit):
        raise InputError.at(path, gettext(AMBIGUOUS_TON))
    if not _dimension(unit):
        raise InputError.at(
            path,
            gettext(
                "Unknown quantity unit {text!r}; use e.g. kg, t, lb, troy oz, mtu, MWh, tCO2e or W."
            ).format(text=text),
        )
    return unit


@functools.lru_cache(maxsize=512)
def _parse_price_unit(text: str) -> PriceUnit | Message:
    raw = " ".join(text.strip().split())
    if "/" not in raw:
        return Message.of(
            gettext_noop(
                "A price unit is money per quantity, such as USD/kg; {unit!r} given."
            ),
            unit=text,
        )
    money, per = (part.strip() for part in raw.split("/", 1))
    if money.upper() in CURRENCIES:
        currency, scale = money.upper(), 1.0
    elif money.lower() in _CENTS:
        currency, scale = _CENTS[money.lower()], 0.01
    else:
        return Message.of(
            gettext_noop(
                "Unknown currency {money!r} in price unit {unit!r}; use an ISO code "
                "such as USD or EUR."
            ),
            money=money,
            unit=text,
        )
    if _ambiguous(per):
        return Message.of(
            gettext_noop("In price unit {unit!r}: {problem}"),
            unit=text,
            problem=Message(AMBIGUOUS_TON),
        )
    dimension = _dimension(per)
    if not dimension:
        return Message.of(
            gettext_noop(
                "Unknown quantity {per!r} in price unit {unit!r}; use e.g. kg, t, lb, "
                "troy oz, mtu, MWh, tCO2e or W."
            ),
            per=per,
            unit=text,
        )
    return PriceUnit(
        text=raw, currency=currency, scale=scale, per=per, dimension=dimension
    )


def parse_price_unit(
    text: str, path: Sequence[str | int] = ("price_unit",)
) -> PriceUnit:
    """Parse ``"USD/kg"``, ``"US cents/lb"``, ``"EUR/MWh"`` ...; ``InputError`` at ``path``."""
    parsed = _parse_price_unit(str(text))
    if isinstance(parsed, Message):
        raise InputError.at(path, str(parsed))
    return parsed


def money_unit(price_unit: str) -> str:
    """The money unit of totals computed with ``price_unit`` (``"USc/lb"`` -> ``"USD"``),
    for display: the text before the ``/`` when the unit cannot be parsed, "" for none."""
    parsed = _parse_price_unit(str(price_unit or ""))
    if isinstance(parsed, PriceUnit):
        return parsed.money
    return str(price_unit or "").split("/", 1)[0].strip()


def quantity_factor(
    quantity_unit: str,
    price_unit: str,
    *,
    quantity_path: Sequence[str | int] = ("quantity_unit",),
    price_path: Sequence[str | int] = ("price_unit",),
) -> float:
    """Multiply a quantity in ``quantity_unit`` by this to get the price's denominator.

    ``quantity_factor("t", "USD/kg") == 1000.0``; incompatible units raise InputError.
    """
    price = parse_price_unit(price_unit, price_path)
    quantity = parse_quantity_unit(quantity_unit, quantity_path)
    if _dimension(quantity) != price.dimension:
        raise InputError.at(
            quantity_path,
            gettext(
                "{quantity} ({dimension}) cannot be priced in {price} (a price per {per_dimension})."
            ).format(
                quantity=quantity,
                dimension=gettext(_dimension(quantity)),
                price=price.text,
                per_dimension=gettext(price.dimension),
            ),
        )
    factor = _per_factor(quantity, price.per)
    if isinstance(factor, str):
        raise InputError.at(quantity_path, factor)
    return factor


def money_factor(
    quantity_unit: str,
    price_unit: str,
    *,
    quantity_path: Sequence[str | int] = ("quantity_unit",),
    price_path: Sequence[str | int] = ("price_unit",),
) -> float:
    """Money (whole currency units) = price × quantity × this factor."""
    price = parse_price_unit(price_unit, price_path)
    return price.scale * quantity_factor(
        quantity_unit, price_unit, quantity_path=quantity_path, price_path=price_path
    )


def intensity_factor(
    intensity_unit: str,
    price_unit: str,
    *,
    path: Sequence[str | int] = ("intensity_unit",),
    price_path: Sequence[str | int] = ("price_unit",),
) -> float:
    """tCO2e per one unit of the price's denominator, per 1 ``intensity_unit``.

    ``intensity_factor("tCO2e/t", "USD/kg") == 0.001``.
    """
    price = parse_price_unit(price_unit, price_path)
    raw = " ".join(str(intensity_unit).strip().split())
    if raw.count("/") != 1:
        raise InputError.at(
            path,
            gettext(
                "Use emissions per quantity, e.g. tCO2e/t; {intensity_unit!r} given."
            ).format(intensity_unit=intensity_unit),
        )
    emissions, per = (part.strip() for part in raw.split("/"))
    if _dimension(emissions) != "emissions" or not _dimension(per):
        raise InputError.at(
            path,
            gettext(
                "Unknown intensity unit {intensity_unit!r}; use e.g. tCO2e/t."
            ).format(intensity_unit=intensity_unit),
        )
    if _dimension(per) != price.dimension:
        raise InputError.at(
            path,
            gettext(
                "An intensity per {per} does not fit a price per {per2} ({text})."
            ).format(per=per, per2=price.per, text=price.text),
        )
    emissions_factor = _unit_factor(_canonical_quantity(emissions), "tCO2e")
    per_factor = _unit_factor(_canonical_quantity(price.per), _canonical_quantity(per))
    return emissions_factor * per_factor


def convert_price(
    values: float | npt.ArrayLike,
    from_unit: str,
    to_unit: str,
    *,
    fx_rate: float | npt.ArrayLike | None = None,
    path: Sequence[str | int] = ("price_unit",),
) -> Any:
    """Convert prices from ``from_unit`` to ``to_unit`` (e.g. US cents/lb → USD/t).

    ``fx_rate`` is target currency per source currency (a number or one per value);
    different currencies without it raise ``InputError``. Returns a float for a
    number, else a float64 array.
    """
    source = parse_price_unit(from_unit, path)
    target = parse_price_unit(to_unit, path)
    if source.dimension != target.dimension:
        raise InputError.at(
            path,
            gettext("Cannot convert a price per {per} to a price per {per2}.").format(
                per=source.per, per2=target.per
            ),
        )
    per = _per_factor(target.per, source.per)
    if isinstance(per, str):
        raise InputError.at(path, per)
    factor = source.scale / target.scale * per
    array = np.asarray(values, dtype=np.float64) * factor
    if source.currency != target.currency:
        if fx_rate is None:
            raise InputError.at(
                path,
                gettext(
                    "Converting {currency} to {currency2} needs an FX rate ({currency2} per {currency})."
                ).format(currency=source.currency, currency2=target.currency),
            )
        fx = np.asarray(fx_rate, dtype=np.float64)
        if not np.all(np.isfinite(fx)) or np.any(fx <= 0):
            raise InputError.at(path, gettext("FX rates must be positive numbers."))
        array = array * fx
    elif fx_rate is not None and not np.allclose(fx_rate, 1.0):
        raise InputError.at(
            path,
            gettext("An FX rate was given but both prices are in {currency}.").format(
                currency=source.currency
            ),
        )
    return float(array) if array.ndim == 0 else array


def net_of_vat(values: float | npt.ArrayLike, vat_rate: float | npt.ArrayLike) -> Any:
    """A price quoted including VAT, stated net: ``price / (1 + vat_rate)``."""
    array = np.asarray(values, dtype=np.float64) / (
        1.0 + np.asarray(vat_rate, dtype=np.float64)
    )
    return float(array) if array.ndim == 0 else array


__all__ = [  # this module's own names, then those re-exported from numbers and periods
    "AMBIGUOUS_TON",
    "CURRENCIES",
    "ENGLISH",
    "FREQUENCY_KIND",
    "NO_WORDS",
    "PERIOD_LABEL_PATTERN",
    "YES_WORDS",
    "Content",
    "NumberFormat",
    "PeriodKind",
    "Periods",
    "PriceUnit",
    "convert_price",
    "describe_reading",
    "discount_factors",
    "discount_factors_at",
    "format_number",
    "group_periods",
    "intensity_factor",
    "money_factor",
    "money_unit",
    "net_of_vat",
    "number_pattern",
    "parse_content",
    "parse_periods",
    "parse_price_unit",
    "parse_quantity_unit",
    "parse_yes_no",
    "period_bound",
    "period_bounds",
    "period_start",
    "quantity_factor",
    "read_number",
    "read_numbers",
    "split_numbers",
]
