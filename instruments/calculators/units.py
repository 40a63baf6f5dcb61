"""Units, currencies, FX and VAT, period labels with their lengths and discounting, and
numbers as officials type them.

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

Periods (INSTRUMENTS.md §1, §7): labels ``2025`` (year), ``2025H1`` (half), ``2025Q1``
(quarter), ``2025-01`` (month) or ISO dates ``2025-01-31``; all labels of a request are
of one kind and strictly increasing (gaps are allowed). A year is 1, a quarter 0.25, a
month 1/12 of a year; an ISO date opens a period that runs to the next date (the last
date's period is as long as the median gap, one day when there is a single date).
Discounting is end of period: ``DF = (1 + rate)^(−t)`` with ``t`` in years from the
start of the first period to the end of the period (annual: 1, 2, ...; quarters: 0.25,
0.5, ...).

Numbers (``read_number``, ``read_numbers``, ``format_number``): the one reader of a typed
value. The API takes dot-decimal numbers (JSON, or ``1_000`` in a query); the pages
read them in the official's ``NumberFormat`` (decimal mark and thousands separator of
their locale): "1.234,5" in German, "1,234.5" in English, one reading per format, and
``describe_reading`` says how a value another format would read otherwise was read.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from instruments.calculators.base import FloatArray, InputError, IntArray

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

_DIMENSIONS = {
    "[mass]": "mass",
    "[energy]": "energy",
    "[power]": "power",
    "[emission]": "emissions",
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


AMBIGUOUS_TON = (
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
            return "A quantity in mtu already counts contained units; give no grade."
        if quantity_is_mtu and mtu_of is None and _dimension(per) == "mass":
            return (
                f"A quantity in mtu (contained units) cannot be priced per {per} of "
                f"gross product without a grade: price it per mtu, or give the "
                f"grade on the price's unit (e.g. USD/{per} @ 65% WO3)."
            )
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
                    return (
                        f"An mtu of {held} is not an mtu of {mtu_of}; give both in "
                        "the same substance."
                    )
                return _CONTENT_RATIOS[(held, mtu_of)]
        return _unit_factor(_canonical_quantity(quantity), _canonical_quantity(per))
    if content is None:
        return (
            f"A price per {per} is per 10 kg of contained metal or oxide: give the "
            f"grade of the {quantity} (e.g. '{quantity} @ 65% WO3', and moisture for "
            f"wet tonnes: '{quantity} @ 65% WO3, 8% H2O'), or quantities in mtu."
        )
    ratio = 1.0
    if mtu_of and mtu_of != content.substance:
        key = (content.substance, mtu_of)
        if key not in _CONTENT_RATIOS:
            return (
                f"The grade is of {content.substance} but the price is per mtu of "
                f"{mtu_of}; give the grade as {mtu_of}."
            )
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
        raise InputError.at(path, AMBIGUOUS_TON)
    if not _dimension(unit):
        raise InputError.at(
            path,
            f"Unknown quantity unit {text!r}; use e.g. kg, t, lb, troy oz, mtu, MWh, "
            "tCO2e or W.",
        )
    return unit


@functools.lru_cache(maxsize=512)
def _parse_price_unit(text: str) -> PriceUnit | str:
    raw = " ".join(text.strip().split())
    if "/" not in raw:
        return f"A price unit is money per quantity, such as USD/kg; {text!r} given."
    money, per = (part.strip() for part in raw.split("/", 1))
    if money.upper() in CURRENCIES:
        currency, scale = money.upper(), 1.0
    elif money.lower() in _CENTS:
        currency, scale = _CENTS[money.lower()], 0.01
    else:
        return f"Unknown currency {money!r} in price unit {text!r}; use an ISO code such as USD or EUR."
    if _ambiguous(per):
        return f"In price unit {text!r}: {AMBIGUOUS_TON}"
    dimension = _dimension(per)
    if not dimension:
        return f"Unknown quantity {per!r} in price unit {text!r}; use e.g. kg, t, lb, troy oz, mtu, MWh, tCO2e or W."
    return PriceUnit(
        text=raw, currency=currency, scale=scale, per=per, dimension=dimension
    )


def parse_price_unit(
    text: str, path: Sequence[str | int] = ("price_unit",)
) -> PriceUnit:
    """Parse ``"USD/kg"``, ``"US cents/lb"``, ``"EUR/MWh"`` ...; ``InputError`` at ``path``."""
    parsed = _parse_price_unit(str(text))
    if isinstance(parsed, str):
        raise InputError.at(path, parsed)
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
            f"{quantity} ({_dimension(quantity)}) cannot be priced in {price.text} "
            f"(a price per {price.dimension}).",
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
            path, f"Use emissions per quantity, e.g. tCO2e/t; {intensity_unit!r} given."
        )
    emissions, per = (part.strip() for part in raw.split("/"))
    if _dimension(emissions) != "emissions" or not _dimension(per):
        raise InputError.at(
            path, f"Unknown intensity unit {intensity_unit!r}; use e.g. tCO2e/t."
        )
    if _dimension(per) != price.dimension:
        raise InputError.at(
            path,
            f"An intensity per {per} does not fit a price per {price.per} ({price.text}).",
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
            f"Cannot convert a price per {source.per} to a price per {target.per}.",
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
                f"Converting {source.currency} to {target.currency} needs an FX rate "
                f"({target.currency} per {source.currency}).",
            )
        fx = np.asarray(fx_rate, dtype=np.float64)
        if not np.all(np.isfinite(fx)) or np.any(fx <= 0):
            raise InputError.at(path, "FX rates must be positive numbers.")
        array = array * fx
    elif fx_rate is not None and not np.allclose(fx_rate, 1.0):
        raise InputError.at(
            path, f"An FX rate was given but both prices are in {source.currency}."
        )
    return float(array) if array.ndim == 0 else array


YES_WORDS = frozenset({"true", "1", "yes", "y", "t", "on"})
NO_WORDS = frozenset({"false", "0", "no", "n", "f", "off", "", "none"})


def parse_yes_no(value: object) -> bool:
    """A yes/no value: a bool, 0 or 1, or text such as yes/no, true/false, y/n, 1/0,
    on/off (empty means no). Raises ``ValueError`` for anything else."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"'{value}' is not true or false.")
    text = str(value).strip().lower()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise ValueError(f"'{value}' is not true or false.")


