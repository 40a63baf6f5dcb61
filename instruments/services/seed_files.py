"""Reading seed files and writing their rows: shared by every seeding module."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from instruments.services.imports.resources import sheet_row

SEED_CHANGE_REASON = "Seed data (manage.py seed)"


class SeedError(Exception):
    """A seed file is wrong; the message names the file, row and reason."""


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a seed CSV with their spreadsheet row numbers (the header is row 1, so
    the first data row is row 2)."""
    if not path.exists():
        raise SeedError(f"{path}: file not found.")
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            (number, {k: (v or "").strip() for k, v in row.items()})
            for number, row in enumerate(csv.DictReader(handle), start=sheet_row(1))
        ]


def seed_rows(path: Path) -> list[tuple[str, dict[str, str]]]:
    """Rows of a seed CSV, each with where it is for messages (``file.csv row 7``)."""
    return [(f"{path.name} row {n}", row) for n, row in read_csv(path)]


def sync_rows(
    model: type[models.Model],
    key: Callable[[Any], Any],
    records: list[tuple[str, dict[str, Any]]],
    *,
    user: Any,
    queryset: Any = None,
    create_only: tuple[str, ...] = (),
) -> tuple[int, int]:
    """Make rows match ``records`` (``(where, field values)``), matched by ``key``.

    Checks each record's field values (``clean_fields``) and reports the file row on
    error; writes in bulk with history only what is new or changed. Fields in
    ``create_only`` are set on creation and never overwritten.
    """
    existing = {
        key(obj): obj
        for obj in (queryset if queryset is not None else model._default_manager.all())
    }
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    for where, values in records:
        obj = existing.get(key(SimpleNamespace(**values)))
        if obj is None:
            obj = model(**values)
            _check_fields(obj, where)
            to_create.append(obj)
            existing[key(obj)] = obj
            continue
        changed = [
            name
            for name, value in values.items()
            if name not in create_only and getattr(obj, name) != value
        ]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            _check_fields(obj, where)
            changed_fields.update(changed)
            to_update.append(obj)
    if to_create:
        bulk_create_with_history(
            to_create,
            model,
            batch_size=500,
            default_user=user,
            default_change_reason=SEED_CHANGE_REASON,
        )
    if to_update:
        if any(f.name == "updated" for f in model._meta.get_fields()):
            now = timezone.now()
            for obj in to_update:
                obj.updated = now  # type: ignore[attr-defined]
            changed_fields.add("updated")
        bulk_update_with_history(
            to_update,
            model,
            sorted(changed_fields),
            batch_size=500,
            default_user=user,
            default_change_reason=SEED_CHANGE_REASON,
        )
    return len(to_create), len(to_update)


def _check_fields(obj: models.Model, where: str) -> None:
    relations = [f.name for f in obj._meta.get_fields() if f.is_relation]
    try:
        obj.clean_fields(exclude=relations)
    except ValidationError as exc:
        details = "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in exc.message_dict.items()
        )
        raise SeedError(f"{where}: {details}") from None
