"""django-import-export resources: how price observations travel in and out as files.

A file has the columns ``series, period, price, estimated`` (``estimated`` optional):
``series`` is a series code, ``period`` a label in the series' frequency (``2025-01``,
``2025Q1``, ``2025``) or the ISO date of the period's first day, ``price`` a number ≥ 0
in the series' unit. Every row is checked before anything is written; a bad row is
reported with its row number as the spreadsheet numbers it (``sheet_row``: the header
is row 1, the first data row row 2), its column and the reason, and one bad row means
nothing is written. The admin's import and ``manage.py seed`` both go
through ``services.imports.import_price_observations``' resource, so the rules are the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext
from import_export import fields, resources, widgets
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from instruments.calculators import units
from instruments.models import (
    TRADE_FLOW_COLUMNS,
    HsRevision,
    Partner,
    PriceObservation,
    PriceSeries,
    TradeFlow,
    format_period,
    is_period_start,
)

HEADER_ROWS = 1
"""Rows above the data in our own files: the header."""


def sheet_row(number: int) -> int:
    """The spreadsheet row of the ``number``-th data row (1 = the first under the
    header), as a steward sees it in Excel or in a CSV's line numbers."""
    return number + HEADER_ROWS


_MAX_INTEGER_DIGITS = 14  # max_digits 20 - decimal_places 6
_EXAMPLE = {"monthly": "2025-01", "quarterly": "2025Q1", "annual": "2025"}


def parse_period(value: object, frequency: str) -> dt.date:
    """A period label of ``frequency`` (or the ISO date of a period's first day) as the
    period's first day (parsed by ``units.period_bounds``). Raises ``ValueError`` with
    a steward-readable message."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        text = str(value if value is not None else "").strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))  # spreadsheets turn 2025 into 2025.0
        try:
            kind, day, _ = units.period_bounds(text[:10] if len(text) > 10 else text)
        except ValueError:
            kind = None
        if kind == units.FREQUENCY_KIND[frequency]:
            return day
        if kind != "date":
            raise ValueError(
                gettext(
                    "'{text}' is not a {frequency} period: write it like {example} (or as the ISO date of its first day)."
                ).format(text=text, frequency=frequency, example=_EXAMPLE[frequency])
            )
    if not is_period_start(day, frequency):
        raise ValueError(
            gettext(
                "{day} is not the first day of a {frequency} period (use {example} or {label})."
            ).format(
                day=day.isoformat(),
                frequency=frequency,
                example=_EXAMPLE[frequency],
                label=format_period(day, frequency),
            )
        )
    return day


def parse_price(value: object) -> Decimal:
    """A price ≥ 0 with at most 6 decimals, as a Decimal."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(gettext("The price is missing."))
    if isinstance(value, bool):
        raise ValueError(gettext("'{value}' is not a number.").format(value=value))
    text = str(value).strip().replace(",", "") if isinstance(value, str) else value
    try:
        price = Decimal(str(text))
    except InvalidOperation:
        raise ValueError(
            gettext("'{value}' is not a number.").format(value=value)
        ) from None
    if not price.is_finite():
        raise ValueError(
            gettext("'{value}' is not a finite number.").format(value=value)
        )
    if price < 0:
        raise ValueError(
            gettext("The price must be 0 or more (got {value}).").format(value=value)
        )
    exponent = price.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        raise ValueError(
            gettext("The price {value} has more than 6 decimals.").format(value=value)
        )
    if price.adjusted() >= _MAX_INTEGER_DIGITS:
        raise ValueError(gettext("The price {value} is too large.").format(value=value))
    return price


def parse_estimated(value: object) -> bool:
    """The ``estimated`` column: yes/no (``units.parse_yes_no``), or ``e`` /
    ``estimated`` as some publishers mark estimates."""
    if isinstance(value, str) and value.strip().lower() in ("e", "estimated"):
        return True
    return units.parse_yes_no(value)


class SeriesCodeWidget(widgets.ForeignKeyWidget):
    """Exports a series as its code (import is resolved by the resource, in bulk)."""

    def __init__(self) -> None:
        super().__init__(PriceSeries, field="code")


class StalePreview(Exception):
    """A confirm whose preview no longer matches the stored rows."""

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "Nothing was imported: the data changed since the preview (another "
                "import or an edit). Upload the file again for a fresh preview."
            )
        )


