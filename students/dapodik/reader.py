"""Reading the rows of a pupil list from .xlsx, .xls, .ods and .csv files.

The reader finds the table by its content: the header row is the first row
near the top that names the required columns, whatever title rows stand
above it. Dapodik's two-row header, with "Data Ayah", "Data Ibu" and
"Data Wali" merged over their sub-columns, is recognised and flattened into
keys such as ``ibu_nik``. Rows are produced one at a time; nothing but the
header area is held.

Spreadsheets are read with python-calamine, chosen by measurement (see
benchmarks/dapodik_read.py): on this machine it reads a 50,000-row export
several times faster than openpyxl's read-only mode, and it reads .xls and
.ods as well.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from students.dapodik.columns import (
    COLUMNS_BY_KEY,
    GROUP_FIELDS,
    GROUP_PREFIXES,
    PARENT_GROUPS,
    REQUIRED_KEYS,
    USED_KEYS,
    compact,
    key_for_header,
)
from students.dapodik.safety import FileKind, RefusalCode, UploadRefused

SHEET_NAME = "Daftar Peserta Didik"
# The header must start within this many rows of the top of the sheet.
HEADER_SCAN_ROWS = 30
# More data rows than any school has; a file beyond it is refused rather than
# read for minutes.
MAX_DATA_ROWS = 100_000
# Other sheets tried, in order, when none is called "Daftar Peserta Didik".
MAX_SHEETS_TRIED = 5

Value = object


@dataclass
class HeaderInfo:
    """What the title rows above the table say about the file."""

    school_name: str | None = None
    npsn: str | None = None
    kecamatan: str | None = None
    downloaded_at: str | None = None
    downloaded_by: str | None = None


@dataclass
class ColumnMap:
    """Where each known column is, and what the file calls it.

    ``positions`` are 0-based indexes into the row lists; ``first_column`` is
    the 0-based sheet column of index 0 (a sheet whose table starts in
    column B has 1). ``header_rows`` are the sheet's row numbers (1-based) of
    the header.
    """

    positions: dict[str, int]
    labels: dict[str, str]
    header_rows: tuple[int, ...]
    first_column: int = 0
    width: int = 0
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


@dataclass
class Table:
    """An opened pupil table: its header and a one-pass iterator of rows.

    ``rows`` yields (sheet row number, cell values) for every row below the
    header, empty ones included; values are what the reader library gives
    (str, float, int, bool, date, datetime) with "" for an empty cell.
    """

    kind: FileKind
    sheet_name: str | None
    header: HeaderInfo
    columns: ColumnMap
    rows: Iterator[tuple[int, list[Value]]]
    title_rows: list[list[Value]] = field(default_factory=list)
    header_cells: list[list[Value]] = field(default_factory=list)


def open_table(path: Path, kind: FileKind) -> Table:
    """Open the pupil table in ``path``, a file already passed by safety.

    Raises :class:`UploadRefused` when no sheet has a header with the
    required columns, when a needed column appears twice, or when the
    reader library cannot read the file.
    """
    if kind == FileKind.CSV:
        return _open_csv(path)
    return _open_spreadsheet(path, kind)


def _open_spreadsheet(path: Path, kind: FileKind) -> Table:
    try:
        with path.open("rb") as handle:
            workbook = CalamineWorkbook.from_filelike(handle)
    except PasswordError as exc:
        raise UploadRefused(RefusalCode.ENCRYPTED) from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise UploadRefused(RefusalCode.DAMAGED) from exc

    names = workbook.sheet_names
    if not names:
        raise UploadRefused(RefusalCode.NO_SHEET)
    preferred = [name for name in names if compact(name) == compact(SHEET_NAME)]
    candidates = preferred + [name for name in names if name not in preferred]

    refusal: UploadRefused | None = None
    for name in candidates[:MAX_SHEETS_TRIED]:
        try:
            sheet = workbook.get_sheet_by_name(name)
            start = sheet.start
            rows = _calamine_rows(cast(Iterator[list[Value]], sheet.iter_rows()))
        except PasswordError as exc:
            raise UploadRefused(RefusalCode.ENCRYPTED) from exc
        except (CalamineError, ValueError) as exc:
            # A chart sheet or a damaged sheet; another may hold the table.
            refusal = refusal or UploadRefused(RefusalCode.DAMAGED)
            refusal.__cause__ = refusal.__cause__ or exc
            continue
        first_column = start[1] if start else 0
        try:
            return _table_from_rows(kind, name, rows, first_column)
        except UploadRefused as exc:
            if exc.code not in (RefusalCode.NO_HEADER, RefusalCode.DAMAGED):
                raise
            if refusal is None or refusal.code == RefusalCode.DAMAGED:
                refusal = exc
    assert refusal is not None  # noqa: S101 - candidates is never empty here
    raise refusal


def _calamine_rows(rows: Iterator[list[Value]]) -> Iterator[tuple[int, list[Value]]]:
    # calamine yields every row from the sheet's first row, empty leading
    # rows included, so the position is the row number.
    try:
        yield from enumerate(rows, start=1)
    except CalamineError as exc:
        raise UploadRefused(RefusalCode.DAMAGED) from exc


def _open_csv(path: Path) -> Table:
    text = _decode_csv(path.read_bytes())
    sample = text[: 64 * 1024].splitlines()[:HEADER_SCAN_ROWS]

    # The delimiter is the one whose header row names the most known columns.
    best: tuple[int, str] | None = None
    for delimiter in (";", ",", "\t"):
        lines: list[list[Value]] = [
            list(line) for line in csv.reader(sample, delimiter=delimiter)
        ]
        found = _find_header(lines)
        if found is not None:
            header = lines[found[0]]
            score = sum(key_for_header(cell) is not None for cell in header)
            if best is None or score > best[0]:
                best = (score, delimiter)
    delimiter = best[1] if best else ","

    # Validating a row costs far more than parsing it: a file far past the
    # row limit is refused after one parse, not after validating 100,000
    # rows. Above the first data row stand at most the rows searched for
    # the header and a second header row.
    parsed = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        filled = sum(1 for row in parsed if any(row))
    except csv.Error as exc:
        raise UploadRefused(RefusalCode.DAMAGED) from exc
    if filled > MAX_DATA_ROWS + HEADER_SCAN_ROWS + 1:
        raise UploadRefused(RefusalCode.TOO_MANY_ROWS, limit=MAX_DATA_ROWS)

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _table_from_rows(FileKind.CSV, None, _csv_rows(reader), 0)


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[Value]]]:
    # The csv module refuses a field past its size limit (128 KB), which is
    # also what an unclosed quote turns the rest of a file into; no pupil
    # list has one.
    try:
        for number, row in enumerate(reader, start=1):
            yield number, list(row)
    except csv.Error as exc:
        raise UploadRefused(RefusalCode.DAMAGED) from exc


def _decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16, or cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise UploadRefused(RefusalCode.BAD_TEXT)
        return text
    raise UploadRefused(RefusalCode.BAD_TEXT)


def _table_from_rows(
    kind: FileKind,
    sheet_name: str | None,
    rows: Iterator[tuple[int, list[Value]]],
    first_column: int,
) -> Table:
    head: list[tuple[int, list[Value]]] = []
    for item in rows:
        head.append(item)
        if len(head) >= HEADER_SCAN_ROWS + 1:
            break

    found = _find_header([row for _number, row in head])
    if found is None:
        missing = [COLUMNS_BY_KEY[key].header for key in REQUIRED_KEYS]
        raise UploadRefused(RefusalCode.NO_HEADER, columns=", ".join(missing))
    index, keys = found

    top = head[index][1]
    below = head[index + 1][1] if index + 1 < len(head) else []
    two_rows = _is_two_row_header(top, below, keys)
    columns = _map_columns(top, below if two_rows else [], two_rows)
    columns.header_rows = tuple(
        head[position][0] for position in range(index, index + 1 + two_rows)
    )
    columns.first_column = first_column

    missing_required = [key for key in REQUIRED_KEYS if key not in columns.positions]
    if missing_required:
        labels = [COLUMNS_BY_KEY[key].header for key in missing_required]
        raise UploadRefused(RefusalCode.NO_HEADER, columns=", ".join(labels))

    title_rows = [row for _number, row in head[:index]]
    data_start = index + 1 + two_rows

    def data_rows() -> Iterator[tuple[int, list[Value]]]:
        for count, item in enumerate(_chain(head[data_start:], rows), start=1):
            if count > MAX_DATA_ROWS and any(_has_value(v) for v in item[1]):
                raise UploadRefused(RefusalCode.TOO_MANY_ROWS, limit=MAX_DATA_ROWS)
            yield item

    return Table(
        kind=kind,
        sheet_name=sheet_name,
        header=_header_info(title_rows),
        columns=columns,
        rows=data_rows(),
        title_rows=title_rows,
        header_cells=[head[position][1] for position in range(index, data_start)],
    )


def _chain(
    first: list[tuple[int, list[Value]]], rest: Iterator[tuple[int, list[Value]]]
) -> Iterator[tuple[int, list[Value]]]:
    yield from first
    yield from rest


def _has_value(value: Value) -> bool:
    return (
        value is not None
        and value != ""
        and not (isinstance(value, str) and not value.strip())
    )


def _find_header(rows: list[list[Value]]) -> tuple[int, set[str]] | None:
    """The index of the header row and the required keys it names.

    The header is the first row naming the pupil's name and at least one
    more required column; a title such as "Daftar Peserta Didik" names none.
    """
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        keys = {key_for_header(cell) for cell in row if _has_value(cell)}
        found = {key for key in keys if key in REQUIRED_KEYS}
        if "nama" in found and len(found) >= 2:
            return index, found
    return None


def _is_two_row_header(top: list[Value], below: list[Value], keys: set[str]) -> bool:
    if any(compact(cell) in GROUP_PREFIXES for cell in top):
        return True

    # Without group titles, a second header row is one whose cells are all
    # sub-column names, standing under empty cells of the first.
    texts = [compact(cell) for cell in below if _has_value(cell)]
    return len(texts) >= 2 and all(text in GROUP_FIELDS for text in texts)


def _map_columns(top: list[Value], below: list[Value], two_rows: bool) -> ColumnMap:
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    duplicates: dict[str, list[str]] = {}
    unknown: list[str] = []
    group: tuple[str, str] | None = None
    width = max(len(top), len(below))

    for index in range(width):
        upper = _label(top[index]) if index < len(top) else ""
        lower = _label(below[index]) if index < len(below) else ""
        key: str | None = None
        label = upper or lower

        if two_rows and compact(upper) in GROUP_PREFIXES:
            group = (GROUP_PREFIXES[compact(upper)], upper)
        elif upper:
            group = None

        if group is not None and lower:
            field_key = GROUP_FIELDS.get(compact(lower))
            key = f"{group[0]}_{field_key}" if field_key else None
            label = f"{group[1]} / {lower}"
        elif label:
            key = key_for_header(label)

        if not label:
            continue
        if key is None:
            unknown.append(label)
            continue
        if key in positions:
            duplicates.setdefault(key, [labels[key]]).append(label)
            continue
        positions[key] = index
        labels[key] = label

    for key in duplicates:
        if key in USED_KEYS:
            raise UploadRefused(
                RefusalCode.DUPLICATE_COLUMN,
                column=COLUMNS_BY_KEY[key].header,
                headers=", ".join(duplicates[key]),
            )

    missing = [key for key in USED_KEYS if key not in positions]
    return ColumnMap(
        positions=positions,
        labels=labels,
        header_rows=(),
        width=width,
        missing=missing,
        unknown=unknown,
    )


def _label(value: Value) -> str:
    if not _has_value(value):
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


_KECAMATAN = re.compile(r"kecamatan\s*:?\s*(?:kec\.?\s*)?([^,]+)", re.IGNORECASE)
_DOWNLOADED_AT = re.compile(r"tanggal\s+unduh\s*:?\s*(.+)", re.IGNORECASE)
_DOWNLOADED_BY = re.compile(r"pengunduh\s*:?\s*(.+)", re.IGNORECASE)
_NPSN = re.compile(r"npsn\D{0,5}(\d{8})\b", re.IGNORECASE)
_SCHOOL = re.compile(r"(?:nama\s+)?sekolah\s*:\s*(.+)", re.IGNORECASE)


def _header_info(title_rows: list[list[Value]]) -> HeaderInfo:
    info = HeaderInfo()
    lines = [
        " ".join(_label(cell) for cell in row if _has_value(cell)) for row in title_rows
    ]
    for line in filter(None, lines):
        if match := _NPSN.search(line):
            info.npsn = info.npsn or match.group(1)
        if match := _DOWNLOADED_AT.match(line):
            info.downloaded_at = info.downloaded_at or match.group(1).strip()
        elif match := _DOWNLOADED_BY.match(line):
            info.downloaded_by = info.downloaded_by or match.group(1).strip()
        elif match := _KECAMATAN.match(line):
            info.kecamatan = info.kecamatan or match.group(1).strip()
        elif match := _SCHOOL.match(line):
            info.school_name = info.school_name or match.group(1).strip()
        elif (
            info.school_name is None
            and ":" not in line
            and compact(line) != compact(SHEET_NAME)
            and not _NPSN.search(line)
            and not any(compact(line) == compact(h) for _p, h in PARENT_GROUPS)
        ):
            info.school_name = line
    return info
