"""Trade flows, commodity HS links and nested partner groups: their import and seeding.

``import_trade_flows`` is the one way trade flows are written in bulk (the seed, the
published BACI files): every row is checked with the same rules as the admin's
import (``resources.parse_trade_flow``), every bad row is reported, and one bad row
means nothing is written. Unchanged flows are not rewritten, so importing the same
file twice changes nothing. Writes record history (who and why).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from operator import attrgetter
from pathlib import Path
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from instruments.models import (
    Commodity,
    CommodityHsCode,
    FxRate,
    Partner,
    PartnerGroup,
    TradeFlow,
)
from instruments.services.imports.confirm import Plan, plan_and_save, rows_checksum
from instruments.services.imports.resources import (
    TRADE_FLOW_COLUMNS,
    parse_trade_flow,
    sheet_row,
)
from instruments.services.imports.rows import ImportRejected, ImportReport, RowError
from instruments.services.seed_files import (
    SEED_CHANGE_REASON,
    SeedError,
    read_csv,
    seed_rows,
    sync_rows,
)

FlowKey = tuple[int, str, str, int, int]


def import_trade_flows(
    *,
    data: tablib.Dataset | Iterable[Mapping[str, Any]],
    hs_revision: str | None = None,
    source: str | None = None,
    dry_run: bool = False,
    user: Any = None,
    change_reason: str = "",
    raise_on_error: bool = False,
    preview_checksum: str | None = None,
) -> ImportReport:
    """Import trade flows: all rows or none, every bad row reported.

    Rows have ``year, hs_code, hs_revision, exporter, importer, value, quantity,
    source`` (value in thousand USD, quantity in tonnes or empty); ``hs_revision``
    and ``source`` fill rows that leave them out. A flow is matched by (year, HS
    code, revision, exporter, importer): new ones are created, changed ones updated,
    the rest left alone. A confirm given its preview's ``preview_checksum`` writes
    nothing if the flows it names changed since (``imports.confirm``).
    """
    rows = _rows(data)
    partners = dict(Partner.objects.values_list("iso3", "id"))
    errors: list[RowError] = []
    parsed: dict[FlowKey, dict[str, Any]] = {}
    first_row: dict[FlowKey, int] = {}
    for number, row in enumerate(rows, start=sheet_row(1)):
        values, row_errors = parse_trade_flow(
            row, partners=partners, hs_revision=hs_revision, source=source
        )
        if not row_errors:
            key = _key(values)
            if key in first_row:
                row_errors = {
                    "year": [f"The same flow is already in row {first_row[key]}."]
                }
            else:
                first_row[key] = number
                parsed[key] = values
        errors += [
            RowError(number, field, message)
            for field, messages in row_errors.items()
            for message in messages
        ]
    if not rows:
        errors.append(RowError(0, "", "The file has no rows."))

    def plan() -> Plan:
        stored = TradeFlow.objects.filter(
            year__in={key[0] for key in parsed},
            hs_code__in={key[1] for key in parsed},
        ).values_list(
            "pk",
            "year",
            "hs_code",
            "hs_revision",
            "exporter_id",
            "importer_id",
            "value",
            "quantity",
            "source",
        )
        existing = {tuple(row[1:6]): (row[0], row[6:]) for row in stored}
        to_create: list[TradeFlow] = []
        to_update: list[TradeFlow] = []
        for key, values in parsed.items():
            found = existing.get(key)
            if found is None:
                to_create.append(TradeFlow(**values))
            elif found[1] != (values["value"], values["quantity"], values["source"]):
                to_update.append(TradeFlow(pk=found[0], **values))
        checksum = rows_checksum(
            (key, found[1] if (found := existing.get(key)) else None) for key in parsed
        )
        return to_create, to_update, checksum

    return plan_and_save(
        model=TradeFlow,
        plan=plan,
        report=_reporter(
            total_rows=len(rows),
            parsed=len(parsed),
            errors=sorted(errors, key=lambda e: (e.row, e.field)),
            dry_run=dry_run,
        ),
        save=lambda report, planned: _save_all_or_none(
            report,
            TradeFlow,
            planned[0],
            planned[1],
            ["value", "quantity", "source"],
            user=user,
            reason=change_reason or "Imported trade flows",
            raise_on_error=raise_on_error,
            batch_size=2000,
        ),
        dry_run=dry_run,
        has_errors=bool(errors),
        preview_checksum=preview_checksum,
        raise_on_error=raise_on_error,
    )


def _reporter(
    *, total_rows: int, parsed: int, errors: list[RowError], dry_run: bool
) -> Any:
    """The report of a planned import (``imports.confirm.Plan``)."""

    def report(planned: Plan) -> ImportReport:
        to_create, to_update, checksum = planned
        return ImportReport(
            total_rows=total_rows,
            new=len(to_create),
            updated=len(to_update),
            unchanged=parsed - len(to_create) - len(to_update),
            errors=tuple(errors),
            dry_run=dry_run,
            checksum=checksum,
        )

    return report


def _save_all_or_none(
    report: ImportReport,
    model: type[Model],
    to_create: list[Any],
    to_update: list[Any],
    changed_fields: list[str],
    *,
    user: Any,
    reason: str,
    raise_on_error: bool,
    batch_size: int | None = None,
) -> ImportReport:
    """An import's last step: nothing saved when any row is bad (the report, or
    ``ImportRejected``), nothing on a dry run, else every row in one transaction
    with its history entry."""
    if report.errors:
        if raise_on_error:
            raise ImportRejected(report)
        return report
    if not report.dry_run:
        history_user = user if getattr(user, "is_authenticated", False) else None
        with transaction.atomic():
            if to_create:
                bulk_create_with_history(
                    to_create,
                    model,
                    batch_size=batch_size,
                    default_user=history_user,
                    default_change_reason=reason,
                )
            if to_update:
                bulk_update_with_history(
                    to_update,
                    model,
                    changed_fields,
                    batch_size=batch_size,
                    default_user=history_user,
                    default_change_reason=reason,
                )
    return report


def _rows(data: tablib.Dataset | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(data, tablib.Dataset):
        headers = [str(h).strip().lower() for h in data.headers or []]
        return [dict(zip(headers, row, strict=False)) for row in data]
    return [{str(k).strip().lower(): v for k, v in dict(row).items()} for row in data]


def _key(values: Mapping[str, Any]) -> FlowKey:
    return (
        int(values["year"]),
        str(values["hs_code"]),
        str(values["hs_revision"]),
        int(values["exporter_id"]),
        int(values["importer_id"]),
    )


# --- seeding ---------------------------------------------------------------------------


def seed_trade_data(*, root: Path, user: Any) -> dict[str, tuple[int, int]]:
    """Seed nested partner groups, commodity HS links and trade flows; returns
    ``{table: (created, updated)}``. Called by ``seed_database`` in its transaction,
    after partners, groups and commodities."""
    return {
        "partner subgroups": _seed_partner_subgroups(root),
        "commodity HS codes": _seed_commodity_hs_codes(root, user),
        "trade flows": _seed_trade_flows(root, user),
    }


def trade_data_counts() -> dict[str, int]:
    """Rows now stored, for the seed report."""
    return {
        "commodity HS codes": CommodityHsCode.objects.count(),
        "trade flows": TradeFlow.objects.count(),
    }


def _seed_partner_subgroups(root: Path) -> tuple[int, int]:
    """``partner_groups.csv``'s ``subgroups`` column (group codes, space-separated)."""
    path = root / "partner_groups.csv"
    groups = {g.code: g for g in PartnerGroup.objects.prefetch_related("subgroups")}
    changed = 0
    for n, r in read_csv(path):
        codes = r.get("subgroups", "").split()
        unknown = [c for c in codes if c not in groups]
        if unknown:
            raise SeedError(
                f"{path.name} row {n}: unknown partner group(s) {', '.join(unknown)}."
            )
        group = groups[r["code"]]
        wanted = [groups[c] for c in codes]
        if {g.pk for g in group.subgroups.all()} == {g.pk for g in wanted}:
            continue
        try:
            group.check_subgroups(wanted)
        except ValidationError as exc:
            raise SeedError(f"{path.name} row {n}: {' '.join(exc.messages)}") from None
        group.subgroups.set(wanted)
        changed += 1
    return 0, changed


