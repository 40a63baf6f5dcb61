"""Writes and glue: imports and seeding, saving scenarios, and run_calculation().

Services know nothing of HTTP; views and API views call them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import attrgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from instruments import selectors
from instruments.calculators import get_calculator
from instruments.calculators.base import (
    Calculator,
    InputError,
    Result,
    describe,
    parse,
    to_data,
)
from instruments.calculators.units import (
    convert_price,
    parse_price_unit,
    quantity_factor,
)
from instruments.models import (
    Commodity,
    FxRate,
    ParameterSchedule,
    Partner,
    PartnerGroup,
    PriceObservation,
    PriceSeries,
    Producer,
    Scenario,
)
from instruments.querystring import encode_query
from instruments.resources import PriceObservationResource
from instruments.stewards import ensure_data_stewards_group

# --- data imports and seeding (foundation) -------------------------------------------

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
SEED_CHANGE_REASON = "Seed data (manage.py seed)"


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file: ``row`` 1 is the first row under the header
    (0 = the file as a whole); ``field`` is the column ("" when not one column)."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "File"
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, on a dry run, would do). With any error nothing is
    written."""

    total_rows: int
    new: int
    updated: int
    unchanged: int
    errors: tuple[RowError, ...]
    dry_run: bool

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> int:
        return 0 if self.dry_run or self.errors else self.new + self.updated


