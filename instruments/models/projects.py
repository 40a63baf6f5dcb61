"""The project register (INSTRUMENTS.md §12): mines, refineries, processing plants and
recyclers outside the dominant supplier that a support instrument might make bankable.

The fields carry §12's project input names (``capacity``, ``ramp_up``, ``capex``,
``construction_years``, ``life_years``, ``unit_opex``, ``fixed_opex``,
``realised_share``, ``tax_rate``, ``discount_rate``; ``debt_share``, ``debt_rate``,
``debt_tenor_years`` are §12's ``debt: {share, rate, tenor_years}``), so
``selectors.get_project`` hands the calculator its inputs unrenamed. Units follow §1:
``capacity`` is in ``quantity_unit`` a year, ``unit_opex`` in ``price_unit`` (the
money of ``capex`` and ``fixed_opex`` is that unit's currency, in whole units, not
millions).

Illustrative projects (``illustrative``) say so in their name; their ``sources``
cite the public figures they use and ``assumptions`` states everything else.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from instruments.models.partners import Partner
from instruments.models.prices import PRICE_UNIT_CHOICES, Commodity

MAX_YEARS = 60
"""The longest construction, life or debt tenor a project may state."""
MAX_MONEY = 1e14
"""The largest capex amount a year (whole units of money)."""


class ProjectStage(models.TextChoices):
    """Where a project sits in the value chain (§12's ``stage``)."""

    MINE = "mine", gettext_noop("Mining")
    REFINERY = "refinery", gettext_noop("Refining")
    PROCESSING = "processing", gettext_noop("Processing")
    RECYCLING = "recycling", gettext_noop("Recycling")


class ProjectStatus(models.TextChoices):
    """How far a project has come."""

    CONCEPT = "concept", gettext_noop("Concept")
    FEASIBILITY = "feasibility", gettext_noop("Feasibility study")
    FINANCING = "financing", gettext_noop("Seeking finance")
    CONSTRUCTION = "construction", gettext_noop("Under construction")
    OPERATING = "operating", gettext_noop("Operating")
    SUSPENDED = "suspended", gettext_noop("Suspended")
    CANCELLED = "cancelled", gettext_noop("Cancelled")


QUANTITY_UNIT_CHOICES = [(u, u) for u in ("t", "kg")]

PROJECT_FIELDS = (
    "slug",
    "name",
    "stage",
    "country",
    "commodity",
    "status",
    "capacity",
    "quantity_unit",
    "ramp_up",
    "capex",
    "construction_years",
    "life_years",
    "unit_opex",
    "price_unit",
    "fixed_opex",
    "realised_share",
    "tax_rate",
    "discount_rate",
    "debt_share",
    "debt_rate",
    "debt_tenor_years",
    "illustrative",
    "sources",
    "assumptions",
)
"""A project's fields in the order of the files, the API and the admin."""


def validate_ramp_up(value: Any) -> None:
    """§12's ``ramp_up``: shares of capacity by operating year, each in [0, 1] (an
    empty list: full capacity from the first operating year)."""
    if not isinstance(value, list) or len(value) > MAX_YEARS:
        raise ValidationError(
            f"Give the ramp-up as a list of at most {MAX_YEARS} shares of capacity, "
            "one per operating year, e.g. [0.5, 0.8] (empty: full from year 1)."
        )
    for share in value:
        if (
            isinstance(share, bool)
            or not isinstance(share, int | float)
            or not 0 <= share <= 1
        ):
            raise ValidationError(
                f"Each ramp-up share is a number from 0 to 1 (got {share!r})."
            )


def validate_capex(value: Any) -> None:
    """§12's ``capex``: a total (spread evenly over the construction years) or a
    list by construction year, in money ≥ 0 with a positive total."""
    amounts = value if isinstance(value, list) else [value]
    if not amounts or len(amounts) > MAX_YEARS:
        raise ValidationError(
            f"Give capex as one amount or a list of at most {MAX_YEARS}, one per "
            "construction year."
        )
    for amount in amounts:
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int | float)
            or not 0 <= amount <= MAX_MONEY  # NaN fails too
        ):
            raise ValidationError(
                f"Each capex amount is a number from 0 to {MAX_MONEY:.0e} "
                f"(got {str(amount)[:40]})."
            )
    if sum(amounts) <= 0:
        raise ValidationError("Capex must add up to more than 0.")


def _decimal(
    *, low: str | None = "0", high: str | None = None, **kwargs: Any
) -> models.DecimalField:
    validators: list[Any] = []
    if low is not None:
        validators.append(MinValueValidator(Decimal(low)))
    if high is not None:
        validators.append(MaxValueValidator(Decimal(high)))
    return models.DecimalField(
        max_digits=20, decimal_places=6, validators=validators, **kwargs
    )


def _years(**kwargs: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(MAX_YEARS)], **kwargs
    )


