"""The project register's steward screen (INSTRUMENTS.md §12): list, search, edit with
history, and CSV/XLSX import and export in the register's own format (all rows or
none, every bad row in a table by spreadsheet row and column, a template to
download), through ``services.imports.projects``."""

from __future__ import annotations

from django.http import HttpRequest
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from instruments.admin.imports import OwnFormatImportMixin
from instruments.services.imports.limits import (
    ImportLimitsMixin,
    LimitedCSV,
    LimitedXLSX,
)
from instruments.services.imports.projects import (
    ProjectResource,
    build_projects_template,
)
from instruments.services.imports.templates import ImportTemplate


class ProjectAdmin(
    ImportLimitsMixin,
    OwnFormatImportMixin,
    ImportExportModelAdmin,
    SimpleHistoryAdmin,
):
    """Projects by name, with the figures a pipeline compares in the list."""

    resource_classes = [ProjectResource]
    formats = [LimitedCSV, LimitedXLSX]
    list_display = (
        "name",
        "stage",
        "country",
        "commodity",
        "status",
        "capacity",
        "quantity_unit",
        "life_years",
        "illustrative",
    )
    list_filter = ("illustrative", "stage", "status", "commodity")
    search_fields = (
        "slug",
        "name",
        "country__iso3",
        "country__name",
        "commodity__code",
        "sources",
        "assumptions",
    )
    list_select_related = ("country", "commodity")
    autocomplete_fields = ("country", "commodity")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (
            None,
            {"fields": ("slug", "name", "stage", "country", "commodity", "status")},
        ),
        (
            "Output",
            {"fields": ("capacity", "quantity_unit", "ramp_up", "realised_share")},
        ),
        (
            "Costs",
            {
                "fields": (
                    "capex",
                    "construction_years",
                    "life_years",
                    "unit_opex",
                    "price_unit",
                    "fixed_opex",
                )
            },
        ),
        (
            "Tax and finance",
            {
                "fields": (
                    "tax_rate",
                    "discount_rate",
                    "debt_share",
                    "debt_rate",
                    "debt_tenor_years",
                )
            },
        ),
        ("Sources", {"fields": ("illustrative", "sources", "assumptions")}),
    )

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def build_import_template(self) -> ImportTemplate:
        return build_projects_template()
