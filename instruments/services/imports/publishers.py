"""Published files, read as their publishers lay them out, imported all rows or none.

Four kinds, each turned into this project's own rows and passed to the import service
of its data (so the checks, the all-or-nothing rule, the history and the report are
the ones of every other import):

- ``pink-sheet``: the World Bank's ``CMO-Historical-Data-Monthly.xlsx``, sheet
  "Monthly Prices": title rows, then a row of commodity names, a row of units, then
  one row a month (``1960M01``...). Columns are mapped to stored series by
  ``PINK_SHEET_SERIES``; "…" is a missing value.
- ``usgs-mcs``: the USGS Mineral Commodity Summaries data release CSV
  (``MCS2026_Commodities_Data.csv``, Windows-1252): ``Statistics == "Price"`` rows are
  matched to stored USGS series by their ``Statistics_detail`` (the start of each
  series' basis); "Estimated." notes mark estimates.
- ``baci``: a CEPII BACI yearly CSV (``t,i,j,k,v,q``, numeric country codes) with its
  ``country_codes_V202X.csv`` table; only HS codes that a commodity is linked to are
  read. BACI's ``S19`` ("Other Asia, nes") is stored as ``TWN``.
- ``h10``: Federal Reserve H.10 rates, as a FRED CSV (``observation_date,DEXJPUS``) or
  a Data Download Program CSV (its description rows, then ``Time Period`` rows);
  daily rates are averaged by month, USD-per-currency series are inverted.

Rows a reader cannot use are errors with the file's own row number, as the
spreadsheet numbers it (the row of the workbook, the line of a CSV: a CSV's header is
row 1) and the column (its header, or the workbook's column letter with the header);
rows it deliberately leaves out (other commodities' prices, withheld values) are
counted as skipped, not errors.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import tablib

from instruments.models import CommodityHsCode, PriceSeries
from instruments.services.imports.limits import bounded_sheet_rows
from instruments.services.imports.resources import sheet_row
from instruments.services.imports.rows import (
    ImportReport,
    RowError,
    import_price_observations,
)
from instruments.services.trade_data import import_fx_rates, import_trade_flows

PUBLISHED_KINDS = {
    "pink-sheet": "World Bank Pink Sheet workbook (CMO-Historical-Data-Monthly.xlsx)",
    "usgs-mcs": "USGS Mineral Commodity Summaries data release CSV",
    "baci": "CEPII BACI yearly CSV (with its country-code table)",
    "h10": "Federal Reserve H.10 / FRED exchange-rate CSV",
}
WORKBOOK_KINDS = frozenset({"pink-sheet"})
"""The kinds that are xlsx workbooks (the others are CSV)."""

# Pink Sheet column (commodity name, lower case, footnote marks dropped) -> series.
PINK_SHEET_SERIES = {
    "aluminum": "aluminum-lme-monthly-wb",
    "copper": "copper-lme-monthly-wb",
    "gold": "gold-monthly-wb",
    "iron ore, cfr spot": "iron-ore-cfr-china-monthly-wb",
    "lead": "lead-lme-monthly-wb",
    "nickel": "nickel-lme-monthly-wb",
    "phosphate rock": "phosphate-rock-fob-north-africa-monthly-wb",
    "platinum": "platinum-monthly-wb",
    "potassium chloride": "potash-kcl-monthly-wb",
    "silver": "silver-monthly-wb",
    "tin": "tin-lme-monthly-wb",
    "zinc": "zinc-lme-monthly-wb",
}
# The sheet's unit labels, in our unit vocabulary ("$/dmtu" for iron ore is a dry
# metric ton per the Description sheet; see seeds/README.md).
PINK_SHEET_UNITS = {
    "($/mt)": "USD/t",
    "($/troy oz)": "USD/troy oz",
    "($/dmtu)": "USD/dmt",
    "($/dmt)": "USD/dmt",
    "($/kg)": "USD/kg",
}
PINK_SHEET_SOURCE = "World Bank Commodity Price Data (The Pink Sheet)"
_PINK_PERIOD = re.compile(r"^(\d{4})M(\d{2})$")
_MISSING = {"", "…", "...", "..", "na", "n/a", "-", "–", "—"}

BACI_TO_ISO3 = {"S19": "TWN"}
_BACI_FILE = re.compile(r"BACI_(HS\d\d)_Y(\d{4})_(V\d{6}\w*)", re.I)

# FRED / H.10 two-letter country codes -> ISO 4217.
H10_CURRENCIES = {
    "AL": "AUD",
    "BZ": "BRL",
    "CA": "CAD",
    "CH": "CNY",
    "DN": "DKK",
    "EU": "EUR",
    "HK": "HKD",
    "IN": "INR",
    "JA": "JPY",
    "JP": "JPY",
    "KO": "KRW",
    "MA": "MYR",
    "MX": "MXN",
    "NO": "NOK",
    "NZ": "NZD",
    "SD": "SEK",
    "SF": "ZAR",
    "SI": "SGD",
    "SL": "LKR",
    "SZ": "CHF",
    "TA": "TWD",
    "TH": "THB",
    "UK": "GBP",
}
H10_SOURCE = "US Federal Reserve H.10, monthly average"


@dataclass
class ReadFile:
    """Our own rows read from a published file, with where each came from."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    source_rows: list[int] = field(default_factory=list)  # the file's row numbers
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, row: dict[str, Any], where: int) -> None:
        self.rows.append(row)
        self.source_rows.append(where)


