"""Which number format an official types (and reads back) numbers in on the pages.

The site's words are in the reader's language (English, French or Japanese, see
``settings.LANGUAGES``); the *number format* follows the official more closely: their
explicit choice (the "Numbers" setting beside a form, kept in a cookie), else the
language they chose with the switcher, else the first language of the browser's
Accept-Language that Django has a format for (German included, though the pages are
not in German), else ``LANGUAGE_CODE``. The decimal mark and the thousands separator are Django's own,
from its locale format files (``DECIMAL_SEPARATOR``, ``THOUSAND_SEPARATOR``), so
"de" is 1.234,5, "fr" 1 234,5 and "en" 1,234.5. The API is untouched: it takes and
gives dot-decimal JSON.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import formats, translation
from django.utils.translation.trans_real import parse_accept_lang_header

from instruments.calculators.numbers import ENGLISH, NumberFormat

COOKIE = "number_format"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60

CHOICES = ("en", "de", "fr")
"""The formats offered as an explicit choice: point decimal (1,234.5), comma decimal
with a point (1.234,5) and with a space (1 234,5) between thousands."""


@functools.lru_cache(maxsize=128)
def number_format_of(language: str) -> NumberFormat:
    """The number format of a language code (``de``, ``fr-ch``, ``en-gb``), from
    Django's locale files; English for a code Django has no format for."""
    code = language.lower()
    if not translation.check_for_language(code):
        return ENGLISH
    decimal = str(formats.get_format("DECIMAL_SEPARATOR", lang=code))
    thousands = str(formats.get_format("THOUSAND_SEPARATOR", lang=code))
    if decimal == thousands or not decimal:
        return ENGLISH
    try:
        name = str(translation.get_language_info(code)["name"])
    except KeyError:
        name = code
    return NumberFormat(decimal=decimal, thousands=thousands, name=name, code=code)


def chosen_number_format(request: HttpRequest) -> str:
    """The format the official chose explicitly ("" for "from my browser")."""
    choice = request.COOKIES.get(COOKIE, "")
    return choice if choice in CHOICES else ""


def get_number_format(request: HttpRequest) -> NumberFormat:
    """The number format of this request (see the module docstring)."""
    choice = chosen_number_format(request)
    if choice:
        return number_format_of(choice)
    chosen_language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen_language and translation.check_for_language(chosen_language):
        return number_format_of(chosen_language)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _ in parse_accept_lang_header(header[:500]):
        if code != "*" and translation.check_for_language(code):
            return number_format_of(code)
    return number_format_of(settings.LANGUAGE_CODE)


def number_format_choices() -> list[tuple[str, str]]:
    """The choices of the "Numbers" setting, each with its example."""
    return [("", "As my browser's language")] + [
        (code, f"{fmt.example} ({fmt.name})")
        for code in CHOICES
        for fmt in [number_format_of(code)]
    ]


def number_format_context(request: HttpRequest) -> dict[str, Any]:
    """What a page with number inputs shows about the format: the one in use, the
    explicit choice and the choices."""
    return {
        "number_format": get_number_format(request),
        "number_format_choice": chosen_number_format(request),
        "number_format_choices": number_format_choices(),
    }
