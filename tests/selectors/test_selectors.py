"""Selectors: stored Decimal prices become float64 pandas series with period labels."""

import datetime as dt

import pytest

from instruments import selectors
from instruments.calculators.base import InputError
from instruments.models import Commodity
from tests.factories import make_series

pytestmark = pytest.mark.django_db


def _annual(commodity, code="nickel-test-annual", **kwargs):
    """An annual USD/t series of ``commodity``: 10, 20, 30 in 2022–2024 (2024
    estimated)."""
    return make_series(
        commodity=commodity.code,
        commodity_name=commodity.name,
        code=code,
        name="annual",
        unit="USD/t",
        frequency="annual",
        prices=[
            (dt.date(year, 1, 1), p) for year, p in ((2022, 10), (2023, 20), (2024, 30))
        ],
        estimated=[dt.date(2024, 1, 1)],
        **kwargs,
    )


def test_default_is_the_finest_frequency(nickel_series):
    _annual(nickel_series.commodity)
    history = selectors.get_price_history("nickel")
    assert history.series == "nickel-test-monthly"
    assert list(history.prices.index) == ["2024-01", "2024-02", "2024-03"]
    assert history.prices.dtype == "float64"
    assert history.prices.name == "price"
    assert history.prices.tolist() == [100.0, 110.0, 120.0]
    assert history.estimated.dtype == bool
    assert history.unit == "USD/t"
    assert history.frequency == "monthly"


def test_a_stewards_default_wins(nickel_series):
    _annual(nickel_series.commodity, is_default=True)
    history = selectors.get_price_history("nickel")
    assert history.series == "nickel-test-annual"
    assert list(history.prices.index) == ["2022", "2023", "2024"]
    assert history.estimated.tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-02", None, ["2024-02", "2024-03"]),
        (None, "2024-02", ["2024-01", "2024-02"]),
        ("2024Q1", "2024Q1", ["2024-01", "2024-02", "2024-03"]),
        ("2024-02-15", "2024-02-28", ["2024-02"]),
        (None, "2024", ["2024-01", "2024-02", "2024-03"]),
    ],
)
def test_start_and_end_are_inclusive(nickel_series, start, end, expected):
    history = selectors.get_price_history("nickel", start=start, end=end)
    assert list(history.prices.index) == expected


def test_annual_series_with_dates_inside_the_year(nickel_series):
    _annual(nickel_series.commodity)
    history = selectors.get_price_history(
        "nickel", series="nickel-test-annual", start="2023-06-30", end="2023"
    )
    assert list(history.prices.index) == ["2023"]


def test_unknown_commodity_is_an_error_at_commodity(db):
    with pytest.raises(InputError) as info:
        selectors.get_price_history("xyz")
    assert info.value.errors == {"commodity": ["Unknown commodity 'xyz'."]}


def test_unknown_or_foreign_series_is_an_error_at_series(nickel_series):
    copper = Commodity.objects.create(code="copper", name="Copper", stage="refined")
    _annual(copper, code="copper-annual")
    with pytest.raises(InputError) as info:
        selectors.get_price_history("nickel", series="nope")
    assert "series" in info.value.errors
    with pytest.raises(InputError) as info:
        selectors.get_price_history("nickel", series="copper-annual")
    assert "series" in info.value.errors


def test_empty_range_is_an_error_at_start(nickel_series):
    with pytest.raises(InputError) as info:
        selectors.get_price_history("nickel", start="2030")
    assert "start" in info.value.errors
    assert "2024-01 to 2024-03" in info.value.errors["start"][0]


def test_bad_period_text_is_an_error_at_its_field(nickel_series):
    with pytest.raises(InputError) as info:
        selectors.get_price_history("nickel", end="last year")
    assert "end" in info.value.errors


def test_list_commodities_gives_series_and_default(nickel_series):
    [summary] = selectors.list_commodities()
    assert summary.code == "nickel"
    assert summary.default_series == "nickel-test-monthly"
    assert summary.series[0].n_observations == 3
    assert summary.series[0].first_period == "2024-01"
    assert summary.series[0].last_period == "2024-03"


def test_seeded_reference_data_reads(seeded_db):
    assert "USA" in selectors.get_partner_group_members("g7")
    assert len(selectors.get_partner_group_members("eu-27")) == 27
    shares = selectors.get_parameter_schedule("cbam-free-allocation-share")
    assert shares[2026] == pytest.approx(0.975)
    assert shares[2034] == 0.0
    assert selectors.get_parameter_value("cbam-default-markup", 2031) == 0.3
    producers = selectors.get_producers("ndpr-oxide")
    assert producers["unit_cost"].is_monotonic_increasing
    assert producers["is_illustrative"].all()
    assert selectors.get_value_chain("ndfeb-magnet")[:3] == [
        ("ndfeb-magnet", 0.31),
        ("ndpr-metal", 1.177),
        ("ndpr-oxide", None),
    ]
    assert len(selectors.list_precedents()) == 15  # 4 of them the stockpile's
