"""The data stewards' screens: every data model, with audit history on each change.

Price observations and trade flows import and export as CSV and XLSX
(django-import-export): the upload is previewed as a dry run, every bad row is listed
in a table with its spreadsheet row, column and reason (``admin_imports``), each
import page offers a template, and nothing is written unless the whole file is valid. A price series page
shows its chart. Changes record who made them (simple-history + its middleware).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max, Min, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from instruments import selectors
from instruments.admin import registers  # noqa: F401  (registers its admins)
from instruments.admin.imports import OwnFormatImportMixin
from instruments.admin.projects import ProjectAdmin
from instruments.admin.publishers import PublishedFileImportMixin
from instruments.calculators.base import InputError
from instruments.models import (
    PRODUCER_FIELDS,
    TRADE_FLOW_COLUMNS,
    Commodity,
    CommodityElasticity,
    CommodityHsCode,
    CommodityProduction,
    ElasticityEstimate,
    FxRate,
    ParameterSchedule,
    Partner,
    PartnerGroup,
    PriceObservation,
    PriceSeries,
    Producer,
    ProductionVolume,
    Project,
    Scenario,
    SeriesEdition,
    SourceEdition,
    TradeFlow,
    format_period,
)
from instruments.presentation.charts.prices import build_price_history_figure
from instruments.services.imports.limits import (
    ImportLimitsMixin,
    LimitedCSV,
    LimitedXLSX,
)
from instruments.services.imports.resources import (
    PriceObservationResource,
    TradeFlowResource,
)
from instruments.services.imports.templates import (
    ImportTemplate,
    build_price_observations_template,
    build_trade_flows_template,
)

admin.site.site_header = "Critical-minerals instruments: data stewards"
admin.site.site_title = "Data stewards"
admin.site.index_title = "Reference data"


class StewardAdmin(SimpleHistoryAdmin):
    """Every steward screen: a delete the database refuses (a check constraint or a
    protected link the confirmation page did not see) is undone and explained,
    never a 500. Protected links are listed by Django's own confirmation page."""

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except (IntegrityError, models.ProtectedError, models.RestrictedError) as exc:
            self._refuse_delete(request, exc)
            return HttpResponseRedirect(request.path)

    def response_action(self, request: HttpRequest, queryset: Any) -> Any:
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except (IntegrityError, models.ProtectedError, models.RestrictedError) as exc:
            self._refuse_delete(request, exc)
            return HttpResponseRedirect(request.get_full_path())

    def _refuse_delete(self, request: HttpRequest, exc: Exception) -> None:
        detail = exc.args[0] if exc.args else exc
        self.message_user(
            request,
            "Nothing was deleted: other stored data need it, and deleting it would "
            f"leave them inconsistent ({detail}). Change or delete those first.",
            messages.ERROR,
        )


class CommodityHsCodeInline(admin.TabularInline):
    model = CommodityHsCode
    fields = ("hs_code", "hs_revision", "note")
    extra = 0


@admin.register(Commodity)
class CommodityAdmin(StewardAdmin):
    inlines = (CommodityHsCodeInline,)
    list_display = ("code", "name", "stage", "hs_codes", "input_commodity", "n_series")
    list_filter = ("stage",)
    search_fields = ("code", "name", "hs_codes", "notes")
    autocomplete_fields = ("input_commodity",)
    prepopulated_fields = {"code": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commodity]:
        return (
            super()
            .get_queryset(request)
            .select_related("input_commodity")
            .annotate(n_series=Count("series"))
        )

    @admin.display(description="series", ordering="n_series")
    def n_series(self, obj: Commodity) -> int:
        return int(getattr(obj, "n_series", 0))


@admin.register(SourceEdition)
class SourceEditionAdmin(StewardAdmin):
    """The editions a series cites: a new Pink Sheet or MCS release is one record,
    linked from every series read from it."""

    list_display = ("code", "publisher", "year", "title", "edition", "doi")
    list_filter = ("publisher", "year")
    search_fields = ("code", "publisher", "title", "edition", "doi")
    readonly_fields = ("citation",)
    fields = (
        "code",
        "publisher",
        "year",
        "title",
        "edition",
        "short_name",
        "doi",
        "url",
        "citation",
    )

    @admin.display(description="citation, as pages and downloads show it")
    def citation(self, obj: SourceEdition) -> str:
        return obj.citation if obj.pk else "–"


class SeriesEditionInline(admin.TabularInline):
    model = SeriesEdition
    fields = ("edition", "periods")
    extra = 0
    autocomplete_fields = ("edition",)
    verbose_name = "edition read"
    verbose_name_plural = "editions read (what a citation names)"


class PriceObservationInline(admin.TabularInline):
    model = PriceObservation
    fields = ("period", "price", "estimated")
    extra = 0
    ordering = ("-period",)
    show_change_link = True


