"""The words of results in the reader's language, without Django in the pure layers.

Calculators and presentation mark what a reader sees: ``gettext_noop`` for a text
declared once at import (an input's label, a chart's title), looked up when it is
shown; ``gettext`` for a sentence made now (its placeholders filled after the lookup,
so the catalogue holds the sentence with its ``{names}``). Both names are keywords
of Django's ``makemessages``, so the catalogues find them.

Outside Django the words stay English. The app installs Django's own lookups at start
(``instruments.apps``), which follow the language of the request being answered.
"""

from __future__ import annotations

from collections.abc import Callable

Lookup = Callable[[str], str]


def _english(message: str) -> str:
    return message


def _no_language() -> str:
    return "en"


_lookup: Lookup = _english
_language: Callable[[], str] = _no_language


def install(lookup: Lookup, language: Callable[[], str]) -> None:
    """Use ``lookup`` for every later ``gettext`` and ``language`` for ``active_language``."""
    global _lookup, _language
    _lookup = lookup
    _language = language


def gettext(message: str) -> str:
    """``message`` in the reader's language (English when there is no catalogue)."""
    return _lookup(message)


def gettext_noop(message: str) -> str:
    """``message`` unchanged: marks a text for the catalogues, translated when shown."""
    return message


def active_language() -> str:
    """The reader's language code (``en-gb``, ``fr``, ``ja``)."""
    return _language() or "en"
