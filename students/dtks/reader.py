"""Streaming reader of DTKS and DTSEN register extracts (.csv and .xlsx).

Dinsos sends the register as a CSV (comma, semicolon or pipe separated, in
UTF-8 or in the Windows-1252 that Excel on Windows saves) or as an Excel
workbook. ``open_register`` finds the header row and maps the columns by name
with their aliases; ``RegisterReader.chunks`` then yields typed ``PersonRow``
tuples in chunks ready for a bulk insert, with every problem found on the way
as a ``RowProblem``. A row is only left out when it has no name, and then a
fatal problem says so.

A CSV is read as a stream, so memory stays flat whatever the file's size. An
.xlsx sheet is held by calamine in compact native form (an Excel sheet has at
most 1,048,576 rows); the Python rows are still made one chunk at a time.

The per-row work is kept to dictionary look-ups and string methods: values
that repeat (dates, places, relationships) are parsed once per distinct text.
"""

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from datetime import date
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NamedTuple, Self

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from students.identifiers import (
    cell_text,
    is_missing,
    normalize_name,
    parse_date,
    parse_gender,
    parse_nik,
    parse_no_kk,
)

CHUNK_SIZE = 5000
SAMPLE_BYTES = 64 * 1024
HEADER_SEARCH_ROWS = 10
DELIMITERS = (",", ";", "|", "\t")
ZIP_MAGIC = b"PK\x03\x04"

# Bounds on the caches of parsed values: the distinct birth dates, places and
# relationships of a register are a few tens of thousands at most, but a
# column of unique junk must not grow a cache without end.
CACHE_LIMIT = 200_000

# The fields of a PersonRow and the headers that name them, compared after
# upper-casing and turning every run of non-alphanumerics into "_".
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "dtks_id": (
        "IDDTKS",
        "ID_DTKS",
        "ID_DTSEN",
        "IDDTSEN",
        "ID_INDIVIDU",
        "ID_ART",
        "IDARTBDT",
        "ID_ARTBDT",
        "ID",
    ),
    "nik": ("NIK", "NOMOR_NIK", "NO_NIK", "NIK_ART", "NOMOR_INDUK_KEPENDUDUKAN"),
    "no_kk": (
        "NOKK",
        "NO_KK",
        "NOMOR_KK",
        "NOMOR_KARTU_KELUARGA",
        "NO_KARTU_KELUARGA",
        "KK",
    ),
    "name": ("NAMA", "NAMA_LENGKAP", "NAMA_ART", "NAMA_ANGGOTA_KELUARGA"),
    "gender": ("JENIS_KELAMIN", "JK", "JNS_KELAMIN", "JNS_KEL", "KELAMIN", "L_P"),
    "birth_place": ("TMPT_LAHIR", "TEMPAT_LAHIR", "TMP_LAHIR", "TPT_LAHIR"),
    "birth_date": (
        "TGL_LAHIR",
        "TANGGAL_LAHIR",
        "TGLLAHIR",
        "TANGGALLAHIR",
        "TGL_LHR",
    ),
    "relationship": (
        "HUB_KELUARGA",
        "HUBUNGAN_KELUARGA",
        "HUB_KEL",
        "HUBUNGAN_DENGAN_KEPALA_KELUARGA",
        "HUBUNGAN_DENGAN_KK",
        "HUB_DENGAN_KK",
        "HUB_KRT",
        "HUBUNGAN_DENGAN_KRT",
        "SHDK",
        "STATUS_HUBUNGAN_DALAM_KELUARGA",
    ),
    "mother_name": (
        "NAMA_IBU_KANDUNG",
        "NAMA_IBU",
        "IBU_KANDUNG",
        "NM_IBU_KANDUNG",
    ),
    "address": ("ALAMAT", "ALAMAT_LENGKAP", "ALAMAT_KK", "ALAMAT_RUMAH"),
    "dusun": ("DUSUN", "NAMA_DUSUN", "DUSUN_LINGKUNGAN"),
    "rt": ("RT", "NO_RT"),
    "rw": ("RW", "NO_RW"),
    "desa": (
        "DESA_KELURAHAN",
        "DESA",
        "KELURAHAN",
        "DESA_KEL",
        "KEL_DESA",
        "NAMA_DESA",
        "NAMA_KELURAHAN",
        "NAMA_DESA_KELURAHAN",
        "NMDESA",
    ),
    "kecamatan": ("KECAMATAN", "KEC", "NAMA_KECAMATAN", "NMKEC"),
    "kabupaten": (
        "KABUPATEN",
        "KAB",
        "KABUPATEN_KOTA",
        "KAB_KOTA",
        "NAMA_KABUPATEN",
        "NAMA_KABUPATEN_KOTA",
        "NMKAB",
    ),
    "desil": (
        "DESIL",
        "DESIL_NASIONAL",
        "PERINGKAT_DESIL",
        "DESIL_KESEJAHTERAAN",
        "DESIL_KELUARGA",
    ),
}
REQUIRED_FIELDS = ("name",)
# The fields without which the header row is not recognised as one.
HEADER_MINIMUM = 3


