"""Producers of a commodity: capacity, unit cost, carbon intensity and audit, for
cost-curve floors and standards markets."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from instruments.models.partners import Partner
from instruments.models.prices import PRICE_UNIT_CHOICES, Commodity, Stage


class IntensityScope(models.TextChoices):
    """Which emissions a carbon intensity counts (GHG Protocol scopes)."""

    SCOPE1 = "scope1", "Scope 1"
    SCOPE1_2 = "scope1_2", "Scopes 1 and 2"
    SCOPE1_2_3 = "scope1_2_3", "Scopes 1, 2 and 3"


PRODUCER_FIELDS = (
    "name",
    "country",
    "commodity",
    "stage",
    "capacity",
    "capacity_unit",
    "unit_cost",
    "cost_unit",
    "carbon_intensity",
    "intensity_scope",
    "audit_score",
    "audit_scheme",
    "traceable",
    "is_illustrative",
    "source",
    "notes",
)
"""A producer's fields, in the order of the API, the admin and the selectors' frame."""


class Producer(models.Model):
    """A producer of a commodity, for cost-curve floors and standards markets.

    Illustrative producers (``is_illustrative``) have made-up values and say so in their
    name and notes.
    """

    name = models.CharField(max_length=200)
    country = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="producers",
    )
    commodity = models.ForeignKey(
        Commodity, on_delete=models.PROTECT, related_name="producers"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    capacity = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    capacity_unit = models.CharField(max_length=40, blank=True, help_text="e.g. t/yr")
    unit_cost = models.DecimalField(
        "unit production cost",
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    cost_unit = models.CharField(max_length=20, choices=PRICE_UNIT_CHOICES, blank=True)
    carbon_intensity = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="tCO2e per tonne of product.",
    )
    intensity_scope = models.CharField(
        max_length=12, choices=IntensityScope.choices, blank=True
    )
    audit_score = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    audit_scheme = models.CharField(max_length=100, blank=True, help_text="e.g. IRMA")
    traceable = models.BooleanField(default=False)
    is_illustrative = models.BooleanField(
        "illustrative", default=False, help_text="Values are made up, not real."
    )
    source = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["commodity__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "commodity"], name="producer_unique_name_commodity"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=0),
                name="producer_capacity_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0),
                name="producer_unit_cost_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(carbon_intensity__isnull=True) | Q(carbon_intensity__gte=0),
                name="producer_carbon_intensity_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | ~Q(cost_unit=""),
                name="producer_unit_cost_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.commodity.name})"
