"""/api/v1/trade-flows/: filters by commodity, code, year, economies and groups (nested
groups included), pagination, complete CSV/XLSX, steward-only writes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from instruments.models import (
    Commodity,
    CommodityHsCode,
    TradeFlow,
)
from tests.factories import make_partner, make_partner_group

pytestmark = pytest.mark.django_db
URL = "/api/v1/trade-flows/"


@pytest.fixture
def flows(db):
    p = {
        iso3: make_partner(iso3=iso3)
        for iso3 in ("CHN", "DEU", "FRA", "JPN", "USA", "MMR")
    }
    eu = make_partner_group(code="test-eu", name="EU")
    eu.members.set([p["DEU"], p["FRA"]])
    club = make_partner_group(code="test-club", name="Club")
    club.members.set([p["JPN"]])
    club.subgroups.set([eu])
    ndpr = Commodity.objects.create(code="test-ndpr", name="NdPr", stage="refined")
    CommodityHsCode.objects.create(commodity=ndpr, hs_code="284690", hs_revision="HS92")
    rows = [
        (2023, "284690", "CHN", "JPN", "100.5", "10"),
        (2024, "284690", "CHN", "JPN", "120", "12"),
        (2024, "284690", "CHN", "DEU", "80", None),
        (2024, "284690", "MMR", "CHN", "500", "50"),
        (2024, "760110", "CHN", "USA", "900", "300"),
    ]
    for year, code, exporter, importer, value, quantity in rows:
        TradeFlow.objects.create(
            year=year,
            hs_code=code,
            hs_revision="HS92",
            exporter=p[exporter],
            importer=p[importer],
            value=Decimal(value),
            quantity=None if quantity is None else Decimal(quantity),
            source="test",
        )
    return p


def _pairs(body):
    return sorted((r["year"], r["exporter"], r["importer"]) for r in body["results"])


def test_commodity_filter_uses_its_hs_codes(anon, flows):
    body = anon.get(URL, {"commodity": "test-ndpr"}).json()
    assert body["count"] == 4
    assert {r["hs_code"] for r in body["results"]} == {"284690"}


def test_year_range_exporter_and_importer(anon, flows):
    body = anon.get(URL, {"year_from": 2024, "exporter": "chn", "hs_code": "2846.90"})
    assert _pairs(body.json()) == [(2024, "CHN", "DEU"), (2024, "CHN", "JPN")]
    assert anon.get(URL, {"year": 2023}).json()["count"] == 1
    assert anon.get(URL, {"importer": "USA"}).json()["results"][0]["value"] == 900.0


def test_group_filters_resolve_nested_groups(anon, flows):
    body = anon.get(URL, {"importer_group": "test-club"}).json()
    assert _pairs(body) == [
        (2023, "CHN", "JPN"),
        (2024, "CHN", "DEU"),
        (2024, "CHN", "JPN"),
    ]
    assert anon.get(URL, {"partner_group": "test-eu"}).json()["count"] == 1
    assert anon.get(URL, {"exporter_group": "test-club"}).json()["count"] == 0


def test_unknown_codes_are_field_errors_not_500(anon, flows):
    response = anon.get(URL, {"commodity": "nope"})
    assert response.status_code == 400
    assert "commodity" in response.json()
    assert anon.get(URL, {"importer_group": "nope"}).status_code == 400
    assert anon.get(URL, {"hs_code": "28"}).status_code == 400


def test_json_is_paginated_and_csv_xlsx_are_complete(anon, flows):
    assert len(anon.get(URL, {"limit": 2}).json()["results"]) == 2
    text = anon.get(URL, {"format": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5
    assert set(rows[0]) >= {
        "year",
        "hs_code",
        "exporter",
        "importer",
        "value",
        "quantity",
    }
    book = openpyxl.load_workbook(io.BytesIO(anon.get(URL, {"format": "xlsx"}).content))
    assert book.active.max_row == 6  # header + 5 flows


def test_only_stewards_write(anon, steward, flows):
    new = {
        "year": 2024,
        "hs_code": "284690",
        "hs_revision": "HS92",
        "exporter": "USA",
        "importer": "JPN",
        "value": 5.5,
        "quantity": None,
        "source": "typed in",
    }
    assert anon.post(URL, new, format="json").status_code in (401, 403)
    anon.force_authenticate(steward)
    created = anon.post(URL, new, format="json")
    assert created.status_code == 201, created.content
    same = anon.post(URL, new, format="json")
    assert same.status_code == 409  # the flow exists: a conflict, the fields named
    assert same.json()
    selfie = anon.post(URL, {**new, "importer": "USA"}, format="json")
    assert selfie.status_code == 400
    assert "importer" in selfie.json()


def test_a_trade_flow_export_over_the_cap_is_refused_and_can_be_paged(
    anon, flows, settings
):
    settings.EXPORT_MAX_ROWS = 3
    refused = anon.get(URL + "?format=csv")
    assert refused.status_code == 400
    assert "5 rows" in refused.content.decode()
    narrowed = anon.get(URL + "?format=csv&year=2024&hs_code=284690")
    assert narrowed.status_code == 200  # 3 rows: within the cap
    assert len(narrowed.content.decode().strip().splitlines()) == 1 + 3
    second = anon.get(URL + "?format=xlsx&limit=3&offset=3")
    rows = list(openpyxl.load_workbook(io.BytesIO(second.content)).active.values)
    assert len(rows) == 1 + 2