@dataclass(frozen=True)
class PublishedImport:
    """What importing a published file did (or would do, on a dry run)."""

    kind: str
    report: ImportReport
    skipped: int
    notes: tuple[str, ...]


def import_published_file(
    *,
    kind: str,
    file: IO[bytes] | bytes,
    file_name: str = "",
    country_codes: IO[bytes] | bytes | None = None,
    hs_revision: str | None = None,
    dry_run: bool = False,
    user: Any = None,
    preview_checksum: str | None = None,
) -> PublishedImport:
    """Read a published file of ``kind`` (see ``PUBLISHED_KINDS``) and import it.

    Nothing is written on a dry run or when any row has an error; the report's row
    numbers are the file's own. Importing the same file twice changes nothing. A
    preview's report carries ``checksum``; its confirm, given it back as
    ``preview_checksum``, writes nothing (``report.stale``) if the rows the file
    names changed since (``imports.confirm``).
    """
    data = file if isinstance(file, bytes) else file.read()
    reason = f"Imported from {file_name or kind} ({PUBLISHED_KINDS.get(kind, kind)})"
    if kind == "pink-sheet":
        read = read_pink_sheet(data=data)
    elif kind == "usgs-mcs":
        read = read_usgs_mcs(data=data)
    elif kind == "baci":
        if country_codes is None:
            read = ReadFile(
                errors=[RowError(0, "country_codes", "Add BACI's country-code table.")]
            )
        else:
            codes = (
                country_codes
                if isinstance(country_codes, bytes)
                else country_codes.read()
            )
            read = read_baci(
                data=data,
                country_codes=codes,
                file_name=file_name,
                hs_revision=hs_revision,
            )
    elif kind == "h10":
        read = read_h10(data=data)
    else:
        read = ReadFile(errors=[RowError(0, "kind", f"Unknown file kind '{kind}'.")])
    if read.errors:
        report = ImportReport(len(read.rows), 0, 0, 0, tuple(read.errors), dry_run)
        return PublishedImport(kind, report, read.skipped, tuple(read.notes))
    if kind in ("pink-sheet", "usgs-mcs"):
        dataset = tablib.Dataset(headers=["series", "period", "price", "estimated"])
        for row in read.rows:
            dataset.append(
                [row["series"], row["period"], row["price"], row["estimated"]]
            )
        report = import_price_observations(
            data=dataset,
            dry_run=dry_run,
            user=user,
            change_reason=reason,
            preview_checksum=preview_checksum,
        )
    elif kind == "baci":
        report = import_trade_flows(
            data=read.rows,
            dry_run=dry_run,
            user=user,
            change_reason=reason,
            preview_checksum=preview_checksum,
        )
    else:
        report = import_fx_rates(
            rows=read.rows,
            dry_run=dry_run,
            user=user,
            change_reason=reason,
            preview_checksum=preview_checksum,
        )
    return PublishedImport(
        kind, _renumber(report, read.source_rows), read.skipped, tuple(read.notes)
    )


def _renumber(report: ImportReport, source_rows: list[int]) -> ImportReport:
    """The rows of our own rows' import (spreadsheet rows of a file of them, the first
    at ``sheet_row(1)``) back to the published file's own rows, in the messages too
    ("already in row 3")."""

    def where(row: int) -> int:
        index = row - sheet_row(1)
        return source_rows[index] if 0 <= index < len(source_rows) else row

    def message(text: str) -> str:
        return re.sub(r"\brow (\d+)\b", lambda m: f"row {where(int(m[1]))}", text)

    errors = tuple(
        RowError(where(e.row), e.field, message(e.message)) for e in report.errors
    )
    return dataclasses.replace(report, errors=errors)


