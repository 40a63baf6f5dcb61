"""File imports: all rows or none, every bad row reported with its row and column.

Rows are numbered as the spreadsheet numbers them, in every import (ours, the
publishers', the seeds): the header is row 1, the first data row row 2, and 0 is the
file as a whole. The admin import and the seed command both go through these
functions, so the rules and messages are the same.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from instruments.services.imports.resources import PriceObservationResource, sheet_row


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: ``row`` is the spreadsheet's row number (the
    header is row 1, the first data row row 2; 0 = the file as a whole); ``field`` is
    the column ("" when not one column)."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "File"
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, on a dry run, would do). With any error nothing is
    written."""

    total_rows: int
    new: int
    updated: int
    unchanged: int
    errors: tuple[RowError, ...]
    dry_run: bool
    checksum: str = ""
    """The stored values of the rows the file names, as this run read them: a
    preview's is given back at its confirm (``imports.confirm``)."""
    stale: bool = False
    """A confirm refused because the stored rows changed since its preview."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> int:
        return 0 if self.dry_run or self.errors else self.new + self.updated


class ImportRejected(Exception):
    """An import that wrote nothing because some rows were bad; ``report`` says which."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        lines = [str(error) for error in report.errors[:20]]
        more = len(report.errors) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more.")
        super().__init__("Nothing was imported:\n" + "\n".join(lines))


def import_price_observations(
    *,
    data: tablib.Dataset | Iterable[Mapping[str, Any]],
    series: str | None = None,
    dry_run: bool = False,
    user: Any = None,
    change_reason: str = "",
    raise_on_error: bool = False,
    preview_checksum: str | None = None,
) -> ImportReport:
    """Import price observations: all rows or none, every bad row reported.

    ``data`` is a tablib Dataset (what the admin reads from CSV/XLSX) or rows as
    mappings with ``series, period, price, estimated``. With ``series`` given, rows
    may leave out the series column. Goes through ``PriceObservationResource``, the
    resource the admin import uses, so the rules and messages are the same; history
    records who (``user``) and why (``change_reason``). A confirm given its
    preview's ``preview_checksum`` writes nothing if the rows changed since.
    """
    dataset = _as_dataset(data, series=series)
    resource = PriceObservationResource()
    checked = {} if preview_checksum is None else {"preview_checksum": preview_checksum}
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        user=user,
        change_reason=change_reason,
        **checked,
    )
    report = report_from_result(result=result, total_rows=len(dataset), dry_run=dry_run)
    report = dataclasses.replace(
        report,
        checksum=str(getattr(result, "preview_checksum", "") or ""),
        stale=bool(getattr(resource, "_stale", False)),
    )
    if raise_on_error and report.errors:
        raise ImportRejected(report)
    return report


def _as_dataset(
    data: tablib.Dataset | Iterable[Mapping[str, Any]], *, series: str | None
) -> tablib.Dataset:
    if isinstance(data, tablib.Dataset):
        dataset = tablib.Dataset(*data, headers=data.headers)
    else:
        rows = [dict(row) for row in data]
        headers = ["series", "period", "price", "estimated"]
        extra = sorted({k for row in rows for k in row} - set(headers))
        headers += extra
        dataset = tablib.Dataset(headers=headers)
        for row in rows:
            dataset.append([row.get(h) for h in headers])
    if series is not None:
        headers = [str(h).strip().lower() for h in dataset.headers or []]
        if "series" not in headers:
            dataset.insert_col(0, [series] * len(dataset), header="series")
        else:
            index = headers.index("series")
            column = [
                value if value not in (None, "") else series
                for value in dataset["series"]
            ]
            del dataset[dataset.headers[index]]
            dataset.insert_col(index, column, header="series")
    return dataset


def report_from_result(*, result: Any, total_rows: int, dry_run: bool) -> ImportReport:
    """A django-import-export result as our report: every error, base, row and
    validation alike, at its spreadsheet row (import-export counts data rows from 1)
    and column."""
    errors: list[RowError] = []
    for error in result.base_errors:
        errors.append(RowError(0, "", _error_text(error.error)))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(
                RowError(sheet_row(int(number)), "", _error_text(error.error))
            )
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            name = "" if field in ("__all__", NON_FIELD_ERRORS) else str(field)
            for message in messages:
                errors.append(
                    RowError(sheet_row(int(invalid.number)), name, str(message))
                )
    errors.sort(key=lambda e: (e.row, e.field))
    totals = result.totals
    return ImportReport(
        total_rows=total_rows,
        new=int(totals.get("new", 0)),
        updated=int(totals.get("update", 0)),
        unchanged=int(totals.get("skip", 0)),
        errors=tuple(errors),
        dry_run=dry_run,
    )


def _error_text(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(str(m) for m in error.messages)
    return str(error) or type(error).__name__
