"""Import resources of the stewards' registers: export controls and declared
stockpiles, in and out as files (the admin's import and export, and the seed).

Each is a CSV or XLSX with one row per record, keyed as the model is (a control by
country, material and measure; a stock by country, holder, material, kind and date).
``country`` is an ISO3 code; ``commodities`` lists the app's commodity codes the
record covers, separated by spaces (empty: none); dates are ISO (``2025-10-09``).
Rows are checked like every import of ours (``AllOrNothingResource``): every bad row
is reported at its spreadsheet row and column, and one bad row writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from import_export import fields

from instruments.calculators.numbers import parse_yes_no
from instruments.models import (
    Commodity,
    DaysBasis,
    DeclaredStockpile,
    ExportControl,
    ExportMeasure,
    Partner,
    StockKind,
)
from instruments.services.imports.resources import AllOrNothingResource, sheet_row
from instruments.services.imports.templates import CSV_MEDIA_TYPE, ImportTemplate

EXPORT_CONTROL_COLUMNS = (
    "country",
    "country_name",
    "material",
    "commodities",
    "measure",
    "year",
    "in_force_from",
    "in_force_until",
    "hs_codes",
    "source",
    "source_url",
    "note",
)
DECLARED_STOCKPILE_COLUMNS = (
    "country",
    "holder",
    "material",
    "commodities",
    "kind",
    "quantity_t",
    "days",
    "days_basis",
    "as_of",
    "illustrative",
    "source",
    "source_url",
    "note",
)

Parsed = tuple[dict[str, Any], frozenset[int]]
"""A row's field values and the ids of the commodities it links."""


# --- one parser per kind of column -------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_choice(value: object, choices: type[models.TextChoices]) -> str:
    """A choice by its value or its label, in any case (``Export ban``)."""
    text = " ".join(_text(value).lower().replace("_", " ").split())
    for choice in choices:
        if text in (choice.value.replace("_", " "), str(choice.label).lower()):
            return str(choice.value)
    known = ", ".join(str(c.value) for c in choices)
    raise ValueError(
        gettext("'{value}' is not one of {known}.").format(
            value=_text(value), known=known
        )
    )


def parse_date(value: object, *, required: bool = False) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        if required:
            raise ValueError(gettext("The date is missing."))
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(
            gettext("'{text}' is not a date (write it like 2025-10-09).").format(
                text=text
            )
        ) from None