class ImportRejected(Exception):
    """An import that wrote nothing because some rows were bad; ``report`` says which."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        lines = [str(error) for error in report.errors[:20]]
        more = len(report.errors) - len(lines)
        if more > 0:
            lines.append(f"... and {more} more.")
        super().__init__("Nothing was imported:\n" + "\n".join(lines))


def import_price_observations(
    data: tablib.Dataset | Iterable[Mapping[str, Any]],
    *,
    series: str | None = None,
    dry_run: bool = False,
    user: Any = None,
    change_reason: str = "",
    raise_on_error: bool = False,
) -> ImportReport:
    """Import price observations: all rows or none, every bad row reported.

    ``data`` is a tablib Dataset (what the admin reads from CSV/XLSX) or rows as
    mappings with ``series, period, price, estimated``. With ``series`` given, rows
    may leave out the series column. Goes through ``PriceObservationResource``, the
    resource the admin import uses, so the rules and messages are the same; history
    records who (``user``) and why (``change_reason``).
    """
    dataset = _as_dataset(data, series=series)
    resource = PriceObservationResource()
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        user=user,
        change_reason=change_reason,
    )
    report = _report_from_result(result, total_rows=len(dataset), dry_run=dry_run)
    if raise_on_error and report.errors:
        raise ImportRejected(report)
    return report


def _as_dataset(
    data: tablib.Dataset | Iterable[Mapping[str, Any]], *, series: str | None
) -> tablib.Dataset:
    if isinstance(data, tablib.Dataset):
        dataset = tablib.Dataset(*data, headers=data.headers)
    else:
        rows = [dict(row) for row in data]
        headers = ["series", "period", "price", "estimated"]
        extra = sorted({k for row in rows for k in row} - set(headers))
        headers += extra
        dataset = tablib.Dataset(headers=headers)
        for row in rows:
            dataset.append([row.get(h) for h in headers])
    if series is not None:
        headers = [str(h).strip().lower() for h in dataset.headers or []]
        if "series" not in headers:
            dataset.insert_col(0, [series] * len(dataset), header="series")
        else:
            index = headers.index("series")
            column = [
                value if value not in (None, "") else series
                for value in dataset["series"]
            ]
            del dataset[dataset.headers[index]]
            dataset.insert_col(index, column, header="series")
    return dataset


def _report_from_result(result: Any, *, total_rows: int, dry_run: bool) -> ImportReport:
    errors: list[RowError] = []
    for error in result.base_errors:
        errors.append(RowError(0, "", _error_text(error.error)))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(RowError(int(number), "", _error_text(error.error)))
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            name = "" if field in ("__all__", NON_FIELD_ERRORS) else str(field)
            for message in messages:
                errors.append(RowError(int(invalid.number), name, str(message)))
    errors.sort(key=lambda e: (e.row, e.field))
    totals = result.totals
    return ImportReport(
        total_rows=total_rows,
        new=int(totals.get("new", 0)),
        updated=int(totals.get("update", 0)),
        unchanged=int(totals.get("skip", 0)),
        errors=tuple(errors),
        dry_run=dry_run,
    )


def _error_text(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(str(m) for m in error.messages)
    return str(error) or type(error).__name__


class SeedError(Exception):
    """A seed file is wrong; the message names the file, row and reason."""


@dataclass(frozen=True)
class SeedReport:
    """Counts after seeding (rows now in each table) and what this run changed."""

    counts: dict[str, int]
    created: dict[str, int]
    updated: dict[str, int]
    prices: ImportReport
    seconds: float


def seed_database(seeds_dir: Path | None = None, *, user: Any = None) -> SeedReport:
    """Load ``seeds/`` idempotently, in one transaction: run it twice, same result.

    Prices go through ``import_price_observations`` (as the admin import does).
    Records are created or updated to match the files; nothing is deleted. A series
    a steward has made the default stays the default.
    """
    started = time.perf_counter()
    root = Path(seeds_dir) if seeds_dir is not None else SEEDS_DIR
    created: dict[str, int] = {}
    updated: dict[str, int] = {}

    def track(name: str, counts: tuple[int, int]) -> None:
        created[name], updated[name] = counts

    with transaction.atomic():
        ensure_data_stewards_group()
        track("commodities", _seed_commodities(root, user))
        track("price series", _seed_series(root, user))
        prices = _seed_prices(root, user)
        created["price observations"] = prices.new
        updated["price observations"] = prices.updated
        track("partners", _seed_partners(root, user))
        track("partner groups", _seed_partner_groups(root, user))
        for name, counts in _trade_data().seed_trade_data(root, user).items():
            track(name, counts)
        track("parameter schedules", _seed_parameters(root, user))
        track("FX rates", _seed_fx_rates(root, user))
        track("producers", _seed_producers(root, user))
        track("precedent scenarios", _seed_scenarios(root, user))
    counts = {
        "commodities": Commodity.objects.count(),
        "price series": PriceSeries.objects.count(),
        "price observations": PriceObservation.objects.count(),
        "partners": Partner.objects.count(),
        "partner groups": PartnerGroup.objects.count(),
        "parameter schedules": ParameterSchedule.objects.count(),
        "FX rates": FxRate.objects.count(),
        "producers": Producer.objects.count(),
        "precedent scenarios": Scenario.objects.filter(is_precedent=True).count(),
        **_trade_data().trade_data_counts(),
    }
    return SeedReport(counts, created, updated, prices, time.perf_counter() - started)


def _trade_data() -> Any:
    """services.trade_data (imported late: it imports from this module)."""
    from instruments.services import trade_data

    return trade_data


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a seed CSV with their row numbers (1 = first row under the header)."""
    if not path.exists():
        raise SeedError(f"{path}: file not found.")
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            (number, {k: (v or "").strip() for k, v in row.items()})
            for number, row in enumerate(csv.DictReader(handle), start=1)
        ]


def _decimal_or_none(value: str, where: str) -> Decimal | None:
    if value == "":
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise SeedError(f"{where}: '{value}' is not a number.") from None


def _flag(value: str, where: str) -> bool:
    text = value.strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no", ""):
        return False
    raise SeedError(f"{where}: '{value}' is not true or false.")


