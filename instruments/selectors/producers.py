"""Producers of a commodity as a DataFrame, cheapest first."""

from __future__ import annotations

import pandas as pd

from instruments.calculators.base import InputError
from instruments.models import Commodity, Producer
from instruments.selectors.decimals import to_float

# --- producers, FX rates and policy parameters ----------------------------------------

PRODUCER_COLUMNS = [
    "name",
    "country",
    "stage",
    "capacity",
    "capacity_unit",
    "unit_cost",
    "cost_unit",
    "carbon_intensity",
    "intensity_scope",
    "audit_score",
    "audit_scheme",
    "traceable",
    "is_illustrative",
    "source",
]


def get_producers(commodity: str, *, stage: str | None = None) -> pd.DataFrame:
    """The producers of a commodity as a DataFrame (numbers as float64, NaN if unknown),
    cheapest first: the supply side of a cost curve or a standards market."""
    if not Commodity.objects.filter(code=commodity).exists():
        raise InputError.at(("commodity",), f"Unknown commodity '{commodity}'.")
    queryset = Producer.objects.filter(commodity__code=commodity).select_related(
        "country"
    )
    if stage:
        queryset = queryset.filter(stage=stage)
    records = [
        {
            "name": p.name,
            "country": p.country.iso3 if p.country else None,
            "stage": p.stage,
            "capacity": to_float(p.capacity),
            "capacity_unit": p.capacity_unit,
            "unit_cost": to_float(p.unit_cost),
            "cost_unit": p.cost_unit,
            "carbon_intensity": to_float(p.carbon_intensity),
            "intensity_scope": p.intensity_scope,
            "audit_score": to_float(p.audit_score),
            "audit_scheme": p.audit_scheme,
            "traceable": p.traceable,
            "is_illustrative": p.is_illustrative,
            "source": p.source,
        }
        for p in queryset
    ]
    frame = pd.DataFrame.from_records(records, columns=PRODUCER_COLUMNS)
    for column in ("capacity", "unit_cost", "carbon_intensity", "audit_score"):
        frame[column] = frame[column].astype("float64")
    return frame.sort_values(["unit_cost", "name"], na_position="last").reset_index(
        drop=True
    )