def parse_amount(value: object, *, places: int, digits: int) -> Decimal | None:
    """A number >= 0 with at most ``places`` decimals, or None for empty."""
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(
            gettext("'{text}' is not a number.").format(text=text)
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(
            gettext("It must be a number of 0 or more (got {text}).").format(text=text)
        )
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise ValueError(
            gettext("{text} has more than {places} decimals.").format(
                text=text, places=places
            )
        )
    if amount.adjusted() >= digits - places:
        raise ValueError(gettext("{text} is too large.").format(text=text))
    return amount


def parse_year(value: object) -> int:
    text = _text(value)
    try:
        year = int(text)
    except ValueError:
        year = 0
    if not 1900 <= year <= 2100:
        raise ValueError(
            gettext("'{text}' is not a year (1900 to 2100).").format(text=text)
        )
    return year


# --- the shared resource -----------------------------------------------------------


class RegisterResource(AllOrNothingResource):
    """A register's rows keyed by ``key_fields``; ``parse_values`` reads a row's
    model fields (``country`` and ``commodities`` are read here). An update may
    change every field but the key, and the commodity links."""

    columns: tuple[str, ...] = ()
    key_fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    parsers: dict[str, Callable[[object], Any]] = {}

    country = fields.Field(column_name="country")
    commodities = fields.Field(column_name="commodities")

    def get_export_queryset(self, request: Any = None) -> Any:
        return (
            self._meta.model.objects.select_related("country")
            .prefetch_related("commodities")
            .order_by("country__iso3", *self.key_fields[1:])
        )

    def _key(self, values: dict[str, Any] | models.Model) -> tuple[Any, ...]:
        if isinstance(values, dict):
            return tuple(values.get(name) for name in self.key_fields)
        return tuple(getattr(values, name) for name in self.key_fields)

    def dehydrate_country(self, obj: Any) -> str:
        return str(obj.country.iso3) if obj.country_id else ""

    def dehydrate_commodities(self, obj: Any) -> str:
        """The linked codes; for a row being imported, the links it will have (an
        unsaved record has none to read yet)."""
        pending = getattr(self, "_pending_links", {}).get(id(obj))
        if pending is not None:
            codes = {v: k for k, v in self._commodities.items()}
            return " ".join(sorted(codes[i] for i in pending))
        if obj.pk is None:
            return ""
        return " ".join(sorted(c.code for c in obj.commodities.all()))

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        headers = [str(h).strip().lower() if h else "" for h in dataset.headers or []]
        dataset.headers = headers
        missing = [c for c in self.required if c not in headers]
        if missing:
            raise ValidationError(
                gettext(
                    "The file needs the columns {columns} (missing: {missing})."
                ).format(columns=", ".join(self.columns), missing=", ".join(missing))
            )
        self._partners = dict(Partner.objects.values_list("iso3", "id"))
        self._commodities = dict(Commodity.objects.values_list("code", "id"))
        stored = self._locked(self._meta.model.objects.all())
        self._existing = {self._key(obj): obj for obj in stored}
        through = self._meta.model.commodities.through
        owner = f"{self._meta.model._meta.model_name}_id"
        links: dict[int, set[int]] = {}
        for pk, commodity_id in through.objects.values_list(owner, "commodity_id"):
            links.setdefault(pk, set()).add(commodity_id)
        self._links = {pk: frozenset(ids) for pk, ids in links.items()}
        self._remember_stored()
        self._parsed: dict[int, Parsed] = {}
        self._first_row_of: dict[tuple[Any, ...], int] = {}
        self._pending_links: dict[int, frozenset[int]] = {}
        self._user = kwargs.get("user")
        self._change_reason = kwargs.get("change_reason") or (
            f"Imported from {kwargs['file_name']}"
            if kwargs.get("file_name")
            else "Imported"
        )

    def _remember_stored(self) -> None:
        self._stored = {
            key: (
                tuple(getattr(obj, name) for name in self.changed_fields),
                self._links.get(obj.pk, frozenset()),
            )
            for key, obj in self._existing.items()
        }

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        number: int = kwargs["row_number"]
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        code = _text(row.get("country")).upper()
        if code not in self._partners:
            errors["country"] = [
                gettext(
                    "Unknown economy '{code}' (use an ISO 3166-1 alpha-3 code)."
                ).format(code=code)
                if code
                else gettext("The country is missing.")
            ]
        else:
            values["country_id"] = self._partners[code]
        for name, parse in self.parsers.items():
            try:
                values[name] = parse(row.get(name))
            except ValueError as exc:
                errors[name] = [str(exc)]
        codes = _text(row.get("commodities")).replace(",", " ").split()
        unknown = [c for c in codes if c not in self._commodities]
        if unknown:
            errors["commodities"] = [
                gettext("Unknown commodity code(s): {codes}.").format(
                    codes=", ".join(unknown)
                )
            ]
        if not errors:
            try:
                self._meta.model(**values).clean()
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if not errors:
            key = self._key(values)
            first = self._first_row_of.setdefault(key, number)
            if first != number:
                errors["material"] = [
                    gettext("The same record is already in row {row}.").format(
                        row=sheet_row(first)
                    )
                ]
        if errors:
            raise ValidationError(errors)
        self._parsed[number] = (values, frozenset(self._commodities[c] for c in codes))

    def row_key(self, parsed: Any) -> tuple[Any, ...]:
        return self._key(parsed[0])

    def get_or_init_instance(self, instance_loader: Any, row: Any) -> Any:
        values, _ = self._parsed[self._row_number]
        existing = self._existing.get(self._key(values))
        if existing is not None:
            return existing, False
        return self._meta.model(**values), True

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        values, links = self._parsed[kwargs["row_number"]]
        for name, value in values.items():
            setattr(instance, name, value)
        self._pending_links[id(instance)] = links

    def skip_row(
        self,
        instance: Any,
        original: Any,
        row: Any,
        import_validation_errors: Any = None,
    ) -> bool:
        same = super().skip_row(instance, original, row, import_validation_errors)
        links = self._pending_links.get(id(instance), frozenset())
        return same and self._links.get(instance.pk, frozenset()) == links

    def bulk_create(
        self, using_transactions: bool, dry_run: bool, *args: Any, **kwargs: Any
    ) -> None:
        written = list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, *args, **kwargs)
        self._write_links(written, using_transactions or not dry_run)

    def bulk_update(
        self, using_transactions: bool, dry_run: bool, *args: Any, **kwargs: Any
    ) -> None:
        written = list(self.update_instances)
        super().bulk_update(using_transactions, dry_run, *args, **kwargs)
        self._write_links(written, using_transactions or not dry_run)

    def _write_links(self, written: list[Any], write_now: bool) -> None:
        """The commodity links of the rows just written (``set`` sends the signal
        that bumps the table's version)."""
        if not write_now or self._stale:
            return
        for obj in written:
            links = self._pending_links.get(id(obj), frozenset())
            if obj.pk is not None and self._links.get(obj.pk, frozenset()) != links:
                obj.commodities.set(links)


