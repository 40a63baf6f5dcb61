"""World production by country (USGS Mineral Commodity Summaries world tables) and
the link from a commodity to the production series its output is read from.

A production series is named as USGS names it (``Rare earths`` at stage ``mine``,
``Aluminum`` at ``smelter``) in the unit USGS publishes (metric tons of contained
lithium, thousand metric tons of aluminium, tonnes of REO equivalent, kilograms of
gallium). ``CommodityProduction.factor`` turns that unit into tonnes of the commodity.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from instruments.models.partners import Partner
from instruments.models.prices import Commodity

OTHER_COUNTRIES = "Other countries"
WORLD_TOTAL = "World total"


class ProductionVolume(models.Model):
    """One country's production of one USGS series in one year, as published.

    ``country_name`` is USGS's own wording ("Burma", "Congo (Kinshasa)");
    ``country`` is the economy it names, empty for ``Other countries`` and ``World
    total``. ``quantity`` is empty where USGS withheld it (W, NA; the code is in
    ``note``). ``edition`` names the MCS data release the row was read from
    (``MCS2026``); a commodity-year always comes from one edition.
    """

    series = models.CharField(
        max_length=100, help_text='The USGS commodity name, e.g. "Rare earths".'
    )
    stage = models.CharField(
        max_length=30, help_text="mine, refinery, smelter or sponge metal."
    )
    country_name = models.CharField(max_length=100, help_text="As USGS writes it.")
    country = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="production",
        help_text='Empty for "Other countries" and "World total".',
    )
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    quantity = models.DecimalField(
        max_digits=20,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="In ``unit``; empty where USGS withheld it (W, NA).",
    )
    unit = models.CharField(
        max_length=200, help_text="USGS's unit, e.g. metric tons, lithium content."
    )
    estimated = models.BooleanField(
        default=False, help_text="USGS marks the value as estimated."
    )
    edition = models.CharField(
        max_length=20, help_text="The MCS data release read, e.g. MCS2026."
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["series", "stage", "year", "country_name"]
        verbose_name = "production volume"
        indexes = [
            models.Index(
                fields=["series", "stage", "year"], name="production_series_year"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "stage", "country_name", "year"],
                name="productionvolume_unique",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="productionvolume_quantity_non_negative",
            ),
        ]

    def __str__(self) -> str:
        amount = "withheld" if self.quantity is None else f"{self.quantity} {self.unit}"
        return (
            f"{self.series} ({self.stage}), {self.country_name}, {self.year}: {amount}"
        )

    @property
    def edition_code(self) -> str:
        """The ``SourceEdition`` code of ``edition`` (``MCS2026`` → ``usgs-mcs-2026``)."""
        found = re.fullmatch(r"MCS(\d{4})", self.edition)
        return f"usgs-mcs-{found[1]}" if found else ""


class CommodityProduction(models.Model):
    """Where a commodity's output by country is read from: a USGS production series
    and stage, and ``factor`` tonnes of the commodity per unit of that series
    (``quantity × factor`` = tonnes). ``basis`` states the conversion and content
    basis in one sentence; ``illustrative`` marks a factor that is an assumption,
    not a published or stoichiometric figure (NdPr oxide ≈ 0.2 t per t of REO)."""

    commodity = models.OneToOneField(
        Commodity, on_delete=models.CASCADE, related_name="production_link"
    )
    series = models.CharField(
        max_length=100, help_text='The USGS commodity name, e.g. "Rare earths".'
    )
    stage = models.CharField(max_length=30, help_text="e.g. mine, smelter.")
    factor = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Tonnes of the commodity per unit of the series.",
    )
    basis = models.TextField(help_text="The conversion and content basis.")
    illustrative = models.BooleanField(
        default=False, help_text="The factor is an assumption, not a published figure."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["commodity__name"]
        verbose_name = "commodity production link"
        constraints = [
            models.CheckConstraint(
                condition=Q(factor__gt=0), name="commodityproduction_factor_positive"
            ),
        ]

    def __str__(self) -> str:
        flag = " (illustrative)" if self.illustrative else ""
        return f"{self.commodity.code} ← {self.series} ({self.stage}) × {self.factor}{flag}"