@admin.register(PriceSeries)
class PriceSeriesAdmin(StewardAdmin):
    # Sources are published over https; say so rather than let Django guess http.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "code",
        "commodity",
        "unit",
        "frequency",
        "is_default",
        "n_observations",
        "first_period",
        "last_period",
    )
    list_filter = ("frequency", "unit", "is_default", "licence", "commodity__stage")
    search_fields = ("code", "name", "basis", "source", "commodity__code")
    autocomplete_fields = ("commodity",)
    list_select_related = ("commodity",)
    inlines = (SeriesEditionInline, PriceObservationInline)
    change_form_template = "admin/instruments/priceseries/change_form.html"
    readonly_fields = ("citation",)
    fieldsets = (
        (None, {"fields": ("code", "commodity", "name", "is_default")}),
        ("Unit and frequency", {"fields": ("currency", "unit", "frequency")}),
        (
            "Source",
            {"fields": ("basis", "source", "source_url", "licence", "citation")},
        ),
    )

    @admin.display(description="citation, as pages and downloads show it")
    def citation(self, obj: PriceSeries) -> str:
        return obj.citation if obj.pk else "–"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PriceSeries]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_observations=Count("observations"),
                first=Min("observations__period"),
                last=Max("observations__period"),
            )
        )

    @admin.display(description="observations", ordering="n_observations")
    def n_observations(self, obj: PriceSeries) -> int:
        return int(getattr(obj, "n_observations", 0))

    @admin.display(description="from", ordering="first")
    def first_period(self, obj: PriceSeries) -> str:
        first = getattr(obj, "first", None)
        return format_period(first, obj.frequency) if first else "–"

    @admin.display(description="to", ordering="last")
    def last_period(self, obj: PriceSeries) -> str:
        last = getattr(obj, "last", None)
        return format_period(last, obj.frequency) if last else "–"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        context = dict(extra_context or {})
        series = PriceSeries.objects.filter(pk=object_id).select_related("commodity")
        obj = series.first()
        if obj is not None:
            try:
                history = selectors.get_price_history(
                    obj.commodity.code, series=obj.code
                )
            except InputError:
                context["price_chart"] = None
            else:
                context["price_chart"] = build_price_history_figure(history)
        return super().change_view(request, object_id, form_url, context)


@admin.register(PriceObservation)
class PriceObservationAdmin(
    ImportLimitsMixin,
    OwnFormatImportMixin,
    PublishedFileImportMixin,
    ImportExportModelAdmin,
    SimpleHistoryAdmin,
):
    published_kinds = ("pink-sheet", "usgs-mcs")
    resource_classes = [PriceObservationResource]
    formats = [LimitedCSV, LimitedXLSX]
    list_display = ("series", "label", "period", "price", "unit", "estimated")
    list_filter = ("estimated", "series__frequency", "series__commodity")
    search_fields = ("series__code", "series__name", "series__commodity__code")
    list_select_related = ("series",)
    autocomplete_fields = ("series",)
    date_hierarchy = "period"
    list_per_page = 100

    @admin.display(description="period label")
    def label(self, obj: PriceObservation) -> str:
        return obj.label

    @admin.display(description="unit")
    def unit(self, obj: PriceObservation) -> str:
        return obj.series.unit

    def has_import_permission(self, request: HttpRequest) -> bool:
        # An import adds and changes prices: it needs both permissions.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def build_import_template(self) -> ImportTemplate:
        return build_price_observations_template()

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(Partner)
class PartnerAdmin(StewardAdmin):
    list_display = ("iso3", "iso2", "name")
    search_fields = ("iso3", "iso2", "name")


class PartnerGroupForm(forms.ModelForm):
    """Refuses subgroups that would put a group inside itself."""

    class Meta:
        model = PartnerGroup
        fields = ["code", "name", "description", "members", "subgroups", "source"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        subgroups = data.get("subgroups")
        if subgroups is not None:
            try:
                self.instance.check_subgroups(subgroups)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


@admin.register(PartnerGroup)
class PartnerGroupAdmin(StewardAdmin):
    form = PartnerGroupForm
    list_display = ("code", "name", "n_members", "subgroup_codes")
    search_fields = ("code", "name", "description")
    filter_horizontal = ("members", "subgroups")

    @admin.display(description="subgroups")
    def subgroup_codes(self, obj: PartnerGroup) -> str:
        return ", ".join(sorted(g.code for g in obj.subgroups.all())) or "–"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartnerGroup]:
        return (
            super()
            .get_queryset(request)
            .annotate(n_members=Count("members"))
            .prefetch_related("subgroups")
        )

    @admin.display(description="members", ordering="n_members")
    def n_members(self, obj: PartnerGroup) -> int:
        return int(getattr(obj, "n_members", 0))


