"""Limit/offset pages for JSON; every row at once for CSV and XLSX, up to a cap.

A spreadsheet's ``=IMPORTDATA`` cannot follow ``next`` links, so CSV and XLSX responses
are not paginated unless the URL asks for a ``limit``. An export is capped at
``EXPORT_MAX_ROWS`` rows (50,000 by default: the seeded trade flows, 46,766 rows,
take about 10 s as CSV here): a longer one is refused at once with a 400 that gives
the count and says how to narrow it with the list's filters or take it in pages
(``?format=csv&limit=50000&offset=50000``; a spreadsheet page may be as long as the
cap, a JSON page at most 10,000). 400 rather than 413, which is about the request's
own body.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.pagination import LimitOffsetPagination

SPREADSHEET_FORMATS = frozenset({"csv", "xlsx"})
JSON_MAX_LIMIT = 10_000


class ExportTooLarge(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "export_too_large"


class SpreadsheetFriendlyPagination(LimitOffsetPagination):
    """``?limit=&offset=`` (100 a page by default, at most 10,000) for JSON; CSV and
    XLSX whole, or in pages of up to ``EXPORT_MAX_ROWS`` with a ``limit``.
    ``?page_size=`` is read as ``limit`` when no ``limit`` is given."""

    default_limit = 100
    max_limit = JSON_MAX_LIMIT
    # an alias of ``limit`` (the name of DRF's page-number pagination)
    page_size_query_param = "page_size"

    def get_limit(self, request: Any) -> int | None:
        if self.limit_query_param not in request.query_params:
            raw = request.query_params.get(self.page_size_query_param)
            if raw:
                try:
                    return min(max(int(raw), 1), self.max_limit)
                except ValueError:
                    pass
        return super().get_limit(request)

    def paginate_queryset(
        self, queryset: Any, request: Any, view: Any = None
    ) -> list[Any] | None:
        renderer = getattr(request, "accepted_renderer", None)
        spreadsheet = renderer is not None and renderer.format in SPREADSHEET_FORMATS
        self.max_limit = settings.EXPORT_MAX_ROWS if spreadsheet else JSON_MAX_LIMIT
        if spreadsheet and "limit" not in request.query_params:
            refuse_a_long_export(queryset)
            return None
        return super().paginate_queryset(queryset, request, view)


def refuse_a_long_export(rows: Any) -> None:
    """Raise ``ExportTooLarge`` when ``rows`` (a queryset or a list) are more than
    ``EXPORT_MAX_ROWS``; a queryset is counted, not fetched."""
    cap = settings.EXPORT_MAX_ROWS
    count = rows.count() if hasattr(rows, "query") else len(rows)
    if count > cap:
        raise ExportTooLarge(
            f"This export has {count:,} rows; CSV and XLSX give at most {cap:,} at "
            "once. Narrow it with the list's filters (for example ?year=2024), or "
            f"take it in pages: &limit={cap}&offset=0, then &offset={cap}, and so on."
        )