class Relationship(models.TextChoices):
    """A person's relationship to the head of the family (HUB_KELUARGA)."""

    HEAD = "kepala_keluarga", gettext_lazy("Kepala keluarga")
    SPOUSE = "istri_suami", gettext_lazy("Istri/suami")
    CHILD = "anak", gettext_lazy("Anak")
    CHILD_IN_LAW = "menantu", gettext_lazy("Menantu")
    GRANDCHILD = "cucu", gettext_lazy("Cucu")
    PARENT = "orang_tua", gettext_lazy("Orang tua/mertua")
    OTHER_FAMILY = "famili_lain", gettext_lazy("Famili lain")
    OTHER = "lainnya", gettext_lazy("Lainnya")


HEAD = Relationship.HEAD
SPOUSE = Relationship.SPOUSE
CHILD = Relationship.CHILD
CHILD_IN_LAW = Relationship.CHILD_IN_LAW
GRANDCHILD = Relationship.GRANDCHILD
PARENT = Relationship.PARENT
OTHER_FAMILY = Relationship.OTHER_FAMILY
OTHER = Relationship.OTHER
# The register's words for them, upper case, punctuation as spaces.
RELATIONSHIPS = {
    "KEPALA KELUARGA": HEAD,
    "KEPALA RUMAH TANGGA": HEAD,
    "KK": HEAD,
    "KRT": HEAD,
    "ISTRI": SPOUSE,
    "ISTERI": SPOUSE,
    "SUAMI": SPOUSE,
    "ISTRI SUAMI": SPOUSE,
    "SUAMI ISTRI": SPOUSE,
    "ANAK": CHILD,
    "ANAK KANDUNG": CHILD,
    "ANAK TIRI": CHILD,
    "ANAK ANGKAT": CHILD,
    "MENANTU": CHILD_IN_LAW,
    "CUCU": GRANDCHILD,
    "ORANG TUA": PARENT,
    "ORANGTUA": PARENT,
    "MERTUA": PARENT,
    "ORANG TUA MERTUA": PARENT,
    "FAMILI LAIN": OTHER_FAMILY,
    "FAMILI": OTHER_FAMILY,
    "PEMBANTU": OTHER,
    "PEMBANTU RUTA": OTHER,
    "LAINNYA": OTHER,
    "LAIN LAIN": OTHER,
    # The numeric codes of the DTKS (Basis Data Terpadu) questionnaire.
    "1": HEAD,
    "2": SPOUSE,
    "3": CHILD,
    "4": CHILD_IN_LAW,
    "5": GRANDCHILD,
    "6": PARENT,
    "7": OTHER,
    "8": OTHER,
}
GENDER_CODES = {"1": "L", "2": "P"}

_HEADER_JUNK = re.compile(r"[^0-9A-Z]+")
_WORD_JUNK = re.compile(r"[^0-9A-Z]+")
_DIGITS = re.compile(r"\d+")


class PersonRow(NamedTuple):
    """One person of the register, typed and cleaned.

    Text fields are ``""`` when empty; ``nik``, ``no_kk``, ``gender``,
    ``birth_date`` and ``desil`` are ``None`` when missing or unusable (a
    ``RowProblem`` says why for the unusable ones). ``relationship`` is a
    ``Relationship`` or ``""``. ``row`` is the row's
    number in the file, the header's row counting as its own number.
    """

    row: int
    dtks_id: str
    nik: str | None
    no_kk: str | None
    name: str
    gender: str | None
    birth_place: str
    birth_date: date | None
    relationship: str
    mother_name: str
    address: str
    dusun: str
    rt: str
    rw: str
    desa: str
    kecamatan: str
    kabupaten: str
    desil: int | None


