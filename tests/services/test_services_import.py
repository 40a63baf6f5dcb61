"""The import service: all rows or none, every bad row named with its number."""

import datetime as dt
from decimal import Decimal

import pytest
import tablib

from instruments.models import PriceObservation
from instruments.services.imports import rows as imports

pytestmark = pytest.mark.django_db


def _dataset(rows):
    data = tablib.Dataset(headers=["series", "period", "price", "estimated"])
    for row in rows:
        data.append(row)
    return data


def test_valid_rows_land_with_history_user(nickel_series, django_user_model):
    user = django_user_model.objects.create_user("importer")
    report = imports.import_price_observations(
        data=_dataset(
            [
                ("nickel-test-monthly", "2024-04", "130.5", "false"),
                ("nickel-test-monthly", "2024-01", "99", "true"),
                ("nickel-test-monthly", "2024-02", "110", ""),
            ]
        ),
        user=user,
    )
    assert report.ok
    assert (report.new, report.updated, report.unchanged) == (1, 1, 1)
    april = PriceObservation.objects.get(period=dt.date(2024, 4, 1))
    assert april.price == Decimal("130.5")
    january = PriceObservation.objects.get(period=dt.date(2024, 1, 1))
    assert january.price == 99
    assert january.estimated
    assert april.history.first().history_user == user
    assert january.history.first().history_user == user


def test_one_bad_row_writes_nothing_and_is_named(nickel_series):
    before = list(PriceObservation.objects.values_list("period", "price"))
    report = imports.import_price_observations(
        data=_dataset(
            [
                ("nickel-test-monthly", "2024-04", "130", ""),
                ("nickel-test-monthly", "2024-05", "-3", ""),
                ("nickel-test-monthly", "2024-01", "1", ""),
            ]
        )
    )
    assert not report.ok
    # Spreadsheet rows: the header is row 1, so the second data row is row 3.
    assert [(e.row, e.field) for e in report.errors] == [(3, "price")]
    assert "0 or more" in report.errors[0].message
    assert list(PriceObservation.objects.values_list("period", "price")) == before


@pytest.mark.parametrize(
    ("row", "field", "text"),
    [
        (("nope", "2024-04", "1", ""), "series", "Unknown series"),
        (("nickel-test-monthly", "2024Q2", "1", ""), "period", "not a monthly"),
        (("nickel-test-monthly", "2024-04-15", "1", ""), "period", "first day"),
        (("nickel-test-monthly", "2024-04", "abc", ""), "price", "not a number"),
        (("nickel-test-monthly", "2024-04", "", ""), "price", "missing"),
        (("nickel-test-monthly", "2024-04", "1", "maybe"), "estimated", "true or"),
    ],
)
def test_each_kind_of_bad_row(nickel_series, row, field, text):
    report = imports.import_price_observations(data=_dataset([row]))
    [error] = report.errors
    assert (error.row, error.field) == (2, field)  # the first row under the header
    assert text in error.message
    assert PriceObservation.objects.count() == 3


def test_duplicate_rows_in_a_file_are_reported(nickel_series):
    report = imports.import_price_observations(
        data=_dataset(
            [
                ("nickel-test-monthly", "2024-04", "1", ""),
                ("nickel-test-monthly", "2024-04-01", "2", ""),
            ]
        )
    )
    [error] = report.errors
    assert error.row == 3
    assert "already in row 2" in error.message
    assert PriceObservation.objects.count() == 3


def test_dry_run_writes_nothing(nickel_series):
    report = imports.import_price_observations(
        data=[{"period": "2024-04", "price": 5}],
        series="nickel-test-monthly",
        dry_run=True,
    )
    assert report.ok
    assert report.new == 1
    assert report.written == 0
    assert PriceObservation.objects.count() == 3


def test_raise_on_error_gives_a_readable_message(nickel_series):
    with pytest.raises(imports.ImportRejected) as info:
        imports.import_price_observations(
            data=[{"period": "2024-13", "price": 5}],
            series="nickel-test-monthly",
            raise_on_error=True,
        )
    assert "Row 2: period" in str(info.value)


def test_missing_columns_are_a_file_error(nickel_series):
    data = tablib.Dataset(headers=["series", "when", "price"])
    data.append(("nickel-test-monthly", "2024-04", "1"))
    report = imports.import_price_observations(data=data)
    assert report.errors
    assert report.errors[0].row == 0
    assert "period" in report.errors[0].message