def _sync(
    model: type[models.Model],
    key: Callable[[Any], Any],
    records: list[tuple[str, dict[str, Any]]],
    *,
    user: Any,
    queryset: Any = None,
    create_only: tuple[str, ...] = (),
) -> tuple[int, int]:
    """Make rows match ``records`` (``(where, field values)``), matched by ``key``.

    Checks each record's field values (``clean_fields``) and reports the file row on
    error; writes in bulk with history only what is new or changed. Fields in
    ``create_only`` are set on creation and never overwritten.
    """
    existing = {
        key(obj): obj
        for obj in (queryset if queryset is not None else model._default_manager.all())
    }
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    changed_fields: set[str] = set()
    for where, values in records:
        obj = existing.get(key(SimpleNamespace(**values)))
        if obj is None:
            obj = model(**values)
            _check_fields(obj, where)
            to_create.append(obj)
            existing[key(obj)] = obj
            continue
        changed = [
            name
            for name, value in values.items()
            if name not in create_only and getattr(obj, name) != value
        ]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            _check_fields(obj, where)
            changed_fields.update(changed)
            to_update.append(obj)
    if to_create:
        bulk_create_with_history(
            to_create,
            model,
            batch_size=500,
            default_user=user,
            default_change_reason=SEED_CHANGE_REASON,
        )
    if to_update:
        if any(f.name == "updated" for f in model._meta.get_fields()):
            now = timezone.now()
            for obj in to_update:
                obj.updated = now  # type: ignore[attr-defined]
            changed_fields.add("updated")
        bulk_update_with_history(
            to_update,
            model,
            sorted(changed_fields),
            batch_size=500,
            default_user=user,
            default_change_reason=SEED_CHANGE_REASON,
        )
    return len(to_create), len(to_update)


def _check_fields(obj: models.Model, where: str) -> None:
    relations = [f.name for f in obj._meta.get_fields() if f.is_relation]
    try:
        obj.clean_fields(exclude=relations)
    except ValidationError as exc:
        details = "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in exc.message_dict.items()
        )
        raise SeedError(f"{where}: {details}") from None


def _seed_commodities(root: Path, user: Any) -> tuple[int, int]:
    path = root / "commodities.csv"
    rows = _read_csv(path)
    base = [
        (
            f"{path.name} row {n}",
            {
                "code": r["code"],
                "name": r["name"],
                "stage": r["stage"],
                "hs_codes": r["hs_codes"],
                "notes": r["notes"],
            },
        )
        for n, r in rows
    ]
    counts = _sync(Commodity, attrgetter("code"), base, user=user)
    ids = dict(Commodity.objects.values_list("code", "id"))
    links = []
    for n, r in rows:
        where = f"{path.name} row {n}"
        parent = r["input_commodity"]
        if parent and parent not in ids:
            raise SeedError(f"{where}: unknown input commodity '{parent}'.")
        links.append(
            (
                where,
                {
                    "code": r["code"],
                    "input_commodity_id": ids.get(parent) if parent else None,
                    "content_factor": _decimal_or_none(r["content_factor"], where),
                },
            )
        )
    _, relinked = _sync(Commodity, attrgetter("code"), links, user=user)
    # new commodities are linked in the second pass: that is not an update
    return counts[0], counts[1] if counts[0] else max(counts[1], relinked)


def _seed_series(root: Path, user: Any) -> tuple[int, int]:
    path = root / "series.csv"
    rows = _read_csv(path)
    commodity_ids = dict(Commodity.objects.values_list("code", "id"))
    has_default = set(
        PriceSeries.objects.filter(is_default=True).values_list(
            "commodity_id", flat=True
        )
    )
    records = []
    for n, r in rows:
        where = f"{path.name} row {n}"
        if r["commodity"] not in commodity_ids:
            raise SeedError(f"{where}: unknown commodity '{r['commodity']}'.")
        commodity_id = commodity_ids[r["commodity"]]
        records.append(
            (
                where,
                {
                    "code": r["code"],
                    "commodity_id": commodity_id,
                    "name": r["name"],
                    "basis": r["basis"],
                    "source": r["source"],
                    "source_url": r["source_url"],
                    "licence": r["licence"],
                    "currency": r["currency"],
                    "unit": r["unit"],
                    "frequency": r["frequency"],
                    # only for a commodity that has no default yet (a steward's
                    # choice is kept)
                    "is_default": _flag(r["is_default"], where)
                    and commodity_id not in has_default,
                },
            )
        )
    return _sync(
        PriceSeries, attrgetter("code"), records, user=user, create_only=("is_default",)
    )