class RowProblem(NamedTuple):
    """Something wrong in one cell (or one row when ``column`` is ``""``).

    ``fatal`` rows were not yielded; the others were, with the value left
    out.
    """

    row: int
    column: str
    value: str
    message: str
    fatal: bool = False


class Chunk(NamedTuple):
    rows: list[PersonRow]
    problems: list[RowProblem]
    rows_read: int
    progress: float


class RegisterFormatError(ValueError):
    """The file cannot be read as a register at all; the message says why."""


def header_key(text: object) -> str:
    """A header cell in the form the aliases are written in."""
    return _HEADER_JUNK.sub("_", cell_text(text).upper()).strip("_")


_ALIAS_FIELDS = {
    alias: field for field, aliases in COLUMN_ALIASES.items() for alias in aliases
}


def map_columns(header: list[Any]) -> tuple[dict[str, int], list[str]]:
    """The column index of each field found in a header row, and the headers
    that name no field. The first column wins when two name the same field.
    """
    columns: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(header):
        field = _ALIAS_FIELDS.get(header_key(cell))
        if field is None or field in columns:
            if cell_text(cell):
                ignored.append(cell_text(cell))
            continue
        columns[field] = index
    return columns, ignored


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    # A file that is mostly UTF-8 with the odd byte from a Windows editor:
    # read that byte as Windows-1252 instead of failing half-way.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


codecs.register_error("dtks_cp1252", _cp1252_fallback)


