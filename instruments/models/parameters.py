"""Policy parameters that change by year (e.g. the CBAM free-allocation share)."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


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
