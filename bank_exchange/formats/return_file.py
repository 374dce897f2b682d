"""Reading the return file in which Bank Kalsel answers a batch (SOP step 5).

The reader only turns an .xlsx or .csv file into typed rows; judging those
rows against the batch is :mod:`bank_exchange.formats.return_check`'s work.
Columns are found by name, so the bank may add, drop or reorder columns
(for instance return the "Data" sheet of the batch with three columns
appended). Values stay text throughout: an account number or a NIK is never
turned into a number.
"""

import codecs
import csv
import io
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import python_calamine
from django.utils.translation import gettext as _

from .cells import normalise_header, sha256_of, unneutralise
from .choices import ProblemCode, ReturnStatus

logger = logging.getLogger(__name__)

# Canonical column names, as docs/bank-format.md lists them.
COLUMN_LABELS = {
    "batch_number": "NOMOR_BATCH",
    "row_number": "NO",
    "nik": "NIK",
    "nisn": "NISN",
    "account_number": "NOMOR_REKENING",
    "status": "STATUS",
    "reason": "ALASAN",
    "opened_on": "TANGGAL_BUKA",
}

# Accepted spellings of each column, compared after normalise_header().
COLUMN_ALIASES = {
    "batch_number": (
        "nomorbatch",
        "nobatch",
        "batch",
        "batchnumber",
        "batchno",
        "kodebatch",
        "idbatch",
    ),
    "row_number": (
        "no",
        "nourut",
        "nomorurut",
        "nobaris",
        "nomorbaris",
        "baris",
        "row",
        "rownumber",
        "rowno",
    ),
    "nik": ("nik", "noktp", "nomorindukkependudukan"),
    "nisn": ("nisn",),
    "account_number": (
        "nomorrekening",
        "norekening",
        "norek",
        "rekening",
        "nomorrek",
        "account",
        "accountnumber",
        "accountno",
    ),
    "status": ("status", "statusrekening", "statuspembukaan", "hasil"),
    "reason": (
        "alasan",
        "alasanpenolakan",
        "alasanditolak",
        "keterangan",
        "ket",
        "catatan",
        "reason",
        "rejectionreason",
    ),
    "opened_on": (
        "tanggalbuka",
        "tglbuka",
        "tanggalpembukaan",
        "tglpembukaan",
        "tanggalpembukaanrekening",
        "openingdate",
        "openedon",
        "opendate",
    ),
}
_FIELD_OF_ALIAS = {
    alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases
}
REQUIRED_FIELDS = ("batch_number", "account_number", "status")
IDENTIFYING_FIELDS = ("row_number", "nik", "nisn")

STATUS_ALIASES = {
    "opened": ReturnStatus.OPENED,
    "open": ReturnStatus.OPENED,
    "dibuka": ReturnStatus.OPENED,
    "buka": ReturnStatus.OPENED,
    "terbuka": ReturnStatus.OPENED,
    "rejected": ReturnStatus.REJECTED,
    "reject": ReturnStatus.REJECTED,
    "ditolak": ReturnStatus.REJECTED,
    "tolak": ReturnStatus.REJECTED,
}

NISN_LENGTH = 10
# A header may sit below a title; it is looked for in the first lines only.
HEADER_SEARCH_LINES = 10
CSV_DELIMITERS = (",", ";", "\t", "|")
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")

