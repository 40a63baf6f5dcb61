"""Bounds on the admin's file imports, checked before a file is parsed.

A 61 KB xlsx can hold a zip bomb that expands to 670 MB, and a 100k-row CSV outlasts
the worker timeout, so an upload is refused with a clear message when it is larger
than ``IMPORT_MAX_UPLOAD_BYTES``, when an xlsx would expand past
``IMPORT_MAX_UNCOMPRESSED_BYTES``, or when it has more than ``IMPORT_MAX_ROWS`` rows
(a CSV's rows counted as its readers split them, a lone carriage return included).
A workbook is read by its real cells (``bounded_sheet_rows``): a 20 KB sheet that
declares ``A1:XFD20000`` would otherwise be padded to 16,384 cells a row, so a sheet
declaring or holding more than ``MAX_COLUMNS`` columns is refused, and its rows are
counted as they are read.
Both kinds of import hold to them: the project's own format (``LimitedCSV``,
``LimitedXLSX``) and the publishers' files (``check_uploaded_file``, and
``bounded_sheet_rows`` on a workbook's sheet once it is open).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import tablib
from django.conf import settings
from django.utils.translation import gettext
from import_export.formats.base_formats import CSV, XLSX


class ImportTooLarge(ValueError):
    """An upload over one of the import limits; the message says which."""


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


def check_upload_size(data: bytes | str) -> None:
    check_size(len(data.encode() if isinstance(data, str) else data))


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise ImportTooLarge(
            gettext(
                "The file is {size}; imports take at most {limit}. Split it into several files."
            ).format(size=_mb(size), limit=_mb(limit))
        )


def check_rows(n_rows: int) -> None:
    limit = settings.IMPORT_MAX_ROWS
    if n_rows > limit:
        raise ImportTooLarge(
            gettext(
                "The file has {n_rows:,} rows; imports take at most {limit:,} rows. Split it into several files."
            ).format(n_rows=n_rows, limit=limit)
        )


def check_xlsx_expansion(data: bytes) -> None:
    """Refuse an xlsx whose parts would expand past the limit (a zip bomb)."""
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportTooLarge(gettext("The file is not a valid xlsx workbook.")) from exc
    if expanded > limit:
        raise ImportTooLarge(
            gettext(
                "The workbook expands to {size}; imports take at most {limit} uncompressed."
            ).format(size=_mb(expanded), limit=_mb(limit))
        )


MAX_COLUMNS = 200
"""The most columns a workbook's sheet may declare or hold."""


_LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
"""What ``str.splitlines`` splits on (the publishers' readers); a superset of what
the csv module ends a row on (``\\n``, ``\\r\\n``, a lone ``\\r``)."""


def count_data_rows(data: bytes | str) -> int:
    """The rows of a CSV below its header line, split as the readers split them
    (``\\n``, ``\\r\\n``, a lone ``\\r``, and the other breaks of
    ``str.splitlines``; a last line without an ending counts too)."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    breaks = 0
    end = 0
    for match in _LINE_BREAK.finditer(text):
        breaks += 1
        end = match.end()
    lines = breaks + (1 if text and end != len(text) else 0)
    return max(0, lines - 1)


def _too_wide(columns: int) -> ImportTooLarge:
    return ImportTooLarge(
        gettext(
            "The sheet has {columns:,} columns; imports take at most {limit} columns. Delete the empty columns or save only the data."
        ).format(columns=columns, limit=MAX_COLUMNS)
    )


def bounded_sheet_rows(
    worksheet: Any, *, header_rows: int = 0
) -> list[tuple[Any, ...]]:
    """The values of a read-only openpyxl ``worksheet``, read by its real cells:
    refused (``ImportTooLarge``) when its declared dimension or a real row is wider
    than ``MAX_COLUMNS``, or when it has more than ``IMPORT_MAX_ROWS`` rows below
    its ``header_rows`` (those past the limit are counted, not kept). Rows are
    padded with ``None`` to the widest real row, so memory is bounded by the cells,
    never by what the sheet declares."""
    declared = worksheet.max_column or 0
    if declared > MAX_COLUMNS:
        raise _too_wide(declared)
    worksheet.reset_dimensions()  # read the cells, not the declared dimension
    limit = settings.IMPORT_MAX_ROWS + header_rows
    rows: list[tuple[Any, ...]] = []
    width = 0
    seen = 0
    for row in worksheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True):
        if len(row) > MAX_COLUMNS and row[MAX_COLUMNS] is not None:
            raise _too_wide(MAX_COLUMNS + 1)
        row = row[:MAX_COLUMNS]
        while row and row[-1] is None:
            row = row[:-1]
        seen += 1
        if seen > limit:
            continue  # over the limit: counted for the message, no longer kept
        rows.append(row)
        width = max(width, len(row))
    check_rows(seen - header_rows)
    return [row + (None,) * (width - len(row)) for row in rows]


def check_uploaded_file(upload: Any, *, workbook: bool) -> None:
    """An uploaded file (a Django ``UploadedFile``) against the limits before it is
    parsed: its size, then an xlsx's expansion or a CSV's rows. Used by the
    publishers' files, whose readers are not import-export formats."""
    check_size(upload.size)
    data = b"".join(upload.chunks())
    upload.seek(0)
    if workbook:
        check_xlsx_expansion(data)
    else:
        check_rows(count_data_rows(data))


class LimitedCSV(CSV):
    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        check_upload_size(in_stream)
        check_rows(count_data_rows(in_stream))
        return super().create_dataset(in_stream, **kwargs)


class LimitedXLSX(XLSX):
    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        """The first sheet as a Dataset (as import-export reads it), its header the
        first row and every row cut or padded to the header's width, read through
        ``bounded_sheet_rows``."""
        import openpyxl

        check_upload_size(in_stream)
        check_xlsx_expansion(in_stream)
        workbook = openpyxl.load_workbook(
            io.BytesIO(in_stream), read_only=True, data_only=True
        )
        try:
            rows = bounded_sheet_rows(workbook.active, header_rows=1)
        finally:
            workbook.close()
        dataset = tablib.Dataset()
        if not rows:
            return dataset
        header = rows[0]
        while header and header[-1] is None:
            header = header[:-1]
        width = len(header)
        dataset.headers = list(header)
        skip_blank = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        for row in rows[1:]:
            values = list(row[:width]) + [None] * (width - len(row))
            if skip_blank and all(value is None for value in values):
                continue
            dataset.append(values)
        return dataset


class ImportLimitsMixin:
    """For ``ImportExportModelAdmin``: show an ImportTooLarge message as it is."""

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        if isinstance(e, ImportTooLarge):
            form.add_error("import_file", str(e))
            return
        super().add_data_read_fail_error_to_form(form, e)  # type: ignore[misc]
