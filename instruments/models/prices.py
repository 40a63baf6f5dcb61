"""Commodities and their prices: the commodity (one stage of a value chain), the
published editions prices are read from, price series, their observations, and FX
rates (units of a currency per US dollar).

Prices are stored exactly (``Decimal``) in the unit the source publishes; the selectors
turn them into float64 pandas objects.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from instruments.presentation.citations import Cited, format_citation

# The units a stored series or producer cost may be published in (a check constraint
# holds it); the calculators' parser reads these and more (any currency, pint units).
PRICE_UNITS = (
    "USD/t",
    "USD/kg",
    "USD/lb",
    "US cents/lb",
    "USD/troy oz",
    "USD/mtu",
    "USD/dmt",
)
PRICE_UNIT_CHOICES = [(unit, unit) for unit in PRICE_UNITS]


def protect_content_factor_or_set_null(
    collector: Any, field: Any, sub_objs: Any, using: str
) -> None:
    """``on_delete`` of a commodity's ``input_commodity``: an output with a content
    factor needs its input (a check constraint), so deleting that input is refused
    (a ``ProtectedError`` naming the outputs, shown by the admin and the API); the
    other outputs lose the link (``SET_NULL``)."""
    needing = {obj for obj in sub_objs if obj.content_factor is not None}
    if needing:
        names = ", ".join(sorted(str(obj) for obj in needing))
        raise models.ProtectedError(
            f"Cannot delete this commodity: {names} is made from it with a content "
            "factor. Clear the content factor or change the input first.",
            needing,
        )
    models.SET_NULL(collector, field, sub_objs, using)


class Stage(models.TextChoices):
    """Stage of production along a value chain (ore → oxide → metal → magnet)."""

    ORE_CONCENTRATE = "ore_concentrate", gettext_noop("Ore / concentrate")
    INTERMEDIATE = "intermediate", gettext_noop("Intermediate")
    REFINED = "refined", gettext_noop("Refined")
    SEMI_FINISHED = "semi_finished", gettext_noop("Semi-finished")
    PRODUCT = "product", gettext_noop("Product")


class Frequency(models.TextChoices):
    """How often a series is observed; the order is finest first."""

    MONTHLY = "monthly", gettext_noop("Monthly")
    QUARTERLY = "quarterly", gettext_noop("Quarterly")
    ANNUAL = "annual", gettext_noop("Annual")


FREQUENCY_RANK = {Frequency.MONTHLY: 0, Frequency.QUARTERLY: 1, Frequency.ANNUAL: 2}


def format_period(period: dt.date, frequency: str) -> str:
    """The label of a period: ``2025-01`` (monthly), ``2025Q1`` (quarterly), ``2025``."""
    if frequency == Frequency.MONTHLY:
        return f"{period.year:04d}-{period.month:02d}"
    if frequency == Frequency.QUARTERLY:
        return f"{period.year:04d}Q{(period.month - 1) // 3 + 1}"
    return f"{period.year:04d}"


def is_period_start(period: dt.date, frequency: str) -> bool:
    """Whether ``period`` is the first day of a period of ``frequency``."""
    if period.day != 1:
        return False
    if frequency == Frequency.QUARTERLY:
        return period.month in (1, 4, 7, 10)
    if frequency == Frequency.ANNUAL:
        return period.month == 1
    return True


class Commodity(models.Model):
    """A traded material at one stage of production (e.g. NdPr oxide, refined nickel).

    ``input_commodity`` and ``content_factor`` describe one link of a value chain: making
    one unit of this commodity takes ``content_factor`` units of the input commodity.
    """

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    hs_codes = models.CharField(
        "HS codes",
        max_length=300,
        blank=True,
        help_text="Harmonized System codes, comma-separated (e.g. 7502.10, 7502.20).",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    input_commodity = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=protect_content_factor_or_set_null,
        related_name="outputs",
        help_text="The commodity this one is made from, one step up the value chain.",
    )
    content_factor = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Units of the input commodity per unit of this commodity.",
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "commodities"
        constraints = [
            models.CheckConstraint(
                condition=Q(content_factor__isnull=True) | Q(content_factor__gt=0),
                name="commodity_content_factor_positive",
            ),
            models.CheckConstraint(
                condition=Q(content_factor__isnull=True)
                | Q(input_commodity__isnull=False),
                name="commodity_content_factor_needs_input",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.input_commodity_id is not None and self.input_commodity_id == self.pk:
            raise ValidationError(
                {"input_commodity": "A commodity cannot be its own input."}
            )
        if self.content_factor is not None and self.input_commodity_id is None:
            raise ValidationError(
                {"content_factor": "A content factor needs an input commodity."}
            )

    @property
    def hs_code_list(self) -> list[str]:
        return [code.strip() for code in self.hs_codes.split(",") if code.strip()]


DOI_PATTERN = r"^10\.[0-9]{4,9}/\S+$"


class SourceEdition(models.Model):
    """One edition of a published data set, as officials cite it: publisher, year,
    title, edition and DOI (World Bank, 2026, Commodity Price Data (The Pink Sheet),
    June 2026; U.S. Geological Survey, 2026, Mineral Commodity Summaries 2026 Data
    Release, doi:10.5066/P1WKQ63T). ``citations.format_citation`` writes it. Where a
    mirror of a file was read is not recorded here: it stays in ``seeds/README.md``.
    """

    code = models.SlugField(max_length=64, unique=True)
    publisher = models.CharField(max_length=200, help_text="e.g. World Bank.")
    year = models.PositiveSmallIntegerField(
        help_text="Year of publication.",
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    title = models.CharField(
        max_length=300, help_text="e.g. Mineral Commodity Summaries 2026 Data Release."
    )
    edition = models.CharField(
        max_length=200,
        blank=True,
        help_text="Which edition or version, e.g. June 2026 (updated 2 June 2026).",
    )
    short_name = models.CharField(
        max_length=100,
        help_text="For chart source lines, e.g. USGS MCS 2026.",
    )
    doi = models.CharField(
        "DOI",
        max_length=100,
        blank=True,
        validators=[RegexValidator(DOI_PATTERN, "A DOI looks like 10.5066/P1WKQ63T.")],
        help_text="Without the doi: prefix, e.g. 10.5066/P1WKQ63T.",
    )
    url = models.URLField("URL", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["publisher", "-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(doi="") | Q(doi__regex=DOI_PATTERN),
                name="sourceedition_doi_format",
            ),
        ]

    def __str__(self) -> str:
        return self.citation

    def cited(self, periods: str = "") -> Cited:
        return Cited(
            publisher=self.publisher,
            year=self.year,
            title=self.title,
            short_name=self.short_name,
            edition=self.edition,
            doi=self.doi,
            periods=periods,
        )

    @property
    def citation(self) -> str:
        return format_citation([self.cited()])


class PriceSeries(models.Model):
    """One published price of a commodity on one basis, in one unit and frequency.

    ``basis`` is the source's own wording (grade, delivery terms, price reporter). At most
    one series per commodity is its default; without one, the finest frequency is used.
    ``editions`` are what a citation names (``citation``); ``source`` says which of
    the publisher's files were read.
    """

    code = models.SlugField(max_length=100, unique=True)
    commodity = models.ForeignKey(
        Commodity, on_delete=models.PROTECT, related_name="series"
    )
    name = models.CharField(max_length=200)
    basis = models.TextField(help_text="The exact wording of the source.")
    source = models.TextField()
    source_url = models.URLField("source URL", max_length=500, blank=True)
    licence = models.CharField(max_length=200)
    currency = models.CharField(
        max_length=3, default="USD", help_text="ISO 4217 code, e.g. USD."
    )
    unit = models.CharField(max_length=20, choices=PRICE_UNIT_CHOICES)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    is_default = models.BooleanField(
        "default series",
        default=False,
        help_text="The series used for this commodity unless another is chosen.",
    )
    editions: models.ManyToManyField[SourceEdition, SeriesEdition] = (
        models.ManyToManyField(
            SourceEdition,
            through="SeriesEdition",
            related_name="price_series",
            blank=True,
            help_text="The published editions its prices were read from.",
        )
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["commodity__name", "name"]
        verbose_name_plural = "price series"
        constraints = [
            models.UniqueConstraint(
                fields=["commodity"],
                condition=Q(is_default=True),
                name="priceseries_one_default_per_commodity",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="priceseries_currency_iso4217",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=PRICE_UNITS), name="priceseries_unit_known"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values),
                name="priceseries_frequency_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit}, {self.get_frequency_display().lower()})"

    def format_period(self, period: dt.date) -> str:
        return format_period(period, self.frequency)

    def _cited(self) -> list[Cited]:
        # edition_links.all() uses a prefetch when the selectors made one.
        links = sorted(
            self.edition_links.all(), key=lambda link: (link.edition.year, link.pk)
        )
        return [link.edition.cited(link.periods) for link in links]

    @property
    def citation(self) -> str:
        """How to cite this series' prices: its editions, or its ``source`` text
        while none is recorded."""
        return format_citation(self._cited(), source=self.source)

    @property
    def short_citation(self) -> str:
        """The citation's short form, for chart source lines."""
        return format_citation(self._cited(), short=True, source=self.source)