Cell = str | float | int | bool | date | datetime | time | timedelta


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a return file. ``line`` is the line of the
    uploaded file as a spreadsheet numbers it (None for the file as a whole);
    ``row_number`` the batch row concerned, when known."""

    code: ProblemCode
    message: str
    line: int | None = None
    row_number: int | None = None
    column: str = ""
    value: str = ""


@dataclass(frozen=True)
class ReturnRow:
    line: int
    batch_number: str
    row_number: int | None
    row_number_text: str
    nik: str
    nisn: str
    account_number: str
    status: ReturnStatus | None
    status_text: str
    reason: str
    opened_on: date | None
    opened_on_text: str
    # Fields whose cell held a number rather than text: such a cell may have
    # lost leading zeros or, past 15 digits, its last digits.
    numeric_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ReturnFile:
    filename: str
    sha256: str
    format: str
    rows: tuple[ReturnRow, ...]
    problems: tuple[Problem, ...]
    # Field name -> the header as written in the file.
    columns: dict[str, str] = field(default_factory=dict)

    def batch_numbers(self) -> list[str]:
        """The distinct batch numbers named in the file, in order of first
        appearance; the caller picks the batch to check against from these."""
        seen: dict[str, None] = {}
        for row in self.rows:
            if row.batch_number:
                seen.setdefault(row.batch_number, None)
        return list(seen)

    def column_label(self, name: str) -> str:
        return self.columns.get(name, COLUMN_LABELS[name])


@dataclass(frozen=True)
class _Grid:
    """The cells of one sheet with their spreadsheet line numbers."""

    lines: list[tuple[int, list[Cell]]]


def _read_source(source: bytes | str | os.PathLike[str]) -> bytes:
    if isinstance(source, bytes):
        return source
    return Path(source).read_bytes()


def _decode_csv(content: bytes) -> str:
    """The file's text. Raises ValueError for a NUL character, which no text
    file holds and the database cannot store."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" (tab-separated UTF-16).
        text = content.decode("utf-16")
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV" in the ANSI code page unless told
            # otherwise; identifiers and status words are ASCII either way.
            logger.warning("return file is not UTF-8, read as Windows-1252")
            text = content.decode("cp1252", errors="replace")
    if "\x00" in text:
        # The shared upload check only reads the start of the file.
        raise ValueError("NUL character in a CSV return file")
    return text


def _csv_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _csv_grids(content: bytes) -> list[_Grid]:
    text = _decode_csv(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_csv_delimiter(text))
    return [_Grid(_filled_lines(reader))]


def _xlsx_grids(content: bytes) -> list[_Grid]:
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    grids = []
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        # Rows come from the sheet's first row, empty ones included, so
        # their count is the sheet's own line number, which is what the
        # officer looks up.
        grids.append(_Grid(_filled_lines(sheet.iter_rows())))
    return grids


def _filled_lines(rows: Iterable[Sequence[Cell]]) -> list[tuple[int, list[Cell]]]:
    """The rows that hold anything, with their line numbers. Empty ones are
    dropped at once: a file of a million empty lines must cost neither the
    memory nor the time of a million rows."""
    return [
        (number, list(cells))
        for number, cells in enumerate(rows, start=1)
        if cells.count("") != len(cells) and not _is_blank(cells)
    ]


def _text(value: Cell) -> tuple[str, bool]:
    """A cell as text, and whether the cell held a number."""
    if isinstance(value, bool):
        return str(value).upper(), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value)), True
        return repr(value), True
    if isinstance(value, datetime):
        return value.isoformat(sep=" "), False
    if isinstance(value, date | time):
        return value.isoformat(), False
    if isinstance(value, timedelta):
        return str(value), False
    return unneutralise(value.strip().replace("\xa0", " ").strip()), False


def _is_blank(cells: Sequence[Cell]) -> bool:
    return all(_text(cell)[0] == "" for cell in cells)


