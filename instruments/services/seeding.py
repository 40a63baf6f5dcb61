"""The seed command's work: load ``seeds/`` idempotently, in one transaction."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from operator import attrgetter
from pathlib import Path
from typing import Any

import tablib
from django.conf import settings
from django.db import transaction

from instruments.calculators.numbers import parse_yes_no
from instruments.models import (
    Commodity,
    FxRate,
    ParameterSchedule,
    Partner,
    PartnerGroup,
    PriceObservation,
    PriceSeries,
    Producer,
    Project,
    Scenario,
    SeriesEdition,
    SourceEdition,
)
from instruments.services import baseline_data, security_data, trade_data
from instruments.services.imports.projects import import_projects
from instruments.services.imports.resources import sheet_row
from instruments.services.imports.rows import (
    ImportReport,
    import_price_observations,
)
from instruments.services.seed_files import (
    SEED_CHANGE_REASON,
    SeedError,
    read_csv,
    seed_rows,
    sync_rows,
)
from instruments.services.stewards import ensure_data_stewards_group

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"


@dataclass(frozen=True)
class SeedReport:
    """Counts after seeding (rows now in each table) and what this run changed."""

    counts: dict[str, int]
    created: dict[str, int]
    updated: dict[str, int]
    prices: ImportReport
    seconds: float


def seed_database(*, seeds_dir: Path | None = None, user: Any = None) -> SeedReport:
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
        track("source editions", _seed_source_editions(root, user))
        track("price series", _seed_series(root, user))
        track("series editions", _seed_series_editions(root, user))
        prices = _seed_prices(root, user)
        created["price observations"] = prices.new
        updated["price observations"] = prices.updated
        track("partners", _seed_partners(root, user))
        track("partner groups", _seed_partner_groups(root, user))
        for name, changed in trade_data.seed_trade_data(root=root, user=user).items():
            track(name, changed)
        for name, changed in baseline_data.seed_baseline_data(
            root=root, user=user
        ).items():
            track(name, changed)
        for name, changed in security_data.seed_security_data(
            root=root, user=user
        ).items():
            track(name, changed)
        track("parameter schedules", _seed_parameters(root, user))
        track("FX rates", _seed_fx_rates(root, user))
        track("producers", _seed_producers(root, user))
        projects = _seed_projects(root, user)
        created["projects"], updated["projects"] = projects.new, projects.updated
        track("precedent scenarios", _seed_scenarios(root, user))
    counts = {
        "commodities": Commodity.objects.count(),
        "source editions": SourceEdition.objects.count(),
        "price series": PriceSeries.objects.count(),
        "series editions": SeriesEdition.objects.count(),
        "price observations": PriceObservation.objects.count(),
        "partners": Partner.objects.count(),
        "partner groups": PartnerGroup.objects.count(),
        "parameter schedules": ParameterSchedule.objects.count(),
        "FX rates": FxRate.objects.count(),
        "producers": Producer.objects.count(),
        "projects": Project.objects.count(),
        "precedent scenarios": Scenario.objects.filter(is_precedent=True).count(),
        **trade_data.trade_data_counts(),
        **baseline_data.baseline_data_counts(),
        **security_data.security_data_counts(),
    }
    return SeedReport(counts, created, updated, prices, time.perf_counter() - started)


def _decimal_or_none(value: str, where: str) -> Decimal | None:
    if value == "":
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise SeedError(f"{where}: '{value}' is not a number.") from None


def _flag(value: str, where: str) -> bool:
    try:
        return parse_yes_no(value)
    except ValueError as exc:
        raise SeedError(f"{where}: {exc}") from None


def _seed_commodities(root: Path, user: Any) -> tuple[int, int]:
    path = root / "commodities.csv"
    rows = seed_rows(path)
    base = [
        (
            where,
            {
                "code": r["code"],
                "name": r["name"],
                "stage": r["stage"],
                "hs_codes": r["hs_codes"],
                "notes": r["notes"],
            },
        )
        for where, r in rows
    ]
    counts = sync_rows(Commodity, attrgetter("code"), base, user=user)
    ids = dict(Commodity.objects.values_list("code", "id"))
    links = []
    for where, r in rows:
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
    _, relinked = sync_rows(Commodity, attrgetter("code"), links, user=user)
    # new commodities are linked in the second pass: that is not an update
    return counts[0], counts[1] if counts[0] else max(counts[1], relinked)


def _year(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SeedError(f"{where}: '{text}' is not a year.") from None


def _seed_source_editions(root: Path, user: Any) -> tuple[int, int]:
    path = root / "source_editions.csv"
    records = []
    for where, r in seed_rows(path):
        year = _year(r["year"], where)
        records.append(
            (
                where,
                {
                    "code": r["code"],
                    "publisher": r["publisher"],
                    "year": year,
                    "title": r["title"],
                    "edition": r["edition"],
                    "short_name": r["short_name"],
                    "doi": r["doi"],
                    "url": r["url"],
                },
            )
        )
    return sync_rows(SourceEdition, attrgetter("code"), records, user=user)


def _seed_series_editions(root: Path, user: Any) -> tuple[int, int]:
    """``series.csv``'s ``editions``: ``code`` or ``code:periods``, separated by
    semicolons (``usgs-mcs-2024:2019–2020; usgs-mcs-2026:2021–2025``)."""
    path = root / "series.csv"
    series_ids = dict(PriceSeries.objects.values_list("code", "id"))
    edition_ids = dict(SourceEdition.objects.values_list("code", "id"))
    records = []
    for where, r in seed_rows(path):
        for item in filter(None, (i.strip() for i in r["editions"].split(";"))):
            code, _, periods = item.partition(":")
            if code.strip() not in edition_ids:
                raise SeedError(f"{where}: unknown source edition '{code.strip()}'.")
            records.append(
                (
                    where,
                    {
                        "series_id": series_ids[r["code"]],
                        "edition_id": edition_ids[code.strip()],
                        "periods": periods.strip(),
                    },
                )
            )
    return sync_rows(
        SeriesEdition, attrgetter("series_id", "edition_id"), records, user=user
    )


def _seed_series(root: Path, user: Any) -> tuple[int, int]:
    path = root / "series.csv"
    rows = seed_rows(path)
    commodity_ids = dict(Commodity.objects.values_list("code", "id"))
    has_default = set(
        PriceSeries.objects.filter(is_default=True).values_list(
            "commodity_id", flat=True
        )
    )
    records = []
    for where, r in rows:
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
    return sync_rows(
        PriceSeries, attrgetter("code"), records, user=user, create_only=("is_default",)
    )


def _seed_prices(root: Path, user: Any) -> ImportReport:
    folder = root / "prices"
    dataset = tablib.Dataset(headers=["series", "period", "price", "estimated"])
    origins: list[str] = []  # the file and row of each dataset row
    for path in sorted(folder.glob("*.csv")):
        code = path.stem
        for number, r in read_csv(path):
            dataset.append([code, r["period"], r["price"], r["estimated"]])
            origins.append(f"prices/{path.name} row {number}")
    report = import_price_observations(
        data=dataset, user=user, change_reason=SEED_CHANGE_REASON
    )
    if report.errors:
        lines = [
            f"{origins[e.row - sheet_row(1)] if e.row else 'prices/'}: "
            f"{e.field + ': ' if e.field else ''}{e.message}"
            for e in report.errors[:20]
        ]
        raise SeedError("Nothing was imported:\n" + "\n".join(lines))
    return report


def _seed_partners(root: Path, user: Any) -> tuple[int, int]:
    path = root / "partners.csv"
    records = [
        (
            where,
            {"iso3": r["iso3"], "iso2": r["iso2"], "name": r["name"]},
        )
        for where, r in seed_rows(path)
    ]
    return sync_rows(Partner, attrgetter("iso3"), records, user=user)


def _seed_partner_groups(root: Path, user: Any) -> tuple[int, int]:
    path = root / "partner_groups.csv"
    rows = seed_rows(path)
    records = [
        (
            where,
            {
                "code": r["code"],
                "name": r["name"],
                "description": r["description"],
                "source": r["source"],
            },
        )
        for where, r in rows
    ]
    existing_codes = set(PartnerGroup.objects.values_list("code", flat=True))
    created, updated = sync_rows(PartnerGroup, attrgetter("code"), records, user=user)
    partner_ids = dict(Partner.objects.values_list("iso3", "id"))
    groups = {g.code: g for g in PartnerGroup.objects.prefetch_related("members")}
    for where, r in rows:
        codes = r["members"].split()
        unknown = [c for c in codes if c not in partner_ids]
        if unknown:
            raise SeedError(f"{where}: unknown ISO3 code(s) {', '.join(unknown)}.")
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
    for where, r in seed_rows(path):
        year = _year(r["year"], where)
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
    return sync_rows(
        ParameterSchedule, lambda o: (o.code, int(o.year)), records, user=user
    )


def _seed_fx_rates(root: Path, user: Any) -> tuple[int, int]:
    path = root / "fx_rates.csv"
    if not path.exists():
        return 0, 0
    records = []
    for where, r in seed_rows(path):
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
    return sync_rows(FxRate, lambda o: (o.currency, o.period), records, user=user)


def _seed_producers(root: Path, user: Any) -> tuple[int, int]:
    path = root / "producers.csv"
    commodity_ids = dict(Commodity.objects.values_list("code", "id"))
    partner_ids = dict(Partner.objects.values_list("iso3", "id"))
    records = []
    for where, r in seed_rows(path):
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
    return sync_rows(Producer, lambda o: (o.name, o.commodity_id), records, user=user)


def _seed_projects(root: Path, user: Any) -> ImportReport:
    """The project register (§12) through the admin's import: all rows or none."""
    path = root / "projects.csv"
    rows = read_csv(path)
    report = import_projects(
        data=[row for _, row in rows], user=user, change_reason=SEED_CHANGE_REASON
    )
    if report.errors:
        lines = [
            f"{path.name} row {e.row}: {e.field + ': ' if e.field else ''}{e.message}"
            for e in report.errors[:20]
        ]
        raise SeedError("Nothing was imported:\n" + "\n".join(lines))
    return report


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
    return sync_rows(
        Scenario,
        attrgetter("title"),
        records,
        user=user,
        queryset=Scenario.objects.filter(is_precedent=True, owner__isnull=True),
    )
