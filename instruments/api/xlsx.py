"""A streaming XLSX writer: sheets of literal values, linear in the cells.

openpyxl, even write-only, builds a cell object and an XML element per value (about
5 µs a cell here), so a 600-period × 50-flow result (360,000 cells) took 2 s and a
100,000-row export a minute. The spreadsheet data itself is simple (numbers, text,
dates; no formulas, no formatting), so this module writes the sheet XML directly into
the zip as rows arrive, about 0.5 µs a cell, and keeps only one row in memory.

What it writes is the minimal SpreadsheetML package Excel, LibreOffice, Google Sheets
and openpyxl open: ``[Content_Types].xml``, the relationships, ``xl/workbook.xml``,
``xl/styles.xml`` (two date formats) and one ``xl/worksheets/sheetN.xml`` per sheet.
Text is always an inline string, so it is never run as a formula; characters XML
forbids are dropped; ``None`` is an empty cell; dates and naive datetimes are Excel
serial numbers with a date format.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import struct
import zlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

_EPOCH = dt.date(1899, 12, 30)  # Excel serial day 0 (1900 date system)
_DATE_STYLE, _DATETIME_STYLE = 1, 2  # cellXfs indexes in _STYLES

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
    "</borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
_SHEET_TAIL = "</sheetData></worksheet>"
_NUMBERS = (int, float, Decimal)
COMPRESS_LEVEL = 1
"""zlib's fastest level: a sheet's XML shrinks almost as much (a 600 × 50 result,
9 MB of XML: 1.7 MB instead of 1.4 MB) in a third of the time of the default 6."""


@functools.lru_cache(maxsize=4096)
def _text(value: str) -> str:
    """An inline-string cell. Kept for repeats: a calculation's workbook is mostly
    the same names and labels every time (a few hundred cells of a 4-sheet answer)."""
    value = escape(ILLEGAL_CHARACTERS_RE.sub("", value))
    if value[:1].isspace() or value[-1:].isspace():
        return f'<c t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def _cell(value: Any) -> str:
    """One ``<c>`` element (no reference: cells follow one another)."""
    kind = type(value)
    if kind is float:
        if value - value == 0.0:  # finite (NaN and ±inf give NaN)
            return f"<c><v>{value!r}</v></c>"
        return "<c/>"
    if kind is str:
        return _text(value)
    if value is None:
        return "<c/>"
    if kind is bool:
        return _text("true" if value else "false")
    if isinstance(value, _NUMBERS):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        time = value.time()
        seconds = time.hour * 3600 + time.minute * 60 + time.second
        serial = (value.date() - _EPOCH).days + (
            seconds + time.microsecond / 1e6
        ) / 86400
        return f'<c s="{_DATETIME_STYLE}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c s="{_DATE_STYLE}"><v>{(value - _EPOCH).days}</v></c>'
    return _text(str(value))


class _Zip:
    """The zip container, written directly: an entry is its local header and its
    bytes, the central directory comes last. ``zipfile`` sets up a full-size deflate
    state for every entry (27 µs, most of a small workbook's time); here a
    small sheet gets a small window. Entries carry a fixed date (1980-01-01), so the
    same data gives the same bytes."""

    _DATE, _TIME = 0x21, 0  # 1980-01-01 00:00 in MS-DOS format
    _LIMIT = 0xFFFFFFFF  # no ZIP64: an export is capped far below 4 GB

    def __init__(self) -> None:
        self._out = io.BytesIO()
        self._central: list[bytes] = []

    def add(
        self, name: str, data: bytes, *, size: int, crc: int, deflated: bool
    ) -> None:
        """An entry of ``data`` (compressed already when ``deflated``) standing for
        ``size`` bytes whose CRC-32 is ``crc``."""
        if size > self._LIMIT or len(data) > self._LIMIT:
            raise ValueError(gettext("An XLSX sheet over 4 GB: export it in parts."))
        encoded = name.encode("utf-8")
        method = 8 if deflated else 0
        offset = self._out.tell()
        fields = (method, self._TIME, self._DATE, crc, len(data), size, len(encoded))
        self._out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *fields, 0))
        self._out.write(encoded)
        self._out.write(data)
        self._central.append(
            struct.pack(
                "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *fields, 0, 0, 0, 0, 0, offset
            )
            + encoded
        )

    def add_stored(self, name: str, text: str) -> None:
        data = text.encode("utf-8")
        self.add(name, data, size=len(data), crc=zlib.crc32(data), deflated=False)

    def close(self) -> bytes:
        start = self._out.tell()
        directory = b"".join(self._central)
        self._out.write(directory)
        n = len(self._central)
        self._out.write(
            struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(directory), start, 0)
        )
        return self._out.getvalue()


SMALL_SHEET = 1 << 18
"""A sheet that ends before this many bytes of XML is deflated with a 4 KB window and
a small state (3 µs to set up instead of 27); a larger one with zlib's full window."""


class Sheet:
    """One worksheet being written: ``append`` a row of values at a time."""

    def __init__(self, zip_file: _Zip, name: str) -> None:
        self._zip, self._name = zip_file, name
        self._buffer: list[str] = [_SHEET_HEAD]
        self._size = 0
        self._compressor: Any = None
        self._compressed: list[bytes] = []
        self._crc = self._total = 0
        self.rows = 0

    def append(self, values: Iterable[Any]) -> None:
        row = "<row>" + "".join(map(_cell, values)) + "</row>"
        self._buffer.append(row)
        self._size += len(row)
        self.rows += 1
        if self._size > 1 << 20:
            self._flush(last=False)

    def _flush(self, *, last: bool) -> None:
        data = "".join(self._buffer).encode("utf-8")
        self._buffer, self._size = [], 0
        if self._compressor is None:
            small = last and len(data) < SMALL_SHEET
            self._compressor = zlib.compressobj(
                COMPRESS_LEVEL, zlib.DEFLATED, -12 if small else -15, 4 if small else 8
            )
        self._crc = zlib.crc32(data, self._crc)
        self._total += len(data)
        self._compressed.append(self._compressor.compress(data))

    def close(self) -> None:
        self._buffer.append(_SHEET_TAIL)
        self._flush(last=True)
        self._compressed.append(self._compressor.flush())
        self._zip.add(
            self._name,
            b"".join(self._compressed),
            size=self._total,
            crc=self._crc,
            deflated=True,
        )
        self._compressed = []


class Workbook:
    """A workbook written as it goes: ``create_sheet(title)`` then append rows; a new
    sheet closes the previous one. ``save()`` returns the file's bytes."""

    def __init__(self) -> None:
        self._zip = _Zip()
        self._titles: list[str] = []
        self._current: Sheet | None = None

    def create_sheet(self, title: str) -> Sheet:
        if self._current is not None:
            self._current.close()
        title = ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Sheet"
        for forbidden in "[]:*?/\\":
            title = title.replace(forbidden, " ")
        self._titles.append(title)
        n = len(self._titles)
        self._current = Sheet(self._zip, f"xl/worksheets/sheet{n}.xml")
        return self._current

    def save(self) -> bytes:
        if not self._titles:
            self.create_sheet("Sheet")
        assert self._current is not None
        self._current.close()
        sheets = "".join(
            f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
            for n, title in enumerate(self._titles, start=1)
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(self._titles) + 1)
        )
        styles_id = len(self._titles) + 1
        rels += (
            f'<Relationship Id="rId{styles_id}" Type="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        )
        parts = {
            "[Content_Types].xml": _CONTENT_TYPES.format(
                sheets="".join(
                    _SHEET_TYPE.format(n=n) for n in range(1, len(self._titles) + 1)
                )
            ),
            "_rels/.rels": _ROOT_RELS,
            "xl/workbook.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                '2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                f'officeDocument/2006/relationships"><sheets>{sheets}</sheets>'
                "</workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                f'2006/relationships">{rels}</Relationships>'
            ),
            "xl/styles.xml": _STYLES,
        }
        for name, text in parts.items():
            # A few hundred bytes each: stored, not deflated (a compressor's set-up
            # costs more than the bytes it would save).
            self._zip.add_stored(name, text)
        return self._zip.close()
