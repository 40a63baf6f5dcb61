"""Versions of the stored tables, and reads of stored data kept under them.

A table's version is its history's newest id joined with a counter in the shared cache
that writes bump (``data_versions`` explains both). This module knows nothing of the
stored inputs, so a stored-input filler can keep its own reads here
(``cached_read``) without an import cycle; ``data_versions`` adds which tables a
request reads and re-exports the rest.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models

from instruments import models as m

COUNTER_PREFIX = "dataver:"

TABLES: dict[str, type[models.Model]] = {
    "commodity": m.Commodity,
    "price_series": m.PriceSeries,
    "source_edition": m.SourceEdition,  # a result records the citation
    "series_edition": m.SeriesEdition,
    "price_observation": m.PriceObservation,
    "fx_rate": m.FxRate,
    "producer": m.Producer,
    "partner": m.Partner,
    "partner_group": m.PartnerGroup,
    "parameter_schedule": m.ParameterSchedule,
    "trade_flow": m.TradeFlow,
    "commodity_hs_code": m.CommodityHsCode,
    "scenario": m.Scenario,  # the precedents a calculator page lists
    # the calibrated baseline (§10): production by country and elasticity defaults
    "production_volume": m.ProductionVolume,
    "commodity_production": m.CommodityProduction,
    "elasticity_estimate": m.ElasticityEstimate,
    "commodity_elasticity": m.CommodityElasticity,
    "project": m.Project,  # the project register (§12) and its pipeline
    # supply security (§11): shown on the commodity pages
    "export_control": m.ExportControl,
    "declared_stockpile": m.DeclaredStockpile,
}


def versions_of(*, names: tuple[str, ...]) -> str:
    """``"table=history:counter;..."`` for the named tables ("" if none)."""
    return ";".join(
        f"{name}={version}" for name, version in versions_by_table(names=names).items()
    )


_read_in_block: ContextVar[dict[str, str] | None] = ContextVar(
    "data_versions_read", default=None
)

T = TypeVar("T")


@contextlib.contextmanager
def read_once() -> Iterator[None]:
    """Within the block each table's version is looked up at most once (a write in
    the block forgets them); outside any block, every call looks them up."""
    token = _read_in_block.set({})
    try:
        yield
    finally:
        _read_in_block.reset(token)


def versions_by_table(*, names: tuple[str, ...]) -> dict[str, str]:
    """``{table: "history:counter"}`` for the named tables, in their order: one
    query and one cache round trip whatever their number."""
    known = _read_in_block.get()
    if known is None:
        return _look_up(names)
    missing = tuple(name for name in names if name not in known)
    if missing:
        known.update(_look_up(missing))
    return {name: known[name] for name in names}


# The process's own copies of recent ``cached_read`` values. Their keys carry the
# tables' versions, so a copy can never be stale: an edit changes the key. Small
# reads only (a partner list); bounded, oldest dropped first.
_LOCAL_READS: dict[str, Any] = {}
_LOCAL_READS_MAX = 64
# Which copy is the newest of each read by name, and when it was read or confirmed
# (time.monotonic()).
_LATEST: dict[str, tuple[float, str]] = {}
RECENT_SECONDS = 30.0


def forget_local_reads() -> None:
    """Drop this process's copies (the tests do, with the shared cache)."""
    _LOCAL_READS.clear()
    _LATEST.clear()


def recent_read(*, name: str) -> Any | None:
    """This process's copy of the read ``name`` if it was taken (or confirmed) in the
    last ``RECENT_SECONDS``, without looking the versions up; else None. For checks
    whose "yes" may be a few seconds old but whose "no" must be current: a caller
    that finds what it looks for is done, one that does not reads afresh
    (``cached_read``). A write in this process drops the copies at once."""
    found = _LATEST.get(name)
    if found is None or time.monotonic() - found[0] > RECENT_SECONDS:
        return None
    return _LOCAL_READS.get(found[1])