def _number(value: Any) -> Decimal | None:
    """A published number, or None for a missing one ("…", "W", blank)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(repr(value)) if value == value else None
    text = str(value if value is not None else "").strip().replace(",", "")
    if text.lower() in _MISSING:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# --- (a) World Bank Pink Sheet ----------------------------------------------------------


def read_pink_sheet(*, data: bytes) -> ReadFile:
    """Sheet "Monthly Prices" of ``CMO-Historical-Data-Monthly.xlsx``."""
    import openpyxl

    read = ReadFile()
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception:
        read.errors.append(RowError(0, "", "This is not an .xlsx workbook."))
        return read
    if "Monthly Prices" not in workbook.sheetnames:
        read.errors.append(
            RowError(0, "", "The workbook has no sheet named 'Monthly Prices'.")
        )
        return read
    # ImportTooLarge on too many rows or columns (the upload's size and expansion came
    # first); read by the real cells, never by the sheet's declared dimension.
    rows = bounded_sheet_rows(workbook["Monthly Prices"])
    first = next(
        (
            n
            for n, row in enumerate(rows)
            if row and _PINK_PERIOD.match(str(row[0] or "").strip())
        ),
        None,
    )
    if first is None or first < 2:
        read.errors.append(
            RowError(
                0, "", "No monthly rows (1960M01, ...) under a names and units row."
            )
        )
        return read
    names, units = rows[first - 2], rows[first - 1]
    series = {
        s.code: s
        for s in PriceSeries.objects.filter(code__in=PINK_SHEET_SERIES.values())
    }
    columns: dict[int, str] = {}
    for index, name in enumerate(names):
        key = re.sub(r"[\s*]+$", "", re.sub(r"\s+", " ", str(name or ""))).lower()
        code = PINK_SHEET_SERIES.get(key)
        if code is None or index == 0:
            continue
        if code not in series:
            read.notes.append(
                f"Column '{name}': series {code} is not stored; left out."
            )
            continue
        unit = PINK_SHEET_UNITS.get(str(units[index] or "").strip().lower())
        if unit != series[code].unit:
            read.errors.append(
                RowError(
                    first,
                    _sheet_column(index, name),
                    f"The unit is {units[index]!r}; the stored series {code} is in "
                    f"{series[code].unit}.",
                )
            )
            continue
        columns[index] = code
    if not columns and not read.errors:
        read.errors.append(
            RowError(first - 1, "", "No column matches a stored series.")
        )
    for offset, row in enumerate(rows[first:], start=first + 1):
        label = str(row[0] or "").strip() if row else ""
        if not label:
            continue
        match = _PINK_PERIOD.match(label)
        if not match:
            read.errors.append(
                RowError(offset, "A (month)", f"'{label}' is not a month like 2025M01.")
            )
            continue
        period = f"{match[1]}-{match[2]}"
        for index, code in columns.items():
            value = row[index] if index < len(row) else None
            price = _number(value)
            if price is None:
                if str(value or "").strip().lower() not in _MISSING:
                    read.errors.append(
                        RowError(
                            offset,
                            _sheet_column(index, names[index]),
                            f"{value!r} is not a price.",
                        )
                    )
                else:
                    read.skipped += 1
                continue
            read.add(
                {"series": code, "period": period, "price": price, "estimated": False},
                offset,
            )
    return read


def _sheet_column(index: int, name: Any) -> str:
    """A workbook column as a steward finds it: its letter and its header,
    ``C (Aluminum)``."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(index + 1)} ({str(name or '').strip()})"


# --- (b) USGS Mineral Commodity Summaries data release ----------------------------------


