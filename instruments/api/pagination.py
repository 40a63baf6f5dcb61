"""Limit/offset pages for JSON; every row at once for CSV and XLSX.

A spreadsheet's ``=IMPORTDATA`` cannot follow ``next`` links, so CSV and XLSX responses
are not paginated unless the URL asks for a ``limit``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination

SPREADSHEET_FORMATS = frozenset({"csv", "xlsx"})


class SpreadsheetFriendlyPagination(LimitOffsetPagination):
    """``?limit=&offset=`` (100 a page by default, at most 10,000) for JSON only."""

    default_limit = 100
    max_limit = 10_000

    def paginate_queryset(
        self, queryset: Any, request: Any, view: Any = None
    ) -> list[Any] | None:
        renderer = getattr(request, "accepted_renderer", None)
        if (
            renderer is not None
            and renderer.format in SPREADSHEET_FORMATS
            and "limit" not in request.query_params
        ):
            return None
        return super().paginate_queryset(queryset, request, view)