def _date(value: Cell) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None

    text = value.strip()
    match = _DAY_FIRST_DATE.fullmatch(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


def _status(text: str) -> ReturnStatus | None:
    return STATUS_ALIASES.get(normalise_header(text))


def _row_number(text: str) -> int | None:
    return int(text) if text.isdigit() and int(text) > 0 else None


@dataclass
class _Header:
    line: int
    positions: dict[str, int]
    labels: dict[str, str]
    problems: list[Problem]


def _match_header(line: int, cells: Sequence[Cell]) -> _Header:
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(cells):
        label = _text(cell)[0]
        name = _FIELD_OF_ALIAS.get(normalise_header(label))
        if name is None:
            continue
        if name in positions:
            problems.append(
                Problem(
                    ProblemCode.DUPLICATE_COLUMN,
                    _(
                        "Kolom %(first)s dan %(second)s sama-sama berarti "
                        "%(column)s; hapus salah satunya."
                    )
                    % {
                        "first": labels[name],
                        "second": label,
                        "column": COLUMN_LABELS[name],
                    },
                    line=line,
                    column=label,
                )
            )
            continue
        positions[name] = index
        labels[name] = label
    return _Header(line, positions, labels, problems)


def _find_header(grid: _Grid) -> _Header | None:
    """The first line near the top that names at least two known columns."""
    candidates = [(line, cells) for line, cells in grid.lines if not _is_blank(cells)]
    for line, cells in candidates[:HEADER_SEARCH_LINES]:
        header = _match_header(line, cells)
        if len(header.positions) >= 2:
            return header
    return None


def _missing_columns(header: _Header) -> list[Problem]:
    problems = []
    for name in REQUIRED_FIELDS:
        if name not in header.positions:
            problems.append(
                Problem(
                    ProblemCode.MISSING_COLUMN,
                    _("Kolom %(column)s tidak ditemukan.")
                    % {"column": COLUMN_LABELS[name]},
                    line=header.line,
                    column=COLUMN_LABELS[name],
                )
            )
    if not any(name in header.positions for name in IDENTIFYING_FIELDS):
        problems.append(
            Problem(
                ProblemCode.MISSING_COLUMN,
                _("Kolom NO, NIK, atau NISN tidak ditemukan; salah satunya wajib ada."),
                line=header.line,
                column="NO/NIK/NISN",
            )
        )
    return problems


def _choose_sheet(grids: list[_Grid]) -> tuple[_Grid, _Header] | None:
    """The first sheet whose header has every required column, else the
    first with any recognisable header, so that its gaps can be reported."""
    found = [
        (grid, header) for grid in grids if (header := _find_header(grid)) is not None
    ]
    for grid, header in found:
        if not _missing_columns(header) and not header.problems:
            return grid, header
    return found[0] if found else None


def _cell(cells: Sequence[Cell], header: _Header, name: str) -> Cell:
    index = header.positions.get(name)
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _build_row(line: int, cells: Sequence[Cell], header: _Header) -> ReturnRow:
    texts: dict[str, str] = {}
    numeric: set[str] = set()
    for name in COLUMN_LABELS:
        text, was_number = _text(_cell(cells, header, name))
        texts[name] = text
        if was_number and text:
            numeric.add(name)

    # A NISN is always ten digits, so zeros lost in a number cell can be put
    # back without guessing; an account number's zeros cannot.
    nisn = texts["nisn"]
    if "nisn" in numeric and nisn.isdigit():
        nisn = nisn.zfill(NISN_LENGTH)

    return ReturnRow(
        line=line,
        batch_number=texts["batch_number"],
        row_number=_row_number(texts["row_number"]),
        row_number_text=texts["row_number"],
        nik=texts["nik"],
        nisn=nisn,
        account_number=texts["account_number"],
        status=_status(texts["status"]),
        status_text=texts["status"],
        reason=texts["reason"],
        opened_on=_date(_cell(cells, header, "opened_on")),
        opened_on_text=texts["opened_on"],
        numeric_fields=frozenset(numeric),
    )


def _format_of(filename: str) -> str | None:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".csv":
        return "csv"
    return None


def parse_return_file(
    source: bytes | str | os.PathLike[str], filename: str
) -> ReturnFile:
    """Read a return file (.xlsx or .csv, chosen by ``filename``'s suffix).

    Never raises for bad content: a file that cannot be used comes back with
    no rows and its problems listed.
    """
    content = _read_source(source)
    digest = sha256_of(content)
    kind = _format_of(filename)

    def refused(*problems: Problem) -> ReturnFile:
        return ReturnFile(filename, digest, kind or "", (), problems)

    if kind is None:
        return refused(
            Problem(
                ProblemCode.UNSUPPORTED_FILE,
                _("Berkas %(name)s bukan .xlsx atau .csv.") % {"name": filename},
            )
        )

    try:
        grids = _xlsx_grids(content) if kind == "xlsx" else _csv_grids(content)
    except (python_calamine.CalamineError, csv.Error, ValueError):
        logger.warning("return file could not be read as %s", kind, exc_info=True)
        return refused(
            Problem(
                ProblemCode.UNREADABLE_FILE,
                _("Berkas tidak dapat dibaca sebagai %(format)s.")
                % {"format": "." + kind},
            )
        )

    chosen = _choose_sheet(grids)
    if chosen is None:
        return refused(
            Problem(
                ProblemCode.MISSING_COLUMN,
                _(
                    "Baris judul kolom tidak ditemukan; baris pertama harus berisi "
                    "NOMOR_BATCH, NO, NOMOR_REKENING, STATUS, dan ALASAN."
                ),
            )
        )

    grid, header = chosen
    problems = header.problems + _missing_columns(header)
    if problems:
        return refused(*problems)

    rows = tuple(
        _build_row(line, cells, header)
        for line, cells in grid.lines
        if line > header.line and not _is_blank(cells)
    )
    if not rows:
        return refused(
            Problem(ProblemCode.EMPTY_FILE, _("Berkas tidak berisi baris data."))
        )
    return ReturnFile(filename, digest, kind, rows, (), dict(header.labels))