def read_usgs_mcs(*, data: bytes) -> ReadFile:
    """``MCS20xx_Commodities_Data.csv`` (Windows-1252): its price rows."""
    read = ReadFile()
    text = data.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    needed = {"Commodity", "Statistics", "Statistics_detail", "Year", "Value"}
    missing = needed - set(reader.fieldnames or [])
    if missing:
        read.errors.append(
            RowError(0, "", f"Not an MCS data release CSV (missing {sorted(missing)}).")
        )
        return read
    candidates = list(
        PriceSeries.objects.filter(
            frequency="annual", source__icontains="Mineral Commodity Summaries"
        ).select_related("commodity")
    )
    for line, row in enumerate(reader, start=2):
        if (row.get("Statistics") or "").strip() != "Price":
            continue
        detail = re.sub(
            r"^Estimated\.\s*", "", (row.get("Statistics_detail") or "").strip()
        )
        matches = (
            [s for s in candidates if s.basis.startswith(detail)] if detail else []
        )
        if len(matches) > 1:
            commodity = (row.get("Commodity") or "").strip().lower()
            matches = [
                s
                for s in matches
                if commodity
                and (
                    commodity in s.name.lower() or commodity in s.commodity.name.lower()
                )
            ]
        if len(matches) != 1:
            read.skipped += 1  # a price we do not store (or cannot tell apart)
            continue
        year_text = (row.get("Year") or "").strip()
        year = re.match(r"^(\d{4})", year_text)
        if not year:
            read.errors.append(RowError(line, "Year", f"'{year_text}' is not a year."))
            continue
        price = _number(row.get("Value"))
        if price is None:
            read.skipped += 1  # withheld (W), not available, or a range
            continue
        notes = " ".join(
            (row.get(name) or "")
            for name in ("Notes", "Other notes", "Statistics_detail")
        )
        estimated = "estimated" in notes.lower() or "estimated" in year_text.lower()
        read.add(
            {
                "series": matches[0].code,
                "period": year[1],
                "price": price,
                "estimated": estimated,
            },
            line,
        )
    return read


# --- (c) CEPII BACI ---------------------------------------------------------------------


def read_baci(
    *,
    data: bytes,
    country_codes: bytes,
    file_name: str = "",
    hs_revision: str | None = None,
) -> ReadFile:
    """A BACI yearly CSV (``t,i,j,k,v,q``) and its country-code table."""
    read = ReadFile()
    named = _BACI_FILE.search(file_name or "")
    revision = (hs_revision or (named[1] if named else "")).upper()
    if not revision:
        read.errors.append(
            RowError(0, "hs_revision", "Say which HS revision the file is (e.g. HS92).")
        )
        return read
    release = named[3] if named else "release not named"
    source = f"CEPII BACI {revision} {release} ({file_name or 'uploaded file'})"
    iso3 = _baci_country_table(country_codes, read)
    if read.errors:
        return read
    wanted = set(
        CommodityHsCode.objects.filter(hs_revision=revision).values_list(
            "hs_code", flat=True
        )
    )
    if not wanted:
        read.errors.append(
            RowError(0, "", f"No commodity is linked to an HS code of {revision}.")
        )
        return read
    lines = _lines(data, "utf-8")
    header = [h.strip().lower() for h in next(csv.reader([next(lines, "")]))]
    if header[:6] != ["t", "i", "j", "k", "v", "q"]:
        read.errors.append(RowError(1, "", "A BACI file starts with t,i,j,k,v,q."))
        return read
    for line, row in enumerate(csv.reader(lines), start=2):
        if len(row) < 6:
            if any(cell.strip() for cell in row):
                read.errors.append(RowError(line, "", "Six columns expected."))
            continue
        k = row[3].strip().zfill(6)
        if k not in wanted:
            read.skipped += 1
            continue
        exporter, importer = iso3.get(row[1].strip()), iso3.get(row[2].strip())
        if exporter is None or importer is None:
            bad = row[1] if exporter is None else row[2]
            read.errors.append(
                RowError(line, "i" if exporter is None else "j", f"Unknown code {bad}.")
            )
            continue
        quantity = row[5].strip()
        read.add(
            {
                "year": row[0].strip(),
                "hs_code": k,
                "hs_revision": revision,
                "exporter": exporter,
                "importer": importer,
                "value": row[4].strip(),
                "quantity": "" if quantity.upper() == "NA" else quantity,
                "source": source,
            },
            line,
        )
    return read


def _baci_country_table(data: bytes, read: ReadFile) -> dict[str, str]:
    reader = csv.DictReader(_lines(data, "utf-8"))
    fields = {f.strip().lower(): f for f in reader.fieldnames or []}
    if "country_code" not in fields or "country_iso3" not in fields:
        read.errors.append(
            RowError(
                0,
                "country_codes",
                "The country table needs country_code and country_iso3 columns.",
            )
        )
        return {}
    table = {}
    for row in reader:
        code = (row[fields["country_code"]] or "").strip()
        iso3 = (row[fields["country_iso3"]] or "").strip().upper()
        table[code] = BACI_TO_ISO3.get(iso3, iso3)
    return table


