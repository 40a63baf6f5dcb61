"""The data the instruments run on: commodities, their price series and observations,
economies and partner groups (which may contain groups), bilateral trade flows by HS
code, producers, FX rates, policy parameters by year, and saved
scenarios.

Prices are stored exactly (``Decimal``) in the unit the source publishes; selectors turn
them into float64 pandas objects. Every data model keeps an audit history
(django-simple-history) that records who changed what and when.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
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


class Stage(models.TextChoices):
    """Stage of production along a value chain (ore → oxide → metal → magnet)."""

    ORE_CONCENTRATE = "ore_concentrate", "Ore / concentrate"
    INTERMEDIATE = "intermediate", "Intermediate"
    REFINED = "refined", "Refined"
    SEMI_FINISHED = "semi_finished", "Semi-finished"
    PRODUCT = "product", "Product"


class Frequency(models.TextChoices):
    """How often a series is observed; the order is finest first."""

    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


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
        on_delete=models.SET_NULL,
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


class Partner(models.Model):
    """An economy, by its ISO 3166-1 code."""

    iso3 = models.CharField("ISO 3166-1 alpha-3", max_length=3, unique=True)
    iso2 = models.CharField("ISO 3166-1 alpha-2", max_length=2, unique=True)
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="partner_iso3_format"
            ),
            models.CheckConstraint(
                condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="partner_iso2_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.iso3})"


class PartnerGroup(models.Model):
    """A named group of economies (EU-27, G7, Minerals Security Partnership, ...)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Partner, related_name="groups", blank=True)
    subgroups = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="supergroups",
        blank=True,
        help_text=(
            "Groups whose members count as members of this one (e.g. the EU-27 in "
            "the Minerals Security Partnership). A group may not contain itself, "
            "directly or through other groups."
        ),
    )
    source = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def check_subgroups(self, subgroups: Iterable[PartnerGroup]) -> None:
        """Refuse ``subgroups`` that would make a loop (the group inside itself,
        directly or through other groups): a ``ValidationError`` on ``subgroups``."""
        chosen = list(subgroups)
        if self.pk is None:
            return  # a new group is in no other group yet, so it cannot loop
        if any(group.pk == self.pk for group in chosen):
            raise ValidationError({"subgroups": "A group cannot contain itself."})
        edges: dict[int, set[int]] = {}
        through = PartnerGroup.subgroups.through.objects.values_list(
            "from_partnergroup_id", "to_partnergroup_id"
        )
        for parent, child in through:
            edges.setdefault(parent, set()).add(child)
        edges[self.pk] = {group.pk for group in chosen}
        seen: set[int] = set()
        stack = list(edges[self.pk])
        while stack:
            node = stack.pop()
            if node == self.pk:
                names = ", ".join(sorted(g.code for g in chosen))
                raise ValidationError(
                    {
                        "subgroups": (
                            f"That would put '{self.code}' inside itself (through "
                            f"{names}); groups may contain groups, but not in a loop."
                        )
                    }
                )
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))


class IntensityScope(models.TextChoices):
    """Which emissions a carbon intensity counts (GHG Protocol scopes)."""

    SCOPE1 = "scope1", "Scope 1"
    SCOPE1_2 = "scope1_2", "Scopes 1 and 2"
    SCOPE1_2_3 = "scope1_2_3", "Scopes 1, 2 and 3"


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


class ParameterSchedule(models.Model):
    """A policy value that changes by year (e.g. the CBAM free-allocation share)."""

    code = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=6)
    unit = models.CharField(max_length=40, help_text="e.g. share (0–1)")
    source = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "year"], name="parameterschedule_unique_code_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.value} {self.unit}"


def calculator_choices() -> list[tuple[str, str]]:
    """The registered calculators, by slug (slug = URL segment = API path)."""
    from instruments.calculators import REGISTRY

    return [(slug, calculator.title) for slug, calculator in REGISTRY.items()]


def validate_calculator(slug: str) -> None:
    """A scenario names a calculator of the registry (not a list kept beside it)."""
    from instruments.calculators import REGISTRY

    if slug not in REGISTRY:
        raise ValidationError(
            f"Unknown calculator '{slug}'; known: {', '.join(sorted(REGISTRY))}."
        )


class Scenario(models.Model):
    """A saved calculation: a calculator's inputs with a title, owner and visibility.

    Seeded precedent examples (``is_precedent``) have no owner and are public.
    """

    calculator = models.CharField(
        max_length=40,
        choices=calculator_choices,
        validators=[validate_calculator],
    )
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    inputs = models.JSONField(default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scenarios",
    )
    is_public = models.BooleanField("public", default=False)
    is_precedent = models.BooleanField(
        "precedent",
        default=False,
        help_text="Offered in the 'load a precedent' menu.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated"]
        indexes = [
            models.Index(
                fields=["calculator", "is_public"],
                name="scenario_calculator_public",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_precedent=False) | Q(is_public=True),
                name="scenario_precedent_is_public",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.calculator})"


# --- trade flows (CEPII BACI and the like) ---------------------------------------------


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


class ApiKeyScope(models.TextChoices):
    ACCOUNT = "account", "Account token (header; reads and writes)"
    SPREADSHEET = "spreadsheet", "Spreadsheet key (in the URL; reads only)"


class ApiKey(models.Model):
    """An API credential, stored as a SHA-256 hash (the key is shown once, when made).

    An *account* token goes in the ``Authorization: Token`` header and acts as its
    user; a *spreadsheet* key goes in the URL (``?token=``) of ``IMPORTDATA`` and
    ``WEBSERVICE`` formulas and can only read. Both expire and can be revoked; a
    user holds at most one live key of each scope.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    scope = models.CharField(max_length=16, choices=ApiKeyScope.choices)
    prefix = models.CharField(
        max_length=12, help_text="The key's first characters, to recognise it."
    )
    hashed_key = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.prefix}… of {self.user}"


# --- jobs (long work on Celery workers) ------------------------------------------------


class JobKind(models.TextChoices):
    """What a job runs."""

    CALCULATION = "calculation", "one calculation"
    BATCH = "batch", "a batch of calculations"
    SENSITIVITY = "sensitivity", "a sensitivity analysis"
    EXPORT = "export", "an export of a data list"
    IMPORT = "import", "an import of a published file"


class JobState(models.TextChoices):
    """Where a job is: queued → running → succeeded or failed."""

    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "succeeded"
    FAILED = "failed", "failed"


class Job(models.Model):
    """Long work handed to a worker (``services/jobs.py``): its request, state,
    progress and result. The id is a random UUID, so an anonymous job is readable
    only by whoever holds its link; a signed-in user's job only by that user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=JobKind.choices)
    calculator = models.CharField(
        max_length=40,
        choices=calculator_choices,
        validators=[validate_calculator],
        blank=True,  # an export runs no calculator
    )
    request = models.JSONField(default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    state = models.CharField(
        max_length=20, choices=JobState.choices, default=JobState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(
        null=True, blank=True, help_text="The 400 body: field path → messages."
    )
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["owner", "-created"], name="job_owner_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="job_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.calculator} {self.id} ({self.state})"

    @property
    def is_done(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)