def cached_read(*, name: str, tables: tuple[str, ...], read: Callable[[], T]) -> T:
    """``read()`` (a read of the named tables) from this process's copy or the
    shared cache, kept under their versions: the same answer until one of them
    changes. The value is shared between requests: treat it as read-only."""
    listed = ";".join(f"{t}={v}" for t, v in versions_by_table(names=tables).items())
    key = "dataread:" + hashlib.sha256(f"{name}\n{listed}".encode()).hexdigest()
    if key in _LOCAL_READS:
        _LATEST[name] = (time.monotonic(), key)
        return cast(T, _LOCAL_READS[key])
    try:
        found = cache.get(key)
    except Exception:  # a cache outage: read the database
        return read()
    if found is None:
        found = read()
        with contextlib.suppress(Exception):  # a value the cache refuses: not kept
            cache.set(key, found, settings.CALCULATION_CACHE_SECONDS)
    if len(_LOCAL_READS) >= _LOCAL_READS_MAX:
        _LOCAL_READS.pop(next(iter(_LOCAL_READS)))
    _LOCAL_READS[key] = found
    if name not in _LATEST and len(_LATEST) >= _LOCAL_READS_MAX:
        _LATEST.pop(next(iter(_LATEST)))  # reads named by their inputs: bounded
    _LATEST[name] = (time.monotonic(), key)
    return cast(T, found)


def _look_up(names: tuple[str, ...]) -> dict[str, str]:
    if not names:
        return {}
    counters = _counters(names)
    tops = _history_max(names)
    return {
        name: f"{top}:{counters.get(name, 0)}"
        for name, top in zip(names, tops, strict=True)
    }


def _history_max(names: tuple[str, ...]) -> list[int]:
    """The newest history id of each table, in one query (one round trip)."""
    with connection.cursor() as cursor:
        cursor.execute(_history_max_sql(names, connection.vendor))
        row = cursor.fetchone()
    return [int(value or 0) for value in row]


@functools.cache
def _history_max_sql(names: tuple[str, ...], vendor: str) -> str:
    """The query of ``_history_max``, built once per set of tables: reaching a
    history model through django-simple-history's manager builds a manager class
    each time (0.2 ms a table, most of a light request's version lookup)."""
    quote = connection.ops.quote_name
    parts = []
    for name in names:
        history = TABLES[name].history.model  # type: ignore[attr-defined]
        parts.append(
            f"(SELECT MAX({quote('history_id')}) FROM {quote(history._meta.db_table)})"
        )
    return "SELECT " + ", ".join(parts)


def _counters(names: tuple[str, ...]) -> dict[str, int]:
    try:
        found = cache.get_many([COUNTER_PREFIX + name for name in names])
    except Exception:
        return {}
    return {key.removeprefix(COUNTER_PREFIX): int(v) for key, v in found.items()}


def bump(*, name: str) -> None:
    """Count one more write to a table (atomic in Redis: ``incr``)."""
    known = _read_in_block.get()
    if known is not None:
        known.clear()  # this block wrote: look the versions up afresh
    # A write here may yet be rolled back, and a rolled-back history id is used
    # again on SQLite: this process's copies go with every write it makes.
    forget_local_reads()
    key = COUNTER_PREFIX + name
    try:
        if not cache.add(key, 1, timeout=None):
            cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=None)
    except Exception:  # a cache outage: the history id still moves on most writes
        pass


def _receiver(name: str) -> Any:
    def bump_on_write(sender: Any, **kwargs: Any) -> None:
        bump(name=name)

    bump_on_write.__name__ = f"bump_{name}"
    return bump_on_write


_RECEIVERS: list[Any] = []


def connect_signals() -> None:
    """Bump a table's counter on every save, delete and many-to-many change."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for name, model in TABLES.items():
        receiver = _receiver(name)
        _RECEIVERS.append(receiver)  # signals hold weak references
        post_save.connect(receiver, sender=model, dispatch_uid=f"dataver-save-{name}")
        post_delete.connect(
            receiver, sender=model, dispatch_uid=f"dataver-delete-{name}"
        )
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                receiver,
                sender=through,
                dispatch_uid=f"dataver-m2m-{name}-{field.name}",
            )
