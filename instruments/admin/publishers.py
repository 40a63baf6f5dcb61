"""The stewards' "Import a published file" page: upload → preview → confirm.

Added to the admin of the data each kind of file feeds (prices: Pink Sheet and USGS;
trade flows: BACI; FX rates: H.10/FRED). The preview is a dry run of the real import:
what would be created, updated and left unchanged, and every error in a table with the
file's own row number (as the spreadsheet numbers it) and column; nothing is written
unless the whole file is good and the steward confirms. Each kind offers a template
to download (``services.import_templates``). The upload waits in a temporary file
between the two steps, named by a signed token. Uploads take the own-format imports'
limits (``import_limits``): size, rows, and an xlsx's uncompressed size, each refused
with its message on the field.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext

from instruments.admin.imports import template_response
from instruments.models import HsRevision
from instruments.services import jobs
from instruments.services.imports.confirm import STALE_MESSAGE
from instruments.services.imports.limits import ImportTooLarge, check_uploaded_file
from instruments.services.imports.publishers import (
    PUBLISHED_KINDS,
    WORKBOOK_KINDS,
    import_published_file,
)
from instruments.services.imports.templates import (
    PUBLISHED_TEMPLATES,
    build_published_template,
)

_SALT = "instruments.published-file"
_MAX_AGE = 60 * 60  # an hour between preview and confirm


class PublishedFileForm(forms.Form):
    kind = forms.ChoiceField(label="File")
    file = forms.FileField(label="The file, as published")
    country_codes = forms.FileField(
        label="BACI country-code table (country_codes_V202X.csv)",
        required=False,
        help_text="Only for a BACI file.",
    )
    hs_revision = forms.ChoiceField(
        label="HS revision (BACI)",
        required=False,
        choices=[("", "from the file name"), *HsRevision.choices],
    )

    def __init__(self, *args: Any, kinds: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(k, PUBLISHED_KINDS[k]) for k in kinds]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "baci" and not data.get("country_codes"):
            self.add_error(
                "country_codes", gettext("A BACI file needs its country-code table.")
            )
        # The own-format imports' limits, before anything is saved or read.
        for name in ("file", "country_codes"):
            upload = data.get(name)
            if upload:
                try:
                    check_uploaded_file(
                        upload,
                        workbook=name == "file" and data.get("kind") in WORKBOOK_KINDS,
                    )
                except ImportTooLarge as exc:
                    self.add_error(name, str(exc))
        return data


def _save_upload(upload: Any) -> str:
    folder = Path(
        getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or tempfile.gettempdir()
    )
    with tempfile.NamedTemporaryFile(
        delete=False, dir=folder, prefix="published-", suffix=".upload"
    ) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        return Path(handle.name).name


def _read_saved(name: str) -> bytes:
    folder = Path(
        getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or tempfile.gettempdir()
    )
    return (folder / Path(name).name).read_bytes()


def _remove_saved(name: str) -> None:
    folder = Path(
        getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or tempfile.gettempdir()
    )
    (folder / Path(name).name).unlink(missing_ok=True)


class PublishedFileImportMixin:
    """Adds ``<model>/import-published/`` to a ModelAdmin; set ``published_kinds``."""

    published_kinds: tuple[str, ...] = ()
    change_list_template = "admin/instruments/change_list_published.html"

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta  # type: ignore[attr-defined]
        own = [
            path(
                "import-published/",
                self.admin_site.admin_view(self.import_published_view),  # type: ignore[attr-defined]
                name=f"{opts.app_label}_{opts.model_name}_import_published",
            ),
            path(
                "import-published/template/<slug:kind>/<int:part>/",
                self.admin_site.admin_view(self.published_template_view),  # type: ignore[attr-defined]
                name=f"{opts.app_label}_{opts.model_name}_published_template",
            ),
        ]
        return own + super().get_urls()  # type: ignore[misc]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        context = dict(extra_context or {})
        opts = self.model._meta  # type: ignore[attr-defined]
        context["published_import_url"] = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import_published"
        )
        return super().changelist_view(request, context)  # type: ignore[misc]

    def has_published_import_permission(self, request: HttpRequest) -> bool:
        return bool(
            self.has_add_permission(request)  # type: ignore[attr-defined]
            and self.has_change_permission(request)  # type: ignore[attr-defined]
        )

    def published_template_view(
        self, request: HttpRequest, kind: str, part: int
    ) -> HttpResponse:
        """A template of one of this page's kinds (its ``part``-th file)."""
        if not self.has_published_import_permission(request):
            raise PermissionDenied
        template = (
            build_published_template(kind=kind, part=part)
            if kind in self.published_kinds
            else None
        )
        if template is None:
            raise Http404("No such template.")
        return template_response(template)

    def _templates(self) -> list[tuple[str, list[tuple[str, str]]]]:
        opts = self.model._meta  # type: ignore[attr-defined]
        name = f"admin:{opts.app_label}_{opts.model_name}_published_template"
        return [
            (
                PUBLISHED_KINDS[kind],
                [
                    (label, reverse(name, args=[kind, part]))
                    for part, (label, _) in enumerate(PUBLISHED_TEMPLATES[kind])
                ],
            )
            for kind in self.published_kinds
            if kind in PUBLISHED_TEMPLATES
        ]

    def import_published_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_published_import_permission(request):
            raise PermissionDenied
        opts = self.model._meta  # type: ignore[attr-defined]
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": opts,
            "title": "Import a published file",
            "templates": self._templates(),
        }
        if request.method == "POST" and request.POST.get("token"):
            return self._confirm(request, opts)
        form = PublishedFileForm(
            request.POST or None, request.FILES or None, kinds=self.published_kinds
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            codes = form.cleaned_data.get("country_codes")
            saved = {
                "kind": form.cleaned_data["kind"],
                "file": _save_upload(upload),
                "file_name": upload.name,
                "codes": _save_upload(codes) if codes else "",
                "hs_revision": form.cleaned_data.get("hs_revision") or "",
            }
            try:
                result = self._run(saved, dry_run=True, user=request.user)
            except ImportTooLarge as exc:  # a workbook's sheet over the row limit
                form.add_error("file", str(exc))
                result = None
            self._preview_context(context, saved, result)
        context["form"] = form
        return TemplateResponse(
            request, "admin/instruments/import_published.html", context
        )

    @staticmethod
    def _preview_context(
        context: dict[str, Any], saved: dict[str, str], result: Any
    ) -> None:
        """A preview's result on the page, and its confirm's token (the upload, and
        the checksum of the stored rows it read) when the file is good; else the
        upload is removed."""
        if result is not None:
            context["result"] = result
            context["file_name"] = saved["file_name"]
        if result is not None and result.report.ok:
            context["token"] = signing.dumps(
                {**saved, "checksum": result.report.checksum}, salt=_SALT
            )
        else:
            _remove_saved(saved["file"])
            if saved["codes"]:
                _remove_saved(saved["codes"])

    def _confirm(self, request: HttpRequest, opts: Any) -> HttpResponse:
        result = None
        try:
            saved = signing.loads(request.POST["token"], salt=_SALT, max_age=_MAX_AGE)
            data = _read_saved(saved["file"])
            if len(data) > settings.IMPORT_SYNC_MAX_BYTES:
                # A large file goes to a worker; the job page follows it.
                job = jobs.submit_import(
                    kind=saved["kind"],
                    file=data,
                    file_name=saved["file_name"],
                    country_codes=_read_saved(saved["codes"])
                    if saved["codes"]
                    else None,
                    hs_revision=saved["hs_revision"] or None,
                    owner=request.user,
                    preview_checksum=saved.get("checksum"),
                )
                return HttpResponseRedirect(reverse("instruments:job", args=[job.pk]))
            result = self._run(saved, dry_run=False, user=request.user)
            if result.report.stale:
                # Another steward's import or an edit came first: nothing was
                # written; a fresh preview of the same file, to confirm again.
                return self._fresh_preview(request, opts, saved)
        except (signing.BadSignature, FileNotFoundError):
            messages.error(request, "The preview has expired: upload the file again.")
            return HttpResponseRedirect(request.path)
        finally:
            if "saved" in locals() and not (result is not None and result.report.stale):
                _remove_saved(saved["file"])
                if saved["codes"]:
                    _remove_saved(saved["codes"])
        report = result.report
        if report.ok:
            messages.success(
                request,
                f"{saved['file_name']}: {report.new} new, {report.updated} updated, "
                f"{report.unchanged} unchanged.",
            )
        else:
            messages.error(
                request,
                gettext("Nothing was imported: the data changed since the preview."),
            )
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        )

    def _fresh_preview(
        self, request: HttpRequest, opts: Any, saved: dict[str, str]
    ) -> HttpResponse:
        """The answer to a stale confirm: what happened, and the preview again."""
        messages.error(request, STALE_MESSAGE)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": opts,
            "title": "Import a published file",
            "templates": self._templates(),
            "form": PublishedFileForm(kinds=self.published_kinds),
        }
        result = self._run(saved, dry_run=True, user=request.user)
        self._preview_context(context, saved, result)
        return TemplateResponse(
            request, "admin/instruments/import_published.html", context, status=409
        )

    def _run(self, saved: dict[str, str], *, dry_run: bool, user: Any) -> Any:
        return import_published_file(
            kind=saved["kind"],
            file=_read_saved(saved["file"]),
            file_name=saved["file_name"],
            country_codes=_read_saved(saved["codes"]) if saved["codes"] else None,
            hs_revision=saved["hs_revision"] or None,
            dry_run=dry_run,
            user=user,
            preview_checksum=None if dry_run else saved.get("checksum"),
        )
