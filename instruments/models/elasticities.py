"""Published elasticity estimates and the defaults chosen from them per commodity.

``ElasticityEstimate`` is one number as a paper publishes it, in the paper's own sign
convention (Hauk: absolute own-price elasticity; Fontagné et al.: ε = 1 − σ < 0;
Broda–Weinstein: σ > 1). ``CommodityElasticity`` is a default of the market model in
the MODEL's convention: import demand η < 0, substitution σ > 0, supply ε ≥ 0, with a
low and high value and the estimates it was chosen from.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from instruments.models.prices import Commodity


class ElasticityEstimate(models.Model):
    """One published estimate (a row of the shared ``elasticities_published.csv``);
    ``key`` is ours (``hauk-imp-284690``, ``bw-284-usa``, ``fs-supply-cobalt``)."""

    key = models.SlugField(max_length=64, unique=True)
    parameter = models.CharField(max_length=200)
    scope = models.CharField(max_length=300)
    value = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    horizon = models.CharField(max_length=200, blank=True)
    source = models.TextField(help_text="The publication, as cited.")
    where_in_source = models.TextField(blank=True, help_text="Table, file and row.")
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = "elasticity estimate"
        constraints = [
            models.UniqueConstraint(
                fields=["parameter", "scope"], name="elasticityestimate_unique"
            ),
        ]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else f"{self.low}–{self.high}"
        return f"{self.short_citation}: {shown}"

    @property
    def author_year(self) -> str:
        """``Hauk (2012)``, ``Broda and Weinstein (2006)``, ``Fontagné et al. (2022)``."""
        found = re.match(r"(.*?)\s*\((\d{4})\)", self.source)
        if not found:
            return self.source[:60]
        names = [
            part.strip().split(",")[0]
            for part in re.split(r",\s*(?=[A-Z][^.,]+,)|\s+and\s+", found[1])
        ]
        names = [n for n in names if n and not re.fullmatch(r"([A-Z]\.\s*)+", n)]
        if len(names) > 2:
            return f"{names[0]} et al. ({found[2]})"
        return f"{' and '.join(names)} ({found[2]})"

    @property
    def short_citation(self) -> str:
        """Author, year and where: ``Hauk (2012), HS6 284690``, ``Broda and
        Weinstein (2006), HS3 284``, ``Fally and Sayre (2018), Table 1``."""
        table = re.match(r"(Table \w+|Appendix Table \w+)", self.where_in_source)
        hs6 = re.search(r"HS6 (\d{6})", self.scope)
        hs3 = re.search(r"HS0 3-digit (\d{3})", self.scope)
        sector = re.search(r"sector (\w+)", self.scope)
        if table:
            detail = table[1]
        elif hs6:
            detail = f"HS6 {hs6[1]}"
        elif hs3:
            detail = f"HS3 {hs3[1]}"
        elif sector:
            detail = f"sector {sector[1]}"
        else:
            detail = ""
        return ", ".join(part for part in (self.author_year, detail) if part)


class ElasticityKind(models.TextChoices):
    """The three elasticities of the market model (INSTRUMENTS.md §9–§10)."""

    IMPORT_DEMAND = "import_demand", "Import demand (η < 0)"
    SUBSTITUTION = "substitution", "Substitution among sources (σ > 0)"
    SUPPLY = "supply", "Supply (ε ≥ 0)"


class CommodityElasticity(models.Model):
    """A commodity's default elasticity of one kind, in the model's sign convention
    (η < 0, σ > 0, ε ≥ 0), with its range (``low`` ≤ ``value`` ≤ ``high``), the
    published ``estimates`` it was chosen from and a ``note`` saying how."""

    commodity = models.ForeignKey(
        Commodity, on_delete=models.CASCADE, related_name="elasticities"
    )
    kind = models.CharField(max_length=20, choices=ElasticityKind.choices)
    value = models.FloatField()
    low = models.FloatField()
    high = models.FloatField()
    estimates = models.ManyToManyField(
        ElasticityEstimate, related_name="defaults", blank=True
    )
    note = models.TextField(help_text="How the value and range were chosen.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["commodity__name", "kind"]
        verbose_name = "commodity elasticity"
        verbose_name_plural = "commodity elasticities"
        constraints = [
            models.UniqueConstraint(
                fields=["commodity", "kind"], name="commodityelasticity_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ElasticityKind.values),
                name="commodityelasticity_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(low__lte=F("value")) & Q(value__lte=F("high")),
                name="commodityelasticity_value_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="import_demand") | Q(high__lt=0),
                name="commodityelasticity_import_demand_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind="substitution") | Q(low__gt=0),
                name="commodityelasticity_substitution_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind="supply") | Q(low__gte=0),
                name="commodityelasticity_supply_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.commodity.code} {self.kind}: {self.value:g} "
            f"[{self.low:g}, {self.high:g}]"
        )

    @property
    def source(self) -> str:
        """A short citation of the estimates it was chosen from, grouped by author
        and year: ``Hauk (2012), HS6 284690; Broda and Weinstein (2006), HS3 284``
        (``estimates.all()`` uses a prefetch when the caller made one)."""
        details: dict[str, list[str]] = {}
        for estimate in sorted(self.estimates.all(), key=_estimate_order):
            author = estimate.author_year
            found = details.setdefault(author, [])
            detail = estimate.short_citation.removeprefix(author).lstrip(", ")
            if detail and detail not in found:
                found.append(detail)
        return "; ".join(", ".join([a, *found]) for a, found in details.items())

    def clean(self) -> None:
        errors = _range_errors(self.kind, self.value, self.low, self.high)
        if errors:
            raise ValidationError(errors)


_SOURCE_ORDER = ("hauk", "bw", "ph", "fgo", "fs")


def _estimate_order(estimate: ElasticityEstimate) -> tuple[int, str]:
    """The main estimate first (Hauk's HS6), then the ones that set the range."""
    prefix = estimate.key.split("-", 1)[0]
    rank = (
        _SOURCE_ORDER.index(prefix) if prefix in _SOURCE_ORDER else len(_SOURCE_ORDER)
    )
    return rank, estimate.key


def _range_errors(kind: str, value: float, low: float, high: float) -> dict[str, str]:
    if None in (value, low, high):
        return {}
    if not low <= value <= high:
        return {"value": f"{value} is outside [{low}, {high}]."}
    if kind == ElasticityKind.IMPORT_DEMAND and high >= 0:
        return {"high": "Import demand elasticities are negative (η < 0)."}
    if kind == ElasticityKind.SUBSTITUTION and low <= 0:
        return {"low": "Substitution elasticities are positive (σ > 0)."}
    if kind == ElasticityKind.SUPPLY and low < 0:
        return {"low": "Supply elasticities are not negative (ε ≥ 0)."}
    return {}
