"""Bounds on the admin's file imports, checked before a file is parsed.

A 61 KB xlsx can hold a zip bomb that expands to 670 MB, and a 100k-row CSV outlasts
the worker timeout, so an upload is refused with a clear message when it is larger
than ``IMPORT_MAX_UPLOAD_BYTES``, when an xlsx would expand past
``IMPORT_MAX_UNCOMPRESSED_BYTES``, or when it has more than ``IMPORT_MAX_ROWS`` rows.
Both kinds of import hold to them: the project's own format (``LimitedCSV``,
``LimitedXLSX``) and the publishers' files (``check_uploaded_file``, and
``check_rows`` on a workbook's sheet once it is open).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.conf import settings
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
            f"The file is {_mb(size)}; imports take at most {_mb(limit)}. "
            "Split it into several files."
        )


def check_rows(n_rows: int) -> None:
    limit = settings.IMPORT_MAX_ROWS
    if n_rows > limit:
        raise ImportTooLarge(
            f"The file has {n_rows:,} rows; imports take at most {limit:,} rows. "
            "Split it into several files."
        )


def check_xlsx_expansion(data: bytes) -> None:
    """Refuse an xlsx whose parts would expand past the limit (a zip bomb)."""
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportTooLarge("The file is not a valid xlsx workbook.") from exc
    if expanded > limit:
        raise ImportTooLarge(
            f"The workbook expands to {_mb(expanded)}; imports take at most "
            f"{_mb(limit)} uncompressed."
        )


def count_data_rows(data: bytes | str) -> int:
    """The rows of a CSV below its header line (a last line without a newline
    counts too)."""
    raw = data.encode() if isinstance(data, str) else data
    lines = raw.count(b"\n") + (1 if raw and not raw.endswith(b"\n") else 0)
    return max(0, lines - 1)


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
        check_upload_size(in_stream)
        check_xlsx_expansion(in_stream)
        dataset = super().create_dataset(in_stream, **kwargs)
        check_rows(len(dataset))
        return dataset


class ImportLimitsMixin:
    """For ``ImportExportModelAdmin``: show an ImportTooLarge message as it is."""

    def add_data_read_fail_error_to_form(self, form: Any, e: Exception) -> None:
        if isinstance(e, ImportTooLarge):
            form.add_error("import_file", str(e))
            return
        super().add_data_read_fail_error_to_form(form, e)  # type: ignore[misc]
