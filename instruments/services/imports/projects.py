"""The project register as files (INSTRUMENTS.md §12): import, export and template.

A file has the columns of ``PROJECT_FIELDS``, one project a row, keyed by ``slug``:
``country`` an ISO3 code, ``commodity`` a commodity code, ``stage`` one of ``mine``,
``refinery``, ``processing``, ``recycling`` (or ``mining``, ``refining``),
``capex`` one amount (spread over the construction years) or one amount per
construction year separated by spaces, ``ramp_up`` shares of capacity by operating
year separated by spaces (empty: full capacity from the first year). Rates are
decimals (0.25 = 25 %). Every row is checked first, with the model's own rules; a
bad row is reported with its spreadsheet row, column and reason, and one bad row
means nothing is written. The admin import and ``manage.py seed`` both go through
``import_projects``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from import_export import fields, widgets

from instruments.calculators.numbers import parse_yes_no
from instruments.models import (
    PRICE_UNITS,
    PROJECT_FIELDS,
    Commodity,
    Partner,
    Project,
    ProjectStage,
    ProjectStatus,
)
from instruments.services.imports.resources import (
    AllOrNothingResource,
    PartnerCodeWidget,
    sheet_row,
)
from instruments.services.imports.rows import (
    ImportRejected,
    ImportReport,
    report_from_result,
)
from instruments.services.imports.templates import ImportTemplate, csv_template

REQUIRED_COLUMNS = (
    "slug",
    "name",
    "stage",
    "country",
    "commodity",
    "capacity",
    "capex",
    "life_years",
    "unit_opex",
)
"""Columns a project file must have; the others take the model's defaults."""

_STAGE_WORDS = {
    **{stage.value: stage.value for stage in ProjectStage},
    **{stage.label.lower(): stage.value for stage in ProjectStage},
    "mining": ProjectStage.MINE.value,
    "refining": ProjectStage.REFINERY.value,
}
_DECIMALS = (
    "capacity",
    "unit_opex",
    "fixed_opex",
    "realised_share",
    "tax_rate",
    "discount_rate",
    "debt_share",
    "debt_rate",
)
_INTEGERS = ("construction_years", "life_years", "debt_tenor_years")
_TEXTS = ("name", "sources", "assumptions")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_text(value: object) -> str:
    if isinstance(value, bool):
        raise ValueError(gettext("'{value}' is not a number.").format(value=value))
    return str(value).strip().replace(",", "")


def parse_decimal(value: object) -> Decimal:
    """A finite number with at most 6 decimals (what the register stores)."""
    try:
        number = Decimal(_number_text(value))
    except InvalidOperation:
        raise ValueError(
            gettext("'{value}' is not a number.").format(value=value)
        ) from None
    if not number.is_finite():
        raise ValueError(
            gettext("'{value}' is not a finite number.").format(value=value)
        )
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        raise ValueError(
            gettext("{value} has more than 6 decimals.").format(value=value)
        )
    if number.adjusted() >= 14:
        raise ValueError(gettext("{value} is too large.").format(value=value))
    return number


def parse_whole(value: object) -> int:
    """A whole number ≥ 0 (a spreadsheet's 3.0 is 3)."""
    try:
        number = Decimal(_number_text(value))
    except InvalidOperation:
        raise ValueError(
            gettext("'{value}' is not a whole number.").format(value=value)
        ) from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise ValueError(
            gettext("'{value}' is not a whole number of 0 or more.").format(value=value)
        )
    if number > 10_000:
        raise ValueError(gettext("{value} is too large.").format(value=value))
    return int(number)


