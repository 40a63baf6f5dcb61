"""Running a calculation for the API, the pages and the workers: fill the stored
inputs, parse, compute, and cache the result in the shared cache.

The cache key is the calculator, the request as canonical JSON, and the version of
each stored table the request can read (``services/data_versions.py``): a steward's
edit of a price bumps the price tables' versions, so exactly the calculations that
read stored prices miss the cache afterwards, while typed-in calculations and those
on partner groups keep theirs. A simulation without a fixed seed is never cached,
nor a result that pickles to more than ``CALCULATION_CACHE_MAX_BYTES`` (5 MB by
default: a 600-period × 50-flow price floor is 3.7 MB; a larger one is computed
again rather than kept in Redis), nor one computed in less than
``CALCULATION_CACHE_MIN_SECONDS`` of CPU (5 ms by default: a four-period price
floor takes 1–2 ms on a busy server, hardly more than pickling it and the cache's
round trips). Such a result is not written, and once a request of that
calculator and size has computed that fast in this process, the next ones are not
looked for either.

A result computed for an anonymous visitor (``anonymous=True``) is bounded more
tightly: kept only up to ``CALCULATION_CACHE_ANONYMOUS_MAX_BYTES`` (500 KB) and for
``CALCULATION_CACHE_ANONYMOUS_SECONDS`` (an hour), so that anyone without an account
cannot fill the shared cache with large results for a day.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import pickle
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from instruments.calculators import get_calculator
from instruments.calculators.base import (
    Calculator,
    InputError,
    Result,
    add_warning,
    parse,
    to_data,
)
from instruments.presentation.jsonify import json_value, rows_as_records
from instruments.services import data_versions
from instruments.services.stored_inputs.baseline import baseline_notes
from instruments.services.stored_inputs.fill import fill_stored_inputs
from instruments.services.stored_inputs.schedules import schedule_warnings
from instruments.services.stored_inputs.stocks import declared_stock_notes

logger = logging.getLogger(__name__)

CACHE_PREFIX = "calc:v2:"  # v2: the value is the pickled bytes


@dataclass(frozen=True)
class Calculation:
    """A calculation that ran: the calculator, its normalised inputs and its result.

    ``inputs`` is JSON-ready; when stored prices were used it carries a
    ``stored_prices`` entry naming the series, its unit and the periods taken.
    ``request`` is the data as given (commodity references kept), which is what a
    saved scenario stores so that a re-run picks up revised prices.
    """

    calculator: Calculator
    request: dict[str, Any]
    inputs: dict[str, Any]
    result: Result


def run_calculation(
    *, slug: str, data: Mapping[str, Any], anonymous: bool = False
) -> Calculation:
    """Resolve stored prices, validate, compute (or take the cached result). Raises
    InputError (field-level) or KeyError for an unknown calculator. ``anonymous``:
    asked by a visitor without an account (the result is kept smaller and shorter)."""
    calculator = get_calculator(slug)
    if not isinstance(data, Mapping):
        raise InputError(
            gettext("The request body must be a JSON object of named fields.")
        )
    canonical = _canonical(data)
    size = (calculator.slug, len(canonical).bit_length()) if canonical else None
    key = None if _known_fast(size) else _cache_key(calculator, data, canonical)
    if key is not None:
        cached = _cache_get(key)
        if cached is not None:
            return Calculation(calculator, dict(data), cached[0], cached[1])
    started = time.thread_time()  # CPU: a busy server's waits are not the cost
    resolved, used = fill_stored_inputs(calculator=calculator, data=data)
    inputs: Any = parse(calculator.inputs, resolved)
    result = calculator.compute(inputs)
    for message in schedule_warnings(used=used):
        add_warning(result.summary, message)
    baseline_notes(used=used, result=result)
    declared_stock_notes(used=used, result=result)
    normalised = {**to_data(inputs), **used}
    took = time.thread_time() - started
    if size is not None:
        _COSTS[size] = took
    if key is not None and took >= settings.CALCULATION_CACHE_MIN_SECONDS:
        _cache_set(key, (normalised, result), anonymous=anonymous)
    return Calculation(calculator, dict(data), normalised, result)


def validate_calculation(*, slug: str, data: Mapping[str, Any]) -> None:
    """Everything ``run_calculation`` checks before computing (stored inputs and
    the declared fields), so a job is refused at once rather than failing later."""
    calculator = get_calculator(slug)
    if not isinstance(data, Mapping):
        raise InputError(
            gettext("The request body must be a JSON object of named fields.")
        )
    resolved, _ = fill_stored_inputs(calculator=calculator, data=data)
    parse(calculator.inputs, resolved)


def calculation_payload(*, calculation: Calculation) -> dict[str, Any]:
    """``{"summary", "rows", ...tables, "inputs"}``: JSON-ready, NaN as None; the
    calculator's declared ``tables`` (e.g. welfare by country) sit beside the rows."""
    result = calculation.result
    tables: dict[str, Any] = {
        key: rows_as_records(result.extras[key])
        for key, _ in calculation.calculator.tables
        if key in result.extras
    }
    if "summary_bands" in tables:  # the contract: {"<summary key>": {p5, p50, p95}}
        tables["summary_bands"] = {
            row.pop("figure"): row for row in tables["summary_bands"]
        }
    return {
        "summary": json_value(dict(result.summary)),
        "rows": rows_as_records(result.rows),
        **tables,
        "inputs": json_value(calculation.inputs),
    }


