"""The batch file the Dinas hands to Bank Kalsel (SOP step 4).

One batch gives three files, all laid out in docs/bank-format.md:

- ``<stem>.xlsx`` with a "Data" sheet (one row per student) and a "Kontrol"
  sheet (counts and totals);
- ``<stem>.csv``, the same rows for the bank's systems;
- ``<stem>-kontrol.csv``, the control values of the "Kontrol" sheet plus the
  SHA-256 of the data CSV.

Every writer is deterministic: the same header and rows give the same bytes,
so the SHA-256 recorded when a batch is sent can be checked again later.
Column names and control keys are part of the agreed layout and are therefore
fixed strings, not translated: the file must not change with the language of
whoever pressed the button.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .cells import WITA, safe_text, save_workbook_deterministically, sha256_of

DATA_SHEET = "Data"
CONTROL_SHEET = "Kontrol"
TEXT_FORMAT = "@"
DATE_FORMAT = "dd-mm-yyyy"
AMOUNT_FORMAT = "#,##0"
GENDERS = ("L", "P")
JENJANG_ORDER = ("SD", "SMP", "SMA")


@dataclass(frozen=True)
class BatchHeader:
    batch_number: str
    period_year: int
    created_at: datetime


@dataclass(frozen=True)
class BatchRow:
    row_number: int
    nik: str
    nisn: str
    name: str
    gender: str
    birth_place: str
    birth_date: date
    mother_name: str
    street: str
    rt: str
    rw: str
    desa: str
    kecamatan: str
    npsn: str
    school_name: str
    jenjang: str
    amount: int


@dataclass(frozen=True)
class JenjangTotal:
    jenjang: str
    row_count: int
    amount: int


@dataclass(frozen=True)
class BatchControl:
    """What the "Kontrol" sheet and the control CSV state about a batch."""

    batch_number: str
    period_year: int
    created_at: datetime
    row_count: int
    amount_total: int
    per_jenjang: tuple[JenjangTotal, ...]


@dataclass(frozen=True)
class BatchFile:
    name: str
    content: bytes
    content_type: str

    @property
    def sha256(self) -> str:
        return sha256_of(self.content)


class Kind(Enum):
    INTEGER = "integer"
    IDENTIFIER = "identifier"
    TEXT = "text"
    DATE = "date"
    AMOUNT = "amount"


Value = str | int | date


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    width: int
    value: Callable[[BatchHeader, BatchRow], Value]


COLUMNS: tuple[Column, ...] = (
    Column("NO", Kind.INTEGER, 7, lambda h, r: r.row_number),
    Column("NOMOR_BATCH", Kind.TEXT, 16, lambda h, r: h.batch_number),
    Column("NIK", Kind.IDENTIFIER, 19, lambda h, r: r.nik),
    Column("NISN", Kind.IDENTIFIER, 13, lambda h, r: r.nisn),
    Column("NAMA", Kind.TEXT, 32, lambda h, r: r.name),
    Column("JENIS_KELAMIN", Kind.TEXT, 15, lambda h, r: r.gender),
    Column("TEMPAT_LAHIR", Kind.TEXT, 18, lambda h, r: r.birth_place),
    Column("TANGGAL_LAHIR", Kind.DATE, 15, lambda h, r: r.birth_date),
    Column("NAMA_IBU_KANDUNG", Kind.TEXT, 28, lambda h, r: r.mother_name),
    Column("ALAMAT_JALAN", Kind.TEXT, 32, lambda h, r: r.street),
    Column("RT", Kind.IDENTIFIER, 6, lambda h, r: r.rt),
    Column("RW", Kind.IDENTIFIER, 6, lambda h, r: r.rw),
    Column("DESA_KELURAHAN", Kind.TEXT, 20, lambda h, r: r.desa),
    Column("KECAMATAN", Kind.TEXT, 18, lambda h, r: r.kecamatan),
    Column("NPSN", Kind.IDENTIFIER, 11, lambda h, r: r.npsn),
    Column("NAMA_SEKOLAH", Kind.TEXT, 32, lambda h, r: r.school_name),
    Column("JENJANG", Kind.TEXT, 10, lambda h, r: r.jenjang),
    Column("NOMINAL", Kind.AMOUNT, 14, lambda h, r: r.amount),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)


def batch_file_stem(batch_number: str) -> str:
    """``"KBP/2026/003"`` becomes ``"KBP-2026-003"``, fit for a file name."""
    return re.sub(r"[^0-9A-Za-z]+", "-", batch_number).strip("-")


def _validate(header: BatchHeader, rows: Sequence[BatchRow]) -> None:
    if header.created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")

    seen: set[int] = set()
    for row in rows:
        if row.row_number < 1 or row.row_number in seen:
            raise ValueError(f"row number {row.row_number} is invalid or repeated")
        seen.add(row.row_number)
        if row.gender not in GENDERS:
            raise ValueError(f"row {row.row_number}: gender must be L or P")
        if row.amount < 0:
            raise ValueError(f"row {row.row_number}: amount must not be negative")


def _sorted(rows: Iterable[BatchRow]) -> list[BatchRow]:
    return sorted(rows, key=lambda row: row.row_number)


def _jenjang_key(jenjang: str) -> tuple[int, str]:
    if jenjang in JENJANG_ORDER:
        return (JENJANG_ORDER.index(jenjang), jenjang)
    return (len(JENJANG_ORDER), jenjang)


def batch_control(header: BatchHeader, rows: Sequence[BatchRow]) -> BatchControl:
    counts: dict[str, int] = {}
    amounts: dict[str, int] = {}
    for row in rows:
        counts[row.jenjang] = counts.get(row.jenjang, 0) + 1
        amounts[row.jenjang] = amounts.get(row.jenjang, 0) + row.amount

    per_jenjang = tuple(
        JenjangTotal(jenjang, counts[jenjang], amounts[jenjang])
        for jenjang in sorted(counts, key=_jenjang_key)
    )
    return BatchControl(
        batch_number=header.batch_number,
        period_year=header.period_year,
        created_at=header.created_at,
        row_count=len(rows),
        amount_total=sum(row.amount for row in rows),
        per_jenjang=per_jenjang,
    )


def _key_suffix(jenjang: str) -> str:
    return re.sub(r"[^0-9A-Z]+", "_", jenjang.upper()).strip("_")


def control_items(control: BatchControl) -> list[tuple[str, str | int]]:
    """The control values as (key, value) pairs, in file order."""
    created = control.created_at.astimezone(WITA).isoformat(timespec="seconds")
    items: list[tuple[str, str | int]] = [
        ("NOMOR_BATCH", control.batch_number),
        ("PERIODE", control.period_year),
        ("DIBUAT_PADA", created),
        ("JUMLAH_BARIS", control.row_count),
        ("JUMLAH_NOMINAL", control.amount_total),
    ]
    for total in control.per_jenjang:
        suffix = _key_suffix(total.jenjang)
        items.append((f"JUMLAH_BARIS_{suffix}", total.row_count))
        items.append((f"JUMLAH_NOMINAL_{suffix}", total.amount))
    return items


def _export_value(column: Column, header: BatchHeader, row: BatchRow) -> Value:
    value = column.value(header, row)
    if isinstance(value, str):
        return safe_text(value)
    return value


def _write_data_sheet(
    sheet: Worksheet, header: BatchHeader, rows: Sequence[BatchRow]
) -> None:
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(column.width, len(column.name) + 2)

    for line, row in enumerate(rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            value = _export_value(column, header, row)
            # An empty string would be stored as an empty text cell; a blank
            # cell reads the same in every spreadsheet.
            cell = sheet.cell(row=line, column=index, value=None)
            if value != "":
                cell.value = value
            if column.kind in (Kind.IDENTIFIER, Kind.TEXT):
                # "@" keeps a value typed into the cell later as text too.
                cell.number_format = TEXT_FORMAT
                if cell.value is not None:
                    # Set after the value: openpyxl guesses the type of a
                    # string, and a text cell must never become a formula.
                    cell.data_type = "s"
            elif column.kind is Kind.DATE:
                cell.number_format = DATE_FORMAT
            elif column.kind is Kind.AMOUNT:
                cell.number_format = AMOUNT_FORMAT

    sheet.freeze_panes = "A2"
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 2)}"


def _write_control_sheet(sheet: Worksheet, control: BatchControl) -> None:
    bold = Font(bold=True)
    sheet.append(["KUNCI", "NILAI"])
    for cell in sheet[1]:
        cell.font = bold
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 30

    for key, value in control_items(control):
        if isinstance(value, str):
            value = safe_text(value)
        sheet.append([key, value])
        cell = sheet.cell(row=sheet.max_row, column=2)
        if isinstance(value, str):
            cell.data_type = "s"
            cell.number_format = TEXT_FORMAT
        elif key.startswith("JUMLAH_NOMINAL"):
            cell.number_format = AMOUNT_FORMAT
        cell.alignment = Alignment(horizontal="left")


def write_batch_xlsx(
    header: BatchHeader, rows: Sequence[BatchRow], out: BinaryIO
) -> None:
    """Write the batch as an .xlsx workbook with the sheets "Data" and
    "Kontrol" to ``out``."""
    _validate(header, rows)
    ordered = _sorted(rows)

    workbook = Workbook()
    data = workbook.worksheets[0]
    data.title = DATA_SHEET
    _write_data_sheet(data, header, ordered)
    _write_control_sheet(
        workbook.create_sheet(CONTROL_SHEET), batch_control(header, ordered)
    )

    save_workbook_deterministically(workbook, out, header.created_at)


def _csv_bytes(lines: Iterable[Sequence[str | int]]) -> bytes:
    # Every text field is quoted and numbers are not, so a reader can tell
    # an identifier (always text) from an amount; CRLF as RFC 4180 asks.
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer, delimiter=",", quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n"
    )
    writer.writerows(lines)
    return buffer.getvalue().encode("utf-8")


def _csv_value(column: Column, header: BatchHeader, row: BatchRow) -> str | int:
    value = _export_value(column, header, row)
    if isinstance(value, date):
        return value.isoformat()
    return value


def batch_csv_bytes(header: BatchHeader, rows: Sequence[BatchRow]) -> bytes:
    _validate(header, rows)

    lines: list[Sequence[str | int]] = [COLUMN_NAMES]
    for row in _sorted(rows):
        lines.append([_csv_value(column, header, row) for column in COLUMNS])
    return _csv_bytes(lines)


def write_batch_csv(
    header: BatchHeader, rows: Sequence[BatchRow], out: BinaryIO
) -> None:
    """Write the rows of the "Data" sheet as UTF-8 CSV (no byte order mark,
    comma separated, text quoted, CRLF line ends, dates as YYYY-MM-DD)."""
    out.write(batch_csv_bytes(header, rows))


def write_batch_control_csv(
    header: BatchHeader, rows: Sequence[BatchRow], out: BinaryIO
) -> None:
    """Write the "Kontrol" values as a two-column CSV, followed by the
    SHA-256 of the data CSV so that the bank can check the pair."""
    data = batch_csv_bytes(header, rows)
    ordered = _sorted(rows)

    lines: list[Sequence[str | int]] = [("KUNCI", "NILAI")]
    for key, value in control_items(batch_control(header, ordered)):
        lines.append((key, safe_text(value) if isinstance(value, str) else value))
    lines.append(("SHA256_DATA_CSV", sha256_of(data)))
    out.write(_csv_bytes(lines))


def render_batch_files(
    header: BatchHeader, rows: Sequence[BatchRow]
) -> tuple[BatchFile, BatchFile, BatchFile]:
    """The three files of a batch: .xlsx, data .csv and control .csv."""
    stem = batch_file_stem(header.batch_number)

    workbook = io.BytesIO()
    write_batch_xlsx(header, rows, workbook)
    data = io.BytesIO()
    write_batch_csv(header, rows, data)
    control = io.BytesIO()
    write_batch_control_csv(header, rows, control)

    return (
        BatchFile(
            f"{stem}.xlsx",
            workbook.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        BatchFile(f"{stem}.csv", data.getvalue(), "text/csv; charset=utf-8"),
        BatchFile(f"{stem}-kontrol.csv", control.getvalue(), "text/csv; charset=utf-8"),
    )