class AllOrNothingResource(resources.ModelResource):
    """What every import of ours shares: one bad row and nothing is written; rows are
    parsed once in ``before_import_row`` into ``self._parsed``; writes are in bulk
    with an audit history record per row (who, and why).

    Subclasses set ``changed_fields`` (what an update may change, also what decides
    whether a row is unchanged) and build instances from ``self._parsed``.
    """

    changed_fields: tuple[str, ...] = ()
    write_batch = 1000

    def import_data(self, dataset: Any, *args: Any, **kwargs: Any) -> Any:
        # One bad row means nothing is written, whoever calls.
        kwargs["rollback_on_validation_errors"] = True
        self._dry_run = bool(kwargs.get("dry_run", args[0] if args else False))
        self._expected_checksum = kwargs.pop("preview_checksum", None)
        self._stale = False
        return super().import_data(dataset, *args, **kwargs)

    # --- the preview still current at the confirm --------------------------------------
    #
    # A preview (a dry run) records ``result.preview_checksum``: a hash of the stored
    # values of every row the file names (absent rows included). A confirm given that
    # checksum (``preview_checksum=``) reads the rows again inside its transaction,
    # after locking what the file's rows hang on (``_locked``), and writes nothing if
    # they changed: another import or an edit came in between, so the preview (and the
    # new/updated counts it showed) no longer says what the confirm would do.

    def _locked(self, queryset: Any) -> Any:
        """``queryset`` locked (SELECT ... FOR UPDATE) on a confirm in a transaction,
        so two confirms of the same rows run one after the other."""
        if not self._dry_run and connection.in_atomic_block:
            return queryset.select_for_update()
        return queryset

    def _remember_stored(self) -> None:
        """The stored values of ``self._existing`` as read, before rows change them."""
        self._stored = {
            key: tuple(getattr(obj, name) for name in self.changed_fields)
            for key, obj in self._existing.items()
        }

    def row_key(self, parsed: Any) -> tuple[Any, ...]:
        """The key of a parsed row (what ``self._existing`` is keyed by)."""
        raise NotImplementedError

    def preview_checksum(self) -> str:
        """A hash of the stored values of the rows the file names, as read."""
        digest = hashlib.sha256()
        for line in sorted(
            repr((key, self._stored.get(key)))
            for key in {self.row_key(p) for p in self._parsed.values()}
        ):
            digest.update(line.encode())
            digest.update(b"\n")
        return digest.hexdigest()

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        super().after_import(dataset, result, **kwargs)
        if hasattr(self, "_stored"):
            result.preview_checksum = self.preview_checksum()

    def _check_preview_current(self, result: Any, raise_errors: bool) -> None:
        expected = self._expected_checksum
        if self._dry_run or expected is None or self._stale:
            return
        if self.preview_checksum() != expected:
            self._stale = True
            self.create_instances.clear()
            self.update_instances.clear()
            self.handle_import_error(result, StalePreview(), raise_errors)

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        return None  # resolved in get_or_init_instance from the bulk lookup

    def import_row(self, row: Any, instance_loader: Any, **kwargs: Any) -> Any:
        self._row_number = kwargs["row_number"]
        return super().import_row(row, instance_loader, **kwargs)

    def skip_row(
        self,
        instance: Any,
        original: Any,
        row: Any,
        import_validation_errors: Any = None,
    ) -> bool:
        if import_validation_errors or instance.pk is None or original is None:
            return False
        return all(
            getattr(original, name) == getattr(instance, name)
            for name in self.changed_fields
        )

    def bulk_create(
        self,
        using_transactions: bool,
        dry_run: bool,
        raise_errors: bool,
        batch_size: int | None = None,
        result: Any = None,
    ) -> None:
        self._check_preview_current(result, raise_errors)
        self._write_pending(
            self.create_instances,
            bulk_create_with_history,
            batch_size=batch_size,
            write_now=using_transactions or not dry_run,
            raise_errors=raise_errors,
            result=result,
        )

    def bulk_update(
        self,
        using_transactions: bool,
        dry_run: bool,
        raise_errors: bool,
        batch_size: int | None = None,
        result: Any = None,
    ) -> None:
        self._write_pending(
            self.update_instances,
            bulk_update_with_history,
            list(self.changed_fields),
            batch_size=batch_size,
            write_now=using_transactions or not dry_run,
            raise_errors=raise_errors,
            result=result,
        )

    def _write_pending(
        self,
        pending: list[Any],
        write: Callable[..., Any],
        *fields: list[str],
        batch_size: int | None,
        write_now: bool,
        raise_errors: bool,
        result: Any,
    ) -> None:
        """A batch of pending rows written with their history (``write``: simple
        history's bulk create or update, with ``fields`` to update), an error reported
        the way django-import-export does, and the batch emptied."""
        if pending and write_now:
            try:
                write(
                    pending,
                    self._meta.model,
                    *fields,
                    batch_size=batch_size or self.write_batch,
                    default_user=self._history_user(),
                    default_change_reason=self._change_reason,
                )
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                pending.clear()

    def _history_user(self) -> Any:
        user = getattr(self, "_user", None)
        return user if user is not None and user.is_authenticated else None