def _seed_commodity_hs_codes(root: Path, user: Any) -> tuple[int, int]:
    path = root / "commodity_hs_codes.csv"
    if not path.exists():
        return 0, 0
    commodity_ids = dict(Commodity.objects.values_list("code", "id"))
    records = []
    for where, r in seed_rows(path):
        if r["commodity"] not in commodity_ids:
            raise SeedError(f"{where}: unknown commodity '{r['commodity']}'.")
        records.append(
            (
                where,
                {
                    "commodity_id": commodity_ids[r["commodity"]],
                    "hs_code": r["hs_code"],
                    "hs_revision": r["hs_revision"],
                    "note": r["note"],
                },
            )
        )
    return sync_rows(
        CommodityHsCode,
        attrgetter("commodity_id", "hs_code", "hs_revision"),
        records,
        user=user,
    )


def _seed_trade_flows(root: Path, user: Any) -> tuple[int, int]:
    """Each file named in ``trade_flow_sources.csv`` (``file, hs_revision, source``),
    through ``import_trade_flows``."""
    sources = root / "trade_flow_sources.csv"
    if not sources.exists():
        return 0, 0
    created = updated = 0
    for n, r in read_csv(sources):
        path = root / r["file"]
        rows = [row for _, row in read_csv(path)]
        report = import_trade_flows(
            data=rows,
            hs_revision=r["hs_revision"],
            source=r["source"],
            user=user,
            change_reason=SEED_CHANGE_REASON,
        )
        if report.errors:
            raise SeedError(
                f"{sources.name} row {n} ({path.name}): {ImportRejected(report)}"
            )
        created += report.new
        updated += report.updated
    return created, updated


