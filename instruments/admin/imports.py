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

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from import_export.forms import ConfirmImportForm

from instruments.services.imports.rows import report_from_result
from instruments.services.imports.templates import ImportTemplate


def template_response(template: ImportTemplate) -> HttpResponse:
    """A template file as a download."""
    return HttpResponse(
        template.content,
        content_type=template.media_type,
        headers={"Content-Disposition": f'attachment; filename="{template.filename}"'},
    )


class PreviewedConfirmImportForm(ConfirmImportForm):
    """The confirm of a preview, carrying the preview's checksum of the stored rows
    the file names (``AllOrNothingResource.preview_checksum``)."""

    preview_checksum = forms.CharField(widget=forms.HiddenInput())


class OwnFormatImportMixin:
    """For an ``ImportExportModelAdmin``: the import page lists every error in a table
    and offers "Download a template" (``build_import_template``).

    A confirm is refused when the rows it would change are no longer what its preview
    read (another steward's import or an edit in between): the preview's checksum
    travels in the confirm form and the resource checks it inside the confirm's
    transaction. A refused confirm writes nothing and logs nothing; a confirm that
    runs logs each row as it was stored (new or updated, read at the confirm)."""

    import_template_name = "admin/instruments/import.html"
    confirm_form_class = PreviewedConfirmImportForm

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
            confirm = context.get("confirm_form")
            if confirm is not None and result is not None:
                confirm.initial["preview_checksum"] = getattr(
                    result, "preview_checksum", ""
                )
            if result is not None and (
                result.has_errors() or result.has_validation_errors()
            ):
                context["import_report"] = report_from_result(
                    result=result, total_rows=int(result.total_rows or 0), dry_run=True
                )
        return response

    def get_import_data_kwargs(self, **kwargs: Any) -> Any:
        form = kwargs.get("form")
        checksum = (
            form.cleaned_data.get("preview_checksum")
            if isinstance(form, PreviewedConfirmImportForm)
            else None
        )
        data_kwargs = super().get_import_data_kwargs(**kwargs)  # type: ignore[misc]
        if checksum:
            data_kwargs["preview_checksum"] = checksum
        return data_kwargs

    def process_result(self, result: Any, request: HttpRequest) -> Any:
        """A confirm that wrote nothing (a stale preview, a failed write) says so and
        sends the steward back to upload the file again; nothing is logged."""
        if result.has_errors() or result.has_validation_errors():
            report = report_from_result(
                result=result, total_rows=int(result.total_rows or 0), dry_run=False
            )
            for error in report.errors[:5]:
                messages.error(request, error.message)
            opts = self.model._meta  # type: ignore[attr-defined]
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
            )
        return super().process_result(result, request)  # type: ignore[misc]
