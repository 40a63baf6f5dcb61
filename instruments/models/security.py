"""Supply security as data (INSTRUMENTS.md §11): the export controls in force
(USGS Mineral Commodity Summaries, table 4) and the stockpiles countries declare.

Both name the material as their source does (USGS's "rare earths", JOGMEC's "rare
metals") and link it to the commodities of the app it covers, so that a commodity's
page lists the controls and stocks on it. A control or a stock the source states for
a material the app does not hold has no link and is still kept.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from instruments.models.partners import Partner
from instruments.models.prices import Commodity


class ExportMeasure(models.TextChoices):
    """The kinds of control USGS table 4 lists (its ``Control_Type``)."""

    BAN = "export_ban", gettext_noop("Export ban")
    TEMPORARY_BAN = "temporary_export_ban", gettext_noop("Temporary export ban")
    QUOTA = "export_quota", gettext_noop("Export quota")
    LICENSING = "export_licensing", gettext_noop("Export licensing requirement")
    LICENSING_TECHNOLOGIES = (
        "export_licensing_technologies",
        gettext_noop("Export licensing requirement for materials and technologies"),
    )


class ExportControl(models.Model):
    """A country's control on exports of one material, in force unless
    ``in_force_until`` has passed.

    ``year`` is the year the source gives (USGS gives the year only);
    ``in_force_from`` is the exact date where a steward has one. ``hs_codes`` lists
    the HS codes the measure names, if any (comma-separated)."""

    country = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="export_controls"
    )
    country_name = models.CharField(
        max_length=100, blank=True, help_text='As the source writes it ("Laos").'
    )
    material = models.CharField(
        max_length=200, help_text='As the source names it, e.g. "rare earths".'
    )
    commodities = models.ManyToManyField(
        Commodity,
        blank=True,
        related_name="export_controls",
        help_text="The app's commodities the control covers (none if it holds none).",
    )
    measure = models.CharField(max_length=40, choices=ExportMeasure.choices)
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text="The year the control was imposed, as the source gives it.",
    )
    in_force_from = models.DateField(null=True, blank=True)
    in_force_until = models.DateField(
        null=True, blank=True, help_text="Empty: in force."
    )
    hs_codes = models.CharField(max_length=200, blank=True)
    source = models.TextField(help_text="The citation: who published the record.")
    source_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="The measure itself, as the source cites it.",
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "material"]
        verbose_name = "export control"
        constraints = [
            models.UniqueConstraint(
                fields=["country", "material", "measure"],
                name="exportcontrol_unique",
            ),
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True)
                | Q(in_force_from__isnull=True)
                | Q(in_force_until__gte=models.F("in_force_from")),
                name="exportcontrol_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id and self.country.iso3}: {self.material} ({self.get_measure_display()})"

    def clean(self) -> None:
        if (
            self.in_force_from is not None
            and self.in_force_until is not None
            and self.in_force_until < self.in_force_from
        ):
            raise ValidationError(
                {"in_force_until": "It must not be before the date in force from."}
            )


class StockKind(models.TextChoices):
    HOLDING = "holding", gettext_noop("Stock held")
    TARGET = "target", gettext_noop("Target")


class DaysBasis(models.TextChoices):
    """What a stock in days counts: days of the country's consumption or of its net
    imports (the calculator's ``days`` and ``days_net_imports``)."""

    CONSUMPTION = "consumption", "days of consumption"
    NET_IMPORTS = "net_imports", "days of net imports"


class DeclaredStockpile(models.Model):
    """A stock of a material a country declares (held, or a target), in tonnes or in
    days; neither where the amount is not public. ``illustrative`` marks a figure
    that is an assumption, not a published one."""

    country = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="declared_stockpiles"
    )
    holder = models.CharField(
        max_length=200,
        help_text="Who holds it, e.g. JOGMEC, the US National Defense Stockpile.",
    )
    material = models.CharField(
        max_length=200, help_text="As the source names it, e.g. rare metals."
    )
    commodities = models.ManyToManyField(
        Commodity,
        blank=True,
        related_name="declared_stockpiles",
        help_text="The app's commodities the stock covers.",
    )
    kind = models.CharField(
        max_length=10, choices=StockKind.choices, default=StockKind.HOLDING
    )
    quantity_t = models.DecimalField(
        "quantity (t)",
        max_digits=20,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    days = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Where the public figure is in days.",
    )
    days_basis = models.CharField(
        max_length=20, choices=DaysBasis.choices, default=DaysBasis.CONSUMPTION
    )
    as_of = models.DateField(help_text="The date the figure is stated for.")
    illustrative = models.BooleanField(
        default=False, help_text="An assumption, not a published figure."
    )
    source = models.TextField(help_text="The citation.")
    source_url = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "material", "-as_of"]
        verbose_name = "declared stockpile"
        constraints = [
            models.UniqueConstraint(
                fields=["country", "holder", "material", "kind", "as_of"],
                name="declaredstockpile_unique",
            ),
            models.CheckConstraint(
                condition=Q(quantity_t__isnull=True) | Q(days__isnull=True),
                name="declaredstockpile_tonnes_or_days",
            ),
            models.CheckConstraint(
                condition=(Q(quantity_t__isnull=True) | Q(quantity_t__gte=0))
                & (Q(days__isnull=True) | Q(days__gte=0)),
                name="declaredstockpile_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.country_id and self.country.iso3}: {self.material}, {self.amount}"
        )

    @property
    def amount(self) -> str:
        """The figure in words: ``60 days of consumption``, ``120 t``, ``not public``."""
        if self.quantity_t is not None:
            return f"{self.quantity_t.normalize():f} t"
        if self.days is not None:
            return f"{self.days.normalize():f} {DaysBasis(self.days_basis).label}"
        return "not public"

    def clean(self) -> None:
        if self.quantity_t is not None and self.days is not None:
            raise ValidationError(
                {"days": "Give the stock in tonnes or in days, not both."}
            )
