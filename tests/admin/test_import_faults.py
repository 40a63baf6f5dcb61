"""The import path under faults (issue #24): inflating workbooks, CR-only CSVs and two
stewards confirming previews of the same rows."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from instruments.services.imports.limits import (
    ImportTooLarge,
    LimitedCSV,
    LimitedXLSX,
    check_uploaded_file,
    count_data_rows,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:instruments_priceobservation_import"
CONFIRM_URL = "admin:instruments_priceobservation_process_import"


# --- 1. a tiny xlsx that declares 16,384 columns -------------------------------------


def _inflating_workbook(rows: int, ref: str = "A1:XFD20000") -> bytes:
    """A small workbook whose sheet declares ``ref`` as its dimension."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["series", "period", "price"])
    for n in range(rows):
        sheet.append(["nickel-test-monthly", f"{2000 + n // 12}-{n % 12 + 1:02d}", 1])
    raw = io.BytesIO()
    workbook.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(
                    rb'<dimension ref="[^"]*"\s*/>',
                    f'<dimension ref="{ref}"/>'.encode(),
                    data,
                )
                assert n == 1
            target.writestr(info, data)
    return out.getvalue()


def test_an_xlsx_declaring_16384_columns_is_refused_without_reading_them():
    data = _inflating_workbook(rows=2000)
    assert len(data) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(ImportTooLarge, match="columns"):
            LimitedXLSX().create_dataset(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000  # 2,000 rows x 16,384 padded cells would be ~260 MB


def test_an_xlsx_is_read_by_its_real_cells_and_its_rows_are_counted():
    # A narrow declared dimension that lies about the rows: read as the cells are.
    data = _inflating_workbook(rows=3, ref="A1:C2")
    dataset = LimitedXLSX().create_dataset(data)
    assert dataset.headers == ["series", "period", "price"]
    assert len(dataset) == 3
    with (
        override_settings(IMPORT_MAX_ROWS=50),
        pytest.raises(ImportTooLarge, match="rows"),
    ):
        LimitedXLSX().create_dataset(_inflating_workbook(rows=60, ref="A1:C2"))


def test_a_pink_sheet_declaring_16384_columns_is_refused():
    from instruments.services.imports.publishers import read_pink_sheet

    workbook = openpyxl.Workbook()
    workbook.active.title = "Monthly Prices"
    workbook.active.append(["x"])
    raw = io.BytesIO()
    workbook.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"\s*/>',
                    b'<dimension ref="A1:XFD20000"/>',
                    data,
                )
            target.writestr(info, data)
    with pytest.raises(ImportTooLarge, match="columns"):
        read_pink_sheet(data=out.getvalue())


# --- 2. a CSV with CR-only line endings ----------------------------------------------


@override_settings(IMPORT_MAX_ROWS=10)
def test_a_cr_only_csv_over_the_row_limit_is_refused():
    text = "series,period,price\r" + "".join(
        f"nickel-test-monthly,2020-{m:02d},1\r" for m in range(1, 13)
    )
    assert count_data_rows(text) == 12
    assert count_data_rows(text.replace("\r", "\r\n")) == 12
    assert count_data_rows("h\u2028a\x0cb".encode()) == 2  # as str.splitlines
    with pytest.raises(ImportTooLarge, match="12 rows"):
        LimitedCSV().create_dataset(text)
    upload = SimpleUploadedFile("prices.csv", text.encode(), "text/csv")
    with pytest.raises(ImportTooLarge, match="12 rows"):
        check_uploaded_file(upload, workbook=False)
