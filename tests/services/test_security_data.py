"""Export controls and declared stockpiles: the
import shared with the admin (all rows or none, errors by row and column), and the
selectors the commodity page and the stockpile calculator read."""

import csv
import datetime as dt
from pathlib import Path

import pytest

from instruments import selectors
from instruments.models import (
    Commodity,
    DeclaredStockpile,
    ExportControl,
    ExportMeasure,
    Partner,
)
from instruments.services.imports.registers import (
    DeclaredStockpileResource,
    ExportControlResource,
    build_register_template,
    parse_choice,
)
from instruments.services.imports.rows import ImportRejected
from instruments.services.security_data import import_register

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SHARED = Path("/work/shared/data")


def _control(**changes):
    row = {
        "country": "CHN",
        "material": "Gallium",
        "commodities": "gallium",
        "measure": "Export licensing requirement for materials and technologies",
        "year": "2023",
        "source": "USGS MCS 2026 table 4",
    }
    row.update(changes)
    return row


@pytest.fixture
def gallium(db):
    Partner.objects.get_or_create(iso3="CHN", defaults={"iso2": "CN", "name": "China"})
    Partner.objects.get_or_create(iso3="JPN", defaults={"iso2": "JP", "name": "Japan"})
    Partner.objects.get_or_create(
        iso3="USA", defaults={"iso2": "US", "name": "United States"}
    )
    return Commodity.objects.get_or_create(
        code="gallium", defaults={"name": "Gallium metal", "stage": "refined"}
    )[0]


# --- the import shared with the admin ----------------------------------------------


def test_one_bad_row_writes_nothing_and_every_error_is_named(gallium):
    report = import_register(
        ExportControlResource,
        data=[
            _control(),  # row 2
            _control(material="Germanium", country="XXX", year="20x3"),  # row 3
            _control(material="Indium", measure="export tax"),  # row 4
            _control(),  # row 5 repeats row 2
        ],
    )
    assert ExportControl.objects.count() == 0
    found = {(e.row, e.field) for e in report.errors}
    assert found == {
        (3, "country"),
        (3, "year"),
        (4, "measure"),
        (5, "material"),
    }
    assert any("already in row 2" in e.message for e in report.errors)
    with pytest.raises(ImportRejected):
        import_register(
            ExportControlResource, data=[_control(year="")], raise_on_error=True
        )


def test_an_import_creates_updates_and_links(gallium):
    first = import_register(ExportControlResource, data=[_control()])
    assert (first.new, first.updated, first.errors) == (1, 0, ())
    control = ExportControl.objects.get()
    assert list(control.commodities.values_list("code", flat=True)) == ["gallium"]
    assert control.history.first().history_type == "+"
    same = import_register(ExportControlResource, data=[_control()])
    assert (same.new, same.updated, same.unchanged) == (0, 0, 1)
    unlinked = import_register(
        ExportControlResource,
        data=[_control(commodities="", in_force_until="2026-11-10")],
    )
    assert unlinked.updated == 1
    control.refresh_from_db()
    assert control.commodities.count() == 0
    assert control.in_force_until == dt.date(2026, 11, 10)


def test_dates_must_be_in_order_and_stock_in_tonnes_or_days(gallium):
    report = import_register(
        ExportControlResource,
        data=[_control(in_force_from="2025-10-09", in_force_until="2025-01-01")],
    )
    assert [(e.row, e.field) for e in report.errors] == [(2, "in_force_until")]
    report = import_register(
        DeclaredStockpileResource,
        data=[
            {
                "country": "JPN",
                "holder": "JOGMEC",
                "material": "Gallium",
                "commodities": "gallium",
                "quantity_t": "10",
                "days": "60",
                "as_of": "2025-01-01",
                "source": "x",
            }
        ],
    )
    assert [(e.row, e.field) for e in report.errors] == [(2, "days")]
    assert DeclaredStockpile.objects.count() == 0


def test_measures_are_read_by_value_or_label():
    assert (
        parse_choice("Temporary export ban ", ExportMeasure) == "temporary_export_ban"
    )
    assert parse_choice("export_quota", ExportMeasure) == "export_quota"
    with pytest.raises(ValueError, match="not one of"):
        parse_choice("export tax", ExportMeasure)


def test_the_template_is_a_stored_row_that_imports_unchanged(gallium):
    import_register(ExportControlResource, data=[_control(note="a, quoted note")])
    template = build_register_template(ExportControlResource)
    lines = template.content.decode().splitlines()
    assert lines[0].split(",")[:4] == [
        "country",
        "country_name",
        "material",
        "commodities",
    ]
    rows = list(csv.DictReader(lines))
    assert rows[0]["commodities"] == "gallium"
    report = import_register(ExportControlResource, data=rows)
    assert (report.new, report.updated, report.unchanged) == (0, 0, 1)


# --- selectors -----------------------------------------------------------------------


def test_controls_in_force_on_a_commodity(gallium):
    import_register(
        ExportControlResource,
        data=[
            _control(),
            _control(
                material="Gallium scrap",
                measure="Export ban",
                in_force_until="2024-12-31",
            ),
        ],
    )
    controls = selectors.get_export_controls("gallium", on=dt.date(2025, 6, 1))
    assert [c["material"] for c in controls] == ["Gallium"]
    assert controls[0]["country"] == "CHN"
    assert controls[0]["measure_label"] == (
        "Export licensing requirement for materials and technologies"
    )
    earlier = selectors.get_export_controls("gallium", on=dt.date(2024, 6, 1))
    assert len(earlier) == 2
    assert selectors.get_export_controls("nickel") == []


def test_declared_stockpiles_are_plain_dicts_for_the_calculator(gallium):
    import_register(
        DeclaredStockpileResource,
        data=[
            {
                "country": "JPN",
                "holder": "JOGMEC",
                "material": "Rare metals",
                "commodities": "gallium",
                "kind": "target",
                "days": "60",
                "as_of": "2023-10-26",
                "source": "IEA policies database",
            },
            {
                "country": "USA",
                "holder": "NDS",
                "material": "Gallium",
                "commodities": "gallium",
                "quantity_t": "1.5",
                "as_of": "2024-09-30",
                "illustrative": "yes",
                "source": "ILLUSTRATIVE",
            },
        ],
        raise_on_error=True,
    )
    stocks = selectors.get_declared_stockpiles("gallium")
    assert [(s["country"], s["days"], s["quantity_t"]) for s in stocks] == [
        ("JPN", 60.0, None),
        ("USA", None, 1.5),
    ]
    assert stocks[0]["days_basis"] == "consumption"
    assert stocks[0]["as_of"] == dt.date(2023, 10, 26)
    assert stocks[1]["illustrative"] is True
    only = selectors.get_declared_stockpiles("gallium", countries=["usa"])
    assert [s["country"] for s in only] == ["USA"]
    assert selectors.get_declared_stockpiles("gallium", countries=[]) == []
