"""Validating the rows of a pupil list into student records.

Every row becomes a :class:`StudentRow` with the issues found in it. An issue
names the sheet row, the column as the file calls it, the value as the cell
shows it and a message in Bahasa Indonesia. Errors keep the row out of the
result; warnings do not.

Issues hold pupils' personal data in ``value`` and go back only to the school
that sent the file (on the page and in the annotated workbook). They are
never logged; their ``repr`` leaves the value out for that reason.
"""

import logging
import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from students.dapodik.columns import COLUMNS_BY_KEY, USED_KEYS, compact
from students.dapodik.reader import ColumnMap, HeaderInfo, Table, Value, open_table
from students.dapodik.safety import (
    FileKind,
    RefusalCode,
    UploadRefused,
    ZipLimits,
    inspect_upload,
)
from students.identifiers import (
    Gender,
    Problem,
    ProblemCode,
    Severity,
    check_nik_against,
    normalize_name,
    parse_date,
    parse_gender,
    parse_nik,
    parse_nisn,
    parse_no_kk,
    today,
)

logger = logging.getLogger(__name__)

# Ages at which a pupil of SD, SMP or SMA is plausible; outside them a
# warning asks the school to check the birth date.
YOUNGEST_AGE = 4
OLDEST_AGE = 21

# Besides letters, what Indonesian names contain (M. RIZKY, NUR'AINI,
# SITI-AMINAH, ABDUL, S.Pd).
_NAME_MARKS = frozenset(" .'`’,-")
_KECAMATAN_PREFIX = re.compile(r"^kec(?:amatan)?\.?\s+", re.IGNORECASE)
_POSTAL_CODE = re.compile(r"\d{5}")
_IDENTITY_KEYS = ("nisn", "nik", "jk", "tanggal_lahir")
# Words that mark a footer row under the table rather than a pupil.
_FOOTER_WORDS = ("jumlah", "total", "keterangan", "catatan", "dicetak", "diunduh")


class IssueCode(models.TextChoices):
    """Problems found by row validation; the label is the message.

    Problems of single values come from :class:`ProblemCode`; both kinds of
    code share :attr:`Issue.code`.
    """

    REQUIRED = "required", _("%(column)s wajib diisi")
    NISN_REQUIRED = (
        "nisn_required",
        _("NISN wajib diisi; siswa tanpa NISN tidak dapat disimpan"),
    )
    NIK_MISSING = (
        "nik_missing",
        _("NIK kosong; siswa tanpa NIK tidak dapat dicocokkan dengan DTKS"),
    )
    GENDER_INVALID = "gender_invalid", _("JK harus L (laki-laki) atau P (perempuan)")
    NAME_CHARACTERS = (
        "name_characters",
        _("Nama berisi karakter yang tidak lazim untuk nama (%(characters)s)"),
    )
    BIRTH_DATE_FUTURE = "birth_date_future", _("Tanggal lahir di masa depan")
    AGE_UNUSUAL = (
        "age_unusual",
        _("Umur %(age)s tahun tidak lazim untuk siswa; periksa tanggal lahir"),
    )
    DUPLICATE_NISN = (
        "duplicate_nisn",
        _("NISN sama dengan baris %(first_row)s; setiap siswa hanya boleh satu baris"),
    )
    DUPLICATE_NIK = (
        "duplicate_nik",
        _("NIK sama dengan baris %(first_row)s; setiap siswa hanya boleh satu baris"),
    )
    PARENT_NIK_IGNORED = (
        "parent_nik_ignored",
        _("%(problem)s. NIK orang tua/wali ini tidak dipakai."),
    )
    POSTAL_CODE = "postal_code", _("Kode pos harus 5 digit angka")
    YES_NO = "yes_no", _("Isi dengan Ya atau Tidak; dibaca sebagai Tidak")
    COLUMN_MISSING = (
        "column_missing",
        _("Kolom %(column)s tidak ada di berkas; datanya dibiarkan kosong"),
    )


def _message_template(code: str) -> str:
    try:
        return str(ProblemCode(code).label)
    except ValueError:
        return str(IssueCode(code).label)


@dataclass(slots=True, repr=False)
class Issue:
    """One problem in the file, at a row and column or with the file as a whole.

    ``row`` is the sheet's row number as the operator sees it (``None`` for
    the whole file), ``column`` the header as written in the file.
    """

    row: int | None
    column: str | None
    value: str
    severity: Severity
    code: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    @property
    def message(self) -> str:
        """The message in the active language."""
        return _message_template(self.code) % self.params

    def __repr__(self) -> str:
        return f"Issue(row={self.row}, column={self.column!r}, code={self.code!r})"


