"""/api/v1/export-controls/ and /api/v1/declared-stockpiles/: read-only lists and
details with filters; an unknown or bad filter is a 400, never every row."""

import csv
import io

import pytest

from instruments.models import Commodity, DeclaredStockpile, Partner
from instruments.services.imports.registers import (
    DeclaredStockpileResource,
    ExportControlResource,
)
from instruments.services.security_data import import_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def registers(db):
    for iso3, iso2, name in (
        ("CHN", "CN", "China"),
        ("JPN", "JP", "Japan"),
        ("IDN", "ID", "Indonesia"),
    ):
        Partner.objects.get_or_create(iso3=iso3, defaults={"iso2": iso2, "name": name})
    for code in ("gallium", "germanium", "nickel-ore"):
        Commodity.objects.get_or_create(
            code=code, defaults={"name": code, "stage": "refined"}
        )
    source = "U.S. Geological Survey, 2026, MCS 2026 table T4"
    licensing = "Export licensing requirement for materials and technologies"
    import_register(
        ExportControlResource,
        data=[
            {
                "country": "CHN",
                "material": "Gallium",
                "commodities": "gallium",
                "measure": licensing,
                "year": "2023",
                "source": source,
            },
            {
                "country": "CHN",
                "material": "Germanium",
                "commodities": "germanium gallium",
                "measure": licensing,
                "year": "2023",
                "source": source,
                "in_force_until": "2024-12-31",
            },
            {
                "country": "IDN",
                "material": "Nickel ore",
                "commodities": "nickel-ore",
                "measure": "Export ban",
                "year": "2020",
                "source": source,
            },
        ],
        raise_on_error=True,
    )
    import_register(
        DeclaredStockpileResource,
        data=[
            {
                "country": "JPN",
                "holder": "JOGMEC",
                "material": "Rare metals",
                "commodities": "gallium germanium",
                "kind": "target",
                "days": "60",
                "as_of": "2023-10-26",
                "source": "IEA",
            },
        ],
        raise_on_error=True,
    )


def test_export_controls_filter_by_commodity_country_measure_and_date(anon, registers):
    body = anon.get("/api/v1/export-controls/?commodity=gallium").json()
    assert body["count"] == 2  # one row per control, even with two links
    assert [r["material"] for r in body["results"]] == ["Gallium", "Germanium"]
    assert body["results"][1]["commodities"] == ["gallium", "germanium"]
    assert body["results"][0]["country"] == "CHN"
    in_force = anon.get(
        "/api/v1/export-controls/?commodity=gallium&in_force_on=2025-06-01"
    )
    assert [r["material"] for r in in_force.json()["results"]] == ["Gallium"]
    bans = anon.get("/api/v1/export-controls/?measure=export_ban&country=idn").json()
    assert [r["material"] for r in bans["results"]] == ["Nickel ore"]
    detail = anon.get(f"/api/v1/export-controls/{bans['results'][0]['id']}/")
    assert detail.status_code == 200
    assert detail.json()["year"] == 2020


@pytest.mark.parametrize(
    "query",
    [
        "comodity=gallium",  # unknown filter: refused, not every row
        "measure=export_tax",
        "year=twenty",
        "in_force_on=2025-13-01",
    ],
)
def test_a_bad_export_control_filter_is_a_400(anon, registers, query):
    response = anon.get(f"/api/v1/export-controls/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_declared_stockpiles_list_csv_and_refuse_writes(anon, steward, registers):
    body = anon.get(
        "/api/v1/declared-stockpiles/?commodity=germanium&kind=target"
    ).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["country"], row["days"], row["quantity_t"], row["illustrative"]) == (
        "JPN",
        60.0,
        None,
        False,
    )
    assert (
        anon.get("/api/v1/declared-stockpiles/?illustrative=true").json()["count"] == 0
    )
    assert (
        anon.get("/api/v1/declared-stockpiles/?illustrative=maybe").status_code == 400
    )
    assert anon.get("/api/v1/declared-stockpiles/?countri=JPN").status_code == 400
    text = anon.get("/api/v1/declared-stockpiles/?format=csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["holder"] == "JOGMEC"
    stock = DeclaredStockpile.objects.get()
    anon.force_authenticate(steward)
    assert anon.delete(f"/api/v1/declared-stockpiles/{stock.pk}/").status_code == 405
    assert anon.post("/api/v1/export-controls/", {}, format="json").status_code == 405
