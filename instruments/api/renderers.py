"""CSV and XLSX renderers for spreadsheets: ``?format=csv`` and ``?format=xlsx``.

Both take the same response data as JSON and pick the table out of it:

- a calculator result ``{"summary", "rows", "inputs"}``: CSV is the rows; XLSX has a
  *Summary* sheet (name, value), a *Rows* sheet, an *Inputs* sheet (dotted names) and a
  *Sources* sheet (publisher, edition, DOI and licence of the stored data used). When
  stored data were used, every row also carries them in a last ``source`` column;
- a paginated list ``{"count", ..., "results"}`` or a plain list: one row per record;
- an error ``{"field": ["message"]}``: a ``field,message`` table, so a spreadsheet shows
  the reason instead of nothing.

Columns come from ``renderer_context["header"]`` (the calculator's ``columns`` or the
serializer's fields), so the order is stable and the header is written even when there
are no rows; keys a record has beyond the header follow it in first-seen order. Nested
values are flattened: lists become ``a;b;c``, objects JSON text. None becomes an empty
cell; booleans are ``true``/``false`` as in JSON. Text is never a formula: XLSX cells
are written as strings, and CSV text starting with ``= + - @`` gets a leading ``'``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
from rest_framework import renderers
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

from instruments.api import xlsx
from instruments.calculators.base import iter_errors
from instruments.presentation.presenters import sources_of, stored_data_sources

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_DRF_DEFAULT = JSONEncoder().default


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON written by orjson: a calculation's payload in a fifth of the time.
    The output is DRF's: compact, UTF-8, U+2028/U+2029 escaped, dates,
    decimals and lazy text through DRF's encoder. An indented answer (``Accept:
    application/json; indent=2``) or a value orjson refuses goes to DRF's renderer."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        context = dict(renderer_context or {})
        if self.get_indent(accepted_media_type or "", context) is None:
            try:
                text = orjson.dumps(data, default=_DRF_DEFAULT, option=_ORJSON_OPTIONS)
            except TypeError:  # e.g. a key that is not text: DRF's encoder decides
                pass
            else:
                return text.replace(b"\xe2\x80\xa8", b"\\u2028").replace(
                    b"\xe2\x80\xa9", b"\\u2029"
                )
        return super().render(data, accepted_media_type, context)


def extract_table(
    data: Any, header: Sequence[str] | None, status_code: int | None
) -> tuple[list[str], list[dict[str, Any]]]:
    """The (columns, records) a spreadsheet gets from a response's data."""
    if status_code is not None and status_code >= 400:
        return ["field", "message"], _error_records(data)
    if isinstance(data, Mapping) and "rows" in data and "summary" in data:
        records = list(data["rows"])
        sources = stored_data_sources(data.get("inputs") or {})
        if sources:
            # Stored data: every row says where it came from (publisher, edition).
            source = " ".join(sources)
            records = [{**record, "source": source} for record in records]
    elif isinstance(data, Mapping) and "results" in data:
        records = list(data["results"])
    elif isinstance(data, list):
        records = data
    elif isinstance(data, Mapping):
        records = [data]
    else:
        records = []
    return _columns(header or [], records), [dict(r) for r in records]


def _columns(header: Sequence[str], records: Iterable[Mapping[str, Any]]) -> list[str]:
    columns = list(header)
    seen = set(columns)
    for record in records:
        for key in record:
            if key not in seen:
                seen.add(key)
                columns.append(key)
    return columns


def _error_records(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, Mapping) and set(data) == {"detail"}:
        return [{"field": "", "message": str(data["detail"])}]
    return [
        {"field": ".".join(str(step) for step in path), "message": message}
        for path, message in iter_errors(data)
    ]


