"""Input errors shaped like the input: ``InputError`` and the ``ErrorCollector`` that
gathers every problem of a request, so it is reported at once."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from instruments.calculators.translation import gettext

ErrorTree = dict[str, Any]
"""Field name -> list of messages, or a nested tree (dict), or a list of trees (groups)."""

NON_FIELD = "non_field_errors"


@dataclass(frozen=True)
class Message:
    """An error message kept for later, such as a cached parse's answer: its English
    text (marked with ``gettext_noop``) and its values, translated when it is shown,
    in the language of the request that meets it (a cache never keeps the words of
    the first reader's language)."""

    text: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, text: str, **values: Any) -> Message:
        return cls(text, tuple(values.items()))

    def __str__(self) -> str:
        return gettext(self.text).format(**dict(self.values))


class InputError(ValueError):
    """Input that is well-formed JSON but wrong for the instrument.

    ``errors`` mirrors the input's shape, so the API returns it as its 400 body and a
    form shows each message beside its field. A plain message goes under
    ``non_field_errors``.
    """

    def __init__(self, errors: ErrorTree | str) -> None:
        self.errors: ErrorTree = (
            {NON_FIELD: [errors]} if isinstance(errors, str) else errors
        )
        super().__init__(flatten_messages(self.errors))

    @classmethod
    def at(cls, path: Sequence[str | int], message: str) -> InputError:
        """One error at a field path such as ``("flows", 1, "import_price")``."""
        collector = ErrorCollector()
        collector.add(path, message)
        return cls(collector.errors)


class ErrorCollector:
    """Collects messages at field paths, so a request reports every problem at once."""

    def __init__(self) -> None:
        self.errors: ErrorTree = {}

    def add(self, path: Sequence[str | int], message: str) -> None:
        """Add ``message`` at ``path``; integer steps index into a list of groups."""
        path = tuple(path) or (NON_FIELD,)
        if isinstance(path[-1], int):
            raise ValueError("An error path must end with a field name.")
        node: Any = self.errors
        for step, next_step in itertools.pairwise(path):
            if isinstance(step, int):
                while len(node) <= step:
                    node.append({})
                node = node[step]
            else:
                node = node.setdefault(step, [] if isinstance(next_step, int) else {})
        node.setdefault(path[-1], []).append(message)

    def merge(self, other: InputError, prefix: Sequence[str | int] = ()) -> None:
        """Add every message of ``other`` under ``prefix``."""
        for path, message in iter_errors(other.errors):
            self.add((*prefix, *path), message)

    def has(self, path: Sequence[str | int]) -> bool:
        """Whether a message is already recorded at ``path`` (or below it)."""
        node: Any = self.errors
        for step in path:
            if isinstance(step, int):
                if not isinstance(node, list) or len(node) <= step:
                    return False
            elif not isinstance(node, dict) or step not in node:
                return False
            node = node[step]
        return bool(node)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputError(self.errors)


def iter_errors(tree: Any, prefix: tuple[str | int, ...] = ()) -> Any:
    """Yield ``(path, message)`` for every message in an error tree."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from iter_errors(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            if isinstance(value, str):
                yield prefix, value
            else:
                yield from iter_errors(value, (*prefix, index))


def flatten_messages(tree: ErrorTree) -> str:
    parts = []
    for path, message in iter_errors(tree):
        where = ".".join(str(p) for p in path if p != NON_FIELD)
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)
