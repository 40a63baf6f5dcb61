"""Every import page of the stewards' admin: errors in a visible table with the
spreadsheet's row and the column, and a template file that the import itself reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from instruments.models import Commodity, PriceSeries
from instruments.services.imports import templates as import_templates
from instruments.services.imports.publishers import import_published_file
from instruments.services.imports.rows import import_price_observations
from instruments.services.trade_data import import_trade_flows
from tests.factories import make_fx_rate, make_series, make_trade_flow

pytestmark = pytest.mark.django_db

PRICES_IMPORT = "admin:instruments_priceobservation_import"
FLOWS_IMPORT = "admin:instruments_tradeflow_import"


def _upload(client, url_name, text, name="file.csv"):
    form = client.get(reverse(url_name))
    html = form.content.decode()
    match = re.search(r'<option value="(\d+)"[^>]*>\s*csv\s*</option>', html, re.I)
    assert match, "CSV is not offered"
    return client.post(
        reverse(url_name),
        {
            "format": match.group(1),
            "import_file": SimpleUploadedFile(name, text.encode(), "text/csv"),
            "resource": "0",
        },
    )


def _error_table(html: str, table_id: str) -> list[list[str]]:
    """The rows of an errors table as the page shows them."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1])
    ]


# --- our own format (django-import-export) ---------------------------------------------


def test_errors_are_a_visible_table_of_spreadsheet_rows_and_columns(
    client, steward, nickel_series
):
    client.force_login(steward)
    response = _upload(
        client,
        PRICES_IMPORT,
        "series,period,price\n"
        "nickel-test-monthly,2024-04,130\n"  # row 2
        "nickel-test-monthly,2024-05,-1\n"  # row 3
        "nickel-test-monthly,2024-13,abc\n",  # row 4
    )
    assert response.status_code == 200
    assert not response.context.get("confirm_form")
    html = response.content.decode()
    rows = _error_table(html, "import-errors")
    assert [(row[0], row[1]) for row in rows] == [
        ("3", "price"),
        ("4", "period"),
        ("4", "price"),
    ]
    assert "0 or more" in rows[0][2]
    assert "the header is row 1" in html
    # Nothing hides behind a hover: no import-export tooltip container.
    assert "validation-error-container" not in html


def test_a_file_level_error_says_whole_file(client, steward, nickel_series):
    client.force_login(steward)
    response = _upload(client, PRICES_IMPORT, "series,when,price\nx,2024-01,1\n")
    rows = _error_table(response.content.decode(), "import-errors")
    assert rows[0][0] == "whole file"
    assert "period" in rows[0][2]


def test_the_price_template_is_a_stored_row_that_imports_unchanged(
    client, steward, nickel_series
):
    client.force_login(steward)
    page = client.get(reverse(PRICES_IMPORT)).content.decode()
    url = reverse("admin:instruments_priceobservation_import_template")
    assert f'href="{url}"' in page
    assert "Download a template" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines == [
        "series,period,price,estimated",
        "nickel-test-monthly,2024-03,120,false",
    ]
    preview = _upload(client, PRICES_IMPORT, response.content.decode())
    result = preview.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 1  # the example row is already stored


