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
from typing import Any

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


Values = tuple[tuple[str, Any], ...]
"""A sentence's ``{names}`` and their values: text, or ``Sentences`` said in turn."""


class Sentences(str):
    """English sentences that can be said again in the reader's language: a result's
    warnings and notes. The text (what the API and downloads carry) is the English;
    ``parts`` keeps each sentence's msgid and the values of its ``{names}``, so a page
    translates it when it is shown (``translate``), in the language of the request
    that shows it, whichever language computed or cached the result."""

    parts: tuple[tuple[str, Values], ...]

    def __new__(cls, parts: tuple[tuple[str, Values], ...]) -> Sentences:
        made = super().__new__(
            cls, " ".join(_fill(message, values, str) for message, values in parts)
        )
        made.parts = parts
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Sentences, (self.parts,))

    def translated(self) -> str:
        return " ".join(
            _fill(gettext(message), values, translate) for message, values in self.parts
        )


def _fill(message: str, values: Values, say: Callable[[Any], Any]) -> str:
    if not values:
        return message
    return message.format(**{name: say(value) for name, value in values})


def translatable(message: str, **values: Any) -> Sentences:
    """One sentence made now, said in the reader's language when it is shown:
    ``translatable("Prices are missing in {count} periods.", count=3)``; a value may
    itself be ``translatable`` (a word said in turn). The catalogues find ``message``
    (a keyword of the project's ``makemessages``)."""
    return Sentences(
        (
            (
                message,
                tuple(
                    (k, v if isinstance(v, Sentences) else str(v))
                    for k, v in values.items()
                ),
            ),
        )
    )


def sentence_parts(text: Any) -> tuple[tuple[str, Values], ...]:
    """The parts of ``text``: its own when it is ``Sentences``, else the text as one
    sentence (translated when the catalogue has it)."""
    if isinstance(text, Sentences):
        return text.parts
    return ((str(text), ()),) if text else ()


def joined(*texts: Any) -> Sentences:
    """Sentences one after another, each still translatable."""
    return Sentences(tuple(p for text in texts for p in sentence_parts(text)))


def listed(words: list[Any]) -> Any:
    """ "drift, volatility and mean reversion", each word still translatable."""
    if len(words) <= 1:
        return words[0] if words else ""
    if len(words) == 2:
        return translatable("{first} and {last}", first=words[0], last=words[1])
    return translatable("{first}, {rest}", first=words[0], rest=listed(words[1:]))


def translate(text: Any) -> Any:
    """A result's words in the reader's language: ``Sentences`` sentence by sentence,
    a plain text through the catalogue (unchanged when it has none); not text as it
    is."""
    if isinstance(text, Sentences):
        return text.translated()
    if isinstance(text, str) and text.strip():
        return gettext(text)
    return text
