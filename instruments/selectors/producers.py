"""Producers of a commodity as a DataFrame, cheapest first."""

from __future__ import annotations

from typing import Any

import pandas as pd

from instruments.calculators.base import InputError
from instruments.models import PRODUCER_FIELDS, Commodity, Producer
from instruments.selectors.decimals import to_float

PRODUCER_COLUMNS = [
    field for field in PRODUCER_FIELDS if field not in ("commodity", "notes")
]
"""The columns of ``get_producers``: a producer's fields but the commodity asked for
and the notes."""
PRODUCER_NUMBER_COLUMNS = ("capacity", "unit_cost", "carbon_intensity", "audit_score")


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
    records = [_read_producer(producer) for producer in queryset]
    frame = pd.DataFrame.from_records(records, columns=PRODUCER_COLUMNS)
    for column in PRODUCER_NUMBER_COLUMNS:
        frame[column] = frame[column].astype("float64")
    return frame.sort_values(["unit_cost", "name"], na_position="last").reset_index(
        drop=True
    )


def _read_producer(producer: Producer) -> dict[str, Any]:
    """One row of ``get_producers``: the country as ISO3, numbers as floats."""
    record = {column: getattr(producer, column) for column in PRODUCER_COLUMNS}
    record["country"] = producer.country.iso3 if producer.country else None
    for column in PRODUCER_NUMBER_COLUMNS:
        record[column] = to_float(record[column])
    return record