def sniff_encoding(sample: bytes) -> str:
    """``utf-8-sig`` for a BOM, ``utf-8`` when the sample decodes as UTF-8,
    else ``cp1252``."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # Not final: the sample may end inside a multi-byte character.
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def sniff_delimiter(lines: list[str]) -> str:
    """The separator of a CSV: of the candidates, the one that occurs most
    often on a single one of its first lines (a title line above the header
    may have none)."""
    counts = {
        delimiter: max((line.count(delimiter) for line in lines), default=0)
        for delimiter in DELIMITERS
    }
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


class RegisterReader:
    """An opened register extract; iterate ``chunks()`` once.

    Use ``open_register`` to make one, as a context manager so that the file
    is closed.
    """

    def __init__(
        self,
        rows: Iterator[list[Any]],
        header: list[Any],
        header_row: int,
        progress: Callable[[], float],
        close: Callable[[], None],
        file_format: str,
        encoding: str = "",
        delimiter: str = "",
    ) -> None:
        self.columns, self.ignored_columns = map_columns(header)
        self.headers = {
            field: cell_text(header[index]) for field, index in self.columns.items()
        }
        self.file_format = file_format
        self.encoding = encoding
        self.delimiter = delimiter
        self._rows = rows
        self._header_row = header_row
        self._width = len(header)
        self._fields = itemgetter(
            *(self.columns.get(field, self._width) for field in PersonRow._fields[1:])
        )
        self._progress = progress
        self._close = close
        # Caches of the values that repeat, by the cell's value: the parsed
        # value and, for the checked ones, the problem (empty or False when
        # there is none).
        self._dates: dict[Any, tuple[date | None, str]] = {}
        self._texts: dict[Any, str] = {}
        self._genders: dict[Any, tuple[str | None, bool]] = {}
        self._relationships: dict[Any, tuple[str, bool]] = {}
        self._desils: dict[Any, tuple[int | None, bool]] = {}
        self._nik_dates: dict[str, bool] = {}

        missing = [field for field in REQUIRED_FIELDS if field not in self.columns]
        if missing:
            names = ", ".join(COLUMN_ALIASES[field][0] for field in missing)
            raise RegisterFormatError(
                _("Kolom wajib tidak ditemukan: %(columns)s") % {"columns": names}
            )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._close()

    def chunks(self, chunk_size: int = CHUNK_SIZE) -> Iterator[Chunk]:
        """Yield the register's rows and problems, ``chunk_size`` rows (or
        problems) at a time; the last chunk may be shorter."""
        rows: list[PersonRow] = []
        problems: list[RowProblem] = []
        read = 0
        number = self._header_row
        name_index = self.columns["name"]
        for cells in self._rows:
            number += 1
            # A blank line, or one of spaces, is no row at all.
            if not any(cells) or (
                name_index < len(cells)
                and _blank(cells[name_index])
                and not any(cell_text(cell) for cell in cells)
            ):
                continue

            read += 1
            person = self._person(number, cells, problems)
            if person is not None:
                rows.append(person)
            if len(rows) >= chunk_size or len(problems) >= chunk_size:
                yield Chunk(rows, problems, read, self._progress())
                rows, problems = [], []
        if not read:
            # An empty snapshot would become the latest and unmatch every
            # student of the district.
            raise RegisterFormatError(
                _("Register tidak berisi satu baris data pun di bawah judul kolom.")
            )
        yield Chunk(rows, problems, read, 1.0)

    def _person(
        self, number: int, cells: list[Any], problems: list[RowProblem]
    ) -> PersonRow | None:
        if len(cells) != self._width:
            problems.append(
                RowProblem(
                    number,
                    "",
                    "",
                    _(
                        "Baris ini berisi %(found)s kolom, judul kolom %(expected)s; "
                        "nilai dibaca menurut urutan kolom"
                    )
                    % {"found": len(cells), "expected": self._width},
                )
            )
            cells = (list(cells) + [""] * self._width)[: self._width]

        # A field without a column reads the empty cell added at the end.
        cells.append("")
        (
            dtks_id,
            nik,
            no_kk,
            name,
            gender,
            birth_place,
            birth_date,
            relationship,
            mother_name,
            address,
            dusun,
            rt,
            rw,
            desa,
            kecamatan,
            kabupaten,
            desil,
        ) = self._fields(cells)

        name = self._text(name)
        if not name:
            problems.append(
                RowProblem(
                    number,
                    self.headers["name"],
                    "",
                    _("Nama kosong; baris ini tidak diimpor"),
                    fatal=True,
                )
            )
            return None

        # The values that repeat are looked up in the caches of earlier rows
        # first; a miss, or a value with a problem, takes the full path.
        texts = self._texts
        genders = self._genders
        dates = self._dates
        relationships = self._relationships
        desils = self._desils
        known_gender = genders.get(gender)
        sex = (
            known_gender[0]
            if known_gender and not known_gender[1]
            else self._gender(number, gender, problems)
        )
        known_date = dates.get(birth_date)
        born = (
            known_date[0]
            if known_date and not known_date[1]
            else self._date(number, birth_date, problems)
        )
        known_link = relationships.get(relationship)
        link = (
            known_link[0]
            if known_link and not known_link[1]
            else self._relationship(number, relationship, problems)
        )
        known_desil = desils.get(desil)
        rank = (
            known_desil[0]
            if known_desil and not known_desil[1]
            else self._desil(number, desil, problems)
        )
        return PersonRow(
            number,
            self._code(dtks_id),
            self._nik(number, nik, problems),
            self._no_kk(number, no_kk, problems),
            name,
            sex,
            texts.get(birth_place) or self._shared_text(birth_place),
            born,
            link,
            self._text(mother_name),
            self._text(address),
            texts.get(dusun) or self._shared_text(dusun),
            self._code(rt),
            self._code(rw),
            texts.get(desa) or self._shared_text(desa),
            texts.get(kecamatan) or self._shared_text(kecamatan),
            texts.get(kabupaten) or self._shared_text(kabupaten),
            rank,
        )

    def _problem(
        self, problems: list[RowProblem], number: int, field: str, value: Any, text: str
    ) -> None:
        problems.append(RowProblem(number, self.headers[field], cell_text(value), text))

    @staticmethod
    def _text(value: Any) -> str:
        if type(value) is str and value.isascii():
            value = value.strip()
            if "  " not in value and "\t" not in value and "\n" not in value:
                return value
        return normalize_name(value)

    def _shared_text(self, value: Any) -> str:
        # Places repeat on every row: one string object for each distinct
        # text keeps the rows small as well as the parsing cheap.
        text = self._texts.get(value)
        if text is None:
            text = self._text(value)
            if len(self._texts) < CACHE_LIMIT:
                self._texts[value] = text
        return text

    @staticmethod
    def _code(value: Any) -> str:
        if type(value) is str:
            value = value.strip()
            return value[1:].strip() if value[:1] == "'" else value
        if isinstance(value, float) and value == int(value):
            return str(int(value))
        return cell_text(value)

    def _nik(self, number: int, value: Any, problems: list[RowProblem]) -> str | None:
        # The common case, sixteen digits as text, is checked here without
        # the general parser; its date part check is cached per date part.
        if (
            type(value) is str
            and len(value) == 16
            and value.isdigit()
            and value.isascii()
            and value != "0000000000000000"
        ):
            part = value[6:12]
            possible = self._nik_dates.get(part)
            if possible is None:
                possible = parse_nik(value).value is not None
                self._nik_dates[part] = possible
            if possible:
                return value
        return self._checked(number, "nik", value, parse_nik, problems)

    def _no_kk(self, number: int, value: Any, problems: list[RowProblem]) -> str | None:
        if (
            type(value) is str
            and len(value) == 16
            and value.isdigit()
            and value.isascii()
            and value != "0000000000000000"
        ):
            return value
        return self._checked(number, "no_kk", value, parse_no_kk, problems)

    def _checked(
        self,
        number: int,
        field: str,
        value: Any,
        parse: Callable[[object], Any],
        problems: list[RowProblem],
    ) -> str | None:
        if field not in self.columns or is_missing(value):
            return None
        check = parse(value)
        # A NIK from outside Kalimantan Selatan is ordinary in a register of
        # residents; only the errors that make the number unusable count.
        for problem in check.problems:
            if problem.is_error:
                self._problem(problems, number, field, value, problem.message)
        return check.value if not check.has_errors else None

    def _date(self, number: int, value: Any, problems: list[RowProblem]) -> date | None:
        cached = self._dates.get(value)
        if cached is None:
            check = parse_date(value)
            message = check.problems[0].message if check.has_errors else ""
            cached = (None if message else check.value, message)
            if len(self._dates) < CACHE_LIMIT:
                self._dates[value] = cached
        if cached[1]:
            self._problem(problems, number, "birth_date", value, cached[1])
        return cached[0]

    def _gender(
        self, number: int, value: Any, problems: list[RowProblem]
    ) -> str | None:
        cached = self._genders.get(value)
        if cached is None:
            gender = GENDER_CODES.get(_code_text(value)) or parse_gender(value)
            unknown = gender is None and not is_missing(value)
            cached = (gender, unknown and "gender" in self.columns)
            if len(self._genders) < CACHE_LIMIT:
                self._genders[value] = cached
        if cached[1]:
            self._problem(
                problems,
                number,
                "gender",
                value,
                _("Jenis kelamin tidak dikenali; gunakan L atau P"),
            )
        return cached[0]

    def _relationship(self, number: int, value: Any, problems: list[RowProblem]) -> str:
        cached = self._relationships.get(value)
        if cached is None:
            text = _code_text(value)
            code = RELATIONSHIPS.get(_WORD_JUNK.sub(" ", text.upper()).strip())
            cached = (code or "", code is None and bool(text))
            if len(self._relationships) < CACHE_LIMIT:
                self._relationships[value] = cached
        if cached[1]:
            self._problem(
                problems,
                number,
                "relationship",
                value,
                _("Hubungan keluarga tidak dikenali"),
            )
        return cached[0]

    def _desil(self, number: int, value: Any, problems: list[RowProblem]) -> int | None:
        cached = self._desils.get(value)
        if cached is None:
            desil, acceptable = _parse_desil(_code_text(value))
            cached = (desil, not acceptable)
            if len(self._desils) < CACHE_LIMIT:
                self._desils[value] = cached
        if cached[1]:
            self._problem(
                problems,
                number,
                "desil",
                value,
                _("Desil harus angka 1 sampai 10"),
            )
        return cached[0]


def _parse_desil(text: str) -> tuple[int | None, bool]:
    """The desil in a cell's text and whether the text was acceptable."""
    if not text or is_missing(text):
        return None, True
    digits = _DIGITS.fullmatch(text) or _DIGITS.search(text.upper())
    desil = int(digits.group()) if digits else 0
    if not 1 <= desil <= 10:
        return None, False
    return desil, True