def cell(value: Any) -> Any:
    """One value as a spreadsheet cell: scalars as they are, lists joined, objects JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)  # Excel has no zones
    if isinstance(value, list | tuple):
        return ";".join("" if v is None else str(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, default=str)
    return value


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """One CSV cell. Text that a spreadsheet would run as a formula (a scenario title
    such as ``=HYPERLINK(...)``) gets a leading apostrophe, as OWASP advises; numbers
    are never text here, so negative numbers are untouched."""
    value = cell(value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _context_table(
    data: Any, renderer_context: Mapping[str, Any] | None
) -> tuple[Mapping[str, Any], Any, int | None, list[str], list[dict[str, Any]]]:
    """What a renderer reads from its context (the response and its status) and the
    table ``extract_table`` finds in ``data`` for them."""
    context = renderer_context or {}
    response = context.get("response")
    status_code = getattr(response, "status_code", None)
    columns, records = extract_table(data, context.get("header"), status_code)
    return context, response, status_code, columns, records


class CSVRenderer(BaseRenderer):
    """Rows as CSV (UTF-8, comma-separated, a header line always present)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        _, _, _, columns, records = _context_table(data, renderer_context)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([csv_cell(record.get(c)) for c in columns])
        return buffer.getvalue().encode(self.charset)


class XLSXRenderer(BaseRenderer):
    """A workbook: Summary, Rows and Inputs sheets for a calculation; one sheet for a
    list; an Errors sheet for an error.

    The workbook streams (``instruments.api.xlsx``): rows go to the file as they are
    appended, so the time is linear in the rows (600 periods × 50 flows in a fraction
    of a second) and no cell object is kept per value."""

    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        context, response, status_code, columns, records = _context_table(
            data, renderer_context
        )
        workbook = xlsx.Workbook()
        is_result = isinstance(data, Mapping) and "summary" in data and "rows" in data
        if status_code is not None and status_code >= 400:
            sheet = workbook.create_sheet("Errors")
        elif is_result:
            summary = workbook.create_sheet("Summary")
            summary.append(["name", "value"])
            for name, value in data["summary"].items():
                _append(summary, [name, cell(value)])
            sheet = workbook.create_sheet("Rows")
        else:
            sheet = workbook.create_sheet(
                str(context.get("sheet_title") or "Data")[:31]
            )
        _append(sheet, columns)
        for record in records:
            _append(sheet, _record_cells(record, columns))
        if is_result and (status_code is None or status_code < 400):
            for name, table in data.items():
                # A calculator's published tables (welfare by country): one sheet each.
                if name in ("summary", "rows", "inputs") or not isinstance(table, list):
                    continue
                extra = workbook.create_sheet(str(name)[:31])
                table_columns = _columns([], table)
                _append(extra, table_columns)
                for record in table:
                    _append(extra, _record_cells(record, table_columns))
            inputs = workbook.create_sheet("Inputs")
            inputs.append(["name", "value"])
            for name, value in _flatten(data.get("inputs") or {}):
                _append(inputs, [name, cell(value)])
            sources = workbook.create_sheet("Sources")
            sources.append(["source"])
            for line in sources_of(data.get("inputs") or {}):
                _append(sources, [line])
        if response is not None and "Content-Disposition" not in response:
            filename = context.get("filename") or "data"
            response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return workbook.save()


_PLAIN = (float, int, str, type(None))


def _append(sheet: xlsx.Sheet, values: list[Any]) -> None:
    """Append a row of literal values (the writer keeps text as text, never a
    formula, and drops characters XML forbids)."""
    sheet.append(values)


def _record_cells(record: Mapping[str, Any], columns: Sequence[str]) -> list[Any]:
    """A record's cells in column order (numbers and text as they are, the rest
    through ``cell``)."""
    values = []
    for column in columns:
        value = record.get(column)
        values.append(value if type(value) in _PLAIN else cell(value))
    return values


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested inputs as ``(dotted name, value)``; lists of scalars stay one value."""
    if isinstance(value, Mapping):
        return [
            pair
            for key, item in value.items()
            for pair in _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        ]
    if isinstance(value, list | tuple) and any(
        isinstance(v, Mapping | list | tuple) for v in value
    ):
        return [
            pair
            for i, item in enumerate(value)
            for pair in _flatten(item, f"{prefix}.{i}")
        ]
    return [(prefix, value)]
