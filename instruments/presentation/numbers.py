"""The one formatter of every figure a reader sees: pages, PDFs, sentences, chart axes
and slides. Pure: no Django.

- At most 4 significant figures, never scientific notation: 18,500,000 · 82.12 ·
  0.158 · 2.309 bn (``format_figure``); large figures in words on the headline cards
  (``format_headline``: 906.9 million).
- Magnitudes below ``TINY`` read "< 0.01" (``TINY_NOTE`` says why).
- Units that scale read in their own multiple: 55,025 t as 55.03 kt, 2,309,491,114 W
  as 2.309 GW (``format_quantity``); axes the same (``readable_axes``).
- Shares as the reader typed them: 0.9 as 90 % (``format_percent``).
- Signs in words: "a gain of USD 17.8 million", "a cost of …" (``signed_words``).
- The reader's number format (decimal mark and thousands separator, e.g. 1.200,5):
  ``number_format_in_use(fmt)`` around the rendering of a page (the web layer's
  middleware) makes every figure of this module use it.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from instruments.calculators.numbers import ENGLISH, NumberFormat
from instruments.calculators.translation import (
    active_language,
    gettext,
    gettext_noop,
    translate,
)

MAX_SIGNIFICANT = 4
"""No figure shows more significant figures than this."""

TINY = 0.01
"""Magnitudes below this (but not zero) read "< 0.01"."""

TINY_NOTE = gettext_noop(
    "“< 0.01” marks a figure smaller than 0.01 in its unit, but not zero."
)
"""Declared once; ``gettext(TINY_NOTE)`` where it is shown."""

MINUS = "\u2212"

_FORMAT: contextvars.ContextVar[NumberFormat] = contextvars.ContextVar(
    "number_format", default=ENGLISH
)


def current_format() -> NumberFormat:
    """The reader's number format (English unless a page set one)."""
    return _FORMAT.get()


@contextlib.contextmanager
def number_format_in_use(fmt: NumberFormat) -> Iterator[NumberFormat]:
    """Every figure formatted inside the block uses ``fmt``."""
    token = _FORMAT.set(fmt)
    try:
        yield fmt
    finally:
        _FORMAT.reset(token)


# --- the digits ------------------------------------------------------------------------


def _round_significant(value: float, digits: int) -> Decimal:
    """``value`` rounded to ``digits`` significant figures, as an exact Decimal."""
    exponent = math.floor(math.log10(abs(value)))
    quantum = Decimal(1).scaleb(exponent - digits + 1)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_EVEN)


def _digits(value: float, fmt: NumberFormat, *, decimals: int = 2) -> str:
    """``value`` (|value| ≥ TINY or 0) with at most 4 significant figures and
    ``decimals`` decimals, grouped, in ``fmt``; a true minus sign."""
    if value == 0:
        return "0"
    rounded = _round_significant(value, MAX_SIGNIFICANT)
    # never more than `decimals` decimals (82.12, 7.335 → 7.34 with 2)
    if rounded.as_tuple().exponent < -decimals:  # type: ignore[operator]
        rounded = rounded.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_EVEN)
    text = format(rounded.copy_abs(), "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    if len(whole) > 3 and fmt.thousands:
        head = len(whole) % 3 or 3
        groups = [whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)]
        whole = fmt.thousands.join(groups)
    if whole == "0" and not fraction:
        return "0"
    sign = MINUS if value < 0 else ""
    return sign + whole + (fmt.decimal + fraction if fraction else "")


def _tiny(value: float, fmt: NumberFormat) -> str:
    limit = _digits(TINY, fmt)
    return f"< {limit}" if value > 0 else f"> {MINUS}{limit}"


