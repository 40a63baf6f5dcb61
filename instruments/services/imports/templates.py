"""Template files for the stewards' import pages: the header and one example row, in
the layout each import accepts.

Where the database holds a record of that kind, the example row is that record, as
the import would read it, so a template imported unchanged changes nothing; only an
empty database gets a made-up row (marked as an example). Our own formats and the
publishers' CSVs are CSV; the Pink Sheet import reads the World Bank's workbook, so
its template is an .xlsx laid out as its "Monthly Prices" sheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from instruments.models import (
    TRADE_FLOW_COLUMNS,
    FxRate,
    Partner,
    PriceObservation,
    PriceSeries,
    TradeFlow,
    format_period,
)
from instruments.services.imports.publishers import (
    H10_CURRENCIES,
    PINK_SHEET_SERIES,
    PINK_SHEET_UNITS,
)

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

USGS_MCS_HEADER = (
    "MCS chapter",
    "Section",
    "Commodity",
    "Country",
    "Statistics",
    "Statistics_detail",
    "Unit",
    "Year",
    "Value",
    "Notes",
    "Is critical mineral 2025",
    "Other notes",
)
"""The columns of ``MCS2026_Commodities_Data.csv``."""

BACI_HEADER = ("t", "i", "j", "k", "v", "q")
BACI_COUNTRY_HEADER = ("country_code", "country_name", "country_iso2", "country_iso3")
# BACI's own numeric codes of a few economies (mostly ISO 3166-1 numeric; BACI uses
# 842 for the United States and 251 for France), for an example row from stored flows.
_BACI_CODES = {
    "AUS": "36",
    "CHN": "156",
    "DEU": "276",
    "FRA": "251",
    "JPN": "392",
    "KOR": "410",
    "MMR": "104",
    "USA": "842",
}


@dataclass(frozen=True)
class ImportTemplate:
    """A file to download: its name, media type and bytes."""

    filename: str
    media_type: str
    content: bytes


def _plain(value: Decimal | None) -> str:
    """A stored Decimal as a file holds it: ``130``, ``15800.25`` (no trailing
    zeros); "" for none."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _csv(
    filename: str, header: Sequence[str], row: Sequence[Any], *, encoding: str = "utf-8"
) -> ImportTemplate:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if encoding != "utf-8" else "\n")
    writer.writerow(header)
    writer.writerow(row)
    content = buffer.getvalue().encode(encoding, errors="replace")
    return ImportTemplate(filename, CSV_MEDIA_TYPE, content)


def csv_template(
    filename: str, header: Sequence[str], row: Sequence[Any]
) -> ImportTemplate:
    """A UTF-8 CSV template: ``header`` and one example ``row``."""
    return _csv(filename, header, row)


# --- our own formats ---------------------------------------------------------------


def build_price_observations_template() -> ImportTemplate:
    """``series, period, price, estimated``: a stored price, as its series labels it."""
    header = ("series", "period", "price", "estimated")
    latest = (
        PriceObservation.objects.select_related("series")
        .order_by("series__code", "-period")
        .first()
    )
    if latest is None:
        row: tuple[str, ...] = ("example-series-code", "2025-01", "100.5", "false")
    else:
        row = (
            latest.series.code,
            format_period(latest.period, latest.series.frequency),
            _plain(latest.price),
            "true" if latest.estimated else "false",
        )
    return _csv("price-observations-template.csv", header, row)


def build_trade_flows_template() -> ImportTemplate:
    """``year, hs_code, hs_revision, exporter, importer, value, quantity, source``
    (value in thousand USD, quantity in tonnes): a stored flow."""
    flow = (
        TradeFlow.objects.select_related("exporter", "importer")
        .order_by("-year", "hs_code", "exporter__iso3", "importer__iso3")
        .first()
    )
    if flow is None:
        row: tuple[Any, ...] = (
            2024,
            "284690",
            "HS92",
            "MMR",
            "CHN",
            "1000.5",
            "20",
            "Example row: replace with your data and its source",
        )
    else:
        row = (
            flow.year,
            flow.hs_code,
            flow.hs_revision,
            flow.exporter.iso3,
            flow.importer.iso3,
            _plain(flow.value),
            _plain(flow.quantity),
            flow.source,
        )
    return _csv("trade-flows-template.csv", TRADE_FLOW_COLUMNS, row)


# --- the publishers' layouts -----------------------------------------------------------


