"""What every import page of the stewards' admin shares: the errors as a visible table
(the spreadsheet's row, the column, the problem; no hovering) and a template file to
download (the header and one example row, in the layout the import accepts).

``OwnFormatImportMixin`` does it for django-import-export's import of our own format;
``PublishedFileImportMixin`` (``admin_publishers``) for the publishers' files. Both
tables come from one ``ImportReport`` (``services.imports``), so rows are numbered the
same way everywhere: the header is row 1, the first data row row 2.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from instruments.services.imports.rows import report_from_result
from instruments.services.imports.templates import ImportTemplate


def template_response(template: ImportTemplate) -> HttpResponse:
    """A template file as a download."""
    return HttpResponse(
        template.content,
        content_type=template.media_type,
        headers={"Content-Disposition": f'attachment; filename="{template.filename}"'},
    )


class OwnFormatImportMixin:
    """For an ``ImportExportModelAdmin``: the import page lists every error in a table
    and offers "Download a template" (``build_import_template``)."""

    import_template_name = "admin/instruments/import.html"

    def build_import_template(self) -> ImportTemplate:
        raise NotImplementedError

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta  # type: ignore[attr-defined]
        own = [
            path(
                "import-template/",
                self.admin_site.admin_view(self.import_template_view),  # type: ignore[attr-defined]
                name=f"{opts.app_label}_{opts.model_name}_import_template",
            )
        ]
        return own + super().get_urls()  # type: ignore[misc]

    def import_template_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        return template_response(self.build_import_template())

    def import_action(self, request: HttpRequest, **kwargs: Any) -> Any:
        response = super().import_action(request, **kwargs)  # type: ignore[misc]
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            context = response.context_data
            opts = self.model._meta  # type: ignore[attr-defined]
            context["import_template_url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_import_template"
            )
            result = context.get("result")
            if result is not None and (
                result.has_errors() or result.has_validation_errors()
            ):
                context["import_report"] = report_from_result(
                    result=result, total_rows=int(result.total_rows or 0), dry_run=True
                )
        return response