def test_the_trade_flow_template_is_read_by_the_import(client, steward):
    commodity = Commodity.objects.create(code="ndpr", name="NdPr", stage="refined")
    assert commodity
    make_trade_flow()
    client.force_login(steward)
    response = client.get(reverse("admin:instruments_tradeflow_import_template"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "year",
        "hs_code",
        "hs_revision",
        "exporter",
        "importer",
        "value",
        "quantity",
        "source",
    ]
    assert rows[1] == [
        "2024",
        "284690",
        "HS92",
        "MMR",
        "CHN",
        "822000.5",
        "12000",
        "CEPII BACI",
    ]
    report = import_trade_flows(
        data=[dict(zip(rows[0], rows[1], strict=True))], dry_run=True
    )
    assert report.ok
    assert (report.new, report.updated, report.unchanged) == (0, 0, 1)
    assert "Download a template" in client.get(reverse(FLOWS_IMPORT)).content.decode()


def test_an_official_cannot_download_a_template(client, django_user_model, db):
    user = django_user_model.objects.create_user(username="official", is_staff=True)
    client.force_login(user)
    url = reverse("admin:instruments_priceobservation_import_template")
    assert client.get(url).status_code == 403


def test_trade_flow_errors_name_spreadsheet_rows():
    report = import_trade_flows(
        data=[
            {"year": "2024", "hs_code": "284690", "exporter": "XXX", "importer": "CHN"},
        ],
        hs_revision="HS92",
        source="test",
        dry_run=True,
    )
    assert {(e.row, e.field) for e in report.errors} >= {(2, "exporter")}


def test_seed_style_rows_name_the_spreadsheet_row(nickel_series):
    report = import_price_observations(
        data=[{"period": "2024-04", "price": 1}, {"period": "2024-04", "price": 2}],
        series="nickel-test-monthly",
    )
    [error] = report.errors
    assert error.row == 3
    assert "already in row 2" in error.message


# --- the publishers' files -----------------------------------------------------------


def _wb_series(code: str, unit: str = "USD/t") -> PriceSeries:
    commodity, _ = Commodity.objects.get_or_create(
        code=code.split("-")[0],
        defaults={"name": code.split("-")[0], "stage": "refined"},
    )
    return PriceSeries.objects.create(
        code=code,
        commodity=commodity,
        name=code,
        basis="LME",
        source="World Bank Pink Sheet",
        licence="CC BY 4.0",
        unit=unit,
        frequency="monthly",
    )


def test_published_page_offers_a_template_for_each_kind(client, steward):
    client.force_login(steward)
    html = client.get(
        reverse("admin:instruments_priceobservation_import_published")
    ).content.decode()
    assert 'id="import-templates"' in html
    for kind in ("pink-sheet", "usgs-mcs"):
        url = reverse(
            "admin:instruments_priceobservation_published_template", args=[kind, 0]
        )
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200
    baci = client.get(
        reverse("admin:instruments_tradeflow_import_published")
    ).content.decode()
    for part in (0, 1):
        url = reverse(
            "admin:instruments_tradeflow_published_template", args=["baci", part]
        )
        assert f'href="{url}"' in baci
    # A kind this page does not import has no template here.
    wrong = reverse(
        "admin:instruments_priceobservation_published_template", args=["baci", 0]
    )
    assert client.get(wrong).status_code == 404


def test_pink_sheet_template_is_read_by_its_import_and_changes_nothing():
    nickel = _wb_series("nickel-lme-monthly-wb")
    copper = _wb_series("copper-lme-monthly-wb")
    import_price_observations(
        data=[
            {"series": nickel.code, "period": "2026-05", "price": "15800.25"},
            {"series": copper.code, "period": "2026-04", "price": "9000"},
        ]
    )
    template = import_templates.build_pink_sheet_template()
    assert template.filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(template.content))["Monthly Prices"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "2026M05"
    result = import_published_file(
        kind="pink-sheet", file=template.content, dry_run=True
    )
    assert result.report.ok, result.report.errors
    assert (result.report.new, result.report.updated) == (0, 0)
    assert result.report.unchanged == 1
    assert result.skipped == 1  # copper has no May price: "…"


def test_usgs_template_is_read_by_its_import_and_changes_nothing():
    series = make_series(
        commodity="ndpr-oxide",
        commodity_name="NdPr oxide",
        code="ndpr-oxide-argus-fob-annual-usgs",
        name="NdPr oxide, USGS annual",
        basis="Price, neodymium-praseodymium oxide, dollars per kilogram. FOB China.",
        source="USGS Mineral Commodity Summaries 2026 data release",
        licence="Public domain",
        unit="USD/kg",
        frequency="annual",
        prices=[],
    )
    import_price_observations(
        data=[
            {"series": series.code, "period": "2025", "price": "69", "estimated": "yes"}
        ]
    )
    template = import_templates.build_usgs_mcs_template()
    text = template.content.decode("cp1252")
    assert text.startswith("MCS chapter,Section,Commodity,Country,Statistics,")
    result = import_published_file(kind="usgs-mcs", file=template.content, dry_run=True)
    assert result.report.ok, result.report.errors
    assert (result.report.new, result.report.updated, result.report.unchanged) == (
        0,
        0,
        1,
    )


def test_baci_templates_are_read_by_its_import():
    commodity = Commodity.objects.create(code="ndpr", name="NdPr", stage="refined")
    commodity.hs_links.create(hs_code="284690", hs_revision="HS92")
    make_trade_flow(source="CEPII BACI HS92 V202601 (BACI_HS92_Y2024_V202601.csv)")
    flows = import_templates.build_baci_template()
    codes = import_templates.build_baci_country_codes_template()
    assert flows.content.decode().splitlines() == [
        "t,i,j,k,v,q",
        "2024,104,156,284690,822000.5,12000",
    ]
    result = import_published_file(
        kind="baci",
        file=flows.content,
        file_name="BACI_HS92_Y2024_V202601.csv",
        country_codes=codes.content,
        dry_run=True,
    )
    assert result.report.ok, result.report.errors
    assert (result.report.new, result.report.updated) == (0, 0)


def test_h10_template_is_read_by_its_import_and_changes_nothing():
    make_fx_rate(
        currency="JPY",
        period=dt.date(2026, 6, 1),
        units_per_usd=Decimal("144.5123"),
        source="US Federal Reserve H.10, monthly average",
    )
    template = import_templates.build_h10_template()
    assert template.content.decode().splitlines() == [
        "observation_date,DEXJPUS",
        "2026-06-01,144.5123",
    ]
    result = import_published_file(kind="h10", file=template.content, dry_run=True)
    assert result.report.ok, result.report.errors
    assert (result.report.new, result.report.updated) == (0, 0)


def test_publishers_rows_are_the_spreadsheet_rows():
    data = b"observation_date,DEXJPUS\n2024-01-02,141\nJan 3,142\n"
    result = import_published_file(kind="h10", file=data, dry_run=True)
    assert [(e.row, e.field) for e in result.report.errors] == [(3, "Jan 3")]