class SeriesEdition(models.Model):
    """Which edition supplies which periods of a price series (MCS 2024 for
    2019–2020, MCS 2026 for 2021–2025); ``periods`` is blank when it supplies all."""

    series = models.ForeignKey(
        PriceSeries, on_delete=models.CASCADE, related_name="edition_links"
    )
    edition = models.ForeignKey(
        SourceEdition, on_delete=models.PROTECT, related_name="series_links"
    )
    periods = models.CharField(
        max_length=50,
        blank=True,
        help_text="The periods this edition supplies, e.g. 2019–2020; blank for all.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["series", "edition__year"]
        verbose_name = "series edition"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "edition"], name="seriesedition_unique"
            ),
        ]

    def __str__(self) -> str:
        where = f" ({self.periods})" if self.periods else ""
        return f"{self.series.code}: {self.edition.code}{where}"


class PriceObservation(models.Model):
    """One price of one series in one period (``period`` is the period's first day)."""

    series = models.ForeignKey(
        PriceSeries, on_delete=models.CASCADE, related_name="observations"
    )
    period = models.DateField(help_text="First day of the period.")
    price = models.DecimalField(
        max_digits=20, decimal_places=6, validators=[MinValueValidator(Decimal(0))]
    )
    estimated = models.BooleanField(
        default=False, help_text="The source marks this value as an estimate."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["series", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "period"], name="priceobservation_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="priceobservation_price_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series.code} {self.label}: {self.price} {self.series.unit}"

    @property
    def label(self) -> str:
        """``2025-01``, ``2025Q1`` or ``2025``, from the series frequency."""
        return format_period(self.period, self.series.frequency)

    def clean(self) -> None:
        if (
            self.series_id is not None
            and self.period is not None
            and not is_period_start(self.period, self.series.frequency)
        ):
            raise ValidationError(
                {
                    "period": (
                        f"Must be the first day of a {self.series.frequency} period."
                    )
                }
            )


class FxRate(models.Model):
    """Units of a currency per US dollar in a period (period average)."""

    currency = models.CharField(max_length=3, help_text="ISO 4217 code, e.g. EUR.")
    period = models.DateField(help_text="First day of the period.")
    units_per_usd = models.DecimalField(max_digits=20, decimal_places=8)
    source = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "period"]
        verbose_name = "FX rate"
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "period"], name="fxrate_unique_currency_period"
            ),
            models.CheckConstraint(
                condition=Q(units_per_usd__gt=0), name="fxrate_positive"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="fxrate_currency_iso4217",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.period:%Y-%m}: {self.units_per_usd} per USD"