def _blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def _code_text(value: Any) -> str:
    """A cell holding a short code as text: ``2.0`` from Excel is ``"2"``."""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if type(value) is str:
        return value.strip()
    return cell_text(value)


def open_register(source: str | os.PathLike[str] | IO[bytes]) -> RegisterReader:
    """Open a register extract, find its header row and map its columns.

    ``source`` is a path or a binary file opened for reading (it is closed
    with the reader). The format is told from the content: an .xlsx is a ZIP
    archive, anything else is read as CSV. Raises ``RegisterFormatError``
    when no header row names the columns.
    """
    stream: IO[bytes]
    if isinstance(source, str | os.PathLike):
        stream = Path(source).open("rb")  # noqa: SIM115 - closed by the reader
    else:
        stream = source
    try:
        magic = stream.read(len(ZIP_MAGIC))
        stream.seek(0)
        if magic == ZIP_MAGIC:
            return _open_xlsx(stream)
        return _open_csv(stream)
    except BaseException:
        stream.close()
        raise


def _find_header(rows: Iterator[list[Any]]) -> tuple[list[Any], int]:
    # Exports often carry a title and a blank line above the header.
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        row = next(rows, None)
        if row is None:
            break
        columns, _ignored = map_columns(row)
        if "name" in columns and len(columns) >= HEADER_MINIMUM:
            return row, number
    raise RegisterFormatError(
        _(
            "Judul kolom tidak ditemukan pada %(rows)s baris pertama; "
            "baris judul harus memuat sedikitnya NAMA dan dua kolom lain "
            "(misalnya NIK dan TGL_LAHIR)"
        )
        % {"rows": HEADER_SEARCH_ROWS}
    )