def _seed_prices(root: Path, user: Any) -> ImportReport:
    folder = root / "prices"
    dataset = tablib.Dataset(headers=["series", "period", "price", "estimated"])
    for path in sorted(folder.glob("*.csv")):
        code = path.stem
        for _, r in _read_csv(path):
            dataset.append([code, r["period"], r["price"], r["estimated"]])
    report = import_price_observations(
        dataset, user=user, change_reason=SEED_CHANGE_REASON
    )
    if report.errors:
        raise SeedError(str(ImportRejected(report)))
    return report


def _seed_partners(root: Path, user: Any) -> tuple[int, int]:
    path = root / "partners.csv"
    records = [
        (
            f"{path.name} row {n}",
            {"iso3": r["iso3"], "iso2": r["iso2"], "name": r["name"]},
        )
        for n, r in _read_csv(path)
    ]
    return _sync(Partner, attrgetter("iso3"), records, user=user)


def _seed_partner_groups(root: Path, user: Any) -> tuple[int, int]:
    path = root / "partner_groups.csv"
    rows = _read_csv(path)
    records = [
        (
            f"{path.name} row {n}",
            {
                "code": r["code"],
                "name": r["name"],
                "description": r["description"],
                "source": r["source"],
            },
        )
        for n, r in rows
    ]
    existing_codes = set(PartnerGroup.objects.values_list("code", flat=True))
    created, updated = _sync(PartnerGroup, attrgetter("code"), records, user=user)
    partner_ids = dict(Partner.objects.values_list("iso3", "id"))
    groups = {g.code: g for g in PartnerGroup.objects.prefetch_related("members")}
    for n, r in rows:
        codes = r["members"].split()
        unknown = [c for c in codes if c not in partner_ids]
        if unknown:
            raise SeedError(
                f"{path.name} row {n}: unknown ISO3 code(s) {', '.join(unknown)}."
            )
        group = groups[r["code"]]
        wanted = {partner_ids[c] for c in codes}
        if {m.pk for m in group.members.all()} != wanted:
            group.members.set(wanted)
            if r["code"] in existing_codes:
                updated += 1
    return created, updated


def _seed_parameters(root: Path, user: Any) -> tuple[int, int]:
    path = root / "parameters.csv"
    records = []
    for n, r in _read_csv(path):
        where = f"{path.name} row {n}"
        try:
            year = int(r["year"])
        except ValueError:
            raise SeedError(f"{where}: '{r['year']}' is not a year.") from None
        records.append(
            (
                where,
                {
                    "code": r["code"],
                    "name": r["name"],
                    "year": year,
                    "value": _decimal_or_none(r["value"], where),
                    "unit": r["unit"],
                    "source": r["source"],
                },
            )
        )
    return _sync(ParameterSchedule, lambda o: (o.code, int(o.year)), records, user=user)


def _seed_fx_rates(root: Path, user: Any) -> tuple[int, int]:
    path = root / "fx_rates.csv"
    if not path.exists():
        return 0, 0
    records = []
    for n, r in _read_csv(path):
        where = f"{path.name} row {n}"
        try:
            period = dt.date.fromisoformat(r["period"])
        except ValueError:
            raise SeedError(f"{where}: '{r['period']}' is not an ISO date.") from None
        records.append(
            (
                where,
                {
                    "currency": r["currency"],
                    "period": period,
                    "units_per_usd": _decimal_or_none(r["units_per_usd"], where),
                    "source": r["source"],
                },
            )
        )
    return _sync(FxRate, lambda o: (o.currency, o.period), records, user=user)