class PriceObservationResource(AllOrNothingResource):
    """Price observations keyed by (series code, period label)."""

    series = fields.Field(
        attribute="series", column_name="series", widget=SeriesCodeWidget()
    )
    period = fields.Field(attribute="period", column_name="period")
    price = fields.Field(
        attribute="price", column_name="price", widget=widgets.DecimalWidget()
    )
    estimated = fields.Field(
        attribute="estimated", column_name="estimated", widget=widgets.BooleanWidget()
    )

    changed_fields = ("price", "estimated")

    class Meta:
        model = PriceObservation
        fields = ("series", "period", "price", "estimated")
        import_id_fields = ("series", "period")
        export_order = ("series", "period", "price", "estimated")
        use_bulk = True
        batch_size = None  # write once, at the end, after every row passed
        clean_model_instances = False  # rows are checked in bulk in before_import_row
        skip_unchanged = True
        report_skipped = True

    # --- export -----------------------------------------------------------------------

    def get_export_queryset(self, request: Any = None) -> Any:
        return PriceObservation.objects.select_related("series").order_by(
            "series__code", "period"
        )

    def dehydrate_period(self, observation: PriceObservation) -> str:
        return format_period(observation.period, observation.series.frequency)

    # --- import -----------------------------------------------------------------------

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        headers = [str(h).strip().lower() if h else "" for h in dataset.headers or []]
        dataset.headers = headers
        missing = [c for c in ("series", "period", "price") if c not in headers]
        if missing:
            raise ValidationError(
                gettext(
                    "The file needs the columns series, period and price (missing: {missing})."
                ).format(missing=", ".join(missing))
            )
        codes = {str(code).strip() for code in dataset["series"] if code is not None}
        self._series = {
            s.code: s for s in self._locked(PriceSeries.objects.filter(code__in=codes))
        }
        self._existing = {
            (o.series_id, o.period): o
            for o in PriceObservation.objects.filter(
                series__in=self._series.values()
            ).select_related("series")
        }
        self._remember_stored()
        self._parsed: dict[int, tuple[PriceSeries, dt.date, Decimal, bool]] = {}
        self._first_row_of: dict[tuple[int, dt.date], int] = {}
        self._user = kwargs.get("user")
        self._change_reason = kwargs.get("change_reason") or (
            f"Imported from {kwargs['file_name']}"
            if kwargs.get("file_name")
            else "Imported"
        )

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        number: int = kwargs["row_number"]
        errors: dict[str, list[str]] = {}
        code = str(row.get("series") or "").strip()
        series = self._series.get(code)
        if not code:
            errors["series"] = [gettext("The series code is missing.")]
        elif series is None:
            errors["series"] = [gettext("Unknown series '{code}'.").format(code=code)]
        period = None
        if series is not None:
            try:
                period = parse_period(row.get("period"), series.frequency)
            except ValueError as exc:
                errors["period"] = [str(exc)]
        price = None
        try:
            price = parse_price(row.get("price"))
        except ValueError as exc:
            errors["price"] = [str(exc)]
        estimated = False
        try:
            estimated = parse_estimated(row.get("estimated"))
        except ValueError as exc:
            errors["estimated"] = [str(exc)]
        if series is not None and period is not None:
            key = (series.pk, period)
            first = self._first_row_of.setdefault(key, number)
            if first != number:
                errors.setdefault("period", []).append(
                    gettext("{period} of '{code}' is already in row {row}.").format(
                        period=format_period(period, series.frequency),
                        code=code,
                        row=sheet_row(first),
                    )
                )
        if errors:
            raise ValidationError(errors)
        assert series is not None
        assert period is not None
        assert price is not None
        self._parsed[number] = (series, period, price, estimated)

    def row_key(self, parsed: Any) -> tuple[Any, ...]:
        series, period, _, _ = parsed
        return (series.pk, period)

    def get_or_init_instance(self, instance_loader: Any, row: Any) -> Any:
        series, period, _, _ = self._parsed[self._row_number]
        existing = self._existing.get((series.pk, period))
        if existing is not None:
            return existing, False
        return PriceObservation(series=series, period=period), True

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        series, period, price, estimated = self._parsed[kwargs["row_number"]]
        instance.series = series
        instance.period = period
        instance.price = price
        instance.estimated = estimated