def net_of_vat(values: float | npt.ArrayLike, vat_rate: float | npt.ArrayLike) -> Any:
    """A price quoted including VAT, stated net: ``price / (1 + vat_rate)``."""
    array = np.asarray(values, dtype=np.float64) / (
        1.0 + np.asarray(vat_rate, dtype=np.float64)
    )
    return float(array) if array.ndim == 0 else array


# --- numbers as typed ------------------------------------------------------------


@dataclass(frozen=True)
class NumberFormat:
    """How a locale writes numbers: its decimal mark and its thousands separator ("" for
    none; a space-like one accepts any space). ``name`` names it in messages ("the German
    format"); ``code`` is the locale it came from.

    A typed value is read in exactly one format: "1,234" is 1234 in English and 1.234 in
    German. Lists are separated by semicolons where the comma is the decimal mark; in a
    point-decimal format by commas, or by semicolons when the values carry thousands
    separators ("1,234.5; 2,000").
    """

    decimal: str = "."
    thousands: str = ","
    name: str = "English"
    code: str = "en"

    @property
    def list_separator(self) -> str:
        return ";" if self.decimal == "," else ","

    @property
    def example(self) -> str:
        """1234.5 as this format writes it, for messages: ``1,234.5``, ``1.234,5``."""
        return format_number(1234.5, self)


ENGLISH = NumberFormat()
"""The site's own format, and the one a request without a locale gets."""

_SPACES = (" ", "\u00a0", "\u202f")  # space, no-break space, narrow no-break space
_MINUS = "\u2212"
_REGEX_SYNTAX = frozenset("^$\\.*+?()[]{}|/")
_MARK_NAMES = {",": "comma", ".": "point", "'": "apostrophe"}


def _escape(text: str) -> str:
    """Escape regex syntax the same way for Python and for an HTML ``pattern``
    (JavaScript's ``v`` flag refuses escapes of other punctuation)."""
    return "".join(f"\\{c}" if c in _REGEX_SYNTAX else c for c in text)


def _group_separators(fmt: NumberFormat) -> tuple[str, ...]:
    if not fmt.thousands:
        return ()
    return _SPACES if fmt.thousands.isspace() else (fmt.thousands,)


