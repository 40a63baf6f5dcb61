"""Finding English left on a page shown in French or Japanese.

A page's visible text (text nodes and the attributes a reader meets: ``aria-label``,
``title``, ``alt``, ``placeholder``, a chart's ``data-title``) is split into runs of
Latin words; a run of three or more consecutive English words is an English phrase
left untranslated. English words are those of the catalogue's own English strings
(the msgids) and common English function words, less, for French, the words French
translations use too ("source", "code", "instrument"). Code (``<code>``, ``<pre>``),
scripts and what stored data names (commodities, series, citations, titles, countries,
notes, in whatever language the source wrote them) are not the page's words and are
taken out first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’ -]*[A-Za-z]")
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "how",
        "why",
        "not",
        "no",
        "yet",
        "than",
        "then",
        "so",
        "if",
        "into",
        "over",
        "under",
        "per",
        "each",
        "every",
        "all",
        "any",
        "some",
        "more",
        "most",
        "less",
        "least",
        "can",
        "could",
        "may",
        "might",
        "must",
        "should",
        "would",
        "will",
        "shall",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "their",
        "they",
        "them",
        "his",
        "her",
        "our",
        "your",
        "you",
        "we",
        "us",
        "one",
        "two",
        "three",
        "first",
        "last",
        "only",
        "also",
        "both",
        "either",
        "own",
        "same",
        "other",
        "another",
        "such",
        "out",
        "up",
        "down",
        "about",
        "after",
        "before",
        "below",
        "above",
        "between",
        "within",
        "without",
        "once",
        "again",
    ]
)
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "data-title")
SKIPPED_TAGS = frozenset({"script", "style", "code", "pre", "template", "noscript"})
VOID_TAGS = frozenset(
    {
        "area",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }
)


class _Visible(HTMLParser):
    """The text a reader sees (hidden parts too: scripts show them), without the
    elements ``skip`` names (by tag, id or class)."""

    def __init__(self, skip: Iterable[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = set(skip)
        self.stack: list[bool] = []  # per open element: is it skipped?
        self.parts: list[str] = []

    def _skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        skipped = (
            tag in SKIPPED_TAGS
            or tag in self.skip
            or values.get("id") in self.skip
            or bool(classes & self.skip)
        )
        if not self._skipping() and not skipped:
            self.parts += [values[a] or "" for a in READ_ATTRIBUTES if a in values]
        if tag not in VOID_TAGS:
            self.stack.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_TAGS and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)


def visible_text(html: str, skip: Iterable[str] = ()) -> list[str]:
    """The pieces of text a reader meets on ``html``."""
    parser = _Visible(skip)
    parser.feed(html)
    return [p.strip() for p in parser.parts if p.strip()]


@cache
def english_words(language: str) -> frozenset[str]:
    """Words of the catalogue's English strings, less those ``language`` uses too."""
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    english: set[str] = set()
    translated: set[str] = set()
    for entry in po:
        if entry.obsolete:
            continue
        english.update(w.lower() for w in WORD.findall(_words_of(entry.msgid)))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            translated.update(w.lower() for w in WORD.findall(_words_of(text)))
    return frozenset({w for w in english - translated if len(w) > 1} | FUNCTION_WORDS)


def _words_of(text: str) -> str:
    """A catalogue string without its code, tags and placeholders."""
    return re.sub(
        r"<code>.*?</code>|<[^>]+>|%\([a-z_]+\)s|\{[a-z_]*\}|[a-z_]+=\S*|\S*[._/]\S+",
        " ",
        text,
        flags=re.S,
    )


def english_phrases(
    pieces: Iterable[str], language: str, data: Iterable[str] = (), *, run: int = 3
) -> list[str]:
    """Runs of ``run`` or more consecutive English words in ``pieces``, once the
    strings of stored ``data`` are taken out."""
    known = english_words(language)
    names = sorted({d for d in data if d and len(d) > 2}, key=len, reverse=True)
    found = []
    for piece in pieces:
        for name in names:
            if name in piece:
                piece = piece.replace(name, " | ")
        for latin in LATIN_RUN.findall(piece):
            words = WORD.findall(latin)
            streak: list[str] = []
            for word in [*words, ""]:
                if word and word.lower().strip("'’") in known:
                    streak.append(word)
                    continue
                if len(streak) >= run:
                    found.append(" ".join(streak))
                streak = []
    return found