def build_pink_sheet_template() -> ImportTemplate:
    """The "Monthly Prices" sheet: title rows, a row of commodity names, a row of
    units, then one row a month, for the stored Pink Sheet series (the published
    workbook has many more columns; the import leaves out those not stored)."""
    import openpyxl

    units = {unit: label for label, unit in PINK_SHEET_UNITS.items()}
    stored = {
        s.code: s
        for s in PriceSeries.objects.filter(code__in=PINK_SHEET_SERIES.values())
    }
    columns = [
        (name, stored[code])
        for name, code in PINK_SHEET_SERIES.items()
        if code in stored
    ]
    latest = (
        PriceObservation.objects.filter(series__in=[s for _, s in columns])
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    prices = (
        {
            o.series_id: o.price
            for o in PriceObservation.objects.filter(
                series__in=[s for _, s in columns], period=latest
            )
        }
        if latest is not None
        else {}
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Monthly Prices"
    sheet.append(["World Bank Commodity Price Data (The Pink Sheet)"])
    sheet.append(["Template of the 'Monthly Prices' sheet: the columns stored here"])
    sheet.append(["Upload the published CMO-Historical-Data-Monthly.xlsx as it is"])
    sheet.append([None])
    sheet.append([None, *(name.capitalize() for name, _ in columns)])
    sheet.append([None, *(units.get(s.unit, s.unit) for _, s in columns)])
    if latest is not None:
        month = f"{latest.year}M{latest.month:02d}"
        sheet.append(
            [
                month,
                *(float(prices[s.pk]) if s.pk in prices else "…" for _, s in columns),
            ]
        )
    else:
        sheet.append(["2025M01", *("…" for _ in columns)])
    out = io.BytesIO()
    book.save(out)
    return ImportTemplate("pink-sheet-template.xlsx", XLSX_MEDIA_TYPE, out.getvalue())


def build_usgs_mcs_template() -> ImportTemplate:
    """A data release CSV (Windows-1252, as USGS publishes it) with one price row of
    a stored USGS series; its ``Statistics_detail`` is how a row finds its series."""
    latest = (
        PriceObservation.objects.filter(
            series__frequency="annual",
            series__source__icontains="Mineral Commodity Summaries",
        )
        .select_related("series__commodity")
        .order_by("series__code", "-period")
        .first()
    )
    if latest is None:
        row: tuple[Any, ...] = (
            "EXAMPLE",
            "Salient Statistics—United States",
            "Example commodity",
            "United States",
            "Price",
            "Price, example basis, dollars per kilogram",
            "dollars per kilogram",
            2025,
            "100",
            "Estimated.",
            "Yes",
            "",
        )
    else:
        commodity = latest.series.commodity.name
        row = (
            commodity.upper(),
            "Salient Statistics—United States",
            commodity,
            "United States",
            "Price",
            latest.series.basis,
            latest.series.unit,
            latest.period.year,
            _plain(latest.price),
            "Estimated." if latest.estimated else "",
            "",
            "",
        )
    return _csv("usgs-mcs-template.csv", USGS_MCS_HEADER, row, encoding="cp1252")


def build_baci_template() -> ImportTemplate:
    """A BACI yearly CSV (``t,i,j,k,v,q``: year, exporter and importer as BACI's
    numeric codes, HS6 code, value in thousand USD, tonnes)."""
    flow = (
        TradeFlow.objects.filter(
            exporter__iso3__in=_BACI_CODES, importer__iso3__in=_BACI_CODES
        )
        .select_related("exporter", "importer")
        .order_by("-year", "hs_code", "exporter__iso3", "importer__iso3")
        .first()
    )
    if flow is None:
        row: tuple[Any, ...] = (2024, "104", "156", "284690", "1000.5", "20")
    else:
        row = (
            flow.year,
            _BACI_CODES[flow.exporter.iso3],
            _BACI_CODES[flow.importer.iso3],
            flow.hs_code,
            _plain(flow.value),
            _plain(flow.quantity) or "NA",
        )
    return _csv("baci-template.csv", BACI_HEADER, row)


def build_baci_country_codes_template() -> ImportTemplate:
    """BACI's ``country_codes_V202X.csv``: the economies of the BACI template."""
    names = dict(Partner.objects.values_list("iso3", "name"))
    iso2 = dict(Partner.objects.values_list("iso3", "iso2"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(BACI_COUNTRY_HEADER)
    for code, number in sorted(_BACI_CODES.items(), key=lambda item: int(item[1])):
        writer.writerow([number, names.get(code, code), iso2.get(code, ""), code])
    return ImportTemplate(
        "baci-country-codes-template.csv", CSV_MEDIA_TYPE, buffer.getvalue().encode()
    )


def build_h10_template() -> ImportTemplate:
    """A FRED CSV (``observation_date`` and one column per series, ``DEXJPUS`` = yen
    per US dollar): the latest stored yen rate on the first day of its month."""
    assert H10_CURRENCIES["JP"] == "JPY"
    rate = FxRate.objects.filter(currency="JPY").order_by("-period").first()
    if rate is None:
        row: tuple[str, ...] = ("2025-01-02", "157.5")
    else:
        row = (rate.period.isoformat(), _plain(rate.units_per_usd))
    return _csv("h10-fred-template.csv", ("observation_date", "DEXJPUS"), row)


PUBLISHED_TEMPLATES = {
    "pink-sheet": (("template workbook (.xlsx)", build_pink_sheet_template),),
    "usgs-mcs": (("template CSV", build_usgs_mcs_template),),
    "baci": (
        ("template flows CSV", build_baci_template),
        ("template country-code table (CSV)", build_baci_country_codes_template),
    ),
    "h10": (("template FRED CSV", build_h10_template),),
}
"""Each published kind's templates: (what it is, its builder)."""


def build_published_template(*, kind: str, part: int = 0) -> ImportTemplate | None:
    """Template ``part`` of a published kind, or None for an unknown one."""
    parts = PUBLISHED_TEMPLATES.get(kind, ())
    if not 0 <= part < len(parts):
        return None
    return parts[part][1]()