# --- the result cache ----------------------------------------------------------------


def calculation_cache_key(
    *, calculator: Calculator, data: Mapping[str, Any]
) -> str | None:
    """The cache key of a request, or None when it must not be cached (caching off,
    a simulation without a fixed seed, inputs that are not JSON)."""
    return _cache_key(calculator, data, _canonical(data))


# The CPU seconds this process last took to compute a request of each calculator and
# size (its canonical JSON's length, to a power of two). A size that computed faster
# than CALCULATION_CACHE_MIN_SECONDS was not stored, so it is not looked up either:
# the lookup would cost more than the calculation. A slower computation
# at that size makes the next one look again.
_COSTS: dict[tuple[str, int], float] = {}


def _known_fast(size: tuple[str, int] | None) -> bool:
    """Whether this calculator and size last computed too fast to be worth caching."""
    if size is None:
        return False
    return _COSTS.get(size, math.inf) < settings.CALCULATION_CACHE_MIN_SECONDS


def forget_costs() -> None:
    """Forget the costs measured in this process (the tests do, between tests)."""
    _COSTS.clear()


def _canonical(data: Mapping[str, Any]) -> str | None:
    """The request as canonical JSON, or None when it must not be cached (caching
    off, a simulation without a fixed seed, inputs that are not JSON)."""
    if settings.CALCULATION_CACHE_SECONDS <= 0:
        return None
    simulation = data.get("simulation")
    if isinstance(simulation, Mapping) and simulation.get("seed", 1) in (None, ""):
        return None
    try:
        return json.dumps(data, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None


def _cache_key(
    calculator: Calculator, data: Mapping[str, Any], canonical: str | None
) -> str | None:
    if canonical is None:
        return None
    versions = data_versions.versions_for_request(data=data)
    # Warnings and notes are worded in the reader's language when computed.
    language = translation.get_language() or ""
    digest = hashlib.sha256(
        f"{calculator.slug}\n{canonical}\n{versions}\n{language}".encode()
    ).hexdigest()
    return CACHE_PREFIX + digest


def _cache_get(key: str) -> Any:
    try:
        blob = cache.get(key)
    except Exception:  # a cache outage must not fail a calculation
        logger.warning("calculation cache unavailable (get)", exc_info=True)
        return None
    return pickle.loads(blob) if isinstance(blob, bytes) else None


def _cache_set(key: str, value: Any, *, anonymous: bool = False) -> None:
    """Keep ``value`` unless it pickles to more than ``CALCULATION_CACHE_MAX_BYTES``
    (for an anonymous visitor, ``CALCULATION_CACHE_ANONYMOUS_MAX_BYTES`` too);
    pickled here, once, to know its size; the cache stores the bytes."""
    blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    limit, limit_name = settings.CALCULATION_CACHE_MAX_BYTES, "MAX_BYTES"
    seconds = settings.CALCULATION_CACHE_SECONDS
    if anonymous:
        if limit > settings.CALCULATION_CACHE_ANONYMOUS_MAX_BYTES:
            limit = settings.CALCULATION_CACHE_ANONYMOUS_MAX_BYTES
            limit_name = "ANONYMOUS_MAX_BYTES"
        seconds = min(seconds, settings.CALCULATION_CACHE_ANONYMOUS_SECONDS)
    if len(blob) > limit or seconds <= 0:
        logger.info(
            "calculation result of %s bytes not cached (CALCULATION_CACHE_%s is %s)",
            len(blob),
            limit_name,
            limit,
        )
        return
    try:
        cache.set(key, blob, seconds)
    except Exception:  # e.g. a value too large for the cache backend
        logger.warning("calculation cache unavailable (set)", exc_info=True)
