"""World production by country and published elasticities: their seeding
(INSTRUMENTS.md §10, the calibrated baseline's data).

Four files of ``seeds/`` (see seeds/README.md): ``world_production.csv`` (USGS MCS
world tables), ``commodity_production.csv`` (a commodity's production series and
factor), ``elasticity_estimates.csv`` (published estimates) and
``commodity_elasticities.csv`` (the defaults chosen from them). Like every seed: rows
matched by key and created or updated, nothing deleted, every value checked with the
model's field rules, the file and row named on error; ``seed_database`` runs it in
its one transaction, so one bad row writes nothing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from operator import attrgetter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from instruments.calculators.numbers import parse_yes_no
from instruments.models import (
    OTHER_COUNTRIES,
    WORLD_TOTAL,
    Commodity,
    CommodityElasticity,
    CommodityProduction,
    ElasticityEstimate,
    ElasticityKind,
    Partner,
    ProductionVolume,
)
from instruments.services.seed_files import SeedError, seed_rows, sync_rows

AGGREGATES = (OTHER_COUNTRIES, WORLD_TOTAL)


def seed_baseline_data(*, root: Path, user: Any) -> dict[str, tuple[int, int]]:
    """Seed production volumes, commodity production links, elasticity estimates and
    commodity elasticities; returns ``{table: (created, updated)}``. Called by
    ``seed_database`` in its transaction, after partners and commodities."""
    return {
        "production volumes": _seed_production(root, user),
        "commodity production links": _seed_commodity_production(root, user),
        "elasticity estimates": _seed_estimates(root, user),
        "commodity elasticities": _seed_commodity_elasticities(root, user),
    }


def baseline_data_counts() -> dict[str, int]:
    """Rows now stored, for the seed report."""
    return {
        "production volumes": ProductionVolume.objects.count(),
        "commodity production links": CommodityProduction.objects.count(),
        "elasticity estimates": ElasticityEstimate.objects.count(),
        "commodity elasticities": CommodityElasticity.objects.count(),
    }


def _decimal(text: str, where: str, *, blank: bool = True) -> Decimal | None:
    if text == "" and blank:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise SeedError(f"{where}: '{text}' is not a number.") from None


def _float(text: str, where: str, *, blank: bool = True) -> float | None:
    if text == "" and blank:
        return None
    try:
        return float(text)
    except ValueError:
        raise SeedError(f"{where}: '{text}' is not a number.") from None


def _flag(text: str, where: str) -> bool:
    try:
        return parse_yes_no(text)
    except ValueError as exc:
        raise SeedError(f"{where}: {exc}") from None


def _int(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SeedError(f"{where}: '{text}' is not a year.") from None


def _seed_production(root: Path, user: Any) -> tuple[int, int]:
    path = root / "world_production.csv"
    if not path.exists():
        return 0, 0
    partner_ids = dict(Partner.objects.values_list("iso3", "id"))
    records = []
    seen: dict[tuple[str, str, str, int], str] = {}
    for where, r in seed_rows(path):
        iso3 = r["iso3"].upper()
        if r["country_name"] in AGGREGATES:
            if iso3:
                raise SeedError(f"{where}: '{r['country_name']}' takes no ISO3 code.")
        elif iso3 not in partner_ids:
            raise SeedError(f"{where}: unknown ISO3 code '{iso3}'.")
        year = _int(r["year"], where)
        key = (r["series"], r["stage"], r["country_name"], year)
        if key in seen:
            raise SeedError(f"{where}: the same row is already in {seen[key]}.")
        seen[key] = where
        records.append(
            (
                where,
                {
                    "series": r["series"],
                    "stage": r["stage"],
                    "country_name": r["country_name"],
                    "country_id": partner_ids[iso3] if iso3 else None,
                    "year": year,
                    "quantity": _decimal(r["quantity"], where),
                    "unit": r["unit"],
                    "estimated": _flag(r["estimated"], where),
                    "edition": r["edition"],
                    "note": r["note"],
                },
            )
        )
    return sync_rows(
        ProductionVolume,
        lambda o: (o.series, o.stage, o.country_name, int(o.year)),
        records,
        user=user,
    )


def _seed_commodity_production(root: Path, user: Any) -> tuple[int, int]:
    path = root / "commodity_production.csv"
    if not path.exists():
        return 0, 0
    commodity_ids = dict(Commodity.objects.values_list("code", "id"))
    series = set(ProductionVolume.objects.values_list("series", "stage").distinct())
    records = []
    for where, r in seed_rows(path):
        if r["commodity"] not in commodity_ids:
            raise SeedError(f"{where}: unknown commodity '{r['commodity']}'.")
        if (r["series"], r["stage"]) not in series:
            raise SeedError(
                f"{where}: no production series '{r['series']}' at stage "
                f"'{r['stage']}'."
            )
        factor = _decimal(r["factor"], where, blank=False)
        if factor is None or factor <= 0:
            raise SeedError(f"{where}: the factor must be positive.")
        records.append(
            (
                where,
                {
                    "commodity_id": commodity_ids[r["commodity"]],
                    "series": r["series"],
                    "stage": r["stage"],
                    "factor": factor,
                    "basis": r["basis"],
                    "illustrative": _flag(r["illustrative"], where),
                },
            )
        )
    return sync_rows(
        CommodityProduction, attrgetter("commodity_id"), records, user=user
    )


def _seed_estimates(root: Path, user: Any) -> tuple[int, int]:
    path = root / "elasticity_estimates.csv"
    if not path.exists():
        return 0, 0
    records = []
    for where, r in seed_rows(path):
        records.append(
            (
                where,
                {
                    "key": r["key"],
                    "parameter": r["parameter"],
                    "scope": r["scope"],
                    "value": _float(r["value"], where),
                    "low": _float(r["low"], where),
                    "high": _float(r["high"], where),
                    "horizon": r["horizon"],
                    "source": r["source"],
                    "where_in_source": r["where_in_source"],
                    "note": r["note"],
                },
            )
        )
    return sync_rows(ElasticityEstimate, attrgetter("key"), records, user=user)


def _seed_commodity_elasticities(root: Path, user: Any) -> tuple[int, int]:
    """``estimates`` lists estimate keys, space-separated."""
    path = root / "commodity_elasticities.csv"
    if not path.exists():
        return 0, 0
    rows = seed_rows(path)
    commodity_ids = dict(Commodity.objects.values_list("code", "id"))
    estimate_ids = dict(ElasticityEstimate.objects.values_list("key", "id"))
    records = []
    wanted: dict[tuple[int, str], tuple[str, set[int]]] = {}
    for where, r in rows:
        if r["commodity"] not in commodity_ids:
            raise SeedError(f"{where}: unknown commodity '{r['commodity']}'.")
        if r["kind"] not in ElasticityKind.values:
            raise SeedError(f"{where}: unknown kind '{r['kind']}'.")
        keys = r["estimates"].split()
        unknown = [k for k in keys if k not in estimate_ids]
        if unknown:
            raise SeedError(f"{where}: unknown estimate(s) {', '.join(unknown)}.")
        commodity_id = commodity_ids[r["commodity"]]
        values: dict[str, Any] = {
            "commodity_id": commodity_id,
            "kind": r["kind"],
            "value": _float(r["value"], where, blank=False),
            "low": _float(r["low"], where, blank=False),
            "high": _float(r["high"], where, blank=False),
            "note": r["note"],
        }
        try:
            CommodityElasticity(**values).clean()
        except ValidationError as exc:
            raise SeedError(f"{where}: {' '.join(exc.messages)}") from None
        key = (commodity_id, r["kind"])
        if key in wanted:
            raise SeedError(f"{where}: {r['commodity']} {r['kind']} appears twice.")
        wanted[key] = (where, {estimate_ids[k] for k in keys})
        records.append((where, values))
    existing = {(o.commodity_id, o.kind) for o in CommodityElasticity.objects.all()}
    created, updated = sync_rows(
        CommodityElasticity, attrgetter("commodity_id", "kind"), records, user=user
    )
    stored = CommodityElasticity.objects.prefetch_related("estimates")
    for obj in stored:
        found = wanted.get((obj.commodity_id, obj.kind))
        if found is None:
            continue
        if {e.pk for e in obj.estimates.all()} != found[1]:
            obj.estimates.set(found[1])
            if (obj.commodity_id, obj.kind) in existing:
                updated += 1
    return created, updated


__all__ = ["baseline_data_counts", "seed_baseline_data"]