def _required_text(limit: int) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = _text(value)
        if not text:
            raise ValueError(gettext("It is missing."))
        if len(text) > limit:
            raise ValueError(gettext("At most {limit} characters.").format(limit=limit))
        return text

    return parse


def _optional_text(limit: int | None = None) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = _text(value)
        if limit is not None and len(text) > limit:
            raise ValueError(gettext("At most {limit} characters.").format(limit=limit))
        return text

    return parse


def _url(value: object) -> str:
    text = _text(value)
    if text and not text.lower().startswith(("http://", "https://")):
        raise ValueError(
            gettext("'{text}' is not a web address (http:// or https://).").format(
                text=text[:80]
            )
        )
    if len(text) > 500:
        raise ValueError(gettext("At most 500 characters."))
    return text


def _flag(value: object) -> bool:
    return parse_yes_no(value)


class ExportControlResource(RegisterResource):
    """Export controls keyed by (country, material, measure)."""

    columns = EXPORT_CONTROL_COLUMNS
    key_fields = ("country_id", "material", "measure")
    required = ("country", "material", "measure", "year", "source")
    parsers = {
        "material": _required_text(200),
        "measure": lambda value: parse_choice(value, ExportMeasure),
        "country_name": _optional_text(100),
        "year": parse_year,
        "in_force_from": parse_date,
        "in_force_until": parse_date,
        "hs_codes": _optional_text(200),
        "source": _required_text(10_000),
        "source_url": _url,
        "note": _optional_text(),
    }
    changed_fields = (
        "country_name",
        "year",
        "in_force_from",
        "in_force_until",
        "hs_codes",
        "source",
        "source_url",
        "note",
    )

    class Meta:
        model = ExportControl
        fields = EXPORT_CONTROL_COLUMNS
        export_order = EXPORT_CONTROL_COLUMNS
        import_id_fields = ("country", "material", "measure")
        use_bulk = True
        batch_size = None
        clean_model_instances = False
        skip_unchanged = True
        report_skipped = True


class DeclaredStockpileResource(RegisterResource):
    """Declared stockpiles keyed by (country, holder, material, kind, as_of)."""

    columns = DECLARED_STOCKPILE_COLUMNS
    key_fields = ("country_id", "holder", "material", "kind", "as_of")
    required = ("country", "holder", "material", "as_of", "source")
    parsers = {
        "holder": _required_text(200),
        "material": _required_text(200),
        "kind": lambda value: parse_choice(value or "holding", StockKind),
        "as_of": lambda value: parse_date(value, required=True),
        "quantity_t": lambda value: parse_amount(value, places=3, digits=20),
        "days": lambda value: parse_amount(value, places=2, digits=8),
        "days_basis": lambda value: parse_choice(value or "consumption", DaysBasis),
        "illustrative": _flag,
        "source": _required_text(10_000),
        "source_url": _url,
        "note": _optional_text(),
    }
    changed_fields = (
        "quantity_t",
        "days",
        "days_basis",
        "illustrative",
        "source",
        "source_url",
        "note",
    )

    class Meta:
        model = DeclaredStockpile
        fields = DECLARED_STOCKPILE_COLUMNS
        export_order = DECLARED_STOCKPILE_COLUMNS
        import_id_fields = ("country", "holder", "material", "kind", "as_of")
        use_bulk = True
        batch_size = None
        clean_model_instances = False
        skip_unchanged = True
        report_skipped = True

    def dehydrate_illustrative(self, obj: DeclaredStockpile) -> str:
        return "true" if obj.illustrative else "false"


# --- the import pages' templates ---------------------------------------------------


def build_register_template(resource_class: type[RegisterResource]) -> ImportTemplate:
    """The register's header and its first stored record as the export writes it
    (imported unchanged, it changes nothing); a header alone on an empty table."""
    model = resource_class._meta.model
    resource = resource_class()
    first = resource.get_export_queryset()[:1]
    dataset = resource.export(queryset=first)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(resource_class.columns)
    for row in dataset:
        writer.writerow(["" if v is None else v for v in row])
    name = model._meta.verbose_name_plural.replace(" ", "-")
    return ImportTemplate(
        f"{name}-template.csv", CSV_MEDIA_TYPE, buffer.getvalue().encode()
    )