def _open_csv(stream: IO[bytes]) -> RegisterReader:
    sample = stream.read(SAMPLE_BYTES)
    stream.seek(0)
    encoding = sniff_encoding(sample)
    errors = "replace" if encoding == "cp1252" else "dtks_cp1252"
    text = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="")
    lines = sample.decode(encoding, errors="replace").splitlines()
    delimiter = sniff_delimiter(lines[:HEADER_SEARCH_ROWS])
    rows = _csv_rows(csv.reader(text, delimiter=delimiter))
    header, header_row = _find_header(rows)

    size = os.fstat(stream.fileno()).st_size if _has_fileno(stream) else 0

    def progress() -> float:
        if not size:
            return 0.0
        return min(stream.tell() / size, 1.0)

    return RegisterReader(
        rows, header, header_row, progress, text.close, "csv", encoding, delimiter
    )


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[list[Any]]:
    # The csv module's own message is English and technical.
    try:
        yield from reader
    except csv.Error as error:
        raise RegisterFormatError(
            _(
                "Berkas CSV rusak dan tidak dapat dibaca: ada isian yang terlalu "
                "panjang atau tanda kutip yang tidak ditutup."
            )
        ) from error


def _has_fileno(stream: IO[bytes]) -> bool:
    try:
        stream.fileno()
    except (OSError, AttributeError, io.UnsupportedOperation):
        return False
    return True


def _open_xlsx(stream: IO[bytes]) -> RegisterReader:
    from python_calamine import CalamineError, CalamineWorkbook

    # calamine's own messages are English and technical.
    unreadable = _("Berkas XLSX rusak dan tidak dapat dibaca.")
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
    except CalamineError as error:
        raise RegisterFormatError(unreadable) from error

    # The register is the first sheet whose header names the columns.
    failure: RegisterFormatError | None = None
    for index in range(len(workbook.sheet_names)):
        try:
            sheet = workbook.get_sheet_by_index(index)
        except CalamineError as error:
            failure = failure or RegisterFormatError(unreadable)
            failure.__cause__ = failure.__cause__ or error
            continue
        rows = _calamine_rows(iter(sheet.iter_rows()), unreadable)
        try:
            header, header_row = _find_header(rows)
        except RegisterFormatError as error:
            failure = failure or error
            continue
        height = max(sheet.height, 1)
        counter = _Counter(rows)

        def progress(counter: _Counter = counter, height: int = height) -> float:
            return min(counter.count / height, 1.0)

        def close(workbook: Any = workbook) -> None:
            workbook.close()
            stream.close()

        return RegisterReader(counter, header, header_row, progress, close, "xlsx")
    raise failure or RegisterFormatError(_("Berkas XLSX tidak memuat lembar kerja"))


def _calamine_rows(rows: Iterator[list[Any]], unreadable: str) -> Iterator[list[Any]]:
    from python_calamine import CalamineError

    try:
        yield from rows
    except CalamineError as error:
        raise RegisterFormatError(unreadable) from error


class _Counter:
    """Counts the rows taken from an iterator, for the progress bar."""

    def __init__(self, rows: Iterator[list[Any]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> list[Any]:
        row = next(self.rows)
        self.count += 1
        return row