@functools.lru_cache(maxsize=64)
def _number_regex(fmt: NumberFormat, grouping: bool = True) -> str:
    digit = "[0-9]"
    separators = _group_separators(fmt) if grouping else ()
    if separators:
        sep = "(?:" + "|".join(_escape(s) for s in separators) + ")"
        integer = f"(?:{digit}{{1,3}}(?:{sep}{digit}{{3}})+|{digit}+)"
    else:
        integer = f"{digit}+"
    point = _escape(fmt.decimal)
    mantissa = f"(?:{integer}(?:{point}{digit}+)?|{point}{digit}+)"
    return f"(?:\\+|-|{_MINUS})?{mantissa}(?:[eE](?:\\+|-)?{digit}+)?"


@functools.lru_cache(maxsize=64)
def number_pattern(fmt: NumberFormat, *, many: bool = False) -> str:
    """The regular expression of a value typed in ``fmt`` (``many``: a list), as the
    form's HTML ``pattern`` and as ``read_number`` / ``read_numbers`` check it."""
    item = _number_regex(fmt)
    space = "\\s*"
    if not many:
        return f"{space}{item}{space}"
    if fmt.decimal == ",":
        return f"{space}{item}(?:{space};{space}{item})*{space};?{space}"
    plain = _number_regex(fmt, grouping=False)
    return (
        f"{space}(?:{plain}(?:{space},{space}{plain})*{space},?"
        f"|{item}(?:{space};{space}{item})*{space};?){space}"
    )


def read_number(text: str, fmt: NumberFormat | None = None) -> float:
    """A number typed in ``fmt`` ("1.234,5" in German, "1,234.5" in English), or, with
    no format, as the API takes it (a JSON-style number, ``_`` allowed: ``1_000``).

    Raises ``ValueError`` with a message that names the format and, when swapping the
    comma and the point would give a number, what was probably meant.
    """
    raw = str(text)
    if fmt is None:
        number = float(raw.strip().replace("_", ""))
    else:
        stripped = raw.strip()
        if not re.fullmatch(_number_regex(fmt), stripped):
            raise ValueError(_not_a_number(raw, fmt))
        for separator in _group_separators(fmt):
            stripped = stripped.replace(separator, "")
        number = float(stripped.replace(fmt.decimal, ".").replace(_MINUS, "-"))
    if not np.isfinite(number):
        raise ValueError(f"'{raw.strip()}' is not a finite number.")
    return number


def _not_a_number(text: str, fmt: NumberFormat) -> str:
    stripped = text.strip()
    message = (
        f"'{stripped}' is not a number in the {fmt.name} format "
        f"(write numbers like {fmt.example})."
    )
    swapped = stripped.translate(str.maketrans(",.", ".,"))
    if swapped != stripped and re.fullmatch(_number_regex(fmt), swapped):
        message += f" Did you mean {swapped}?"
    return message


def split_numbers(text: str, fmt: NumberFormat | None = None) -> list[str]:
    """The values of a typed list (see ``NumberFormat``); with no format, the API's
    comma-separated list."""
    raw = str(text)
    if fmt is not None and (fmt.decimal == "," or ";" in raw):
        parts = raw.split(";")
    else:
        parts = raw.split(",")
    return [part.strip() for part in parts if part.strip()]


def read_numbers(text: str, fmt: NumberFormat | None = None) -> list[float]:
    """Every number of a typed list; ``ValueError`` names the first bad value."""
    numbers = []
    for i, part in enumerate(split_numbers(text, fmt), start=1):
        try:
            numbers.append(read_number(part, fmt))
        except ValueError as exc:
            raise ValueError(f"Value {i}: {exc}") from None
    return numbers


def format_number(
    value: float, fmt: NumberFormat = ENGLISH, *, grouping: bool = True
) -> str:
    """A number as ``fmt`` writes it, with no digit lost: ``1.234,5`` in German,
    ``250,000`` in English (without thousands separators when ``grouping`` is off, as
    in lists); "" for NaN and infinities."""
    number = float(value)
    if not np.isfinite(number):
        return ""
    if number.is_integer() and abs(number) < 1e16:
        text = str(int(number))
    else:
        text = repr(number)
        if "e" in text and abs(number) >= 1e-9:
            text = format(Decimal(text), "f")
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-")
    exponent = ""
    if "e" in text:
        text, exponent = text.split("e")
        exponent = "e" + exponent
    whole, _, fraction = text.partition(".")
    if grouping and fmt.thousands and len(whole) > 3:
        head = len(whole) % 3 or 3
        groups = [whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)]
        whole = fmt.thousands.join(groups)
    return sign + whole + (fmt.decimal + fraction if fraction else "") + exponent


