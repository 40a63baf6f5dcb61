"""Bilateral trade flows by HS6 code (CEPII BACI and the like) and the HS codes a
commodity is traded under, per HS revision."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from instruments.models.partners import Partner
from instruments.models.prices import Commodity


class HsRevision(models.TextChoices):
    """Harmonized System nomenclature editions, named as CEPII's BACI builds are."""

    HS92 = "HS92", "HS 1992"
    HS96 = "HS96", "HS 1996"
    HS02 = "HS02", "HS 2002"
    HS07 = "HS07", "HS 2007"
    HS12 = "HS12", "HS 2012"
    HS17 = "HS17", "HS 2017"
    HS22 = "HS22", "HS 2022"


class CommodityHsCode(models.Model):
    """A six-digit HS code under which a commodity is traded, in one HS revision.

    Trade data are published per HS revision (BACI builds each one separately) and a
    heading often covers more than the commodity (HS 284690 is every rare-earth
    compound other than cerium's), so the link names its revision and a note says how
    wide it is. ``Commodity.hs_codes`` stays the indicative HS 2022 text shown to
    officials.
    """

    commodity = models.ForeignKey(
        Commodity, on_delete=models.CASCADE, related_name="hs_links"
    )
    hs_code = models.CharField(
        "HS code", max_length=6, help_text="Six digits, no dots (e.g. 284690)."
    )
    hs_revision = models.CharField(
        "HS revision", max_length=4, choices=HsRevision.choices
    )
    note = models.TextField(blank=True, help_text="What else the code covers.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["commodity__name", "hs_revision", "hs_code"]
        verbose_name = "commodity HS code"
        constraints = [
            models.UniqueConstraint(
                fields=["commodity", "hs_code", "hs_revision"],
                name="commodityhscode_unique",
            ),
            models.CheckConstraint(
                condition=Q(hs_code__regex=r"^[0-9]{6}$"),
                name="commodityhscode_six_digits",
            ),
            models.CheckConstraint(
                condition=Q(hs_revision__in=HsRevision.values),
                name="commodityhscode_revision_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commodity.code}: {self.hs_code} ({self.hs_revision})"


TRADE_FLOW_COLUMNS = (
    "year",
    "hs_code",
    "hs_revision",
    "exporter",
    "importer",
    "value",
    "quantity",
    "source",
)
"""A trade flow's columns, in the order of files, exports and the API."""


class TradeFlow(models.Model):
    """One year's exports of one HS6 product from one economy to another.

    ``value`` is in **thousands of current US dollars** (BACI's ``v``: FOB-type values
    reconciled from exporters' and importers' declarations); ``quantity`` is in
    **metric tonnes** (BACI's ``q``), empty where the source has none.
    """

    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1988), MaxValueValidator(2100)]
    )
    hs_code = models.CharField(
        "HS code", max_length=6, help_text="Six digits, no dots (e.g. 284690)."
    )
    hs_revision = models.CharField(
        "HS revision", max_length=4, choices=HsRevision.choices
    )
    exporter = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="exports"
    )
    importer = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="imports"
    )
    value = models.DecimalField(
        "value (thousand USD)",
        max_digits=18,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Thousands of current US dollars.",
    )
    quantity = models.DecimalField(
        "quantity (t)",
        max_digits=18,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Metric tonnes; empty where the source gives no quantity.",
    )
    source = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "hs_code", "exporter__iso3", "importer__iso3"]
        indexes = [
            models.Index(fields=["hs_code", "year"], name="tradeflow_code_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "hs_code", "hs_revision", "exporter", "importer"],
                name="tradeflow_unique_flow",
            ),
            models.CheckConstraint(
                condition=Q(hs_code__regex=r"^[0-9]{6}$"),
                name="tradeflow_hs_code_six_digits",
            ),
            models.CheckConstraint(
                condition=Q(hs_revision__in=HsRevision.values),
                name="tradeflow_revision_known",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0), name="tradeflow_value_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="tradeflow_quantity_non_negative",
            ),
            models.CheckConstraint(
                condition=~Q(exporter=models.F("importer")),
                name="tradeflow_exporter_is_not_importer",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.year} {self.hs_code} ({self.hs_revision}) "
            f"{self.exporter.iso3}→{self.importer.iso3}: {self.value} kUSD"
        )

    def clean(self) -> None:
        if self.exporter_id is not None and self.exporter_id == self.importer_id:
            raise ValidationError(
                {"importer": "The importer must differ from the exporter."}
            )
