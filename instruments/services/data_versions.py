"""Versions of the stored tables a calculation reads, for the result cache.

A table's version is its history's newest id (every save, import or delete through
django-simple-history adds a history row, bulk imports included) joined with a
counter in the shared cache that ``post_save``, ``post_delete`` and ``m2m_changed``
bump (writes that leave no history: a group's subgroups, a queryset update). Both
live where every app server and worker sees them (the database and the shared
cache), so an edit on one server invalidates the cached results on all of them.

A request reads only the tables its stored references name (``READS``, derived from
the stored inputs' declarations): typed-in numbers read none, so a price edit never
invalidates them.

Inside ``read_once()`` (every web request, ``instruments.web.middleware``) a table's
version is looked up at most once: the result cache's key, the cached partner list
and a page's fragments then cost one query and one cache round trip between them. A
write in the block (a save, delete or many-to-many change) forgets what was read.
``cached_read`` keeps any read of stored data in the shared cache under the versions
of the tables it reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from instruments.services.stored_inputs.catalogue import STORED_INPUTS
from instruments.services.stored_inputs.request import StoredInput
from instruments.services.table_versions import (
    COUNTER_PREFIX,
    RECENT_SECONDS,
    TABLES,
    bump,
    cache,
    cached_read,
    connect_signals,
    forget_local_reads,
    read_once,
    recent_read,
    time,
    versions_by_table,
    versions_of,
)

__all__ = [
    "COUNTER_PREFIX",
    "READS",
    "RECENT_SECONDS",
    "TABLES",
    "bump",
    "cache",
    "cached_read",
    "connect_signals",
    "derive_reads",
    "forget_local_reads",
    "read_once",
    "recent_read",
    "tables_read",
    "time",
    "versions_by_table",
    "versions_for_request",
    "versions_of",
]


def derive_reads(
    stored_inputs: tuple[StoredInput, ...] = STORED_INPUTS,
) -> dict[str, tuple[str, ...]]:
    """Request field -> the tables read by the fillers of the stored inputs it names,
    in ``TABLES`` order."""
    names = {model: name for name, model in TABLES.items()}
    reads: dict[str, set[str]] = {}
    for stored_input in stored_inputs:
        for field in stored_input.fields:
            reads.setdefault(field, set()).update(
                names[model] for model in stored_input.reads
            )
    return {
        field: tuple(name for name in TABLES if name in tables)
        for field, tables in reads.items()
    }


READS = derive_reads()


def tables_read(*, data: Mapping[str, Any]) -> tuple[str, ...]:
    """The stored tables a request's references name, in a fixed order."""
    names: set[str] = set()
    for field, tables in READS.items():
        if data.get(field) not in (None, ""):
            names.update(tables)
    return tuple(name for name in TABLES if name in names)


def versions_for_request(*, data: Mapping[str, Any]) -> str:
    """``"table=history:counter;..."`` for the tables the request reads ("" if none)."""
    return versions_of(names=tables_read(data=data))
