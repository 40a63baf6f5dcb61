"""Limit/offset pages for JSON; every row at once for CSV and XLSX.

A spreadsheet's ``=IMPORTDATA`` cannot follow ``next`` links, so CSV and XLSX responses
are not paginated unless the URL asks for a ``limit``.

``limit`` and ``offset`` are whole numbers within the bounds the schema documents; any
other value is a 400 naming the parameter (never silently the first page), and an
empty value (a blank spreadsheet cell) means "not given".
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

SPREADSHEET_FORMATS = frozenset({"csv", "xlsx"})

MAX_LIMIT = 10_000
MAX_OFFSET = 2**31 - 1  # far beyond any table; keeps the SQL OFFSET a plain integer


def whole_number(raw: str, name: str, lowest: int, highest: int) -> int:
    """``raw`` as an integer in ``[lowest, highest]``, or a 400 naming ``name``."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValidationError(
            {name: [f"Expected a whole number; {raw[:40]!r} given."]}
        ) from None
    if not lowest <= value <= highest:
        raise ValidationError(
            {name: [f"Must be between {lowest} and {highest}; {value} given."]}
        )
    return value


class SpreadsheetFriendlyPagination(LimitOffsetPagination):
    """``?limit=&offset=`` (100 a page by default, 1 to 10,000) for JSON only;
    ``?page_size=`` is read as ``limit`` when no ``limit`` is given."""

    default_limit = 100
    max_limit = MAX_LIMIT
    # an alias of ``limit`` (the name of DRF's page-number pagination)
    page_size_query_param = "page_size"

    def get_limit(self, request: Any) -> int | None:
        params = request.query_params
        for name in (self.limit_query_param, self.page_size_query_param):
            raw = params.get(name)
            if raw:
                return whole_number(raw, name, 1, self.max_limit)
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
        renderer = getattr(request, "accepted_renderer", None)
        if (
            renderer is not None
            and renderer.format in SPREADSHEET_FORMATS
            and not request.query_params.get(self.limit_query_param)
        ):
            return None
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
        limit["description"] = (
            f"Rows per page (JSON), 1 to {self.max_limit}; 100 if not given. With "
            "format=csv or xlsx every row comes at once unless a limit is given."
        )
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        offset["description"] = "How many rows to skip (0 if not given)."
        return [limit, offset]
