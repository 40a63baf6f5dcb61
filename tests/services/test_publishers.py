"""Published files in their publishers' own layouts: read, previewed, imported all rows
or none, and a second import of the same file changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from instruments.models import (
    Commodity,
    CommodityHsCode,
    FxRate,
    PriceObservation,
    PriceSeries,
    TradeFlow,
)
from instruments.services.imports.publishers import import_published_file
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


def _series(code, commodity, unit, frequency, basis="basis", source="source"):
    item, _ = Commodity.objects.get_or_create(
        code=commodity, defaults={"name": commodity.title(), "stage": "refined"}
    )
    return PriceSeries.objects.create(
        code=code,
        commodity=item,
        name=f"{commodity} test",
        basis=basis,
        source=source,
        licence="test",
        unit=unit,
        frequency=frequency,
    )


def _pink_sheet(rows):
    """A workbook laid out as the World Bank publishes it."""
    book = openpyxl.Workbook()
    book.active.title = "Description"
    sheet = book.create_sheet("Monthly Prices")
    sheet.append(["World Bank Commodity Price Data (The Pink Sheet)"])
    sheet.append(["Monthly prices in nominal US dollars, 1960 to present"])
    sheet.append(["(monthly series are available only in nominal US dollar terms)"])
    sheet.append(["Updated on June 02, 2026"])
    sheet.append([None, "Crude oil, average", "Aluminum", "Nickel", "Gold"])
    sheet.append([None, "($/bbl)", "($/mt)", "($/mt)", "($/troy oz)"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def wb_series(db):
    return [
        _series("aluminum-lme-monthly-wb", "aluminum", "USD/t", "monthly"),
        _series("nickel-lme-monthly-wb", "nickel", "USD/t", "monthly"),
    ]


def test_pink_sheet_preview_import_and_reimport(wb_series):
    data = _pink_sheet(
        [
            ["2026M04", 70.1, 2600.5, 15500, 3300],
            ["2026M05", 71.2, "…", 15800.25, 3350],
        ]
    )
    preview = import_published_file(kind="pink-sheet", file=data, dry_run=True)
    assert preview.report.ok
    assert preview.report.new == 3
    assert preview.skipped == 1  # the "…" value
    assert any("gold-monthly-wb" in note for note in preview.notes)  # not stored
    assert PriceObservation.objects.count() == 0

    done = import_published_file(kind="pink-sheet", file=data, file_name="CMO.xlsx")
    assert done.report.new == 3
    nickel = PriceObservation.objects.get(
        series__code="nickel-lme-monthly-wb", period=dt.date(2026, 5, 1)
    )
    assert nickel.price == Decimal("15800.25")
    history = nickel.history.first()
    assert "CMO.xlsx" in history.history_change_reason

    again = import_published_file(kind="pink-sheet", file=data)
    assert (again.report.new, again.report.updated, again.report.unchanged) == (0, 0, 3)
    assert PriceObservation.history.count() == 3


def test_pink_sheet_bad_cell_names_the_spreadsheet_row_and_writes_nothing(wb_series):
    data = _pink_sheet(
        [["2026M04", 70.1, 2600.5, 15500, 3300], ["2026M05", 71.2, "n.q.", 1, 1]]
    )
    result = import_published_file(kind="pink-sheet", file=data)
    assert not result.report.ok
    # The workbook's row, and its column by letter and header.
    assert [(e.row, e.field) for e in result.report.errors] == [(8, "C (Aluminum)")]
    assert PriceObservation.objects.count() == 0


def test_pink_sheet_refuses_a_unit_that_differs_from_the_series(wb_series):
    book = _pink_sheet([["2026M04", 70.1, 2600.5, 15500, 3300]])
    workbook = openpyxl.load_workbook(io.BytesIO(book))
    workbook["Monthly Prices"]["C6"] = "($/kg)"
    out = io.BytesIO()
    workbook.save(out)
    result = import_published_file(kind="pink-sheet", file=out.getvalue())
    assert "stored series aluminum-lme-monthly-wb is in USD/t" in str(
        result.report.errors[0]
    )


USGS_HEADER = (
    "MCS chapter,Section,Commodity,Country,Statistics,Statistics_detail,Unit,Year,"
    "Value,Notes,Is critical mineral 2025,Other notes\r\n"
)
NDPR_DETAIL = "Price, neodymium-praseodymium oxide, dollars per kilogram"


def _usgs(rows):
    return (USGS_HEADER + "".join(rows)).encode("cp1252")


def test_usgs_price_rows_with_estimates_in_windows_1252():
    _series(
        "ndpr-oxide-argus-fob-annual-usgs",
        "ndpr-oxide",
        "USD/kg",
        "annual",
        basis=f"{NDPR_DETAIL}. FOB China, Argus.",
        source="USGS Mineral Commodity Summaries 2026 data release",
    )
    data = _usgs(
        [
            f"RARE EARTHS,Salient Statistics—United States,Rare earths,United States,"
            f'Price,"{NDPR_DETAIL}",dollars per kilogram,2024,58,,Yes,\r\n',
            f"RARE EARTHS,Salient Statistics—United States,Rare earths,United States,"
            f'Price,"{NDPR_DETAIL}",dollars per kilogram,2025,69,Estimated.,Yes,\r\n',
            "RARE EARTHS,World Mine Production and Reserves,Rare earths,China,"
            'Production,Mine production,metric tons,2025,"270,000",Estimated.,Yes,\r\n',
            "COBALT,Salient Statistics—United States,Cobalt,United States,Price,"
            '"Price, cathode, dollars per pound",dollars per pound,2025,W,,Yes,\r\n',
        ]
    )
    assert "—".encode("cp1252") in data  # the publisher's encoding, not UTF-8
    result = import_published_file(kind="usgs-mcs", file=data)
    assert result.report.ok
    assert result.report.new == 2
    assert result.skipped == 1  # cobalt: a price we do not store
    obs = {
        o.period.year: o
        for o in PriceObservation.objects.filter(
            series__code="ndpr-oxide-argus-fob-annual-usgs"
        )
    }
    assert obs[2024].price == 58
    assert not obs[2024].estimated
    assert obs[2025].price == 69
    assert obs[2025].estimated
    again = import_published_file(kind="usgs-mcs", file=data)
    assert (again.report.new, again.report.updated) == (0, 0)


BACI = (
    "t,i,j,k,v,q\n"
    "2024,156,392,284690,1234.567,89.000\n"
    "2024,156,251,284690,10.5,NA\n"
    "2024,490,392,284690,7.25,0.5\n"
    "2024,156,392,010121,5,1\n"
)
COUNTRIES = (
    "country_code,country_name,country_iso2,country_iso3\n"
    "156,China,CN,CHN\n392,Japan,JP,JPN\n251,France,FR,FRA\n"
    '490,"Other Asia, nes",N/A,S19\n'
)


@pytest.fixture
def baci_setup(db):
    for iso3, iso2, name in (
        ("CHN", "CN", "China"),
        ("JPN", "JP", "Japan"),
        ("FRA", "FR", "France"),
        ("TWN", "TW", "Taiwan"),
    ):
        make_partner(iso3=iso3, iso2=iso2, name=name)
    ndpr = Commodity.objects.create(code="ndpr-oxide", name="NdPr", stage="refined")
    CommodityHsCode.objects.create(commodity=ndpr, hs_code="284690", hs_revision="HS92")


def test_baci_yearly_file_with_its_country_table(baci_setup):
    name = "BACI_HS92_Y2024_V202601.csv"
    result = import_published_file(
        kind="baci",
        file=BACI.encode(),
        file_name=name,
        country_codes=COUNTRIES.encode(),
    )
    assert result.report.ok
    assert result.report.new == 3
    assert result.skipped == 1  # HS 010121 is no commodity's
    flow = TradeFlow.objects.get(exporter__iso3="CHN", importer__iso3="JPN")
    assert flow.value == Decimal("1234.567")
    assert flow.quantity == 89
    assert flow.hs_revision == "HS92"
    assert "V202601" in flow.source
    assert TradeFlow.objects.get(importer__iso3="FRA").quantity is None
    assert TradeFlow.objects.filter(exporter__iso3="TWN").count() == 1  # S19
    again = import_published_file(
        kind="baci",
        file=BACI.encode(),
        file_name=name,
        country_codes=COUNTRIES.encode(),
    )
    assert (again.report.new, again.report.updated, again.report.unchanged) == (0, 0, 3)


def test_baci_unknown_country_is_an_error_on_its_line(baci_setup):
    data = BACI + "2024,999,392,284690,1,1\n"
    result = import_published_file(
        kind="baci",
        file=data.encode(),
        file_name="BACI_HS92_Y2024_V202601.csv",
        country_codes=COUNTRIES.encode(),
    )
    assert [(e.row, e.field) for e in result.report.errors] == [(6, "i")]
    assert TradeFlow.objects.count() == 0


def test_fred_csv_daily_rates_become_monthly_means_per_usd(db):
    data = (
        b"observation_date,DEXJPUS,DEXUSEU\n"
        b"2024-01-02,141.00,1.1000\n"
        b"2024-01-03,143.00,.\n"
        b"2024-02-01,150,1.0800\n"
    )
    result = import_published_file(kind="h10", file=data, file_name="fred.csv")
    assert result.report.ok
    assert result.report.new == 4
    jpy = FxRate.objects.get(currency="JPY", period=dt.date(2024, 1, 1))
    assert jpy.units_per_usd == Decimal("142")
    eur = FxRate.objects.get(currency="EUR", period=dt.date(2024, 1, 1))
    assert eur.units_per_usd == Decimal("0.90909091")  # 1 / 1.1 USD per euro
    again = import_published_file(kind="h10", file=data)
    assert (again.report.new, again.report.updated, again.report.unchanged) == (0, 0, 4)


def test_h10_data_download_program_csv(db):
    data = (
        b'"Series Description","Japanese yen -- Spot Exchange Rate, Yen/US$",'
        b'"Euro -- Spot Exchange Rate, US$/Euro"\n'
        b'"Unit:","Currency:_Per_USD","USD:_Per_Currency"\n'
        b'"Multiplier:","1","1"\n'
        b'"Currency:","JPY","USD"\n'
        b'"Unique Identifier: ","H10/H10/RXI_N.B.JA","H10/H10/RXI$US_N.B.EU"\n'
        b'"Time Period","RXI_N.B.JA","RXI$US_N.B.EU"\n'
        b"2024-01-02,141.00,1.2500\n"
        b"2024-01-03,ND,ND\n"
    )
    result = import_published_file(kind="h10", file=data)
    assert result.report.ok
    assert result.report.new == 2
    assert FxRate.objects.get(currency="EUR").units_per_usd == Decimal("0.8")


def test_bad_month_in_fred_file_writes_nothing(db):
    data = b"observation_date,DEXJPUS\n2024-01-02,141\nJan 3,142\n"
    result = import_published_file(kind="h10", file=data)
    assert [e.row for e in result.report.errors] == [3]
    assert FxRate.objects.count() == 0