# --- exchange rates ----------------------------------------------------------------------


def import_fx_rates(
    *,
    rows: Iterable[Mapping[str, Any]],
    dry_run: bool = False,
    user: Any = None,
    change_reason: str = "",
    raise_on_error: bool = False,
    preview_checksum: str | None = None,
) -> ImportReport:
    """Import monthly rates (``currency, period, units_per_usd, source``; ``period``
    ``2024-01`` or the month's first day): all rows or none, matched by (currency,
    month); unchanged rates are left alone. A confirm given its preview's
    ``preview_checksum`` writes nothing if the rates it names changed since."""

    items = [dict(row) for row in rows]
    errors: list[RowError] = []
    parsed: dict[tuple[str, dt.date], dict[str, Any]] = {}
    for number, row in enumerate(items, start=sheet_row(1)):
        currency = str(row.get("currency") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency) or currency == "USD":
            errors.append(
                RowError(number, "currency", f"'{currency}' is not a currency.")
            )
            continue
        match = re.fullmatch(r"(\d{4})-(\d{2})(?:-01)?", str(row.get("period") or ""))
        if not match or not 1 <= int(match[2]) <= 12:
            errors.append(
                RowError(number, "period", f"'{row.get('period')}' is not a month.")
            )
            continue
        period = dt.date(int(match[1]), int(match[2]), 1)
        try:
            rate = Decimal(str(row.get("units_per_usd")))
            if not rate.is_finite() or rate <= 0:
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                RowError(
                    number,
                    "units_per_usd",
                    f"'{row.get('units_per_usd')}' is not a positive number.",
                )
            )
            continue
        rate = rate.quantize(Decimal("0.00000001"))
        if (currency, period) in parsed:
            errors.append(
                RowError(number, "period", f"{currency} {period:%Y-%m} appears twice.")
            )
            continue
        parsed[(currency, period)] = {
            "currency": currency,
            "period": period,
            "units_per_usd": rate,
            "source": str(row.get("source") or "").strip() or "Imported",
        }

    def plan() -> Plan:
        existing = {
            (r.currency, r.period): r
            for r in FxRate.objects.filter(currency__in={k[0] for k in parsed})
        }
        checksum = rows_checksum(
            (key, (r.units_per_usd, r.source) if (r := existing.get(key)) else None)
            for key in parsed
        )
        to_create = [
            FxRate(**values) for key, values in parsed.items() if key not in existing
        ]
        to_update = []
        for key, values in parsed.items():
            rate_obj = existing.get(key)
            if rate_obj is not None and (rate_obj.units_per_usd, rate_obj.source) != (
                values["units_per_usd"],
                values["source"],
            ):
                rate_obj.units_per_usd = values["units_per_usd"]
                rate_obj.source = values["source"]
                to_update.append(rate_obj)
        return to_create, to_update, checksum

    return plan_and_save(
        model=FxRate,
        plan=plan,
        report=_reporter(
            total_rows=len(items), parsed=len(parsed), errors=errors, dry_run=dry_run
        ),
        save=lambda report, planned: _save_all_or_none(
            report,
            FxRate,
            planned[0],
            planned[1],
            ["units_per_usd", "source"],
            user=user,
            reason=change_reason or "Imported exchange rates",
            raise_on_error=raise_on_error,
        ),
        dry_run=dry_run,
        has_errors=bool(errors),
        preview_checksum=preview_checksum,
        raise_on_error=raise_on_error,
    )


__all__ = [
    "TRADE_FLOW_COLUMNS",
    "import_fx_rates",
    "import_trade_flows",
    "seed_trade_data",
]
