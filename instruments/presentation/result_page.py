"""The result part of a calculator's page (and of a saved scenario's): headline figures,
sentences, charts, the table and where to take the result next. Pure: the view passes
in what depends on the request (the addresses, the stored partner names).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from instruments.calculators.base import Calculator, Result
from instruments.calculators.translation import gettext
from instruments.presentation import presenters
from instruments.presentation.charts import results as charts
from instruments.presentation.jsonify import rows_as_records

MAX_TABLE_ROWS = 500


@dataclass(frozen=True)
class ResultLinks:
    """Where a result can be fetched or taken next: the API addresses are absolute
    (officials paste them into spreadsheets), the pages' are paths."""

    api_get: str
    api_csv: str
    api_xlsx: str
    briefing: str
    sensitivity: str
    login_to_save: str


def build_result_context(
    calculator: Calculator,
    result: Result,
    inputs: Mapping[str, Any],
    request_data: Mapping[str, Any],
    *,
    links: ResultLinks,
    partner_names: Mapping[str, str],
) -> dict[str, Any]:
    """Headline figures, charts, table rows and download links of a result:
    ``inputs`` as the calculator read them, ``request_data`` as they were given."""
    headline, other_summary = presenters.summary_items(
        calculator, result.summary, inputs, bands=result.extras.get("summary_bands")
    )
    records = rows_as_records(result.rows)
    columns = [
        c
        for c in (calculator.columns or result.rows.columns)
        if c in result.rows.columns and any(r.get(c) is not None for r in records)
    ]
    return {
        "headline": headline,
        "sentences": presenters.headline_sentences(
            calculator, result, inputs, partner_names
        ),
        "printed_inputs": presenters.plain_inputs(calculator, request_data),
        "chart_source": " ".join(presenters.sources_of(inputs)),
        "carried_over": presenters.carried_over_settings(calculator, request_data),
        "briefing_url": links.briefing,
        "slides_url": f"{links.briefing}&format=pptx",
        "sensitivity_url": links.sensitivity,
        "compare_commodity": presenters.commodity_code(inputs, request_data),
        "other_summary": other_summary,
        "columns": columns,
        "column_headings": presenters.column_headings(
            calculator.column_outputs, columns, inputs
        ),
        "records": presenters.percent_records(
            calculator.column_outputs, records[:MAX_TABLE_ROWS]
        ),
        "records_truncated": len(records) > MAX_TABLE_ROWS,
        "n_records": len(records),
        "figures": charts.build_result_figures(calculator, result, inputs),
        "tables": build_extra_tables(calculator, result, inputs),
        "get_url": links.api_get,
        "csv_url": links.api_csv,
        "xlsx_url": links.api_xlsx,
        "importdata": f'=IMPORTDATA("{links.api_csv}")',
        "request_json": json.dumps(request_data),
        "login_to_save_url": links.login_to_save,
    }


def build_extra_tables(
    calculator: Calculator, result: Result, inputs: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The calculator's further tables (``calculator.tables``) the result has rows of."""
    tables = []
    for key, title in calculator.tables:
        if key in result.extras and not result.extras[key].empty:
            table_columns = list(result.extras[key].columns)
            tables.append(
                {
                    "key": key,
                    "title": gettext(title),
                    "columns": table_columns,
                    "headings": presenters.column_headings(
                        calculator.table_outputs, table_columns, inputs
                    ),
                    "records": presenters.percent_records(
                        calculator.table_outputs, rows_as_records(result.extras[key])
                    ),
                }
            )
    return tables