@dataclass(slots=True)
class StudentRow:
    """One pupil as read from the file; field names match the model's."""

    row_number: int
    nisn: str | None = None
    nik: str | None = None
    no_kk: str | None = None
    name: str = ""
    name_original: str = ""
    gender: Gender | None = None
    birth_place: str = ""
    birth_date: date | None = None
    religion: str = ""
    address: str = ""
    rt: str = ""
    rw: str = ""
    dusun: str = ""
    desa: str = ""
    kecamatan: str = ""
    postal_code: str = ""
    mother_name: str = ""
    mother_nik: str | None = None
    father_name: str = ""
    father_nik: str | None = None
    guardian_name: str = ""
    rombel: str = ""
    kip_recipient: bool = False
    kip_number: str = ""
    kks_number: str = ""
    pip_eligible: bool = False
    issues: list[Issue] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(issue.is_error for issue in self.issues)

    def __repr__(self) -> str:
        return f"StudentRow(row_number={self.row_number}, issues={len(self.issues)})"


@dataclass
class ReadCounts:
    rows_read: int = 0
    valid: int = 0
    error_rows: int = 0
    errors: int = 0
    warnings: int = 0


@dataclass
class ReadResult:
    """Everything read from one file.

    ``rows`` are the rows without errors, ready to store; ``issues`` are all
    problems, those of the file as a whole first, then by row.
    """

    kind: FileKind
    sheet_name: str | None
    header: HeaderInfo
    columns: ColumnMap
    rows: list[StudentRow]
    issues: list[Issue]
    counts: ReadCounts
    seconds: float = 0.0
    # NISNs of rows kept out by errors: the pupil is still on the school's
    # list, so storing must not take them for pupils who left.
    nisns_with_errors: set[str] = field(default_factory=set)

    def issues_by_row(self) -> dict[int | None, list[Issue]]:
        grouped: dict[int | None, list[Issue]] = {}
        for issue in self.issues:
            grouped.setdefault(issue.row, []).append(issue)
        return grouped


def read_students(
    path: Path,
    original_name: str,
    *,
    max_bytes: int | None = None,
    zip_limits: ZipLimits | None = None,
) -> ReadResult:
    """Check, read and validate an uploaded pupil list.

    The single code path of the web upload, the management command and the
    benchmark. ``max_bytes`` defaults to the ``UPLOAD_MAX_BYTES`` setting.
    Raises :class:`~students.dapodik.safety.UploadRefused` when the file
    cannot be read as a whole or holds no pupil row; otherwise returns the
    valid rows and every issue.
    """
    started = time.perf_counter()
    if max_bytes is None:
        max_bytes = settings.UPLOAD_MAX_BYTES
    kind = inspect_upload(path, original_name, max_bytes, limits=zip_limits)
    table = open_table(path, kind)

    issues = [
        Issue(
            None,
            COLUMNS_BY_KEY[key].header,
            "",
            Severity.WARNING,
            IssueCode.COLUMN_MISSING,
            {"column": COLUMNS_BY_KEY[key].header},
        )
        for key in table.columns.missing
    ]
    counts = ReadCounts(warnings=len(issues))
    rows = []
    nisns_with_errors = set()
    for student in validate_rows(table):
        counts.rows_read += 1
        issues.extend(student.issues)
        errors = sum(issue.is_error for issue in student.issues)
        counts.errors += errors
        counts.warnings += len(student.issues) - errors
        if errors:
            counts.error_rows += 1
            if student.nisn:
                nisns_with_errors.add(student.nisn)
        else:
            counts.valid += 1
            rows.append(student)

    if counts.rows_read == 0:
        # Storing an empty list would mark every pupil of the school as no
        # longer listed.
        raise UploadRefused(RefusalCode.NO_ROWS)

    seconds = time.perf_counter() - started
    logger.info(
        "read %s pupil rows from a %s file in %.2f s: %s valid, %s with errors, "
        "%s warnings",
        counts.rows_read,
        kind,
        seconds,
        counts.valid,
        counts.error_rows,
        counts.warnings,
    )
    return ReadResult(
        kind=kind,
        sheet_name=table.sheet_name,
        header=table.header,
        columns=table.columns,
        rows=rows,
        issues=issues,
        counts=counts,
        seconds=seconds,
        nisns_with_errors=nisns_with_errors,
    )


