"""Every error message of the calculators goes through ``gettext``, and no cache keeps
one in the language of the first reader.

An AST scan of ``instruments/calculators``: the message of ``errors.add(path, msg)``,
``InputError(msg)``, ``InputError.at(path, msg)`` and of a raised ``ValueError``,
``EquilibriumError`` or ``PathError`` must not be a plain string or f-string (nor a
sum of them); it is ``gettext("… {name} …").format(name=…)`` or a value made so. A
function under ``functools.lru_cache`` must not call ``gettext`` (its answer is kept
for every later reader): it returns an ``errors.Message`` translated when raised.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CALCULATORS = ROOT / "instruments" / "calculators"
RAISED = {"ValueError", "EquilibriumError", "PathError"}
# Raised for a programmer's mistake, never shown to a reader.
DEVELOPER_ERRORS = {
    ("errors.py", "An error path must end with a field name."),
    ("base/results.py", "{self.slug}: column_outputs must match columns."),
    ("base/results.py", "{self.slug}: an output key is declared twice."),
}


def _is_literal(node: ast.expr) -> bool:
    """A message written in place: a string, an f-string, or a sum with one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_literal(node.left) or _is_literal(node.right)
    return False


def _message(call: ast.Call) -> ast.expr | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "add" and len(call.args) == 2:
        return call.args[1]
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "at"
        and isinstance(func.value, ast.Name)
        and func.value.id == "InputError"
        and len(call.args) == 2
    ):
        return call.args[1]
    if isinstance(func, ast.Name) and func.id == "InputError" and call.args:
        return call.args[0]
    return None


def _text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(v.value)
            if isinstance(v, ast.Constant)
            else "{" + ast.unparse(v.value) + "}"
            if isinstance(v, ast.FormattedValue)
            else ast.unparse(v)
            for v in node.values
        )
    return ast.unparse(node)


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(CALCULATORS).as_posix(), ast.parse(path.read_text()))
        for path in sorted(CALCULATORS.rglob("*.py"))
    ]


def _untranslated(name: str, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        message = None
        if isinstance(node, ast.Call):
            message = _message(node)
        if (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and isinstance(node.exc.func, ast.Name)
            and node.exc.func.id in RAISED
            and node.exc.args
        ):
            message = node.exc.args[0]
        if (
            message is not None
            and _is_literal(message)
            and (name, _text(message)) not in DEVELOPER_ERRORS
        ):
            found.append(f"{name}:{message.lineno}: {_text(message)[:70]}")
    return found


def _cached_lookups(name: str, tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        cached = any("lru_cache" in ast.unparse(d) for d in node.decorator_list)
        if not cached:
            continue
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Name)
                and inner.func.id == "gettext"
            ):
                found.append(f"{name}:{inner.lineno} in {node.name}")
    return found


def test_every_calculator_error_message_is_wrapped_in_gettext() -> None:
    found = [line for name, tree in _modules() for line in _untranslated(name, tree)]
    assert found == [], "Error messages not passed through gettext:\n" + "\n".join(
        found
    )


def test_no_cached_function_translates() -> None:
    found = [line for name, tree in _modules() for line in _cached_lookups(name, tree)]
    assert found == [], "gettext inside an lru_cache'd function:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'errors.add(("x",), "Give at least one.")',
        'errors.add(("x",), f"{code!r} is not a market.")',
        'raise InputError.at(("x",), "Must be > 0.")',
        'raise InputError("The request is empty.")',
        'raise ValueError(f"{label!r} has no month.")',
        'errors.add(path, "Value 1: " + problem)',
    ],
)
def test_the_scan_finds_a_plain_message(source: str) -> None:
    assert _untranslated("example.py", ast.parse(source))


@pytest.mark.parametrize(
    "source",
    [
        'errors.add(("x",), gettext("Give at least one."))',
        'errors.add(("x",), gettext("{code!r} is not a market.").format(code=code))',
        "raise InputError.at(path, str(parsed))",
        "errors.add(path, problem)",
        "seen.add(code)",
    ],
)
def test_the_scan_passes_a_translated_message(source: str) -> None:
    assert not _untranslated("example.py", ast.parse(source))
