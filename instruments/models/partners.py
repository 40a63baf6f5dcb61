"""Economies (ISO 3166-1) and named groups of them, which may contain groups."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


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
