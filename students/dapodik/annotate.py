"""The operator's file back, with a "Keterangan" column listing each row's problems.

The annotated workbook goes only to the school that uploaded the file. Its
rows are the original rows in their original places; identifier columns are
written as text so that a fix typed into them keeps its leading zeros, and
no cell is ever written as a formula, whatever it starts with.
"""

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from students.dapodik.reader import Value, open_table
from students.dapodik.validate import Issue, ReadResult, shown

KETERANGAN = "Keterangan"
IDENTIFIER_KEYS = ("nisn", "nik", "no_kk", "ibu_nik", "ayah_nik", "wali_nik", "nipd")
ERROR_FILL = PatternFill("solid", fgColor="F8D7DA")
WARNING_FILL = PatternFill("solid", fgColor="FFF3CD")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
FORMULA_STARTS = ("=", "+", "-", "@")


def write_annotated_workbook(
    result: ReadResult, original_path: Path, out: BinaryIO
) -> None:
    """Write the original file with a "Keterangan" column to ``out`` as .xlsx.

    ``result`` must come from :func:`read_students` on ``original_path``.
    The file's problems without a row (missing columns) are listed in the
    Keterangan cell of the header.
    """
    table = open_table(original_path, result.kind)
    by_row = result.issues_by_row()
    offset = [None] * table.columns.first_column
    keterangan_index = len(offset) + table.columns.width
    identifier_indexes = {
        len(offset) + table.columns.positions[key]
        for key in IDENTIFIER_KEYS
        if key in table.columns.positions
    }

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.sheet_name or "Daftar Peserta Didik")
    sheet.column_dimensions[get_column_letter(keterangan_index + 1)].width = 70
    header_start = len(table.title_rows) + 1
    sheet.freeze_panes = f"A{header_start + len(table.header_cells)}"

    for row in table.title_rows:
        sheet.append(_cells(sheet, offset + list(row), set()))

    for position, row in enumerate(table.header_cells):
        cells = _cells(sheet, offset + list(row), set(), font=BOLD)
        cells += [None] * (keterangan_index - len(cells))
        if position == 0:
            note = _keterangan(by_row.get(None, []))
            label = KETERANGAN + (f"\n{note}" if note else "")
            cells.append(_cell(sheet, label, font=BOLD, alignment=WRAP))
        sheet.append(cells)

    for number, row in table.rows:
        cells = _cells(sheet, offset + list(row), identifier_indexes)
        issues = by_row.get(number)
        if issues:
            cells += [None] * (keterangan_index - len(cells))
            fill = ERROR_FILL if any(i.is_error for i in issues) else WARNING_FILL
            cells.append(_cell(sheet, _keterangan(issues), fill=fill, alignment=WRAP))
        sheet.append(cells)

    workbook.save(out)


def _keterangan(issues: Iterable[Issue]) -> str:
    lines = []
    for issue in issues:
        kind = _("GALAT") if issue.is_error else _("PERINGATAN")
        if issue.row is None:
            lines.append(f"{kind}: {issue.message}")
        else:
            lines.append(f"{kind} [{issue.column}]: {issue.message}")
    return "\n".join(lines)


def _cells(
    sheet: WriteOnlyWorksheet,
    values: list[Value],
    as_text: set[int],
    *,
    font: Font | None = None,
) -> list[object]:
    cells: list[object] = []
    for index, value in enumerate(values):
        if value is None or value == "":
            cells.append(None)
        elif index in as_text:
            cell = _cell(sheet, shown(value), font=font)
            cell.number_format = "@"
            cells.append(cell)
        elif font is not None or _needs_cell(value):
            cells.append(_cell(sheet, value, font=font))
        else:
            cells.append(value)
    return cells


def _needs_cell(value: Value) -> bool:
    if isinstance(value, str):
        return value.startswith(FORMULA_STARTS) or bool(
            ILLEGAL_CHARACTERS_RE.search(value)
        )
    return isinstance(value, date | datetime) or not isinstance(value, int | float)


def _cell(
    sheet: WriteOnlyWorksheet,
    value: Value,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
) -> WriteOnlyCell:
    if isinstance(value, datetime | date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
    elif isinstance(value, bool | int | float):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell = WriteOnlyCell(sheet, value=text)
        # A text starting with "=" would otherwise be saved as a formula.
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell
