"""Model invariants: constraints hold in the database, not only in forms."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from instruments.models import (
    Commodity,
    ParameterSchedule,
    PriceObservation,
    PriceSeries,
    Scenario,
)
from tests.factories import make_fx_rate, make_scenario

pytestmark = pytest.mark.django_db


def test_negative_price_is_rejected_by_the_database(nickel_series):
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceObservation.objects.create(
            series=nickel_series, period=dt.date(2024, 4, 1), price=Decimal("-1")
        )


def test_negative_price_is_rejected_by_validation(nickel_series):
    obs = PriceObservation(
        series=nickel_series, period=dt.date(2024, 4, 1), price=Decimal("-0.01")
    )
    with pytest.raises(ValidationError) as info:
        obs.full_clean()
    assert "price" in info.value.message_dict


def test_duplicate_period_is_rejected(nickel_series):
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceObservation.objects.create(
            series=nickel_series, period=dt.date(2024, 1, 1), price=Decimal("5")
        )


def test_period_must_start_its_period(nickel_series):
    annual = PriceSeries.objects.create(
        code="nickel-annual",
        commodity=nickel_series.commodity,
        name="annual",
        basis="b",
        source="s",
        licence="l",
        unit="USD/t",
        frequency="annual",
    )
    obs = PriceObservation(series=annual, period=dt.date(2024, 3, 1), price=1)
    with pytest.raises(ValidationError) as info:
        obs.full_clean()
    assert "period" in info.value.message_dict


def test_only_one_default_series_per_commodity(nickel_series):
    nickel_series.is_default = True
    nickel_series.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceSeries.objects.create(
            code="nickel-other",
            commodity=nickel_series.commodity,
            name="other",
            basis="b",
            source="s",
            licence="l",
            unit="USD/t",
            frequency="annual",
            is_default=True,
        )


def test_unknown_unit_is_rejected(nickel_series):
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceSeries.objects.create(
            code="nickel-bad-unit",
            commodity=nickel_series.commodity,
            name="bad",
            basis="b",
            source="s",
            licence="l",
            unit="USD per tonne",
            frequency="annual",
        )


def test_labels_follow_the_frequency(nickel_series):
    obs = nickel_series.observations.get(period=dt.date(2024, 2, 1))
    assert obs.label == "2024-02"
    nickel_series.frequency = "quarterly"
    assert PriceObservation(series=nickel_series, period=dt.date(2025, 4, 1)).label == (
        "2025Q2"
    )
    nickel_series.frequency = "annual"
    assert PriceObservation(series=nickel_series, period=dt.date(2025, 1, 1)).label == (
        "2025"
    )


def test_fx_rate_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_fx_rate(
            currency="EUR", period=dt.date(2025, 1, 1), units_per_usd=0, source="x"
        )


def test_parameter_year_is_unique():
    ParameterSchedule.objects.create(
        code="p", name="P", year=2026, value=Decimal("0.5"), unit="share", source="s"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterSchedule.objects.create(
            code="p", name="P", year=2026, value=1, unit="share", source="s"
        )


def test_content_factor_needs_an_input_commodity():
    with pytest.raises(IntegrityError), transaction.atomic():
        Commodity.objects.create(
            code="magnet", name="Magnet", stage="product", content_factor=Decimal("0.3")
        )


def test_a_precedent_is_public():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_scenario(
            calculator="offtake", title="t", is_precedent=True, is_public=False
        )


def test_every_model_has_a_readable_str(nickel_series):
    obs = nickel_series.observations.first()
    assert str(obs) == "nickel-test-monthly 2024-01: 100.000000 USD/t"
    assert str(nickel_series) == "Nickel test series (USD/t, monthly)"
    assert str(nickel_series.commodity) == "Nickel"


def test_changes_are_recorded_in_history(nickel_series):
    obs = nickel_series.observations.first()
    obs.price = Decimal("101")
    obs.save()
    assert obs.history.count() == 2
    assert obs.history.first().price == Decimal("101")


def test_a_scenario_names_a_registered_calculator():
    """The choices are the registry itself: a new calculator needs no migration."""
    from instruments.calculators import REGISTRY

    field = Scenario._meta.get_field("calculator")
    assert [slug for slug, _ in field.choices] == list(REGISTRY)
    with pytest.raises(ValidationError, match="nope"):
        Scenario(calculator="nope", title="t", inputs={}).full_clean()
    Scenario(calculator="offtake", title="t", inputs={"a": 1}).full_clean()
