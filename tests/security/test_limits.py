"""Bounded work per request (compare, admin imports, bodies)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from instruments.calculators import REGISTRY
from tests.factories import make_scenario

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:instruments_priceobservation_import"


def _format_index(response, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<option value="(\d+)"[^>]*>\s*{name}\s*</option>', html, re.I)
    assert match, f"{name} is not offered"
    return match.group(1)


def _upload(client, content: bytes, fmt: str, name: str):
    form = client.get(reverse(IMPORT_URL))
    return client.post(
        reverse(IMPORT_URL),
        {
            "format": _format_index(form, fmt),
            "import_file": SimpleUploadedFile(name, content),
            "resource": "0",
        },
    )


def test_compare_refuses_more_than_the_cap_with_a_clear_message(settings):
    settings.COMPARE_MAX_SCENARIOS = 6
    example = dict(REGISTRY["price-floor"].example)
    ids = [
        make_scenario(
            calculator="price-floor", title=f"s{i}", inputs=example, is_public=True
        ).pk
        for i in range(7)
    ]
    response = Client().get("/scenarios/compare/", {"ids": ids})
    assert response.status_code == 400
    assert "at most 6 scenarios" in response.content.decode()


def test_an_import_over_the_row_limit_is_refused_with_a_clear_message(
    client, steward, nickel_series, settings
):
    settings.IMPORT_MAX_ROWS = 100
    client.force_login(steward)
    rows = "".join(f"nickel-test-monthly,2024-{m:02d},1,false\n" for m in range(1, 13))
    text = "series,period,price,estimated\n" + rows * 10
    response = _upload(client, text.encode(), "csv", "prices.csv")
    assert "imports take at most 100 rows" in response.content.decode()
    assert response.context.get("confirm_form") is None


def test_an_import_over_the_size_limit_is_refused(
    client, steward, nickel_series, settings
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(steward)
    text = "series,period,price,estimated\n" + "x" * 2000
    response = _upload(client, text.encode(), "csv", "prices.csv")
    assert "imports take at most 0.001 MB" in response.content.decode()


def test_an_xlsx_zip_bomb_is_refused_before_it_is_expanded(
    client, steward, nickel_series, settings
):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 5_000_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * 20_000_000)
    assert len(buffer.getvalue()) < 100_000
    client.force_login(steward)
    response = _upload(client, buffer.getvalue(), "xlsx", "bomb.xlsx")
    assert "expands to 20 MB" in response.content.decode()


def test_the_upload_limits_are_settings():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.IMPORT_MAX_ROWS == 20_000


# --- the publishers' own files ("Import a published file") take the same limits ----

H10_URL = "admin:instruments_fxrate_import_published"
PINK_SHEET_URL = "admin:instruments_priceobservation_import_published"


def _publish(client, url_name: str, kind: str, name: str, content: bytes):
    return client.post(
        reverse(url_name), {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )


def _fred_csv(n_rows: int) -> bytes:
    lines = [
        f"2{i // 12:03d}-{i % 12 + 1:02d}-01,1.{i % 100:02d}" for i in range(n_rows)
    ]
    return ("observation_date,DEXJPUS\n" + "\n".join(lines) + "\n").encode()


def test_a_published_file_over_the_row_limit_is_refused(client, steward, settings):
    settings.IMPORT_MAX_ROWS = 100
    client.force_login(steward)
    response = _publish(client, H10_URL, "h10", "DEXJPUS.csv", _fred_csv(150))
    html = response.content.decode()
    assert "The file has 150 rows; imports take at most 100 rows." in html
    assert "token" not in response.context
    assert 'id="published-preview"' not in html  # refused before it is read


def test_a_published_file_over_the_size_limit_is_refused(client, steward, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(steward)
    response = _publish(client, H10_URL, "h10", "DEXJPUS.csv", _fred_csv(100))
    html = response.content.decode()
    assert "imports take at most 0.001 MB" in html
    assert "token" not in response.context


def test_a_published_xlsx_zip_bomb_is_refused_before_it_is_expanded(
    client, steward, settings
):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 5_000_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * 20_000_000)
    client.force_login(steward)
    response = _publish(
        client, PINK_SHEET_URL, "pink-sheet", "CMO.xlsx", buffer.getvalue()
    )
    html = response.content.decode()
    assert (
        "The workbook expands to 20 MB; imports take at most 5 MB uncompressed." in html
    )
    assert "token" not in response.context


def test_the_baci_country_table_is_bounded_too(client, steward, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(steward)
    response = client.post(
        reverse("admin:instruments_tradeflow_import_published"),
        {
            "kind": "baci",
            "file": SimpleUploadedFile("BACI_HS92_Y2024_V202501.csv", b"t,i,j,k,v,q\n"),
            "country_codes": SimpleUploadedFile("country_codes.csv", b"x" * 2000),
        },
    )
    assert "imports take at most 0.001 MB" in response.content.decode()


def test_a_published_workbook_over_the_row_limit_is_refused(client, steward, settings):
    import openpyxl

    settings.IMPORT_MAX_ROWS = 5
    book = openpyxl.Workbook()
    book.active.title = "Monthly Prices"
    for month in range(1, 11):
        book.active.append([f"2024M{month:02d}", 130])
    out = io.BytesIO()
    book.save(out)
    client.force_login(steward)
    response = _publish(
        client, PINK_SHEET_URL, "pink-sheet", "CMO.xlsx", out.getvalue()
    )
    assert (
        "The file has 10 rows; imports take at most 5 rows."
        in response.content.decode()
    )
    assert "token" not in response.context
