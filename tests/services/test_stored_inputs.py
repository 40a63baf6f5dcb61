"""Each stored input is declared once (``stored_inputs.catalogue``): its request
fields, the tables its filler reads and the filler. The result cache's versions are
derived from those declarations, so a filler that reads an undeclared table would
serve stale results after a steward's edit: these tests catch it."""

from __future__ import annotations

import contextlib
import dataclasses
import re
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from instruments.calculators import REGISTRY
from instruments.calculators.base import InputError
from instruments.calculators.extras import ALL_EXTRA_FIELDS
from instruments.services import data_versions
from instruments.services.stored_inputs import fill
from instruments.services.stored_inputs.catalogue import STORED_INPUTS
from instruments.services.stored_inputs.request import StoredInput, StoredRequest

# Extras that only narrow or replace what ``commodity`` names (a stored series' range
# and exchange rate): they read nothing of their own.
QUALIFIERS = {"start", "end", "fx_rate"}

# Extras and inputs that make each filler read, on the seeded data.
VARIATIONS: list[dict[str, Any]] = [
    {},
    {"commodity": "ndpr-oxide"},
    {"commodity": "ndpr-oxide", "year": 2024, "importer": "eu-27"},
    {"commodity": "ndpr-oxide", "reference_basis": "cost_percentile"},
    {"commodity": "ndpr-oxide", "downstream": []},
    {"commodity": "aluminum"},
    {"member_group": "msp"},
    {
        "commodity": "ndpr-oxide",
        "year": 2024,
        "members": ["eu-27", "USA"],
        "floor": 66,
        "uncertainty": None,
    },
    {"cbam_year": 2027, "carbon_price_unit": "EUR/t"},
    # the members' stocks from the register of declared stockpiles
    {
        "commodity": "ndpr-oxide",
        "year": 2024,
        "members": ["eu-27", "USA", "JPN"],
        "declared_stocks": True,
    },
    # a stored project, whose commodity names the stored prices (no typed price)
    {
        "stored_project": "ndpr-separation-usa-illustrative",
        "simulation": None,
        "price_path": None,
    },
]


def test_every_declared_read_is_a_versioned_table() -> None:
    versioned = set(data_versions.TABLES.values())
    for stored_input in STORED_INPUTS:
        assert stored_input.reads, stored_input.name
        for model in stored_input.reads:
            assert issubclass(model, models.Model), (stored_input.name, model)
            assert model in versioned, (stored_input.name, model)


def test_the_tables_a_request_reads_are_derived_from_the_declarations() -> None:
    assert data_versions.derive_reads(STORED_INPUTS) == data_versions.READS
    names = [stored_input.name for stored_input in STORED_INPUTS]
    assert len(names) == len(set(names))


def test_every_request_extra_that_names_stored_data_is_declared() -> None:
    declared = {field for s in STORED_INPUTS for field in s.fields}
    assert ALL_EXTRA_FIELDS - declared == QUALIFIERS


def models_by_table() -> dict[str, type[models.Model]]:
    """Database table -> the versioned model it belongs to (its history and its
    many-to-many tables included)."""
    out: dict[str, type[models.Model]] = {}
    for model in data_versions.TABLES.values():
        out[model._meta.db_table] = model
        out[model.history.model._meta.db_table] = model  # type: ignore[attr-defined]
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            assert through is not None
            out[through._meta.db_table] = model
    for model in apps.get_app_config("instruments").get_models():
        out.setdefault(model._meta.db_table, model)
    return out


def recording(
    stored_input: StoredInput, seen: dict[str, set[type[models.Model]]]
) -> StoredInput:
    tables = models_by_table()
    pattern = re.compile(r"\b(instruments_\w+)\b")

    def fill_and_record(request: StoredRequest) -> Any:
        with CaptureQueriesContext(connection) as queries:
            try:
                return stored_input.fill(request)
            finally:
                for query in queries.captured_queries:
                    for table in pattern.findall(query["sql"]):
                        if table in tables:
                            seen[stored_input.name].add(tables[table])

    return dataclasses.replace(stored_input, fill=fill_and_record)


def test_each_filler_reads_only_the_tables_it_declares(seeded_db, monkeypatch):
    seen: dict[str, set[type[models.Model]]] = {s.name: set() for s in STORED_INPUTS}
    monkeypatch.setattr(
        fill, "STORED_INPUTS", tuple(recording(s, seen) for s in STORED_INPUTS)
    )
    for calculator in REGISTRY.values():
        for extra in VARIATIONS:
            cache.clear()
            data_versions.forget_local_reads()
            data = {**calculator.example, **extra}
            with contextlib.suppress(InputError):  # the reads before it count
                fill.fill_stored_inputs(calculator=calculator, data=data)
    for stored_input in STORED_INPUTS:
        undeclared = seen[stored_input.name] - set(stored_input.reads)
        assert not undeclared, (stored_input.name, undeclared)
        assert seen[stored_input.name], f"{stored_input.name} was never exercised"


@pytest.mark.parametrize("stored_input", STORED_INPUTS, ids=lambda s: s.name)
def test_a_declared_input_fills_nothing_without_its_fields(stored_input, db) -> None:
    """Without any of its fields a request reads none of its tables: typed-in
    numbers are never invalidated by a steward's edit."""
    tables = data_versions.tables_read(data=dict.fromkeys(stored_input.fields, "x"))
    names = {
        name for name, m in data_versions.TABLES.items() if m in stored_input.reads
    }
    assert names <= set(tables)
