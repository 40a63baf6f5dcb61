"""The structure reads top-down: urls → views/api → services → selectors/models and
calculators, and no module imports one of a higher layer (not even lazily, inside a
function). Every module of the app must be placed in a layer, so a new one is too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "instruments"

# Lowest first. A module may import its own layer and the ones below it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("calculators (pure)", ("calculators",)),
    (
        "pure helpers",
        (
            "fx",
            "trade_matrix",
            "jsonify",
            "citations",
            "charts",
            "presenters",
            "briefing",
        ),
    ),
    (
        "data: models and selectors",
        ("models", "selectors", "resources", "import_limits", "stewards"),
    ),
    ("services", ("services",)),
    (
        "HTTP: views, api, admin",
        (
            "views",
            "briefing_views",
            "forms",
            "batch_forms",
            "querystring",
            "number_formats",
            "page_cache",
            "middleware",
            "templatetags",
            "api",
            "admin",
            "admin_imports",
            "admin_publishers",
        ),
    ),
    ("entry points", ("urls", "tasks", "apps", "management")),
)
RANK = {top: rank for rank, (_, tops) in enumerate(LAYERS) for top in tops}
PURE = {top for _, tops in LAYERS[:2] for top in tops}  # no Django below the data


def app_modules() -> list[Path]:
    return sorted(
        p
        for p in APP.rglob("*.py")
        if "migrations" not in p.parts and p != APP / "__init__.py"
    )


def top_of(path: Path) -> str:
    """The first component under instruments/ (``services``, ``views``)."""
    return path.relative_to(APP).with_suffix("").parts[0]


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of imports under ``if TYPE_CHECKING:`` (no code is loaded for them)."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids |= {id(child) for child in ast.walk(node)}
    return ids


def imported_modules(source: str, package: tuple[str, ...]) -> set[str]:
    """Every module ``source`` (a module of ``package``) imports, at any depth (in
    function bodies too), ``from a import b`` read as both ``a`` and ``a.b``, relative
    imports resolved."""
    tree = ast.parse(source)
    skip = _type_checking_only(tree)
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package[: len(package) - (node.level - 1)]
                base = ".".join([*up, *([node.module] if node.module else [])])
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def modules_imported_by(path: Path) -> set[str]:
    package = ("instruments", *path.relative_to(APP).parent.parts)
    return imported_modules(path.read_text(encoding="utf-8"), package)


def app_top(name: str) -> str | None:
    """``instruments.services.jobs`` -> ``services``; None outside the app (or for
    the package itself)."""
    parts = name.split(".")
    if parts[0] != "instruments" or len(parts) < 2:
        return None
    return parts[1]


def upward(names: set[str], top: str) -> list[str]:
    """The names that belong to a layer above ``top``'s."""
    return sorted(n for n in names if (t := app_top(n)) in RANK and RANK[t] > RANK[top])


def test_every_module_of_the_app_is_in_a_layer() -> None:
    unplaced = sorted({top_of(p) for p in app_modules()} - set(RANK))
    assert unplaced == [], "place these in LAYERS"


@pytest.mark.parametrize("path", app_modules(), ids=lambda p: str(p.relative_to(APP)))
def test_no_module_imports_a_higher_layer(path: Path) -> None:
    assert upward(modules_imported_by(path), top_of(path)) == []


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    from instruments.tasks import run_job_task\n",
        "from instruments import views\n",
        "from .. import urls\n",
        "import instruments.api.views\n",
    ],
)
def test_the_check_catches_every_form_of_an_upward_import(source: str) -> None:
    """Lazy, package-level and relative imports from a service are all caught."""
    names = imported_modules(source, ("instruments", "services"))
    assert upward(names, "services")


def test_the_check_allows_imports_downward_and_for_type_checking_only() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "import instruments.calculators.units\n"
        "from instruments.calculators.base import Result\n"
        "if TYPE_CHECKING:\n    from instruments.selectors import PriceHistory\n"
    )
    assert upward(imported_modules(source, ("instruments", "charts")), "charts") == []


def test_pure_layers_never_import_django() -> None:
    for path in app_modules():
        if top_of(path) in PURE:
            django = {
                n for n in modules_imported_by(path) if n.split(".")[0] == "django"
            }
            assert not django, f"{path.relative_to(APP)} imports {sorted(django)}"


def test_calculators_import_nothing_else_of_the_app() -> None:
    for path in app_modules():
        if top_of(path) == "calculators":
            others = {
                n
                for n in modules_imported_by(path)
                if app_top(n) is not None and app_top(n) != "calculators"
            }
            assert not others, f"{path.relative_to(APP)} imports {sorted(others)}"