@admin.register(Producer)
class ProducerAdmin(StewardAdmin):
    # The commodity beside the name; the long texts only on the producer's page.
    list_display = (
        "name",
        "commodity",
        *(
            field
            for field in PRODUCER_FIELDS
            if field not in ("name", "commodity", "audit_scheme", "source", "notes")
        ),
    )
    list_filter = (
        "is_illustrative",
        "stage",
        "intensity_scope",
        "traceable",
        "commodity",
    )
    search_fields = ("name", "commodity__code", "country__iso3", "source", "notes")
    list_select_related = ("commodity", "country")
    autocomplete_fields = ("commodity", "country")


admin.site.register(Project, ProjectAdmin)


@admin.register(FxRate)
class FxRateAdmin(PublishedFileImportMixin, StewardAdmin):
    published_kinds = ("h10",)
    list_display = ("currency", "period", "units_per_usd", "source")
    list_filter = ("currency",)
    search_fields = ("currency", "source")
    date_hierarchy = "period"


@admin.register(ParameterSchedule)
class ParameterScheduleAdmin(StewardAdmin):
    list_display = ("code", "year", "value", "unit", "name")
    list_filter = ("code",)
    search_fields = ("code", "name", "source")
    ordering = ("code", "year")


@admin.register(Scenario)
class ScenarioAdmin(StewardAdmin):
    list_display = (
        "title",
        "calculator",
        "owner",
        "is_public",
        "is_precedent",
        "updated",
    )
    list_filter = ("calculator", "is_public", "is_precedent")
    search_fields = ("title", "notes", "owner__username")
    readonly_fields = ("created", "updated")
    list_select_related = ("owner",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Scenario]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Stewards look after the precedents, not officials' own scenarios.
        return queryset.filter(is_precedent=True)


@admin.register(TradeFlow)
class TradeFlowAdmin(
    ImportLimitsMixin,
    OwnFormatImportMixin,
    PublishedFileImportMixin,
    ImportExportModelAdmin,
    SimpleHistoryAdmin,
):
    """Trade flows: CSV/XLSX import and export with preview (all rows or none) and the
    published BACI files; value in thousand USD, quantity in tonnes."""

    published_kinds = ("baci",)
    resource_classes = [TradeFlowResource]
    formats = [LimitedCSV, LimitedXLSX]
    # The file's columns, less the source (the same on every row of a file).
    list_display = tuple(c for c in TRADE_FLOW_COLUMNS if c != "source")
    list_filter = ("year", "hs_code", "hs_revision")
    search_fields = ("exporter__iso3", "importer__iso3", "hs_code", "source")
    list_select_related = ("exporter", "importer")
    autocomplete_fields = ("exporter", "importer")
    list_per_page = 100

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def build_import_template(self) -> ImportTemplate:
        return build_trade_flows_template()


@admin.register(CommodityHsCode)
class CommodityHsCodeAdmin(StewardAdmin):
    list_display = ("commodity", "hs_code", "hs_revision", "note")
    list_filter = ("hs_revision",)
    search_fields = ("commodity__code", "hs_code", "note")
    autocomplete_fields = ("commodity",)


# --- the calibrated baseline's data (INSTRUMENTS.md §10) ----------------------------


@admin.register(ProductionVolume)
class ProductionVolumeAdmin(StewardAdmin):
    """USGS MCS world production by country, as published (unit per series)."""

    list_display = (
        "series",
        "stage",
        "country_name",
        "country",
        "year",
        "quantity",
        "unit",
        "estimated",
        "edition",
    )
    list_filter = ("series", "stage", "year", "edition", "estimated")
    search_fields = ("series", "country_name", "country__iso3", "note")
    list_select_related = ("country",)
    autocomplete_fields = ("country",)
    list_per_page = 100


@admin.register(CommodityProduction)
class CommodityProductionAdmin(StewardAdmin):
    """Which production series a commodity's output is read from, and the factor
    (tonnes of the commodity per unit of the series)."""

    list_display = ("commodity", "series", "stage", "factor", "illustrative", "basis")
    list_filter = ("illustrative", "series", "stage")
    search_fields = ("commodity__code", "commodity__name", "series", "basis")
    list_select_related = ("commodity",)
    autocomplete_fields = ("commodity",)


@admin.register(ElasticityEstimate)
class ElasticityEstimateAdmin(StewardAdmin):
    """Published estimates, in each paper's own sign convention."""

    list_display = (
        "key",
        "short_citation",
        "parameter",
        "scope",
        "value",
        "low",
        "high",
    )
    list_filter = ("parameter", "horizon")
    search_fields = ("key", "parameter", "scope", "source", "where_in_source", "note")
    readonly_fields = ("short_citation",)


@admin.register(CommodityElasticity)
class CommodityElasticityAdmin(StewardAdmin):
    """The model's defaults (η < 0, σ > 0, ε ≥ 0), with the estimates they were
    chosen from and how."""

    list_display = ("commodity", "kind", "value", "low", "high")
    list_filter = ("kind", "commodity")
    search_fields = ("commodity__code", "commodity__name", "note", "estimates__key")
    list_select_related = ("commodity",)
    autocomplete_fields = ("commodity",)
    filter_horizontal = ("estimates",)