def parse_amounts(value: object) -> list[float | int]:
    """Numbers separated by spaces (or a JSON list), as JSON-ready numbers."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        items: list[Any] = [value]
    else:
        text = str(value).strip()
        if text.startswith("["):
            try:
                items = json.loads(text)
            except json.JSONDecodeError:
                raise ValueError(
                    gettext("'{text}' is not a list of numbers.").format(text=text)
                ) from None
            if not isinstance(items, list):
                raise ValueError(
                    gettext("'{text}' is not a list of numbers.").format(text=text)
                )
        else:
            items = text.replace(";", " ").split()
    amounts: list[float | int] = []
    for item in items:
        number = parse_decimal(item)
        amounts.append(
            int(number) if number == number.to_integral_value() else float(number)
        )
    return amounts


def parse_project(
    row: Mapping[str, Any],
    *,
    partners: Mapping[str, int],
    commodities: Mapping[str, int],
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One file row as Project field values, and the errors by column: each value
    parsed, then the model's own checks (field validators and ``Project.clean``)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    def get(name: str) -> Any:
        return row.get(name)

    values["slug"] = str(get("slug") or "").strip()
    for name in _TEXTS:
        values[name] = str(get(name) or "").strip()
    stage = str(get("stage") or "").strip().lower()
    if stage not in _STAGE_WORDS:
        fail(
            "stage",
            gettext("'{stage}' is not a stage ({stages}).").format(
                stage=stage, stages=", ".join(ProjectStage.values)
            ),
        )
    else:
        values["stage"] = _STAGE_WORDS[stage]
    status = str(get("status") or "").strip().lower() or ProjectStatus.CONCEPT.value
    if status not in ProjectStatus.values:
        fail(
            "status",
            gettext("'{status}' is not a status ({statuses}).").format(
                status=status, statuses=", ".join(ProjectStatus.values)
            ),
        )
    values["status"] = status
    code = str(get("country") or "").strip().upper()
    if code not in partners:
        fail(
            "country",
            gettext(
                "Unknown economy '{code}' (use an ISO 3166-1 alpha-3 code)."
            ).format(code=code)
            if code
            else gettext("The country is missing."),
        )
    else:
        values["country_id"] = partners[code]
    commodity = str(get("commodity") or "").strip()
    if commodity not in commodities:
        fail(
            "commodity",
            gettext("Unknown commodity '{commodity}'.").format(commodity=commodity)
            if commodity
            else gettext("The commodity is missing."),
        )
    else:
        values["commodity_id"] = commodities[commodity]
    for name, default in (("quantity_unit", "t"), ("price_unit", "USD/t")):
        values[name] = str(get(name) or "").strip() or default
    if values["price_unit"] not in PRICE_UNITS:
        fail(
            "price_unit",
            gettext("'{unit}' is not a price unit.").format(unit=values["price_unit"]),
        )
        del values["price_unit"]
    for name in (*_DECIMALS, *_INTEGERS):
        if _blank(get(name)):
            if name in REQUIRED_COLUMNS:
                fail(
                    name,
                    gettext("The {column} is missing.").format(
                        column=name.replace("_", " ")
                    ),
                )
            continue
        try:
            parse = parse_decimal if name in _DECIMALS else parse_whole
            values[name] = parse(get(name))
        except ValueError as exc:
            fail(name, str(exc))
    for name in ("capex", "ramp_up"):
        try:
            amounts = [] if _blank(get(name)) else parse_amounts(get(name))
        except ValueError as exc:
            fail(name, str(exc))
            continue
        if name == "capex":
            values[name] = amounts[0] if len(amounts) == 1 else amounts
        else:
            values[name] = amounts
    try:
        values["illustrative"] = parse_yes_no(get("illustrative"))
    except ValueError as exc:
        fail("illustrative", str(exc))
    _model_checks(values, errors)
    return values, errors


def _model_checks(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """The model's validators and ``clean`` on the parsed values, for the columns
    that parsed (a column already wrong is not reported twice)."""
    project = Project(**values)
    found: dict[str, list[str]] = {}
    try:
        project.clean_fields(exclude=["country", "commodity", *errors])
    except ValidationError as exc:
        found.update(exc.message_dict)
    try:
        project.clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            found.setdefault(name, []).extend(messages)
    for name, messages in found.items():
        if name not in errors:
            errors[name] = list(dict.fromkeys(messages))


class CommodityCodeWidget(widgets.ForeignKeyWidget):
    """Exports a commodity as its code."""

    def __init__(self) -> None:
        super().__init__(Commodity, field="code")


def _spaced(amounts: Any) -> str:
    items = amounts if isinstance(amounts, list) else [amounts]
    return " ".join(format(Decimal(str(a)).normalize(), "f") for a in items)


def _plain(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


class ProjectResource(AllOrNothingResource):
    """Projects keyed by slug, in the columns of ``PROJECT_FIELDS``."""

    country = fields.Field(
        attribute="country", column_name="country", widget=PartnerCodeWidget()
    )
    commodity = fields.Field(
        attribute="commodity", column_name="commodity", widget=CommodityCodeWidget()
    )

    changed_fields = tuple(
        {"country": "country_id", "commodity": "commodity_id"}.get(name, name)
        for name in PROJECT_FIELDS
        if name != "slug"
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        import_id_fields = ("slug",)
        export_order = PROJECT_FIELDS
        use_bulk = True
        batch_size = None
        clean_model_instances = False
        skip_unchanged = True
        report_skipped = True

    def get_export_queryset(self, request: Any = None) -> Any:
        return Project.objects.select_related("country", "commodity").order_by("slug")

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        name = self.get_field_name(field)
        if name in _DECIMALS:
            return _plain(getattr(instance, name))
        return super().export_field(field, instance, **kwargs)

    def dehydrate_capex(self, project: Project) -> str:
        return _spaced(project.capex)

    def dehydrate_ramp_up(self, project: Project) -> str:
        return _spaced(project.ramp_up) if project.ramp_up else ""

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        headers = [str(h).strip().lower() if h else "" for h in dataset.headers or []]
        dataset.headers = headers
        missing = [c for c in REQUIRED_COLUMNS if c not in headers]
        if missing:
            raise ValidationError(
                gettext(
                    "The file needs the columns {columns} (missing: {missing})."
                ).format(
                    columns=", ".join(REQUIRED_COLUMNS), missing=", ".join(missing)
                )
            )
        slugs = {str(s).strip() for s in dataset["slug"] if s is not None}
        self._existing = {
            p.slug: p for p in self._locked(Project.objects.filter(slug__in=slugs))
        }
        self._remember_stored()
        self._partners = dict(Partner.objects.values_list("iso3", "id"))
        self._commodities = dict(Commodity.objects.values_list("code", "id"))
        self._parsed: dict[int, dict[str, Any]] = {}
        self._first_row_of: dict[str, int] = {}
        self._user = kwargs.get("user")
        self._change_reason = kwargs.get("change_reason") or (
            f"Imported from {kwargs['file_name']}"
            if kwargs.get("file_name")
            else "Imported"
        )

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        number: int = kwargs["row_number"]
        values, errors = parse_project(
            row, partners=self._partners, commodities=self._commodities
        )
        slug = values["slug"]
        if slug and "slug" not in errors:
            first = self._first_row_of.setdefault(slug, number)
            if first != number:
                errors["slug"] = [
                    gettext("'{slug}' is already in row {row}.").format(
                        slug=slug, row=sheet_row(first)
                    )
                ]
        if errors:
            raise ValidationError(errors)
        self._parsed[number] = values

    def row_key(self, parsed: Any) -> tuple[Any, ...]:
        return (parsed["slug"],)

    def _remember_stored(self) -> None:
        self._stored = {
            (slug,): tuple(getattr(obj, name) for name in self.changed_fields)
            for slug, obj in self._existing.items()
        }

    def get_or_init_instance(self, instance_loader: Any, row: Any) -> Any:
        values = self._parsed[self._row_number]
        existing = self._existing.get(values["slug"])
        if existing is not None:
            return existing, False
        return Project(**values), True

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        defaults = {f.attname: f.get_default() for f in _CHANGEABLE}
        values = {**defaults, **self._parsed[kwargs["row_number"]]}
        for name, value in values.items():
            setattr(instance, name, value)


_CHANGEABLE: tuple[models.Field[Any, Any], ...] = tuple(
    Project._meta.get_field(name)  # type: ignore[misc]
    for name in PROJECT_FIELDS
    if name not in ("slug", "name", "country", "commodity")
)


def import_projects(
    *,
    data: tablib.Dataset | Iterable[Mapping[str, Any]],
    dry_run: bool = False,
    user: Any = None,
    change_reason: str = "",
    raise_on_error: bool = False,
) -> ImportReport:
    """Import projects: all rows or none, every bad row reported (``ProjectResource``,
    the admin's resource, so the rules and messages are the same)."""
    if isinstance(data, tablib.Dataset):
        dataset = tablib.Dataset(*data, headers=data.headers)
    else:
        rows = [dict(row) for row in data]
        headers = list(dict.fromkeys(k for row in rows for k in row))
        dataset = tablib.Dataset(headers=headers)
        for row in rows:
            dataset.append([row.get(h) for h in headers])
    result = ProjectResource().import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        user=user,
        change_reason=change_reason,
    )
    report = report_from_result(result=result, total_rows=len(dataset), dry_run=dry_run)
    if raise_on_error and report.errors:
        raise ImportRejected(report)
    return report


def build_projects_template() -> ImportTemplate:
    """The columns of ``PROJECT_FIELDS`` and a stored project (or a made-up example
    row on an empty register)."""
    project = Project.objects.select_related("country", "commodity").first()
    if project is None:
        row: list[Any] = [
            "example-ndpr-separation",
            "Example NdPr separation plant (replace with your project)",
            "refinery",
            "AUS",
            "ndpr-oxide",
            "feasibility",
            "5000",
            "t",
            "0.5 0.8",
            "200000000 300000000",
            "2",
            "20",
            "40",
            "USD/kg",
            "25000000",
            "0.95",
            "0.3",
            "0.1",
            "0.5",
            "0.07",
            "10",
            "true",
            "Example row: cite each public figure with its publisher",
            "Example row: state every figure not from a source",
        ]
    else:
        exported = ProjectResource().export(
            queryset=Project.objects.filter(pk=project.pk)
        )
        row = list(exported[0])
    return csv_template("projects-template.csv", PROJECT_FIELDS, row)