class Project(models.Model):
    """A project that support might make bankable, with §12's inputs."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    stage = models.CharField(max_length=12, choices=ProjectStage.choices)
    country = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="projects"
    )
    commodity = models.ForeignKey(
        Commodity,
        on_delete=models.PROTECT,
        related_name="projects",
        help_text="The commodity it sells, whose benchmark price it earns.",
    )
    status = models.CharField(
        max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.CONCEPT
    )
    capacity = _decimal(help_text="Units of output a year (quantity_unit).")
    quantity_unit = models.CharField(
        max_length=4, choices=QUANTITY_UNIT_CHOICES, default="t"
    )
    ramp_up = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_ramp_up],
        help_text="Shares of capacity by operating year, e.g. [0.4, 0.7, 0.9]; "
        "full capacity after. Empty: full from the first year.",
    )
    capex = models.JSONField(
        validators=[validate_capex],
        help_text="Money: a total spread evenly over the construction years, or a "
        "list by construction year, e.g. [200000000, 300000000].",
    )
    construction_years = _years(default=2)
    life_years = _years(help_text="Operating years.")
    unit_opex = _decimal(help_text="Operating cost per unit of output (price_unit).")
    price_unit = models.CharField(
        max_length=20,
        choices=PRICE_UNIT_CHOICES,
        default="USD/t",
        help_text="The unit of unit_opex and of the benchmark price; its currency "
        "is the money of capex and fixed_opex.",
    )
    fixed_opex = _decimal(default=Decimal(0), help_text="Money a year.")
    realised_share = _decimal(
        low="0",
        high="2",
        default=Decimal(1),
        help_text="Share of the benchmark price realised (payability, discounts).",
    )
    tax_rate = _decimal(high="1", default=Decimal(0))
    discount_rate = _decimal(
        high="1", default=Decimal("0.08"), help_text="The sponsor's hurdle rate."
    )
    debt_share = _decimal(
        high="1", default=Decimal(0), help_text="Share of capex borrowed."
    )
    debt_rate = _decimal(high="1", default=Decimal(0))
    debt_tenor_years = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_YEARS)]
    )
    illustrative = models.BooleanField(
        default=False,
        help_text="Built for examples from public figures and stated assumptions; "
        "not the sponsor's own model.",
    )
    sources = models.TextField(
        blank=True, help_text="The public figures used, each with its publisher."
    )
    assumptions = models.TextField(
        blank=True, help_text="Every figure not from a cited source."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0), name="project_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(construction_years__gte=1),
                name="project_construction_years_positive",
            ),
            models.CheckConstraint(
                condition=Q(life_years__gte=1), name="project_life_years_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_opex__gte=0) & Q(fixed_opex__gte=0),
                name="project_opex_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(realised_share__gt=0) & Q(realised_share__lte=2),
                name="project_realised_share_range",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0)
                & Q(tax_rate__lt=1)
                & Q(discount_rate__gte=0)
                & Q(discount_rate__lt=1)
                & Q(debt_share__gte=0)
                & Q(debt_share__lte=1)
                & Q(debt_rate__gte=0)
                & Q(debt_rate__lt=1),
                name="project_rates_range",
            ),
            models.CheckConstraint(
                condition=Q(debt_share=0) | Q(debt_tenor_years__gte=1),
                name="project_debt_has_tenor",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.capacity is not None and self.capacity <= 0:
            errors["capacity"] = "Capacity must be more than 0."
        if self.realised_share is not None and self.realised_share <= 0:
            errors["realised_share"] = "The realised share must be more than 0."
        for name in ("tax_rate", "discount_rate", "debt_rate"):
            value = getattr(self, name)
            if value is not None and value >= 1:
                errors[name] = "A rate is a decimal below 1 (0.25 = 25 %)."
        if not self.construction_years:
            errors["construction_years"] = "At least one construction year."
        if not self.life_years:
            errors["life_years"] = "At least one operating year."
        if (
            isinstance(self.capex, list)
            and self.construction_years
            and len(self.capex) != self.construction_years
        ):
            errors["capex"] = (
                f"Capex by year has {len(self.capex)} amounts for "
                f"{self.construction_years} construction years."
            )
        if (
            isinstance(self.ramp_up, list)
            and self.life_years
            and len(self.ramp_up) > self.life_years
        ):
            errors["ramp_up"] = (
                f"The ramp-up lists {len(self.ramp_up)} years; the life is "
                f"{self.life_years}."
            )
        if self.debt_share and not self.debt_tenor_years:
            errors["debt_tenor_years"] = "Debt needs a tenor of at least one year."
        if errors:
            raise ValidationError(errors)

    @property
    def total_capex(self) -> float:
        """Capex over all construction years."""
        amounts = self.capex if isinstance(self.capex, list) else [self.capex]
        return float(sum(amounts))
