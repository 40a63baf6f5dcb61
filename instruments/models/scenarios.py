"""Saved calculations (scenarios and seeded precedents) and the check that a stored
calculator slug names a calculator of the registry."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from instruments.calculators import REGISTRY


def calculator_choices() -> list[tuple[str, str]]:
    """The registered calculators, by slug (slug = URL segment = API path)."""
    return [(slug, calculator.title) for slug, calculator in REGISTRY.items()]


def validate_calculator(slug: str) -> None:
    """A scenario names a calculator of the registry (not a list kept beside it)."""
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
