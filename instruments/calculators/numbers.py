"""Numbers as officials type them: the one reader of a typed value.

``read_number``, ``read_numbers`` and ``format_number``: the API takes dot-decimal
numbers (JSON, or ``1_000`` in a query); the pages read them in the official's
``NumberFormat`` (decimal mark and thousands separator of their locale): "1.234,5" in
German, "1,234.5" in English, one reading per format, and ``describe_reading`` says how
a value another format would read otherwise was read. ``parse_yes_no`` reads a yes/no.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeGuard

import numpy as np

from instruments.calculators.translation import gettext, gettext_noop

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
        raise ValueError(gettext("'{value}' is not true or false.").format(value=value))
    text = str(value).strip().lower()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise ValueError(gettext("'{value}' is not true or false.").format(value=value))


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
_MARK_NAMES = {
    ",": gettext_noop("comma"),
    ".": gettext_noop("point"),
    "'": gettext_noop("apostrophe"),
}


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
        raise ValueError(
            gettext("'{raw}' is not a finite number.").format(raw=raw.strip())
        )
    return number


def _not_a_number(text: str, fmt: NumberFormat) -> str:
    stripped = text.strip()
    # The format's name is a language's (Django's catalogues translate those).
    message = gettext(
        "'{text}' is not a number in the {format} format "
        "(write numbers like {example})."
    ).format(text=stripped, format=gettext(fmt.name), example=fmt.example)
    swapped = stripped.translate(str.maketrans(",.", ".,"))
    if swapped != stripped and re.fullmatch(_number_regex(fmt), swapped):
        message += " " + gettext("Did you mean {number}?").format(number=swapped)
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
            raise ValueError(gettext("Value {i}: {exc}").format(i=i, exc=exc)) from None
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
            return gettext(
                "Read as {count} values ({shown}): commas separate the values "
                "of a list. With thousands separators, separate the values with "
                "semicolons (1,234.5; 2,000)."
            ).format(count=len(numbers), shown=shown)
        for i, value in enumerate(values, start=1):
            note = describe_reading(value, fmt)
            if note:
                if len(values) > 1:
                    return gettext("Value {i}: {problem}").format(i=i, problem=note)
                return note
        return ""
    match = _AMBIGUOUS.fullmatch(text.strip())
    if match is None:
        return ""
    try:
        number = read_number(text, fmt)
    except ValueError:
        return ""
    mark = match[2]
    name = gettext(_MARK_NAMES.get(mark, gettext_noop("space")))
    if mark == fmt.decimal:
        whole = match[1] + match[3]
        return gettext(
            "Read as {number}, a number between {low} and {high}: in the {format} "
            "format ({example}) the {mark} is the decimal mark. For {whole}, type "
            "{whole}."
        ).format(
            number=format_number(number, fmt),
            low=match[1],
            high=int(match[1]) + 1,
            format=gettext(fmt.name),
            example=fmt.example,
            mark=name,
            whole=whole,
        )
    decimal = match[1] + fmt.decimal + match[3]
    return gettext(
        "Read as {number}: in the {format} format ({example}) the {mark} separates "
        "thousands. For a number between {low} and {high}, type {decimal}."
    ).format(
        number=format_number(number, fmt, grouping=False),
        format=gettext(fmt.name),
        example=fmt.example,
        mark=name,
        low=match[1],
        high=int(match[1]) + 1,
        decimal=decimal,
    )


def is_number(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is an int or a float (a bool is not a number here)."""
    return isinstance(value, int | float) and not isinstance(value, bool)
