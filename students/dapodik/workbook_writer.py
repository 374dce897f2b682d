"""A small, fast writer of plain .xlsx, .ods and .csv files.

For generated test, demo and benchmark files only: openpyxl, even in
write-only mode, needs about 40 s for a 50,000-row Dapodik export on the
project's machine, this writer about 2 s. It writes values, merged cells and
a date format, nothing else. Strings go inline; numbers, booleans and dates
as typed cells, so that "an operator re-saved it in Excel" can be simulated
cell by cell. The product's own files (the annotated workbook, the template)
are written with openpyxl.
"""

import csv
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO

from students.identifiers import EXCEL_EPOCH

# What a cell may hold: str, int, float, bool, date, datetime or None. Typed
# as object so that dictionaries of mixed values pass without casts.
Cell = object
# A merged range as (first row, first column, last row, last column), 1-based.
Merge = tuple[int, int, int, int]

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Sheet:
    name: str
    rows: Iterable[Sequence[Cell]]
    merges: Sequence[Merge] = field(default_factory=tuple)


def column_letter(index: int) -> str:
    """The spreadsheet letters of a 1-based column number (1 gives A)."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _escape(text: str) -> str:
    text = _ILLEGAL_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def write_workbook(path: Path, sheets: Sequence[Sheet], fmt: str = "xlsx") -> None:
    """Write ``sheets`` to ``path`` as ``fmt`` (xlsx, ods or csv).

    A CSV holds the first sheet only; its delimiter and encoding are those of
    :func:`write_csv`'s defaults.
    """
    if fmt == "xlsx":
        write_xlsx(path, sheets)
    elif fmt == "ods":
        write_ods(path, sheets)
    elif fmt == "csv":
        write_csv(path, sheets[0].rows)
    else:
        raise ValueError(fmt)


XLSX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="%(main)s"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "%(sheets)s%(extra)s</Types>"
)
XLSX_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
XLSX_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
XLSX_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
    "</border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
    'borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    "</cellStyles></styleSheet>"
)
DATE_STYLE = 1


def write_xlsx(
    path: Path,
    sheets: Sequence[Sheet],
    *,
    main_content_type: str = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    ),
    extra_parts: dict[str, bytes] | None = None,
    extra_content_types: str = "",
) -> None:
    """Write an .xlsx with one worksheet per sheet, streaming the rows.

    ``main_content_type``, ``extra_parts`` and ``extra_content_types`` exist
    to build hostile files (a macro-enabled workbook) in tests.
    """
    sheet_types = "".join(
        XLSX_SHEET_TYPE % number for number in range(1, len(sheets) + 1)
    )
    content_types = XLSX_CONTENT_TYPES % {
        "main": main_content_type,
        "sheets": sheet_types,
        "extra": extra_content_types,
    }
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<sheets>"
        + "".join(
            f'<sheet name="{_escape_attribute(sheet.name)}" sheetId="{number}" '
            f'r:id="rId{number}"/>'
            for number, sheet in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>"
    )
    relationships = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships">'
        + "".join(
            f'<Relationship Id="rId{number}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{number}.xml"/>'
            for number in range(1, len(sheets) + 1)
        )
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/>'
        + f'<Relationship Id="rId{len(sheets) + 2}" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", XLSX_ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", relationships)
        archive.writestr("xl/styles.xml", XLSX_STYLES)
        strings = _SharedStrings()
        for number, sheet in enumerate(sheets, start=1):
            name = f"xl/worksheets/sheet{number}.xml"
            with archive.open(name, "w", force_zip64=True) as part:
                _write_xlsx_sheet(part, sheet, strings)
        archive.writestr("xl/sharedStrings.xml", strings.xml())
        for name, data in (extra_parts or {}).items():
            archive.writestr(name, data)


class _SharedStrings:
    """The workbook's table of strings, as Excel and most exporters write it."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def add(self, text: str) -> int:
        number = self.index.get(text)
        if number is None:
            number = self.index[text] = len(self.index)
        return number

    def xml(self) -> bytes:
        items = []
        for text in self.index:
            escaped = _escape(text)
            space = ' xml:space="preserve"' if escaped != escaped.strip() else ""
            items.append(f"<si><t{space}>{escaped}</t></si>")
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'uniqueCount="{len(items)}">' + "".join(items) + "</sst>"
        ).encode()


