"""What a calculator request may carry, checked before any work is done.

- Depth: a JSON body or a query key nested deeper than ``MAX_DEPTH`` is refused (a
  5,000-deep body would otherwise end in a RecursionError, a 500).
- Names: every key, at every level, must be a declared input, a request extra
  (``calculators/extras.py``) or, at the top, a reserved key of the query string
  (``format``, ``token``…, ignored in a body). A typo such as ``levy_cap_ad_valorm`` is a 400 naming it
  and the known fields, never a run with the default silently used.
- JSON types: a body's values have the types the OpenAPI schema gives them (a
  number, not the text ``"5"``; a list of flows, not one flow); the query string and
  the pages' forms carry text, which ``parse`` reads leniently.
- Query strings: a key given twice is a 400 (which one was meant?); an empty value
  (``levy_cap_ad_valorem=``, a blank spreadsheet cell) means "not given".

``calculators.base.parse`` ignores unknown keys on purpose (it is the pure layer and
the pages build their data from forms); the refusal lives here, at the API.
"""

from __future__ import annotations

import json
import math
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from instruments.api.querystring import RESERVED_KEYS
from instruments.calculators.base import (
    NON_FIELD,
    Calculator,
    ErrorCollector,
    FieldSpec,
    InputError,
    describe,
    iter_errors,
)
from instruments.calculators.extras import request_extras
from instruments.calculators.numbers import is_number

MAX_DEPTH = 10  # the deepest declared input is 3 levels (block, list, item)


def depth_of(data: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply ``data`` nests (stops counting past ``limit``); no recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(node, Mapping):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested more than ``MAX_DEPTH`` deep with a
    400 instead of failing with a RecursionError."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(too_deep_message()) from exc
        if depth_of(data) > MAX_DEPTH:
            raise ParseError(too_deep_message())
        where = unencodable_text_at(data)
        if where is not None:
            raise ParseError(unencodable_message(where))
        return data


def unencodable_text_at(data: Any) -> str | None:
    """The dotted path of the first key or text that is not valid Unicode (a lone
    surrogate such as ``"\\ud800"``, which JSON allows but UTF-8 cannot hold), or
    None; no recursion (call it on data no deeper than ``MAX_DEPTH``)."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, Mapping):
            for key, value in node.items():
                where = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and not _encodable(key):
                    return (path + "." if path else "") + "<a key>"
                stack.append((value, where))
        elif isinstance(node, list):
            stack.extend(
                (v, f"{path}.{i}" if path else str(i)) for i, v in enumerate(node)
            )
        elif isinstance(node, str) and not _encodable(node):
            return path or "the body"
    return None


def _encodable(text: str) -> bool:
    """UTF-8 can hold it, and it has no NUL (no database text column can)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unencodable_message(where: str) -> str:
    return gettext(
        "The text at {where} is not valid Unicode text (it holds a lone surrogate, such as \\ud800, or a NUL character); send UTF-8 text."
    ).format(where=where)


def too_deep_message() -> str:
    return gettext("The request is nested more than {MAX_DEPTH} levels deep.").format(
        MAX_DEPTH=MAX_DEPTH
    )


def loads_bounded(text: str) -> Any:
    """``json.loads`` that answers None for text nested too deeply (or not JSON)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if depth_of(data) > MAX_DEPTH or unencodable_text_at(data) is not None:
        return None
    return data


def _known(fields: Iterable[FieldSpec]) -> dict[str, FieldSpec]:
    return {fs.name: fs for fs in fields}


def top_level_fields(calculator: Calculator) -> dict[str, FieldSpec]:
    return _known((*describe(calculator.inputs), *request_extras(calculator)))


def _listing(names: Iterable[str]) -> str:
    return gettext("Unknown field. Known fields: {names}.").format(
        names=", ".join(sorted(names))
    )


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def json_type_problem(fs: FieldSpec, value: Any) -> str:
    """What is wrong with the JSON type of ``value`` for the input ``fs`` ("" if
    nothing): a body is typed as the schema says, so ``"5"`` is not a number, ``1``
    is not ``true`` and one object is not a list of them. Bounds, choices and every
    cross-field rule are ``calculators.base.parse``'s to check; null is left to it
    too (for an optional field it means the default)."""
    if value is None:
        return ""
    kind = fs.kind
    if kind == "number" and not is_number(value):
        return gettext("Expected a number.")
    if kind == "integer" and not (
        (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, float) and math.isfinite(value) and value.is_integer())
    ):
        return gettext("Expected a whole number.")
    if kind == "boolean" and not isinstance(value, bool):
        return gettext("Expected true or false.")
    if kind == "text" and not _is_text(value):
        return (
            gettext("Expected text.")
            if not isinstance(value, str)
            else gettext("Must not be empty.")
        )
    if kind == "choice" and not isinstance(value, str):
        return gettext("Expected text.")
    if kind in ("series", "numbers", "texts"):
        if kind == "series" and is_number(value):
            return ""
        if kind == "texts" and _is_text(value):
            return ""  # one text, or several comma-separated: "all", "2025,2026"
        if not isinstance(value, list):
            return (
                gettext("Expected a list.")
                if kind != "series"
                else gettext("Expected a number or a list.")
            )
        if not value:
            return gettext("The list is empty.")
        valid = _is_text if kind == "texts" else is_number
        for i, item in enumerate(value):
            if not valid(item):
                message = (
                    gettext("Value {i} ({item!r:.40}) is not text.")
                    if kind == "texts"
                    else gettext("Value {i} ({item!r:.40}) is not a number.")
                )
                return message.format(i=i + 1, item=item)
    if kind == "group" and not isinstance(value, Mapping):
        return gettext("Expected an object with named fields.")
    if kind == "groups":
        if not isinstance(value, list):
            return gettext("Expected a list of objects.")
        if fs.required and not value:
            return gettext("Give at least one.")
    return ""


def _check_node(
    fields: Mapping[str, FieldSpec],
    data: Mapping[str, Any],
    path: tuple[str | int, ...],
    errors: ErrorCollector,
    allowed_extra: frozenset[str] = frozenset(),
) -> None:
    for key, value in data.items():
        fs = fields.get(key)
        if fs is None:
            if key not in allowed_extra:
                errors.add((*path, key), _listing(fields))
            continue
        problem = json_type_problem(fs, value)
        if problem:
            errors.add((*path, key), problem)
        elif fs.kind == "group" and isinstance(value, Mapping):
            _check_node(_known(fs.children), value, (*path, key), errors)
        elif fs.kind == "groups" and isinstance(value, list):
            children = _known(fs.children)
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    _check_node(children, item, (*path, key, i), errors)
                else:
                    errors.add(
                        (*path, key, i, NON_FIELD),
                        gettext("Expected an object with named fields."),
                    )


def check_body(calculator: Calculator, data: Mapping[str, Any]) -> None:
    """Raise InputError naming every unknown key of a JSON body and every value of
    the wrong JSON type, at its path. The query string's own names (``format``…) are
    let through at the top, and ignored."""
    errors = ErrorCollector()
    _check_node(top_level_fields(calculator), data, (), errors, RESERVED_KEYS)
    errors.raise_if_any()


def without_problems(data: Mapping[str, Any], errors: InputError) -> dict[str, Any]:
    """A copy of a body without the values ``check_body`` refused, so the
    calculator's own checks can report the other fields too (every problem at once)."""
    copy: Any = json.loads(json.dumps(data))
    for path, _message in iter_errors(errors.errors):
        steps = [step for step in path if step != NON_FIELD]
        node = copy
        for step in steps[:-1]:
            node = node[step]
        last = steps[-1] if steps else None
        if isinstance(node, dict) and last in node:
            del node[last]
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            node[last] = {}
    return typing.cast(dict[str, Any], copy)


def clean_query_pairs(
    calculator: Calculator, pairs: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The query pairs with empty values dropped; InputError for a repeated key, a
    key nested too deeply or a name that is not an input."""
    top = top_level_fields(calculator)
    groups = [fs for fs in describe(calculator.inputs) if fs.kind == "groups"]
    flattened = _known(groups[0].children) if len(groups) == 1 else {}
    errors = ErrorCollector()
    seen: set[str] = set()
    kept: list[tuple[str, str]] = []
    for key, value in pairs:
        if key in seen:
            errors.add(
                (key,),
                gettext(
                    "Given more than once; give it once (several values are "
                    "comma-separated)."
                ),
            )
            continue
        seen.add(key)
        if key in RESERVED_KEYS:
            kept.append((key, value))
            continue
        steps = key.split(".")
        if len(steps) > MAX_DEPTH:
            errors.add((key[:80],), too_deep_message())
            continue
        problem = _query_path_problem(top, flattened, steps)
        if problem:
            errors.add((key,), problem)
            continue
        if value.strip() == "":
            continue  # a blank cell: the field is not given, its default applies
        if not _encodable(value):
            errors.add((key,), unencodable_message(key))
            continue
        kept.append((key, value))
    errors.raise_if_any()
    return kept


def _query_path_problem(
    top: Mapping[str, FieldSpec], flattened: Mapping[str, FieldSpec], steps: list[str]
) -> str:
    head, rest = steps[0], steps[1:]
    if head not in top:
        if head in flattened and not rest:
            return ""
        return _listing({*top, *flattened})
    fs = top[head]
    while rest:
        step = rest.pop(0)
        if fs.kind == "groups":
            if not step.isdigit():
                return gettext(
                    "Expected {name}.<number>.<field>, e.g. {name}.0.{step}."
                ).format(name=fs.name, step=step)
            if not rest:
                return gettext("Name a field of {name}.{step}.").format(
                    name=fs.name, step=step
                )
            step = rest.pop(0)
        elif fs.kind != "group":
            return gettext("{name} has no fields.").format(name=fs.name)
        children = _known(fs.children)
        if step not in children:
            return _listing(children)
        fs = children[step]
    return ""


__all__ = [
    "MAX_DEPTH",
    "InputError",
    "SafeJSONParser",
    "check_body",
    "clean_query_pairs",
    "depth_of",
    "loads_bounded",
]