_AMBIGUOUS = re.compile(f"(?:\\+|-|{_MINUS})?([0-9]{{1,3}})([.,])([0-9]{{3}})")


def describe_reading(text: str, fmt: NumberFormat, *, many: bool = False) -> str:
    """What a typed value was read as, when another format would read it otherwise
    ("1,234": 1234 in English, 1.234 in German); "" when nothing could be misread."""
    if many:
        values = split_numbers(text, fmt)
        if (
            fmt.decimal == "."
            and ";" not in text
            and re.search(r"[0-9],[0-9]{3}(?![0-9])", text)
        ):
            try:
                numbers = read_numbers(text, fmt)
            except ValueError:
                return ""
            shown = f"{fmt.list_separator} ".join(
                format_number(n, fmt, grouping=False) for n in numbers
            )
            return (
                f"Read as {len(numbers)} values ({shown}): commas separate the values "
                f"of a list. With thousands separators, separate the values with "
                f"semicolons (1,234.5; 2,000)."
            )
        for i, value in enumerate(values, start=1):
            note = describe_reading(value, fmt)
            if note:
                return f"Value {i}: {note}" if len(values) > 1 else note
        return ""
    match = _AMBIGUOUS.fullmatch(text.strip())
    if match is None:
        return ""
    try:
        number = read_number(text, fmt)
    except ValueError:
        return ""
    mark = match[2]
    name = _MARK_NAMES.get(mark, "space")
    if mark == fmt.decimal:
        whole = match[1] + match[3]
        return (
            f"Read as {format_number(number, fmt)}, a number between {match[1]} and "
            f"{int(match[1]) + 1}: in the {fmt.name} format ({fmt.example}) the {name} "
            f"is the decimal mark. For {whole}, type {whole}."
        )
    decimal = match[1] + fmt.decimal + match[3]
    return (
        f"Read as {format_number(number, fmt, grouping=False)}: in the {fmt.name} "
        f"format ({fmt.example}) the {name} separates thousands. For a number between "
        f"{match[1]} and {int(match[1]) + 1}, type {decimal}."
    )


# --- periods -----------------------------------------------------------------------

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
    if isinstance(parsed, str):
        raise InputError.at(path, parsed)
    return parsed


@functools.lru_cache(maxsize=256)
def _parse_periods(labels: tuple[str, ...]) -> Periods | str:
    if not labels:
        return "Give at least one period."
    parts = pd.Series(labels, dtype="object").str.upper().str.extract(_PERIOD_PATTERN)
    bad = parts["year"].isna().to_numpy()
    if bad.any():
        first = labels[int(np.argmax(bad))]
        return (
            f"{first!r} is not a period label; use 2025, 2025Q1, 2025-01 or 2025-01-31."
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
        return "All periods must be of one kind (years, quarters, months or dates)."
    kind = typing.cast(PeriodKind, str(kinds[0]))
    year = parts["year"].astype(np.int64).to_numpy(dtype=np.int64)
    if kind == "date":
        dates = pd.to_datetime(pd.Series(labels), format="%Y-%m-%d", errors="coerce")
        if dates.isna().any():
            first = labels[int(np.argmax(dates.isna().to_numpy()))]
            return f"{first!r} is not a valid date."
        days = (dates - dates.iloc[0]).dt.days.to_numpy(dtype=np.float64)
        start = days / _DAYS_PER_YEAR
        gaps = np.diff(start)
        last = float(np.median(gaps)) if gaps.size else 1.0 / _DAYS_PER_YEAR
        length = np.append(gaps, last)
        months = dates.dt.month.to_numpy(dtype=np.int64)
        if np.any(gaps <= 0):
            return "Periods must be in increasing order, each once."
        return _frozen(
            Periods(labels, kind, start, length, year, (months - 1) // 3 + 1)
        )
    quarter: npt.NDArray[np.integer[Any]]
    if kind == "month":
        month = parts["month"].astype(np.int64).to_numpy()
        if np.any((month < 1) | (month > 12)):
            return "Months run from 01 to 12."
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
        return "Periods must be in increasing order, each once."
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
            f"{text!r} is not a period label; use 2025, 2025Q1, 2025-01 or 2025-01-31."
        )
    year = int(match["year"])
    if match["day"]:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a valid date.") from None
        return "date", day, day
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"{text!r} has no month {month}.")
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
                path, f"Periods are {periods.kind}s; they cannot settle every quarter."
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
