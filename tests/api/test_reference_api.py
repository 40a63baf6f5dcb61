"""Reference data: lookups by code, filters, pagination, CSV/XLSX with every row."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from instruments.models import (
    Commodity,
    ParameterSchedule,
    Producer,
)
from tests.factories import make_fx_rate, make_partner, make_partner_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(db):
    """Three economies; two in a test group."""
    aus = make_partner(iso3="AUS", iso2="AU", name="Australia")
    chn = make_partner(iso3="CHN", iso2="CN", name="China")
    jpn = make_partner(iso3="JPN", iso2="JP", name="Japan")
    group = make_partner_group(code="test-msp", name="Test partnership")
    group.members.set([aus, jpn])
    return {"AUS": aus, "CHN": chn, "JPN": jpn, "group": group}


def test_commodity_detail_by_code_links_its_series_and_prices(anon, stored_prices):
    body = anon.get("/api/v1/commodities/test-nickel/").json()

    assert body["code"] == "test-nickel"
    assert body["stage"] == "refined"
    assert body["prices_url"].endswith("/api/v1/commodities/test-nickel/prices/")
    assert body["series_url"].endswith("/api/v1/commodities/test-nickel/series/")


def test_commodity_list_is_paginated_and_filterable(anon, stored_prices):
    body = anon.get("/api/v1/commodities/?stage=refined&limit=1").json()

    assert body["count"] >= 1
    assert len(body["results"]) == 1
    assert anon.get("/api/v1/commodities/?stage=product").json()["count"] == 0 or all(
        c["stage"] == "product"
        for c in anon.get("/api/v1/commodities/?stage=product").json()["results"]
    )


def test_commodity_series_show_their_coverage(anon, stored_prices):
    body = anon.get("/api/v1/commodities/test-nickel/series/").json()

    by_code = {s["code"]: s for s in body["results"]}
    assert by_code["test-nickel-annual"]["first_period"] == "2021"
    assert by_code["test-nickel-annual"]["last_period"] == "2024"
    assert by_code["test-nickel-monthly"]["n_observations"] == 6
    assert by_code["test-nickel-annual"]["is_default"] is True


def test_prices_of_the_default_series(anon, stored_prices):
    body = anon.get("/api/v1/commodities/test-nickel/prices/").json()

    assert body["series"] == "test-nickel-annual"
    assert body["unit"] == "USD/t"
    assert [(p["period"], p["price"]) for p in body["results"]] == [
        ("2021", 15000.0),
        ("2022", 18000.0),
        ("2023", 21000.0),
        ("2024", 17000.0),
    ]
    assert body["results"][-1]["estimated"] is True


def test_prices_of_a_named_series_between_start_and_end(anon, stored_prices):
    body = anon.get(
        "/api/v1/commodities/test-nickel/prices/"
        "?series=test-nickel-monthly&start=2024-02&end=2024-03"
    ).json()

    assert [(p["period"], p["price"]) for p in body["results"]] == [
        ("2024-02", 16.5),
        ("2024-03", 17.0),
    ]


def test_prices_as_csv_have_every_row_and_a_header(anon, stored_prices):
    response = anon.get(
        "/api/v1/commodities/test-nickel/prices/?series=test-nickel-monthly&format=csv"
    )

    lines = response.content.decode().strip().splitlines()
    # Every row says where it came from (a steward's series with no edition
    # recorded yet: its source text).
    assert lines[0] == "period,price,estimated,source"
    assert len(lines) == 1 + 6
    assert lines[1].endswith("Test source. Licence: CC BY 4.0.")


def test_prices_of_an_unknown_series_are_a_400_at_series(anon, stored_prices):
    response = anon.get("/api/v1/commodities/test-nickel/prices/?series=nope")

    assert response.status_code == 400
    assert "series" in response.json()


def test_prices_of_an_unknown_commodity_are_a_404(anon, db):
    assert anon.get("/api/v1/commodities/unobtainium/prices/").status_code == 404


def test_series_list_filters_by_commodity_and_frequency(anon, stored_prices):
    body = anon.get("/api/v1/series/?commodity=test-nickel&frequency=monthly").json()

    assert [s["code"] for s in body["results"]] == ["test-nickel-monthly"]


def test_observations_filter_by_series_and_period(anon, stored_prices):
    body = anon.get(
        "/api/v1/observations/?series=test-nickel-annual&start=2022-01-01"
        "&end=2023-12-31"
    ).json()

    assert [(o["label"], o["price"]) for o in body["results"]] == [
        ("2022", 18000.0),
        ("2023", 21000.0),
    ]


def test_partners_by_iso3_with_their_groups(anon, partners):
    body = anon.get("/api/v1/partners/AUS/").json()

    assert body == {
        "iso3": "AUS",
        "iso2": "AU",
        "name": "Australia",
        "groups": ["test-msp"],
    }


def test_partners_filter_by_group(anon, partners):
    body = anon.get("/api/v1/partners/?group=test-msp").json()

    assert sorted(p["iso3"] for p in body["results"]) == ["AUS", "JPN"]


def test_partner_groups_list_members_and_filter_by_member(anon, partners):
    body = anon.get("/api/v1/partner-groups/?member=JPN").json()

    assert [(g["code"], sorted(g["members"])) for g in body["results"]] == [
        ("test-msp", ["AUS", "JPN"])
    ]


def test_producers_filter_by_commodity_and_country(anon, stored_prices, partners):
    Producer.objects.create(
        name="Test refinery",
        country=partners["AUS"],
        commodity=stored_prices["commodity"],
        stage="refined",
        unit_cost=Decimal("14000"),
        cost_unit="USD/t",
    )

    body = anon.get("/api/v1/producers/?commodity=test-nickel&country=AUS").json()

    assert [(p["name"], p["unit_cost"]) for p in body["results"]] == [
        ("Test refinery", 14000.0)
    ]


def test_fx_rates_filter_by_currency_and_period(anon, db):
    for month in (1, 2, 3):
        make_fx_rate(
            currency="EUR",
            period=dt.date(2024, month, 1),
            units_per_usd=Decimal("0.92"),
            source="Test",
        )

    body = anon.get("/api/v1/fx-rates/?currency=EUR&start=2024-02-01").json()

    assert [r["period"] for r in body["results"]] == ["2024-02-01", "2024-03-01"]
    assert body["results"][0]["units_per_usd"] == 0.92


def test_parameters_filter_by_code_and_years(anon, db):
    for year, share in ((2026, "0.975"), (2027, "0.95"), (2028, "0.90")):
        ParameterSchedule.objects.create(
            code="test-free-share",
            name="Free allocation share",
            year=year,
            value=Decimal(share),
            unit="share",
            source="Test",
        )

    body = anon.get("/api/v1/parameters/?code=test-free-share&year_from=2027").json()

    assert [(p["year"], p["value"]) for p in body["results"]] == [
        (2027, 0.95),
        (2028, 0.9),
    ]


def test_json_pages_but_csv_has_every_row(anon, db):
    for i in range(120):
        make_partner(
            iso3=f"Q{chr(65 + i // 26)}{chr(65 + i % 26)}",
            iso2=f"{chr(65 + i // 26)}{chr(65 + i % 26)}",
            name=f"Test economy {i:03d}",
        )

    page = anon.get("/api/v1/partners/").json()
    csv_lines = anon.get("/api/v1/partners/?format=csv").content.decode().splitlines()
    limited = anon.get("/api/v1/partners/?format=csv&limit=10").content.decode()

    assert page["count"] == 120
    assert len(page["results"]) == 100
    assert page["next"]
    assert len(csv_lines) == 1 + 120
    assert len(limited.strip().splitlines()) == 1 + 10


def test_csv_of_an_empty_list_still_has_the_header(anon, db):
    response = anon.get("/api/v1/fx-rates/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response.content.decode().strip() == "id,currency,period,units_per_usd,source"
    )


def test_xlsx_of_a_list_has_one_sheet_with_every_row(anon, partners):
    response = anon.get("/api/v1/partners/?format=xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert workbook.active.title == "Partners"
    assert rows[0] == ("iso3", "iso2", "name", "groups")
    assert sorted(r[0] for r in rows[1:]) == ["AUS", "CHN", "JPN"]
    assert response["Content-Disposition"].endswith('partners.xlsx"')


def test_unknown_filter_values_are_a_400_not_a_500(anon, db):
    response = anon.get("/api/v1/fx-rates/?start=not-a-date")

    assert response.status_code == 400
    assert "start" in response.json()


def test_xlsx_text_is_never_a_formula_and_control_characters_are_dropped(
    steward_client, anon
):
    steward_client.post(
        "/api/v1/partner-groups/",
        {"code": "formula", "name": '=HYPERLINK("http://x")', "description": "a\x01b"},
        format="json",
    )

    response = anon.get("/api/v1/partner-groups/?format=xlsx")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = next(sheet.iter_rows(min_row=2))
    assert row[1].value == '=HYPERLINK("http://x")'
    assert row[1].data_type == "s"
    assert row[2].value == "ab"


# --- export caps ---------------------------------------------------------------------


def test_an_export_over_the_cap_is_refused_with_the_way_to_page_it(
    anon, stored_prices, settings
):
    settings.EXPORT_MAX_ROWS = 5  # the fixture stores 4 + 6 observations
    url = "/api/v1/observations/"
    refused = anon.get(url + "?format=csv")
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("text/csv")
    ((_, message),) = list(csv.reader(io.StringIO(refused.content.decode())))[1:]
    assert "10 rows" in message
    assert "at most 5" in message
    assert "limit=5&offset=0" in message
    assert '"export": "/api/v1/observations/"' in message  # or as an export job
    sheet = openpyxl.load_workbook(
        io.BytesIO(anon.get(url + "?format=xlsx").content)
    ).active
    assert "10 rows" in str(sheet["B2"].value)

    pages = [
        list(csv.DictReader(io.StringIO(anon.get(url + q).content.decode())))
        for q in ("?format=csv&limit=5&offset=0", "?format=csv&limit=5&offset=5")
    ]
    assert [len(p) for p in pages] == [5, 5]
    assert len({r["id"] for p in pages for r in p}) == 10
    # a spreadsheet page is at most the cap; JSON is paged as before
    too_long = anon.get(url + "?format=csv&limit=50")
    assert too_long.status_code == 400
    assert "between 1 and 5" in too_long.content.decode()
    assert anon.get(url).json()["count"] == 10


def test_an_export_within_the_cap_is_whole(anon, stored_prices, settings):
    settings.EXPORT_MAX_ROWS = 10
    body = anon.get("/api/v1/observations/?format=csv").content.decode()
    assert len(body.strip().splitlines()) == 1 + 10


def test_the_export_cap_is_a_documented_setting(settings):
    from pathlib import Path

    assert settings.EXPORT_MAX_ROWS == 50_000
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "EXPORT_MAX_ROWS" in readme


# --- the calibrated baseline's data: read-only lists -------------------------------------


def test_production_lists_usgs_rows_by_series_country_and_year(anon, partners):
    from instruments.models import CommodityProduction, ProductionVolume

    ndpr = Commodity.objects.create(
        code="test-ndpr-oxide", name="Test NdPr oxide", stage="intermediate"
    )
    CommodityProduction.objects.create(
        commodity=ndpr,
        series="Rare earths",
        stage="mine",
        factor=Decimal("0.2"),
        basis="Illustrative share of REO.",
        illustrative=True,
    )
    unit = "metric tons, rare-earth-oxide (REO) equivalent"
    for name, country, year, quantity in (
        ("China", partners["CHN"], 2024, 270000),
        ("Australia", partners["AUS"], 2024, 13000),
        ("China", partners["CHN"], 2023, 255000),
        ("World total", None, 2024, 390000),
    ):
        ProductionVolume.objects.create(
            series="Rare earths",
            stage="mine",
            country_name=name,
            country=country,
            year=year,
            quantity=quantity,
            unit=unit,
            edition="MCS2026",
        )
    ProductionVolume.objects.create(
        series="Lithium",
        stage="mine",
        country_name="Australia",
        country=partners["AUS"],
        year=2024,
        quantity=88000,
        unit="metric tons, lithium content",
        edition="MCS2026",
    )

    body = anon.get("/api/v1/production/?series=rare earths&country=chn").json()
    assert body["count"] == 2
    assert {(r["year"], r["quantity"]) for r in body["results"]} == {
        (2023, 255000.0),
        (2024, 270000.0),
    }
    row = body["results"][0]
    assert row["country"] == "CHN"
    assert row["unit"] == unit
    by_commodity = anon.get("/api/v1/production/?commodity=test-ndpr-oxide&year=2024")
    assert {r["country_name"] for r in by_commodity.json()["results"]} == {
        "China",
        "Australia",
        "World total",
    }
    assert anon.get("/api/v1/production/?commodity=nothing").json()["count"] == 0
    assert anon.get("/api/v1/production/?year=twenty").status_code == 400
    assert anon.post("/api/v1/production/", {}).status_code in (401, 403, 405)


def test_elasticities_list_defaults_with_sources(anon, db):
    from instruments.models import CommodityElasticity, ElasticityEstimate

    ndpr = Commodity.objects.create(
        code="test-ndpr-oxide", name="Test NdPr oxide", stage="intermediate"
    )
    hauk = ElasticityEstimate.objects.create(
        key="hauk-imp-284690",
        parameter="Import demand price elasticity (absolute value)",
        scope="United States imports, HS6 284690 (rare-earth compounds)",
        value=0.763201,
        source='Hauk, W. (2012), "U.S. import and export elasticities"',
    )
    item = CommodityElasticity.objects.create(
        commodity=ndpr,
        kind="import_demand",
        value=-0.763201,
        low=-1.1448,
        high=-0.381601,
        note="Hauk (2012), sign flipped; +/-50 %.",
    )
    item.estimates.set([hauk])
    CommodityElasticity.objects.create(
        commodity=ndpr, kind="supply", value=0.25, low=0.032, high=2.03, note="x"
    )

    body = anon.get(
        "/api/v1/elasticities/?commodity=test-ndpr-oxide&kind=import_demand"
    ).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["commodity"] == "test-ndpr-oxide"
    assert (row["value"], row["low"], row["high"]) == (-0.763201, -1.1448, -0.381601)
    assert row["estimates"] == ["hauk-imp-284690"]
    assert row["citation"] == "Hauk (2012), HS6 284690"
    assert anon.get("/api/v1/elasticities/?kind=nonsense").status_code == 400
    csv_text = anon.get("/api/v1/elasticities/?format=csv").content.decode()
    assert csv_text.splitlines()[0].startswith("id,commodity,kind,value,low,high")
    assert anon.delete(f"/api/v1/elasticities/{item.pk}/").status_code in (
        401,
        403,
        405,
    )


# --- partner groups with their subgroups expanded (seeded; keep these last: the
# seeded data stay for the rest of the module) ---------------------------------------


def test_partner_group_list_gives_all_members_with_subgroups_expanded(anon, seeded_db):
    body = anon.get("/api/v1/partner-groups/?limit=100").json()

    groups = {g["code"]: g for g in body["results"]}
    msp = groups["msp"]
    assert "NLD" not in msp["members"]  # a direct member list, as before
    assert {"NLD", "USA", "POL"} <= set(msp["all_members"])
    assert msp["all_members"] == sorted(msp["all_members"])
    assert len(groups["eu-27"]["all_members"]) == 27
    assert groups["eu-27"]["all_members"] == sorted(groups["eu-27"]["members"])
    assert "members_expanded" not in msp


def test_partner_group_detail_names_each_country_and_its_subgroup(anon, seeded_db):
    body = anon.get("/api/v1/partner-groups/msp/").json()

    assert set(body) >= {"code", "name", "description", "source", "members"}
    assert {"NLD", "USA"} <= set(body["all_members"])
    by_code = {m["code"]: m for m in body["members_expanded"]}
    assert by_code["NLD"] == {"code": "NLD", "name": "Netherlands", "via": "eu-27"}
    assert by_code["USA"]["via"] == ""
    assert by_code["DEU"]["via"] == ""  # direct as well as through the EU-27
    assert sorted(by_code) == body["all_members"]
    eu = anon.get("/api/v1/partner-groups/eu-27/").json()
    assert len(eu["all_members"]) == 27
    assert {m["via"] for m in eu["members_expanded"]} == {""}


def test_partner_group_detail_as_csv_keeps_one_row(anon, seeded_db):
    response = anon.get("/api/v1/partner-groups/msp/?format=csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert "NLD" in rows[0]["all_members"]