def _write_xlsx_sheet(part: IO[bytes], sheet: Sheet, strings: _SharedStrings) -> None:
    part.write(
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        b'main"><sheetData>'
    )
    letters: list[str] = []
    buffer: list[str] = []
    for row_number, row in enumerate(sheet.rows, start=1):
        while len(letters) < len(row):
            letters.append(column_letter(len(letters) + 1))
        cells = [f'<row r="{row_number}">']
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            ref = f"{letters[index]}{row_number}"
            if isinstance(value, str):
                number = strings.add(value)
                cells.append(f'<c r="{ref}" t="s"><v>{number}</v></c>')
            else:
                cells.append(_xlsx_cell(ref, value))
        cells.append("</row>")
        buffer.append("".join(cells))
        if len(buffer) >= 500:
            part.write("".join(buffer).encode())
            buffer.clear()
    part.write("".join(buffer).encode())
    part.write(b"</sheetData>")
    if sheet.merges:
        refs = "".join(
            f'<mergeCell ref="{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"/>'
            for r1, c1, r2, c2 in sheet.merges
        )
        part.write(
            f'<mergeCells count="{len(sheet.merges)}">{refs}</mergeCells>'.encode()
        )
    part.write(b"</worksheet>")


def _xlsx_cell(ref: str, value: Cell) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        serial = (day - EXCEL_EPOCH).days
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{serial}</v></c>'
    text = _escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
    'manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
    'vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" '
    'manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
ODS_CONTENT_START = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
    'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'office:version="1.2"><office:body><office:spreadsheet>'
)


def write_ods(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write an OpenDocument spreadsheet, merged cells included."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
        )
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        with archive.open("content.xml", "w", force_zip64=True) as part:
            part.write(ODS_CONTENT_START.encode())
            for sheet in sheets:
                _write_ods_table(part, sheet)
            part.write(b"</office:spreadsheet></office:body></office:document-content>")


def _write_ods_table(part: IO[bytes], sheet: Sheet) -> None:
    spans = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in sheet.merges}
    covered = {
        (row, column)
        for r1, c1, r2, c2 in sheet.merges
        for row in range(r1, r2 + 1)
        for column in range(c1, c2 + 1)
        if (row, column) != (r1, c1)
    }
    part.write(f'<table:table table:name="{_escape_attribute(sheet.name)}">'.encode())
    buffer: list[str] = []
    for row_number, row in enumerate(sheet.rows, start=1):
        cells = ["<table:table-row>"]
        for column_number, value in enumerate(row, start=1):
            if (row_number, column_number) in covered:
                cells.append("<table:covered-table-cell/>")
                continue
            span = spans.get((row_number, column_number))
            cells.append(_ods_cell(value, span))
        cells.append("</table:table-row>")
        buffer.append("".join(cells))
        if len(buffer) >= 500:
            part.write("".join(buffer).encode())
            buffer.clear()
    part.write("".join(buffer).encode())
    part.write(b"</table:table>")


def _ods_cell(value: Cell, span: tuple[int, int] | None) -> str:
    attributes = ""
    if span is not None:
        attributes = (
            f' table:number-rows-spanned="{span[0]}"'
            f' table:number-columns-spanned="{span[1]}"'
        )
    if value is None or value == "":
        return f"<table:table-cell{attributes}/>"
    if isinstance(value, bool):
        flag = "true" if value else "false"
        return (
            f'<table:table-cell{attributes} office:value-type="boolean" '
            f'office:boolean-value="{flag}"><text:p>{flag}</text:p></table:table-cell>'
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell{attributes} office:value-type="float" '
            f'office:value="{value!r}"><text:p>{value!r}</text:p></table:table-cell>'
        )
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return (
            f'<table:table-cell{attributes} office:value-type="date" '
            f'office:date-value="{day.isoformat()}"><text:p>'
            f"{day:%d/%m/%Y}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell{attributes} office:value-type="string">'
        f"<text:p>{_escape(str(value))}</text:p></table:table-cell>"
    )


def write_csv(
    path: Path,
    rows: Iterable[Sequence[Cell]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> None:
    """Write rows as CSV, with values shown as an Indonesian Excel shows them.

    Dates appear as dd/mm/yyyy; large whole numbers in the scientific
    notation Excel's General format gives them (6.31102E+15), since that is
    what an operator's re-saved CSV holds.
    """
    with path.open("w", encoding=encoding, newline="", errors="replace") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for row in rows:
            writer.writerow([_csv_text(value) for value in row])


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and len(str(abs(value))) > 11:
        return f"{value:.5E}"
    return str(value)
