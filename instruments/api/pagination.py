"""Limit/offset pages for JSON; every row at once for CSV and XLSX, up to a cap.

A spreadsheet's ``=IMPORTDATA`` cannot follow ``next`` links, so CSV and XLSX responses
are not paginated unless the URL asks for a ``limit``. Such an export is capped at
``EXPORT_MAX_ROWS`` rows (50,000 by default: the seeded trade flows, 46,766 rows,
take about 10 s as CSV here): a longer one is refused at once (the rows are counted,
not fetched) with a 400 that gives the count and the ways to have it: the list's
filters, pages (``?format=csv&limit=50000&offset=50000``; a spreadsheet page may be
as long as the cap, a JSON page at most 10,000), or an export job
(``POST /api/v1/jobs/ {"export": "<the address>"}``, ``api/exports.py``). A 400
rather than a 413, which is about the request's own body.

``limit`` and ``offset`` are whole numbers within the bounds the schema documents; any
other value is a 400 naming the parameter (never silently the first page), and an
empty value (a blank spreadsheet cell) means "not given".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import LimitOffsetPagination

SPREADSHEET_FORMATS = frozenset({"csv", "xlsx"})

MAX_LIMIT = 10_000
MAX_OFFSET = 2**31 - 1  # far beyond any table; keeps the SQL OFFSET a plain integer


class ExportTooLarge(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "export_too_large"


def whole_number(raw: str, name: str, lowest: int, highest: int) -> int:
    """``raw`` as an integer in ``[lowest, highest]``, or a 400 naming ``name``."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValidationError(
            {
                name: [
                    gettext("Expected a whole number; {raw!r} given.").format(
                        raw=raw[:40]
                    )
                ]
            }
        ) from None
    if not lowest <= value <= highest:
        raise ValidationError(
            {
                name: [
                    gettext(
                        "Must be between {lowest} and {highest}; {value} given."
                    ).format(lowest=lowest, highest=highest, value=value)
                ]
            }
        )
    return value


class SpreadsheetFriendlyPagination(LimitOffsetPagination):
    """``?limit=&offset=`` (100 a page by default, 1 to 10,000) for JSON; CSV and
    XLSX whole, or in pages of 1 to ``EXPORT_MAX_ROWS`` with a ``limit``.
    ``?page_size=`` is read as ``limit`` when no ``limit`` is given."""

    default_limit = 100
    max_limit = MAX_LIMIT
    # an alias of ``limit`` (the name of DRF's page-number pagination)
    page_size_query_param = "page_size"

    def get_limit(self, request: Any) -> int | None:
        params = request.query_params
        highest = settings.EXPORT_MAX_ROWS if is_spreadsheet(request) else MAX_LIMIT
        for name in (self.limit_query_param, self.page_size_query_param):
            raw = params.get(name)
            if raw:
                return whole_number(raw, name, 1, highest)
        return self.default_limit

    def get_offset(self, request: Any) -> int:
        raw = request.query_params.get(self.offset_query_param)
        return whole_number(raw, self.offset_query_param, 0, MAX_OFFSET) if raw else 0

    def paginate_queryset(
        self, queryset: Any, request: Any, view: Any = None
    ) -> list[Any] | None:
        # Checked first, so a bad value is a 400 in every format.
        self.get_limit(request)
        self.get_offset(request)
        if is_spreadsheet(request) and not request.query_params.get(
            self.limit_query_param
        ):
            refuse_a_long_export(queryset, request)
            return None
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
        limit["description"] = (
            f"Rows per page (JSON), 1 to {self.max_limit}; 100 if not given. With "
            "format=csv or xlsx every row comes at once (up to EXPORT_MAX_ROWS, "
            "50,000 by default) unless a limit is given, which may then be up to "
            "that cap."
        )
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        offset["description"] = "How many rows to skip (0 if not given)."
        return [limit, offset]


def is_spreadsheet(request: Any) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return renderer is not None and renderer.format in SPREADSHEET_FORMATS


def refuse_a_long_export(rows: Any, request: Any) -> None:
    """Raise ``ExportTooLarge`` when ``rows`` (a queryset or a list) are more than
    ``EXPORT_MAX_ROWS``; a queryset is counted, not fetched."""
    cap = settings.EXPORT_MAX_ROWS
    count = rows.count() if hasattr(rows, "query") else len(rows)
    if count > cap:
        raise ExportTooLarge(
            gettext(
                "This export has {count:,} rows; CSV and XLSX give at most {cap:,} at "
                "once. Narrow it with the list's filters (for example ?year=2024), "
                "take it in pages (&limit={cap}&offset=0, then &offset={cap}, and so "
                'on), or ask for all of it as a job: POST /api/v1/jobs/ {{"export": '
                '"{path}"}} with the same filters.'
            ).format(count=count, cap=cap, path=request.path)
        )
