"""Export controls and declared stockpiles: their import and seeding (INSTRUMENTS.md
§11, supply security as data).

``import_register`` is the one way either register is written from a file (the seed,
scripts): it goes through the resource the admin's import uses
(``imports.registers``), so the rules and messages are the same, every bad row is
reported at its spreadsheet row and column, and one bad row writes nothing. The seed
files ``seeds/export_controls.csv`` and ``seeds/declared_stockpiles.csv`` are in that
same format (seeds/README.md says where each row comes from).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tablib

from instruments.models import DeclaredStockpile, ExportControl
from instruments.services.imports.registers import (
    DeclaredStockpileResource,
    ExportControlResource,
    RegisterResource,
)
from instruments.services.imports.rows import (
    ImportRejected,
    ImportReport,
    report_from_result,
)
from instruments.services.seed_files import SEED_CHANGE_REASON, SeedError, read_csv

SEED_FILES: tuple[tuple[str, str, type[RegisterResource]], ...] = (
    ("export controls", "export_controls.csv", ExportControlResource),
    ("declared stockpiles", "declared_stockpiles.csv", DeclaredStockpileResource),
)


def import_register(
    resource_class: type[RegisterResource],
    *,
    data: tablib.Dataset | Iterable[Mapping[str, Any]],
    dry_run: bool = False,
    user: Any = None,
    change_reason: str = "",
    raise_on_error: bool = False,
) -> ImportReport:
    """Import rows of a register (``ExportControlResource`` or
    ``DeclaredStockpileResource``): all rows or none, every bad row reported."""
    if isinstance(data, tablib.Dataset):
        dataset = data
    else:
        rows = [dict(row) for row in data]
        headers = list(resource_class.columns)
        headers += sorted({k for row in rows for k in row} - set(headers))
        dataset = tablib.Dataset(headers=headers)
        for row in rows:
            dataset.append([row.get(h, "") for h in headers])
    result = resource_class().import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        user=user,
        change_reason=change_reason,
    )
    report = report_from_result(result=result, total_rows=len(dataset), dry_run=dry_run)
    if raise_on_error and report.errors:
        raise ImportRejected(report)
    return report


def seed_security_data(*, root: Path, user: Any) -> dict[str, tuple[int, int]]:
    """Seed both registers from ``root``; ``{table: (created, updated)}``. Called by
    ``seed_database`` in its transaction, after partners and commodities."""
    changed: dict[str, tuple[int, int]] = {}
    for name, filename, resource_class in SEED_FILES:
        path = root / filename
        if not path.exists():
            continue
        rows = [row for _, row in read_csv(path)]
        try:
            report = import_register(
                resource_class,
                data=rows,
                user=user,
                change_reason=SEED_CHANGE_REASON,
                raise_on_error=True,
            )
        except ImportRejected as exc:
            raise SeedError(f"{filename}: {exc}") from None
        changed[name] = (report.new, report.updated)
    return changed


def security_data_counts() -> dict[str, int]:
    """Rows now stored, for the seed report."""
    return {
        "export controls": ExportControl.objects.count(),
        "declared stockpiles": DeclaredStockpile.objects.count(),
    }


__all__ = ["import_register", "security_data_counts", "seed_security_data"]
