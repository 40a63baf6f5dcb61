"""The stewards' registers of supply security: export controls and declared
stockpiles, with CSV/XLSX import (preview, all rows or none, every error by
spreadsheet row and column, a template) and export, like the other reference data."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from instruments.admin.imports import OwnFormatImportMixin
from instruments.models import DeclaredStockpile, ExportControl
from instruments.services.imports.limits import (
    ImportLimitsMixin,
    LimitedCSV,
    LimitedXLSX,
)
from instruments.services.imports.registers import (
    DeclaredStockpileResource,
    ExportControlResource,
    build_register_template,
)
from instruments.services.imports.templates import ImportTemplate


class RegisterAdmin(
    ImportLimitsMixin, OwnFormatImportMixin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    """What both registers share: import needs add and change, export view."""

    formats = [LimitedCSV, LimitedXLSX]
    autocomplete_fields = ("country",)
    filter_horizontal = ("commodities",)
    list_select_related = ("country",)

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def build_import_template(self) -> ImportTemplate:
        return build_register_template(self.resource_classes[0])


@admin.register(ExportControl)
class ExportControlAdmin(RegisterAdmin):
    """Export controls in force (USGS MCS table 4, split by material), linked to the
    commodities they cover; the commodity pages list them."""

    resource_classes = [ExportControlResource]
    list_display = (
        "country",
        "material",
        "measure",
        "year",
        "in_force_from",
        "in_force_until",
    )
    list_filter = ("measure", "year", "commodities")
    search_fields = ("country__iso3", "country__name", "material", "source", "note")


@admin.register(DeclaredStockpile)
class DeclaredStockpileAdmin(RegisterAdmin):
    """Stocks countries declare (held or targets), in tonnes or days; illustrative
    figures are flagged."""

    resource_classes = [DeclaredStockpileResource]
    list_display = (
        "country",
        "holder",
        "material",
        "kind",
        "amount",
        "as_of",
        "illustrative",
    )
    list_filter = ("kind", "illustrative", "days_basis", "commodities")
    search_fields = ("country__iso3", "country__name", "holder", "material", "source")