def _plain_number(value: float, fmt: NumberFormat) -> str:
    """All the digits, no grouping, never an exponent (a value to type back)."""
    if value.is_integer() and abs(value) < 1e16:
        text = str(int(value))
    else:
        text = format(Decimal(repr(value)), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace(".", fmt.decimal)


_SCALES = {
    "en": ((1e9, "bn"), (1e6, "M")),
    "fr": ((1e9, "Md"), (1e6, "M")),
    "ja": ((1e8, "億"), (1e4, "万")),
}
"""The short multiples of large figures in each language: 18.5 M, 2.3 bn; French
18,5 M, 2,3 Md; Japanese counts in 万 (10⁴) and 億 (10⁸), as METI's tables do."""


def _language() -> str:
    """The reader's language among those with their own multiples (else English)."""
    code = active_language().lower()[:2]
    return code if code in _SCALES else "en"


def _join(digits: str, word: str) -> str:
    """A figure and its multiple: "18.5 M"; Japanese writes them together (1850万)."""
    return f"{digits}{word}" if _language() == "ja" else f"{digits} {word}"


def format_figure(value: Any, plain: bool = False) -> str:
    """A number rounded for reading: 18.5 M · 82.12 · 0.158 · 1,235 · < 0.01; "—"
    when undefined; never an exponent, never more than 4 significant figures.

    The engine never rounds; only what a reader sees is rounded. ``plain`` keeps every
    digit and no thousands separator (an input value an official may copy back into a
    form). Uses the reader's number format (``number_format_in_use``).
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if hasattr(value, "item") and not isinstance(value, int | float):  # numpy scalar
        return format_figure(value.item(), plain)
    if not isinstance(value, int | float):
        return str(translate(value))  # a result's note, said in the reader's language
    number = float(value)
    if not math.isfinite(number):
        return "—"
    fmt = current_format()
    if plain:
        return _plain_number(number, fmt)
    if number == 0:
        return "0"
    magnitude = abs(number)
    if magnitude < TINY:
        return _tiny(number, fmt)
    for scale, suffix in _SCALES[_language()]:
        if magnitude >= scale * (1 - 5e-5):
            return _join(_digits(number / scale, fmt, decimals=3), suffix)
    return _digits(number, fmt)


_WORDS = {
    "en": ((1e9, "billion", "billion"), (1e6, "million", "million")),
    "fr": ((1e9, "milliard", "milliards"), (1e6, "million", "millions")),
    "ja": ((1e8, "億", "億"), (1e4, "万", "万")),
}
"""Large figures in words on the headline cards: (scale, one, several) per language
(French: 1,5 milliard, 2 milliards)."""


def format_headline(value: Any) -> str:
    """Large figures in words for the headline cards: 906.9 million, 1.25 billion."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number):
            for scale, one, several in _WORDS[_language()]:
                if abs(number) >= scale * (1 - 5e-5):
                    digits = _digits(number / scale, current_format(), decimals=3)
                    word = several if abs(number) >= 2 * scale * (1 - 5e-5) else one
                    return _join(digits, word)
    return format_figure(value)


def format_percent(fraction: Any) -> str:
    """A share kept as a fraction (0.9), as the reader typed it: ``90 %``."""
    if isinstance(fraction, bool) or not isinstance(fraction, int | float):
        return format_figure(fraction)
    if not math.isfinite(float(fraction)):
        return "—"
    return f"{format_figure(float(fraction) * 100.0)} %"


# --- units that scale ------------------------------------------------------------------

_PREFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_SCALING_UNITS = {
    "W": _PREFIXES,
    "Wh": _PREFIXES,
    "t": ((1e9, "G"), (1e6, "M"), (1e3, "k")),
}
"""Units read in their own multiples (kt, Mt; kW, MW, GW): SI prefixes."""


def unit_scale(unit: str, magnitude: float) -> tuple[float, str]:
    """The factor and the unit a figure of ``magnitude`` in ``unit`` reads best in:
    (1e9, "GW") for 2.3e9 W, (1e3, "kt") for 55,025 t; (1, unit) for other units."""
    for scale, prefix in _SCALING_UNITS.get(unit, ()):
        # 1,175 t stays in t; 55,025 t reads 55.03 kt
        if magnitude >= (scale if scale > 1e3 else 1e4):
            return scale, f"{prefix}{unit}"
    return 1.0, unit


def format_quantity(value: Any, unit: str) -> str:
    """A physical figure with its unit, scaled where the unit has multiples: 55.03
    kt, 2.309 GW, 12 t (money goes through ``money_text``)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return f"{format_figure(value)} {unit}".strip()
    number = float(value)
    if not math.isfinite(number):
        return "—"
    scale, scaled = unit_scale(unit, abs(number))
    if scale != 1.0:
        return f"{_digits(number / scale, current_format(), decimals=3)} {scaled}"
    return f"{format_figure(number)} {unit}".strip()


def is_currency(unit: str) -> bool:
    """``USD``, ``EUR``: a currency code, written before the figure."""
    return len(unit) == 3 and unit.isalpha() and unit.isupper()


def money_text(value: Any, unit: str) -> str:
    """``USD 149.2 million``: a currency before the figure, other units after it."""
    display = format_headline(value)
    if not unit or display == "—":
        return display
    return f"{unit} {display}" if is_currency(unit) else f"{display} {unit}"


def signed_words(
    value: Any,
    unit: str,
    *,
    positive: str = gettext_noop("a gain of {amount}"),
    negative: str = gettext_noop("a loss of {amount}"),
    zero: str = gettext_noop("no change"),
) -> str:
    """A signed money figure in words: "a gain of USD 17.8 million" for +17.8 M, "a
    loss of …" below zero. The words are the caller's, declared with
    ``gettext_noop`` and an ``{amount}`` ("a cost of {amount}"), and are looked up
    here, in the reader's language."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return money_text(value, unit)
    number = float(value)
    if not math.isfinite(number):
        return "—"
    if money_text(abs(number), unit) in (money_text(0.0, unit), "0"):
        return gettext(zero)
    words = gettext(positive if number > 0 else negative)
    amount = money_text(abs(number), unit)
    return words.format(amount=amount) if "{amount}" in words else f"{words} {amount}"


# --- chart axes ------------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering [low, high] (1, 2, 2.5, 5 × 10^k)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high < low:
        low, high = high, low
    # a range narrow against its values reads from zero (no tick needs more than 4
    # significant figures), and a range of nearly nothing as 0 to 1
    if high - low < 1e-2 * max(abs(low), abs(high)):
        low, high = min(low, 0.0), max(high, 0.0)
    if high - low < 1e-4:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks: list[float] = []
    tick = start
    while tick <= high + step * 1e-12 and len(ticks) < 50:
        ticks.append(0.0 if abs(tick) < step * 1e-9 else round(tick, 12))
        tick += step
    if ticks and ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


_TICK_SCALE = {"k": 1e3}
"""Thousands read in k from 10,000 on (a tick of 5,000 stays 5,000)."""


def _tick_steps() -> tuple[tuple[float, str], ...]:
    if _language() == "ja":
        return _SCALES["ja"]
    return (*_SCALES[_language()], (1e4 / (1 - 5e-5), "k"))


def tick_text(values: list[float], unit: str = "") -> tuple[list[str], str]:
    """The tick labels of ``values`` and the unit they read in: a scaling unit goes to
    its multiple (kt, GW), other figures to k, M, bn; never an exponent."""
    top = max((abs(v) for v in values), default=0.0)
    scale, scaled = unit_scale(unit, top)
    fmt = current_format()
    if scale != 1.0:
        return [_digits(v / scale, fmt, decimals=3) for v in values], scaled
    scale, suffix = 1.0, ""
    for step, word in _tick_steps():
        if top >= step * (1 - 5e-5):
            scale, suffix = _TICK_SCALE.get(word, step), _join("", word)
            break
    labels = []
    for v in values:
        if v == 0:
            labels.append("0")
        elif abs(v) < TINY and scale == 1.0:
            labels.append(_digits(v, fmt, decimals=6) if abs(v) >= 1e-6 else "0")
        else:
            labels.append(_digits(v / scale, fmt, decimals=3) + suffix)
    return labels, unit


# --- figures an engine wrote into a sentence -------------------------------------------

_SIGNED = re.compile(
    r"(?<![\w.,])([+\-\u2212])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
)


def signed_figures_in(text: str) -> str:
    """A sentence an engine wrote with its figures signed in full ("+6,325.91 USD per
    MW"), each signed figure as the formatter writes it ("+6,326 USD per MW"); codes
    and years (never signed) are left as they are."""

    def one(match: re.Match[str]) -> str:
        number = float(match.group(2).replace(",", ""))
        if match.group(1) != "+":
            number = -number
        if not number or abs(number) < TINY:
            return format_figure(number)  # 0, "< 0.01", "> −0.01"
        return ("+" if number > 0 else "") + format_figure(number)

    return _SIGNED.sub(one, text)