def _seed_producers(root: Path, user: Any) -> tuple[int, int]:
    path = root / "producers.csv"
    commodity_ids = dict(Commodity.objects.values_list("code", "id"))
    partner_ids = dict(Partner.objects.values_list("iso3", "id"))
    records = []
    for n, r in _read_csv(path):
        where = f"{path.name} row {n}"
        if r["commodity"] not in commodity_ids:
            raise SeedError(f"{where}: unknown commodity '{r['commodity']}'.")
        if r["country"] and r["country"] not in partner_ids:
            raise SeedError(f"{where}: unknown country '{r['country']}'.")
        records.append(
            (
                where,
                {
                    "name": r["name"],
                    "commodity_id": commodity_ids[r["commodity"]],
                    "country_id": partner_ids.get(r["country"])
                    if r["country"]
                    else None,
                    "stage": r["stage"],
                    "capacity": _decimal_or_none(r["capacity"], where),
                    "capacity_unit": r["capacity_unit"],
                    "unit_cost": _decimal_or_none(r["unit_cost"], where),
                    "cost_unit": r["cost_unit"],
                    "carbon_intensity": _decimal_or_none(r["carbon_intensity"], where),
                    "intensity_scope": r["intensity_scope"],
                    "audit_score": _decimal_or_none(r["audit_score"], where),
                    "audit_scheme": r["audit_scheme"],
                    "traceable": _flag(r["traceable"], where),
                    "is_illustrative": _flag(r["is_illustrative"], where),
                    "source": r["source"],
                    "notes": r["notes"],
                },
            )
        )
    return _sync(Producer, lambda o: (o.name, o.commodity_id), records, user=user)


def _seed_scenarios(root: Path, user: Any) -> tuple[int, int]:
    path = root / "scenarios.json"
    if not path.exists():
        raise SeedError(f"{path}: file not found.")
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SeedError(f"{path.name}: not valid JSON ({exc}).") from None
    records = []
    for index, item in enumerate(items, start=1):
        where = f"{path.name} item {index}"
        missing = {"calculator", "title", "inputs"} - set(item)
        if missing:
            raise SeedError(f"{where}: missing {', '.join(sorted(missing))}.")
        records.append(
            (
                where,
                {
                    "calculator": item["calculator"],
                    "title": item["title"],
                    "notes": item.get("notes", ""),
                    "inputs": item["inputs"],
                    "owner_id": None,
                    "is_public": True,
                    "is_precedent": True,
                },
            )
        )
    return _sync(
        Scenario,
        attrgetter("title"),
        records,
        user=user,
        queryset=Scenario.objects.filter(is_precedent=True, owner__isnull=True),
    )


# --- running a calculation (API and pages) -------------------------------------------


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


STORED_PRICE_KEYS = ("commodity", "series", "start", "end")


def run_calculation(slug: str, data: Mapping[str, Any]) -> Calculation:
    """Resolve stored prices, validate, compute. Raises InputError (field-level) or
    KeyError for an unknown calculator."""
    calculator = get_calculator(slug)
    if not isinstance(data, Mapping):
        raise InputError("The request body must be a JSON object of named fields.")
    resolved, stored = resolve_stored_prices(calculator, data)
    group = apply_member_group(calculator, resolved, data.get("member_group"))
    scheduled = apply_parameter_schedules(calculator, resolved)
    inputs: Any = parse(calculator.inputs, resolved)
    result = calculator.compute(inputs)
    normalised = to_data(inputs)
    if stored is not None:
        normalised["stored_prices"] = stored
    if group is not None:
        normalised["member_group"] = group
    if scheduled:
        normalised["parameter_schedules"] = scheduled
    return Calculation(calculator, dict(data), normalised, result)


# Inputs that follow a policy schedule stored as data: input -> (year input, schedule).
SCHEDULED_INPUTS = {
    "free_allocation_share": ("cbam_year", "cbam-free-allocation-share"),
    "default_markup": ("cbam_year", "cbam-default-markup"),
}