def _lines(data: bytes, encoding: str) -> Iterator[str]:
    text = data.decode(encoding, errors="replace").lstrip("\ufeff")
    return iter(text.splitlines())


# --- (d) Federal Reserve H.10 / FRED ----------------------------------------------------


def read_h10(*, data: bytes) -> ReadFile:
    """A FRED CSV (``observation_date`` or ``DATE``, then one column per series such
    as ``DEXJPUS``/``EXUSEU``) or an H.10 Data Download Program CSV."""
    read = ReadFile()
    rows = list(csv.reader(_lines(data, "utf-8")))
    if not rows:
        read.errors.append(RowError(0, "", "The file is empty."))
        return read
    first = rows[0][0].strip().lower() if rows[0] else ""
    if first in ("observation_date", "date"):
        columns = _fred_columns(rows[0], read)
        start = 1
    elif first == "series description":
        columns, start = _h10_columns(rows, read)
    else:
        read.errors.append(
            RowError(1, "", "Neither a FRED CSV nor an H.10 Data Download Program CSV.")
        )
        return read
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    first_line: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows[start:], start=start + 1):
        if not row or not row[0].strip():
            continue
        match = re.match(r"^(\d{4})-(\d{2})(?:-\d{2})?$", row[0].strip())
        if not match:
            read.errors.append(RowError(line, row[0], "Not a date like 2024-01-31."))
            continue
        month = f"{match[1]}-{match[2]}"
        for index, (currency, invert) in columns.items():
            value = _number(row[index] if index < len(row) else "")
            if value is None or value <= 0:
                read.skipped += 1  # "." or "ND": no rate that day
                continue
            per_usd = (Decimal(1) / value) if invert else value
            sums[(currency, month)].append(per_usd)
            first_line.setdefault((currency, month), line)
    for (currency, month), values in sorted(sums.items()):
        mean = sum(values, Decimal(0)) / len(values)
        read.add(
            {
                "currency": currency,
                "period": month,
                "units_per_usd": mean.quantize(Decimal("0.00000001")),
                "source": H10_SOURCE
                + (f" of {len(values)} daily rates" if len(values) > 1 else ""),
            },
            first_line[(currency, month)],
        )
    return read


def _fred_columns(header: list[str], read: ReadFile) -> dict[int, tuple[str, bool]]:
    """FRED series ids: ``DEXJPUS``/``EXJPUS`` is yen per USD, ``DEXUSEU`` is USD per
    euro (inverted)."""
    columns = {}
    for index, name in enumerate(header[1:], start=1):
        match = re.fullmatch(r"D?EX([A-Z]{2})([A-Z]{2})", name.strip().upper())
        if not match or "US" not in (match[1], match[2]):
            read.errors.append(RowError(1, name, f"'{name}' is not an H.10 series id."))
            continue
        invert = match[1] == "US"
        country = match[2] if invert else match[1]
        if country not in H10_CURRENCIES:
            read.errors.append(RowError(1, name, f"Unknown H.10 country '{country}'."))
            continue
        columns[index] = (H10_CURRENCIES[country], invert)
    return columns


def _h10_columns(
    rows: list[list[str]], read: ReadFile
) -> tuple[dict[int, tuple[str, bool]], int]:
    """The Data Download Program's description rows: ``Unit:`` says the direction
    (``Currency:_Per_USD`` or ``USD:_Per_Currency``); the series id (``RXI_N.B.JA``,
    ``RXI$US_N.B.EU``) names the country."""
    labels = {
        row[0].strip().lower().rstrip(":").strip(): row for row in rows[:10] if row
    }
    start = next(
        (
            n + 1
            for n, row in enumerate(rows[:12])
            if row and row[0].strip() == "Time Period"
        ),
        None,
    )
    if start is None or "unit" not in labels:
        read.errors.append(RowError(0, "", "No 'Unit:' and 'Time Period' rows found."))
        return {}, 1
    ids = rows[start - 1]
    columns = {}
    for index in range(1, len(ids)):
        match = re.search(r"\.([A-Z]{2})$", ids[index].strip())
        unit = labels["unit"][index] if index < len(labels["unit"]) else ""
        if not match or match[1] not in H10_CURRENCIES:
            read.errors.append(RowError(start, ids[index], "Unknown H.10 series."))
            continue
        columns[index] = (H10_CURRENCIES[match[1]], unit.upper().startswith("USD"))
    return columns, start