def validate_rows(table: Table) -> Iterator[StudentRow]:
    """Validate the table's rows one by one, skipping empty and footer rows.

    A NISN or NIK seen on an earlier row makes the later row an error; the
    memory this takes is one entry per pupil.
    """
    validator = _RowValidator(table.columns, today())
    for number, cells in table.rows:
        # Most empty rows are all "", which any() dismisses at C speed.
        if not any(cells):
            continue
        values = validator.pick(cells)
        if validator.is_blank_or_footer(values):
            continue
        yield validator.validate(number, values)


class _RowValidator:
    def __init__(self, columns: ColumnMap, reference: date) -> None:
        self.columns = columns
        self.reference = reference
        # Only the columns a student record uses are looked at.
        self.positions = [
            (key, index) for key, index in columns.positions.items() if key in USED_KEYS
        ]
        self.first_nisn: dict[str, int] = {}
        self.first_nik: dict[str, int] = {}
        self.number = 0
        self.values: dict[str, Value] = {}
        self.issues: list[Issue] = []

    def pick(self, cells: list[Value]) -> dict[str, Value]:
        size = len(cells)
        return {
            key: cells[index] if index < size else "" for key, index in self.positions
        }

    def is_blank_or_footer(self, values: dict[str, Value]) -> bool:
        # A total or a note under the table has no identity of its own; a row
        # that names a pupil without any identity is still reported.
        for key in _IDENTITY_KEYS:
            if not _empty(values.get(key)):
                return False
        if all(_empty(value) for value in values.values()):
            return True
        name = compact(values.get("nama"))
        return not name or name.startswith(_FOOTER_WORDS)

    def validate(self, number: int, values: dict[str, Value]) -> StudentRow:
        student = StudentRow(row_number=number)
        self.issues = student.issues
        self.number = number
        self.values = values

        self._name(student)
        self._gender(student)
        self._birth_date(student)
        self._nisn(student)
        self._nik(student)
        self._family(student)
        self._address(student)
        self._programmes(student)
        return student

    def _add(
        self,
        key: str,
        severity: Severity,
        code: str,
        params: dict[str, object] | None = None,
    ) -> None:
        self.issues.append(
            Issue(
                self.number,
                self.columns.labels.get(key, COLUMNS_BY_KEY[key].header),
                shown(self.values.get(key)),
                severity,
                code,
                params or {},
            )
        )

    def _add_problems(self, key: str, problems: list[Problem]) -> None:
        for problem in problems:
            self._add(key, problem.severity, problem.code, dict(problem.params))

    def _required(self, key: str) -> None:
        self._add(
            key,
            Severity.ERROR,
            IssueCode.REQUIRED,
            {"column": self.columns.labels.get(key, COLUMNS_BY_KEY[key].header)},
        )

    def _name(self, student: StudentRow) -> None:
        raw = self.values.get("nama")
        student.name_original = "" if _empty(raw) else str(raw)
        student.name = normalize_name(student.name_original)
        if not student.name:
            self._required("nama")
            return

        odd = _odd_name_characters(student.name)
        if odd:
            self._add(
                "nama", Severity.ERROR, IssueCode.NAME_CHARACTERS, {"characters": odd}
            )

    def _gender(self, student: StudentRow) -> None:
        raw = self.values.get("jk")
        if _empty(raw):
            self._required("jk")
            return
        student.gender = parse_gender(raw)
        if student.gender is None:
            self._add("jk", Severity.ERROR, IssueCode.GENDER_INVALID)

    def _birth_date(self, student: StudentRow) -> None:
        check = parse_date(self.values.get("tanggal_lahir"))
        if check.missing:
            self._required("tanggal_lahir")
            return
        self._add_problems("tanggal_lahir", check.problems)
        born = check.value
        if born is None:
            return

        if born > self.reference:
            self._add("tanggal_lahir", Severity.ERROR, IssueCode.BIRTH_DATE_FUTURE)
            return
        age = _age(born, self.reference)
        if not YOUNGEST_AGE <= age <= OLDEST_AGE:
            self._add(
                "tanggal_lahir", Severity.WARNING, IssueCode.AGE_UNUSUAL, {"age": age}
            )
        student.birth_date = born

    def _nisn(self, student: StudentRow) -> None:
        if "nisn" not in self.values:
            return
        check = parse_nisn(self.values["nisn"])
        if check.missing:
            self._add("nisn", Severity.ERROR, IssueCode.NISN_REQUIRED)
            return
        self._add_problems("nisn", check.problems)
        if check.value is None:
            return

        first = self.first_nisn.setdefault(check.value, self.number)
        if first != self.number:
            self._add(
                "nisn", Severity.ERROR, IssueCode.DUPLICATE_NISN, {"first_row": first}
            )
        student.nisn = check.value

    def _nik(self, student: StudentRow) -> None:
        if "nik" not in self.values:
            return
        check = parse_nik(self.values["nik"])
        if check.missing:
            self._add("nik", Severity.WARNING, IssueCode.NIK_MISSING)
            return
        self._add_problems("nik", check.problems)
        if check.value is None:
            return

        first = self.first_nik.setdefault(check.value, self.number)
        if first != self.number:
            self._add(
                "nik", Severity.ERROR, IssueCode.DUPLICATE_NIK, {"first_row": first}
            )
        self._add_problems(
            "nik", check_nik_against(check.value, student.birth_date, student.gender)
        )
        student.nik = check.value

    def _family(self, student: StudentRow) -> None:
        if "no_kk" in self.values:
            check = parse_no_kk(self.values["no_kk"])
            self._add_problems("no_kk", check.problems)
            student.no_kk = check.value

        student.mother_name = normalize_name(self._text("ibu_nama"))
        student.father_name = normalize_name(self._text("ayah_nama"))
        student.guardian_name = normalize_name(self._text("wali_nama"))
        student.mother_nik = self._parent_nik("ibu_nik")
        student.father_nik = self._parent_nik("ayah_nik")

    def _parent_nik(self, key: str) -> str | None:
        if key not in self.values:
            return None
        check = parse_nik(self.values[key])

        # A parent's NIK only helps the DTKS match; its problems never keep
        # the pupil out, and a doubtful one is dropped.
        for problem in check.problems:
            if problem.is_error:
                self._add(
                    key,
                    Severity.WARNING,
                    IssueCode.PARENT_NIK_IGNORED,
                    {"problem": problem.message},
                )
                return None
        return check.value

    def _address(self, student: StudentRow) -> None:
        student.birth_place = self._text("tempat_lahir")
        student.religion = self._text("agama")
        student.address = self._text("alamat")
        student.rt = self._text("rt")
        student.rw = self._text("rw")
        student.dusun = self._text("dusun")
        student.desa = self._text("kelurahan")
        student.kecamatan = _KECAMATAN_PREFIX.sub("", self._text("kecamatan"))
        student.rombel = self._text("rombel")

        postal_code = self._text("kode_pos")
        if postal_code and not _POSTAL_CODE.fullmatch(postal_code):
            self._add("kode_pos", Severity.WARNING, IssueCode.POSTAL_CODE)
            postal_code = ""
        student.postal_code = postal_code

    def _programmes(self, student: StudentRow) -> None:
        student.kip_recipient = self._yes_no("penerima_kip")
        student.kip_number = self._text("nomor_kip")
        student.kks_number = self._text("nomor_kks")
        student.pip_eligible = self._yes_no("layak_pip")

    def _text(self, key: str) -> str:
        value = self.values.get(key)
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            if value.isascii():
                return " ".join(value.split())
            return normalize_name(value)
        return normalize_name(shown(value))

    def _yes_no(self, key: str) -> bool:
        text = compact(self._text(key))
        if text in ("ya", "y", "yes", "1", "true", "benar", "iya"):
            return True
        if text not in ("", "tidak", "t", "tdk", "no", "n", "0", "false", "bukan"):
            self._add(key, Severity.WARNING, IssueCode.YES_NO)
        return False