# --- trade flows ------------------------------------------------------------------------

_HS_REVISIONS = frozenset(HsRevision.values)
_TRADE_DECIMALS = 3  # BACI publishes values (kUSD) and tonnes to 3 decimals
_TRADE_INTEGER_DIGITS = 15  # max_digits 18 - decimal_places 3


def parse_hs_code(value: object) -> str:
    """A six-digit HS code, from ``284690``, ``"2846.90"`` or ``"2846 90"``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s.]", "", str(value if value is not None else ""))
    if not re.fullmatch(r"[0-9]{6}", text):
        raise ValueError(
            gettext("'{value}' is not a six-digit HS code (e.g. 284690).").format(
                value=value
            )
        )
    return text


def parse_trade_amount(value: object, *, required: bool, what: str) -> Decimal | None:
    """A value (thousand USD) or quantity (tonnes): ≥ 0, at most 3 decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(gettext("The {what} is missing.").format(what=what))
        return None
    if isinstance(value, bool):
        raise ValueError(gettext("'{value}' is not a number.").format(value=value))
    text = str(value).strip().replace(",", "") if isinstance(value, str) else value
    try:
        amount = Decimal(str(text))
    except InvalidOperation:
        raise ValueError(
            gettext("'{value}' is not a number.").format(value=value)
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(
            gettext("The {what} must be a number of 0 or more (got {value}).").format(
                what=what, value=value
            )
        )
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_TRADE_DECIMALS:
        raise ValueError(
            gettext("The {what} {value} has more than 3 decimals.").format(
                what=what, value=value
            )
        )
    if amount.adjusted() >= _TRADE_INTEGER_DIGITS:
        raise ValueError(
            gettext("The {what} {value} is too large.").format(what=what, value=value)
        )
    return amount


def parse_trade_flow(
    row: Any,
    *,
    partners: dict[str, int],
    hs_revision: str | None = None,
    source: str | None = None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One file row as TradeFlow field values, and the errors by column.

    ``partners`` maps ISO3 codes to partner ids. ``hs_revision`` and ``source`` fill
    rows that leave those columns empty. The same rules serve the admin import
    (``TradeFlowResource``) and ``services.trade_data.import_trade_flows``.
    """
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def get(name: str) -> Any:
        return row.get(name) if hasattr(row, "get") else None

    year_text = get("year")
    try:
        if isinstance(year_text, float) and year_text.is_integer():
            year_text = int(year_text)
        year = int(str(year_text).strip())
        if not 1988 <= year <= 2100:
            raise ValueError
        values["year"] = year
    except (TypeError, ValueError):
        errors["year"] = [
            gettext("'{year}' is not a year (1988 to 2100).").format(year=year_text)
        ]
    try:
        values["hs_code"] = parse_hs_code(get("hs_code"))
    except ValueError as exc:
        errors["hs_code"] = [str(exc)]
    revision = str(get("hs_revision") or hs_revision or "").strip().upper()
    if revision not in _HS_REVISIONS:
        errors["hs_revision"] = [
            gettext("'{revision}' is not an HS revision ({revisions}).").format(
                revision=revision, revisions=", ".join(HsRevision.values)
            )
        ]
    else:
        values["hs_revision"] = revision
    for side in ("exporter", "importer"):
        code = str(get(side) or "").strip().upper()
        if code not in partners:
            errors[side] = [
                gettext(
                    "Unknown economy '{code}' (use an ISO 3166-1 alpha-3 code)."
                ).format(code=code)
                if code
                else gettext("The {side} is missing.").format(side=side)
            ]
        else:
            values[f"{side}_id"] = partners[code]
    if "exporter_id" in values and values.get("exporter_id") == values.get(
        "importer_id"
    ):
        errors["importer"] = [gettext("The importer must differ from the exporter.")]
    for name, required in (("value", True), ("quantity", False)):
        try:
            values[name] = parse_trade_amount(get(name), required=required, what=name)
        except ValueError as exc:
            errors[name] = [str(exc)]
    text = str(get("source") or source or "").strip()
    if not text:
        errors["source"] = [gettext("The source is missing.")]
    values["source"] = text
    return values, errors


class PartnerCodeWidget(widgets.ForeignKeyWidget):
    """Exports an economy as its ISO3 code."""

    def __init__(self) -> None:
        super().__init__(Partner, field="iso3")


class TradeFlowResource(AllOrNothingResource):
    """Trade flows keyed by (year, HS code, HS revision, exporter, importer).

    Columns ``year, hs_code, hs_revision, exporter, importer, value, quantity,
    source``: value in thousand USD, quantity in tonnes (may be empty). Every row is
    checked first; one bad row and nothing is written.
    """

    exporter = fields.Field(
        attribute="exporter", column_name="exporter", widget=PartnerCodeWidget()
    )
    importer = fields.Field(
        attribute="importer", column_name="importer", widget=PartnerCodeWidget()
    )

    changed_fields = ("value", "quantity", "source")
    write_batch = 2000

    class Meta:
        model = TradeFlow
        fields = TRADE_FLOW_COLUMNS
        import_id_fields = ("year", "hs_code", "hs_revision", "exporter", "importer")
        export_order = TRADE_FLOW_COLUMNS
        use_bulk = True
        batch_size = None
        clean_model_instances = False
        skip_unchanged = True
        report_skipped = True

    def get_export_queryset(self, request: Any = None) -> Any:
        return TradeFlow.objects.select_related("exporter", "importer").order_by(
            "year", "hs_code", "exporter__iso3", "importer__iso3"
        )

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        headers = [str(h).strip().lower() if h else "" for h in dataset.headers or []]
        dataset.headers = headers
        needed = ("year", "hs_code", "exporter", "importer", "value")
        missing = [c for c in needed if c not in headers]
        if missing:
            raise ValidationError(
                gettext(
                    "The file needs the columns year, hs_code, hs_revision, exporter, importer, value, quantity, source (missing: {missing})."
                ).format(missing=", ".join(missing))
            )
        named = {
            str(code).strip().upper()
            for column in ("exporter", "importer")
            for code in dataset[column]
            if code is not None
        }
        list(self._locked(Partner.objects.filter(iso3__in=named)).values_list("id"))
        self._partners = dict(Partner.objects.values_list("iso3", "id"))
        years = set()
        for value in dataset["year"]:
            try:
                years.add(int(float(str(value))))
            except (TypeError, ValueError):
                continue
        self._existing = {
            (f.year, f.hs_code, f.hs_revision, f.exporter_id, f.importer_id): f
            for f in TradeFlow.objects.filter(year__in=years)
        }
        self._remember_stored()
        self._parsed: dict[int, dict[str, Any]] = {}
        self._first_row_of: dict[tuple[Any, ...], int] = {}
        self._user = kwargs.get("user")
        self._change_reason = kwargs.get("change_reason") or (
            f"Imported from {kwargs['file_name']}"
            if kwargs.get("file_name")
            else "Imported"
        )

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        number: int = kwargs["row_number"]
        values, errors = parse_trade_flow(row, partners=self._partners)
        if not errors:
            key = _flow_key(values)
            first = self._first_row_of.setdefault(key, number)
            if first != number:
                errors["year"] = [
                    gettext("The same flow is already in row {row}.").format(
                        row=sheet_row(first)
                    )
                ]
        if errors:
            raise ValidationError(errors)
        self._parsed[number] = values

    def row_key(self, parsed: Any) -> tuple[Any, ...]:
        return _flow_key(parsed)

    def get_or_init_instance(self, instance_loader: Any, row: Any) -> Any:
        values = self._parsed[self._row_number]
        existing = self._existing.get(_flow_key(values))
        if existing is not None:
            return existing, False
        return TradeFlow(**values), True

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        for name, value in self._parsed[kwargs["row_number"]].items():
            setattr(instance, name, value)


def _flow_key(values: dict[str, Any]) -> tuple[Any, ...]:
    return (
        values["year"],
        values["hs_code"],
        values["hs_revision"],
        values["exporter_id"],
        values["importer_id"],
    )
