"""Limit/offset pages for JSON; every row at once for CSV and XLSX.

A spreadsheet's ``=IMPORTDATA`` cannot follow ``next`` links, so CSV and XLSX responses
are not paginated unless the URL asks for a ``limit``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination

SPREADSHEET_FORMATS = frozenset({"csv", "xlsx"})


class SpreadsheetFriendlyPagination(LimitOffsetPagination):
    """``?limit=&offset=`` (100 a page by default, at most 10,000) for JSON only;
    ``?page_size=`` is read as ``limit`` when no ``limit`` is given."""

    default_limit = 100
    max_limit = 10_000
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
        if (
            renderer is not None
            and renderer.format in SPREADSHEET_FORMATS
            and "limit" not in request.query_params
        ):
            return None
        return super().paginate_queryset(queryset, request, view)
