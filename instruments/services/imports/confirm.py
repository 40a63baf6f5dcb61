"""A confirmed import is the import its preview showed (issue #24).

A preview (a dry run) reports a checksum of the stored values of every row the file
names (absent rows included): ``ImportReport.checksum``. Its confirm, given that
checksum, takes the table's import lock (``lock_imports``: on PostgreSQL a
transaction-level advisory lock, so two confirms of the same table run one after the
other; SQLite writes one transaction at a time anyway), reads the rows again and
writes nothing if they changed: another steward's import or an edit came in between,
so the preview's new/updated counts no longer say what the confirm would do. The
loser is told so (``STALE_MESSAGE``), never a 500 from a key the winner has just
inserted, and the history records only what was stored.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from instruments.services.imports.resources import StalePreview
from instruments.services.imports.rows import ImportRejected, ImportReport, RowError

STALE_MESSAGE = str(StalePreview())

Plan = tuple[list[Any], list[Any], str]
"""What a confirm would write: (rows to create, rows to update, the checksum of the
stored rows it read)."""


def rows_checksum(stored: Iterable[tuple[Any, Any]]) -> str:
    """A hash of (key, stored values or None) pairs, in any order."""
    digest = hashlib.sha256()
    for line in sorted(repr(pair) for pair in stored):
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def lock_imports(model: type[Model]) -> None:
    """Inside a transaction: wait for, then hold until it ends, the import lock of
    ``model``'s table (PostgreSQL; a no-op elsewhere)."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(f"instruments.import.{model._meta.db_table}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def stale_report(*, total_rows: int, dry_run: bool = False) -> ImportReport:
    return ImportReport(
        total_rows, 0, 0, 0, (RowError(0, "", STALE_MESSAGE),), dry_run, stale=True
    )


def plan_and_save(
    *,
    model: type[Model],
    plan: Callable[[], Plan],
    report: Callable[[Plan], ImportReport],
    save: Callable[[ImportReport, Plan], ImportReport],
    dry_run: bool,
    has_errors: bool,
    preview_checksum: str | None,
    raise_on_error: bool,
) -> ImportReport:
    """Plan an import (read the stored rows) and save it: a preview or a file with
    errors plans without a lock; a confirm locks the table, plans again and, when
    ``preview_checksum`` no longer matches, writes nothing and reports it stale."""
    if dry_run or has_errors:
        planned = plan()
        return save(report(planned), planned)
    with transaction.atomic():
        lock_imports(model)
        planned = plan()
        done = report(planned)
        if preview_checksum is not None and planned[2] != preview_checksum:
            stale = stale_report(total_rows=done.total_rows)
            if raise_on_error:
                raise ImportRejected(stale)
            return stale
        return save(done, planned)