def apply_parameter_schedules(
    calculator: Calculator, resolved: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Fill scheduled inputs (CBAM free-allocation share and default mark-up) for the
    requested year from the stored schedules, so that a data steward's edit takes
    effect. A value typed in the request wins; without a stored schedule the
    calculator's own published table applies."""
    declared = {fs.name for fs in describe(calculator.inputs)}
    used: dict[str, dict[str, Any]] = {}
    for name, (year_field, code) in SCHEDULED_INPUTS.items():
        year = resolved.get(year_field)
        if name not in declared or resolved.get(name) not in (None, "") or not year:
            continue
        try:
            value = selectors.get_parameter_value(code, int(float(year)))
        except (InputError, TypeError, ValueError):
            continue  # no stored schedule for that year: the calculator decides
        resolved[name] = value
        used[name] = {"schedule": code, "year": int(float(year)), "value": value}
    return used


def find_rows_field(calculator: Calculator, *columns: str) -> str | None:
    """The calculator's repeatable group (flows, suppliers) whose rows have all of
    ``columns``, or None."""
    for fs in describe(calculator.inputs):
        if fs.kind == "groups" and set(columns) <= {c.name for c in fs.children}:
            return fs.name
    return None


def member_flows_field(calculator: Calculator) -> str | None:
    """The import flows: rows with an ``origin`` and a ``member`` flag."""
    return find_rows_field(calculator, "origin", "member")


def apply_member_group(
    calculator: Calculator, resolved: dict[str, Any], group: Any
) -> dict[str, Any] | None:
    """With ``member_group`` (a stored partner group such as ``msp`` or ``eu-27``), a
    flow is a member exactly when its origin (ISO 3166 alpha-3) is in the group: the
    member list is data, not a box ticked per flow."""
    if group in (None, ""):
        return None
    flows_field = member_flows_field(calculator)
    if flows_field is None:
        raise InputError.at(
            ("member_group",),
            f"The {calculator.title} calculator has no import flows with members.",
        )
    try:
        members = set(selectors.get_partner_group_members(str(group)))
    except InputError:
        known = ", ".join(str(g["code"]) for g in selectors.list_partner_groups())
        raise InputError.at(
            ("member_group",), f"Unknown partner group '{group}'. Known: {known}."
        ) from None
    flows = resolved.get(flows_field)
    if isinstance(flows, list):
        resolved[flows_field] = [
            {**flow, "member": str(flow.get("origin", "")).strip().upper() in members}
            if isinstance(flow, Mapping)
            else flow
            for flow in flows
        ]
    return {"code": str(group), "members": sorted(members)}


def resolve_stored_prices(
    calculator: Calculator, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Replace ``commodity`` (+ ``series``, ``start``, ``end``) by the stored periods and
    prices, converted into the request's ``price_unit``."""
    resolved = {k: v for k, v in data.items() if k not in STORED_PRICE_KEYS}
    commodity = data.get("commodity")
    if commodity in (None, ""):
        return resolved, None
    if calculator.price_field is None:
        raise InputError.at(
            ("commodity",),
            f"The {calculator.title} calculator takes no market price, so it cannot "
            "use a stored series; remove 'commodity'.",
        )
    history = selectors.get_price_history(
        str(commodity),
        series=_text_or_none(data.get("series")),
        start=_text_or_none(data.get("start")),
        end=_text_or_none(data.get("end")),
    )
    price_unit = str(data.get("price_unit") or history.unit)
    prices = convert_price(
        history.prices.to_numpy(dtype=float),
        history.unit,
        price_unit,
        fx_rate=_fx_rate_for(history, price_unit, data),
    )
    resolved["price_unit"] = price_unit
    if getattr(calculator, "price_field_scalar", False):
        resolved[calculator.price_field] = float(prices.mean())
    else:
        resolved["periods"] = [str(label) for label in history.prices.index]
        resolved[calculator.price_field] = [float(p) for p in prices]
    simulation = resolved.get("simulation")
    if isinstance(simulation, Mapping) and "price_history" not in simulation:
        # Parameters the official left out are estimated from this history.
        # The history's own spacing matters: annual data estimated as if quarterly
        # would double the volatility.
        resolved["simulation"] = {
            "history_step_years": _STEP_YEARS.get(history.frequency),
            **simulation,
            "price_history": resolved.get(calculator.price_field),
        }
    stored = {
        "commodity": history.commodity,
        "series": history.series,
        "series_name": history.series_name,
        "source_unit": history.unit,
        "price_unit": price_unit,
        "frequency": history.frequency,
        "first_period": str(history.prices.index[0]),
        "last_period": str(history.prices.index[-1]),
        "count": len(history.prices),
        "estimated_periods": [
            str(label) for label, flag in history.estimated.items() if bool(flag)
        ],
        "source": history.source,
        "licence": history.licence,
    }
    producers = _fill_stored_producer_costs(calculator, resolved, history.commodity)
    if producers is None:
        producers = _fill_stored_suppliers(calculator, resolved, history.commodity)
    if producers is not None:
        stored["producers"] = producers
    return resolved, stored


# Length in years of one period of a stored series, by its frequency.
_STEP_YEARS = {"monthly": 1 / 12, "quarterly": 0.25, "annual": 1.0}

# The stored producers' emission scopes, in the calculators' spelling.
_SCOPES = {"scope1": "scope_1", "scope1_2": "scope_1_2", "scope1_2_3": "scope_1_2_3"}


def _fill_stored_suppliers(
    calculator: Calculator, resolved: dict[str, Any], commodity: str
) -> list[dict[str, Any]] | None:
    """A standards market with no typed suppliers takes the commodity's stored
    producers that report a carbon intensity: capacity as quantity, intensity, scope,
    audit score and traceability (stored values count as verified)."""
    field = find_rows_field(calculator, "name", "quantity", "intensity")
    if field is None or resolved.get(field) not in (None, "", []):
        return None
    producers = selectors.get_producers(commodity).dropna(
        subset=["carbon_intensity", "capacity"]
    )
    if producers.empty:
        raise InputError.at(
            (field,),
            f"No producers with a carbon intensity are stored for '{commodity}'; "
            "type the suppliers in.",
        )
    quantity_unit = str(resolved.get("quantity_unit") or "t")
    suppliers = []
    for producer in producers.to_dict(orient="records"):
        capacity_unit = str(producer["capacity_unit"] or "t").split("/")[0].strip()
        factor = quantity_factor(capacity_unit, f"USD/{quantity_unit}")
        supplier: dict[str, Any] = {
            "name": producer["name"],
            "quantity": float(producer["capacity"]) * factor,
            "intensity": float(producer["carbon_intensity"]),
            "traceable": bool(producer["traceable"]),
            "verified": True,
        }
        if producer["intensity_scope"] in _SCOPES:
            supplier["scope"] = _SCOPES[producer["intensity_scope"]]
        if pd.notna(producer["audit_score"]):
            supplier["score"] = float(producer["audit_score"])
        suppliers.append(supplier)
    resolved[field] = suppliers
    return [
        {**supplier, "is_illustrative": bool(producer["is_illustrative"])}
        for supplier, producer in zip(
            suppliers, producers.to_dict(orient="records"), strict=True
        )
    ]


def _fill_stored_producer_costs(
    calculator: Calculator, resolved: dict[str, Any], commodity: str
) -> list[dict[str, Any]] | None:
    """A cost-curve floor with no typed costs takes the commodity's stored producers:
    their unit costs (converted into the price unit) and capacities as volumes."""
    declared = {fs.name for fs in describe(calculator.inputs)}
    if (
        "producer_costs" not in declared
        or resolved.get("reference_basis") != "cost_percentile"
        or resolved.get("producer_costs") not in (None, "", [])
    ):
        return None
    producers = selectors.get_producers(commodity).dropna(subset=["unit_cost"])
    producers = producers[producers["cost_unit"] != ""]
    if producers.empty:
        raise InputError.at(
            ("producer_costs",),
            f"No producer costs are stored for '{commodity}'; type them in.",
        )
    price_unit = str(resolved["price_unit"])
    converted = producers["unit_cost"].to_numpy(dtype=float).copy()
    for unit, rows in producers.groupby("cost_unit").indices.items():
        converted[rows] = convert_price(converted[rows], str(unit), price_unit)
    costs = [float(cost) for cost in converted]
    resolved["producer_costs"] = costs
    if producers["capacity"].notna().all():
        resolved["producer_volumes"] = [float(c) for c in producers["capacity"]]
    return [
        {
            "name": name,
            "unit_cost": cost,
            "capacity": json_value(capacity),
            "is_illustrative": bool(illustrative),
        }
        for name, cost, capacity, illustrative in zip(
            producers["name"],
            costs,
            producers["capacity"],
            producers["is_illustrative"],
            strict=True,
        )
    ]


def _text_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _fx_rate_for(
    history: selectors.PriceHistory, price_unit: str, data: Mapping[str, Any]
) -> float | np.ndarray | None:
    """Units of the request's currency per unit of the series' currency, or None when
    both are the same currency: the request's own ``fx_rate`` if given, else the stored
    rates (the latest at or before each period's start)."""
    source = parse_price_unit(history.unit).currency
    target = parse_price_unit(price_unit).currency
    if source == target:
        return None
    given: Any = data.get("fx_rate")
    if given not in (None, ""):
        return _parse_fx_rate(given, len(history.prices))
    try:
        per_usd = {code: selectors.get_fx_rates(code) for code in (source, target)}
    except InputError:
        raise InputError.at(
            ("price_unit",),
            f"The stored series is in {source} and no {target} exchange rates are "
            f"stored; choose a {source} price unit or give fx_rate (units of {target} "
            f"per {source}).",
        ) from None
    starts = pd.DatetimeIndex(
        [selectors.parse_period_bound(str(p), end=False) for p in history.prices.index]
    )

    def as_of(rates: pd.Series) -> np.ndarray:
        if rates.empty:  # USD per USD
            return np.ones(len(starts))
        aligned = rates.reindex(rates.index.union(starts)).ffill().bfill()
        return aligned.loc[starts].to_numpy(dtype=float)

    return as_of(per_usd[target]) / as_of(per_usd[source])


def _parse_fx_rate(given: Any, periods: int) -> float | np.ndarray:
    """A stated exchange rate: one number, or one per stored period (a list or a
    comma-separated string)."""
    parts = given.split(",") if isinstance(given, str) else given
    values = parts if isinstance(parts, list | tuple) else [parts]
    try:
        rates = np.array([float(v) for v in values], dtype=float)
    except (TypeError, ValueError):
        raise InputError.at(("fx_rate",), f"{given!r} is not a number.") from None
    if not (np.isfinite(rates).all() and (rates > 0).all()):
        raise InputError.at(("fx_rate",), "Exchange rates must be positive numbers.")
    if len(rates) == 1:
        return float(rates[0])
    if len(rates) != periods:
        raise InputError.at(
            ("fx_rate",), f"{len(rates)} values given, {periods} stored periods."
        )
    return rates


def rows_as_records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Result rows as JSON-ready dicts: numpy scalars to Python, NaN to None."""
    return [
        {str(k): json_value(v) for k, v in record.items()}
        for record in rows.to_dict(orient="records")
    ]


def json_value(value: Any) -> Any:
    """One value made JSON-safe: NaN/inf and pandas NA become None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_value(v) for v in value]
    return value


def calculation_query_string(slug: str, data: Mapping[str, Any]) -> str:
    """The GET query string that reproduces a calculation (for spreadsheets)."""
    return encode_query(get_calculator(slug), data)


# --- saved scenarios ----------------------------------------------------------------


def save_scenario(
    *,
    owner: Any,
    calculator: str,
    inputs: Mapping[str, Any],
    title: str,
    notes: str = "",
    is_public: bool = False,
) -> Scenario:
    """Validate by running the calculation, then save it for its owner."""
    run_calculation(calculator, inputs)
    return Scenario.objects.create(
        calculator=calculator,
        inputs=dict(inputs),
        title=title,
        notes=notes,
        owner=owner,
        is_public=is_public,
    )
