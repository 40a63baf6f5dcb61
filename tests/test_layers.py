"""The layers are a contract in ``pyproject.toml`` ([tool.importlinter]), checked by
``lint-imports`` in ``make lint`` and CI. These tests keep what the contract cannot say:
every part of the app is placed in a layer, no import cycle (lazy imports included), and
no private name is imported from another module."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "instruments"
NOT_CODE = {"migrations", "static", "locale", "__pycache__"}


def contract_layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(
        c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"
    )
    return [
        {name.strip().removeprefix("instruments.") for name in layer.split("|")}
        for layer in contract["layers"]
    ]


def app_parts() -> set[str]:
    """The app's top-level modules and packages (``web``, ``tasks``)."""
    return {
        p.stem if p.is_file() else p.name
        for p in APP.iterdir()
        if p.name not in NOT_CODE
        and p.name != "__init__.py"
        and (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))
    }


def test_every_part_of_the_app_is_in_a_layer() -> None:
    placed = set().union(*contract_layers())
    assert sorted(app_parts() - placed) == []
    assert sorted(placed - app_parts()) == []


def test_few_loose_modules_at_the_top() -> None:
    loose = sorted(p.stem for p in APP.glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= 8, loose


def strongly_connected(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's components of more than one module: each is an import cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in graph.modules:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycle() -> None:
    """Imports inside functions count: a lazy import that dodges a cycle is a cycle."""
    graph = grimp.build_graph("instruments", exclude_type_checking_imports=True)
    assert strongly_connected(graph) == []


def private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("instruments")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]


@pytest.mark.parametrize(
    "path",
    sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts),
    ids=lambda p: str(p.relative_to(APP)),
)
def test_no_private_name_is_imported_from_another_module(path: Path) -> None:
    assert private_imports(path) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert strongly_connected(graph) == [["a.x", "a.y"]]
