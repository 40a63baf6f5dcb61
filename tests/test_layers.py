"""The structure reads top-down: nothing below the views reaches up to HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "instruments"
HTTP_LAYER = (
    "instruments.views",
    "instruments.forms",
    "instruments.urls",
    "instruments.api",
    "instruments.admin",
    "instruments.querystring",
    "instruments.templatetags",
)
LOWER_LAYERS = [
    "services",
    "selectors.py",
    "models.py",
    "calculators",
    "presenters.py",
    "charts",
    "fx.py",
    "trade_matrix.py",
    "jsonify.py",
]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", LOWER_LAYERS)
def test_lower_layers_never_import_the_http_layer(layer: str) -> None:
    target = APP / layer
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    for path in files:
        upward = {
            name
            for name in imported_modules(path)
            if any(name == top or name.startswith(top + ".") for top in HTTP_LAYER)
        }
        assert not upward, f"{path.relative_to(APP)} imports {sorted(upward)}"


def test_pure_layers_never_import_django() -> None:
    for layer in ("calculators", "presenters.py", "charts", "fx.py", "trade_matrix.py"):
        target = APP / layer
        files = [target] if target.is_file() else sorted(target.rglob("*.py"))
        for path in files:
            django = {n for n in imported_modules(path) if n.split(".")[0] == "django"}
            assert not django, f"{path.relative_to(APP)} imports {sorted(django)}"