def _empty(value: Value) -> bool:
    if value is None or value == "":
        return True
    return isinstance(value, str) and value.isspace()


def shown(value: Value) -> str:
    """A cell value as the spreadsheet shows it, for messages and text fields.

    Whole numbers lose the ".0" that the reader gives them; dates are shown
    day first.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float | Decimal) and value == value and value == int(value):
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _age(born: date, reference: date) -> int:
    before_birthday = (reference.month, reference.day) < (born.month, born.day)
    return reference.year - born.year - before_birthday


def _odd_name_characters(name: str) -> str:
    """The characters of ``name`` that do not belong in a person's name.

    Letters of any script, spaces and the marks of names such as M. RIZKY or
    NUR'AINI belong; digits, brackets, "<", "=" and the like do not. So do
    combining accents after the first letter: Unicode's own normal form
    splits some letters into a letter and an accent. A name must start with
    a letter: spreadsheet programs take a cell starting with "=", "+", "-"
    or "@" for a formula.
    """
    odd: list[str] = []
    for position, ch in enumerate(name):
        allowed = ch.isalpha() or (
            position > 0
            and (ch in _NAME_MARKS or unicodedata.category(ch).startswith("M"))
        )
        if not allowed and ch not in odd:
            odd.append(ch)
    return " ".join(odd)
