"""The README's "Where things live" matches the tree: every name it lists exists, and
every module of the app and the project is listed where it lives."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^\.?[\w\-]+(\.[\w\-]+)*(/[\w.\-]+)*/?$")


def _is_name(token: str) -> bool:
    return bool(NAME.match(token)) and (
        "." in token or token.endswith("/") or token == "Makefile"
    )


def listed_paths() -> set[str]:
    """The paths the block names, read by indentation: a line's leading names (up to
    two spaces before its description) sit in the folder opened above it at a
    smaller indent."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Where things live", 1)[1].split("```", 2)[1]
    paths: set[str] = set()
    folders: list[tuple[int, str]] = [(-1, "")]
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        names: list[str] = []
        for segment in re.split(r" {2,}", line.strip()):
            tokens = segment.split(" ")
            if not all(_is_name(t) for t in tokens):
                break
            names += tokens
        if not names:
            continue  # a description carried over to the next line
        while folders[-1][0] >= indent:
            folders.pop()
        parent = folders[-1][1]
        for name in names:
            paths.add(parent + name)
            if name.endswith("/"):
                folders.append((indent, parent + name))
    return paths


def test_every_name_in_the_block_exists() -> None:
    missing = sorted(p for p in listed_paths() if not (ROOT / p).exists())
    assert missing == []


def test_every_module_of_the_app_and_project_is_listed() -> None:
    listed = listed_paths()
    modules = {
        str(p.relative_to(ROOT))
        for top in ("instruments", "webapp")
        for p in (ROOT / top).rglob("*.py")
        if "migrations" not in p.parts and p.name != "__init__.py"
    }
    assert sorted(modules - listed) == []


def test_the_reader_sees_the_folders() -> None:
    listed = listed_paths()
    for folder in ("instruments/calculators/", "instruments/services/", "tests/"):
        assert folder in listed
