"""Parsing and checking of the identifiers and values in a pupil's record.

Pure functions, no database: each parser takes whatever a spreadsheet cell
held (text, a number, a date, nothing) and returns a small result object with
the normalised value, or ``None``, and the problems found. A problem carries a
stable code, a severity and the parameters of its message; the message itself
is translated when it is read, so that a problem stored today is shown in the
reader's language tomorrow.

Identifiers (NIK, No KK, NISN, NPSN) are only ever trusted as text. A cell
that Excel turned into a number has lost leading zeros or, past 15
significant digits, its last digits; the parsers say so instead of guessing.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

Gender = Literal["L", "P"]

NIK_LENGTH = 16
NISN_LENGTH = 10
NPSN_LENGTH = 8
KALSEL_REGION = "63"
BALANGAN_REGION = "6311"

# A NISN starts with the last three digits of the birth year (a pupil born in
# 2005 has 005...), so a numeric cell drops at most three leading zeros.
NISN_SHORTEST_RESTORABLE = NISN_LENGTH - 3

# Day 0 of Excel's 1900 date system, shifted by one day for the phantom
# 29 February 1900 that Excel counts; correct for every serial from March 1900.
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_LAST_SERIAL = 2958465  # 31 December 9999

MISSING_MARKERS = frozenset({"", "-", "--", "—", "0", "null", "none", "n/a", "na"})

T = TypeVar("T")


class Severity(models.TextChoices):
    ERROR = "error", gettext_lazy("Galat")
    WARNING = "warning", gettext_lazy("Peringatan")


class ProblemCode(models.TextChoices):
    """What is wrong with a value; the label is the message shown to people.

    Labels may hold ``%(name)s`` placeholders filled from ``Problem.params``.
    """

    NIK_NUMERIC = (
        "nik_numeric",
        gettext_lazy(
            "NIK tersimpan sebagai angka; format kolom sebagai Teks dan unggah ulang"
        ),
    )
    NIK_LENGTH = (
        "nik_length",
        gettext_lazy("NIK harus 16 digit angka, terbaca %(digits)s digit"),
    )
    NIK_NOT_DIGITS = "nik_not_digits", gettext_lazy("NIK hanya boleh berisi angka")
    NIK_DATE_PART = (
        "nik_date_part",
        gettext_lazy(
            "Digit ke-7 sampai ke-12 NIK bukan tanggal lahir yang mungkin (DDMMYY)"
        ),
    )
    NIK_REGION = (
        "nik_region",
        gettext_lazy(
            "Kode wilayah NIK (%(region)s) bukan Kalimantan Selatan (63); "
            "periksa kembali bila siswa memang terdaftar di luar provinsi"
        ),
    )
    NIK_BIRTH_DATE_MISMATCH = (
        "nik_birth_date_mismatch",
        gettext_lazy(
            "Tanggal lahir pada NIK (%(nik_date)s) berbeda dengan tanggal lahir "
            "(%(birth_date)s)"
        ),
    )
    NIK_GENDER_MISMATCH = (
        "nik_gender_mismatch",
        gettext_lazy(
            "Jenis kelamin pada NIK (%(nik_gender)s) berbeda dengan JK (%(gender)s)"
        ),
    )
    NISN_NUMERIC_RESTORED = (
        "nisn_numeric_restored",
        gettext_lazy(
            "NISN tersimpan sebagai angka; nol di depan dipulihkan menjadi "
            "%(restored)s. Format kolom sebagai Teks agar tidak terulang"
        ),
    )
    NISN_NUMERIC_CUT = (
        "nisn_numeric_cut",
        gettext_lazy(
            "NISN tersimpan sebagai angka dengan notasi ilmiah sehingga digitnya "
            "hilang; format kolom sebagai Teks dan unggah ulang"
        ),
    )
    NISN_LENGTH = (
        "nisn_length",
        gettext_lazy("NISN harus 10 digit angka, terbaca %(digits)s digit"),
    )
    NISN_NOT_DIGITS = "nisn_not_digits", gettext_lazy("NISN hanya boleh berisi angka")
    NPSN_LENGTH = (
        "npsn_length",
        gettext_lazy("NPSN harus 8 digit angka, terbaca %(digits)s digit"),
    )
    NPSN_NOT_DIGITS = "npsn_not_digits", gettext_lazy("NPSN hanya boleh berisi angka")
    NO_KK_NUMERIC = (
        "no_kk_numeric",
        gettext_lazy(
            "No KK tersimpan sebagai angka; format kolom sebagai Teks dan unggah ulang"
        ),
    )
    NO_KK_INVALID = (
        "no_kk_invalid",
        gettext_lazy("No KK harus 16 digit angka, terbaca %(digits)s digit"),
    )
    DATE_UNREADABLE = (
        "date_unreadable",
        gettext_lazy(
            "Format tanggal tidak dikenali; gunakan misalnya 17/05/2012 atau "
            "17 Mei 2012"
        ),
    )
    DATE_IMPOSSIBLE = (
        "date_impossible",
        gettext_lazy(
            "Tanggal tidak mungkin (hari %(day)s, bulan %(month)s, tahun %(year)s)"
        ),
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value."""

    code: ProblemCode
    severity: Severity
    params: dict[str, object] = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    @property
    def message(self) -> str:
        """The message in the active language, with its parameters filled."""
        return str(ProblemCode(self.code).label) % self.params

    def __str__(self) -> str:
        return self.message


def error(code: ProblemCode, **params: object) -> Problem:
    return Problem(code, Severity.ERROR, params)


def warning(code: ProblemCode, **params: object) -> Problem:
    return Problem(code, Severity.WARNING, params)


@dataclass
class Check(Generic[T]):
    """The outcome of parsing one cell.

    ``value`` is the normalised value, or ``None`` when the cell was empty or
    could not be trusted. ``missing`` tells an empty cell apart from a bad
    one; whether an empty cell is a problem is for the caller to decide.
    """

    value: T | None
    problems: list[Problem] = field(default_factory=list)
    missing: bool = False

    @property
    def ok(self) -> bool:
        """True when a value was read and nothing blocks it."""
        return self.value is not None and not self.has_errors

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)


class NikCheck(Check[str]):
    pass


class NisnCheck(Check[str]):
    pass


class NpsnCheck(Check[str]):
    pass


class DateCheck(Check[date]):
    pass


def today() -> date:
    """Today in the project's time zone (WITA), with or without settings."""
    if settings.configured:
        return timezone.localdate()
    return datetime.now(ZoneInfo("Asia/Makassar")).date()


# Only 0-9: \D would keep the digits of other scripts.
_NOT_ASCII_DIGIT = re.compile("[^0-9]")


def digits_only(value: object) -> str:
    """The decimal digits of ``value`` in order, everything else dropped.

    Integers give their digits; other numbers give the digits of their
    integral part when they are whole (``12.0`` gives ``"12"``).
    """
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(abs(value))
    if isinstance(value, float | Decimal):
        try:
            whole = int(value)
        except (ArithmeticError, ValueError):
            # Infinity and NaN.
            return ""
        if value == whole:
            return str(abs(whole))
    text = str(value)
    if text.isascii() and text.isdigit():
        return text
    return _NOT_ASCII_DIGIT.sub("", text)


def cell_text(value: object) -> str:
    """A cell's text with spaces trimmed and Excel's text marker removed.

    A leading apostrophe is how people force Excel to keep a number as text;
    it is not part of the value.
    """
    if value is None:
        return ""
    text = str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip().removeprefix("'").strip()


def is_missing(value: object) -> bool:
    """True for an empty cell or one of the usual "nothing here" markers."""
    if value is None:
        return True
    text = cell_text(value)
    if text.lower() in MISSING_MARKERS:
        return True
    return bool(_ZEROS.fullmatch(text))


_ZEROS = re.compile(r"0+")
_WHOLE_WITH_DECIMALS = re.compile(r"\d+[.,]0+")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_DIGITS_AND_SEPARATORS = re.compile(r"[\d\s.\-]+")


def _arrived_as_number(value: object) -> bool:
    """True when a value is a spreadsheet number rather than text.

    Text in scientific notation or with a decimal part is a number that was
    formatted and then saved as text, as happens on a re-save to CSV.
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    text = cell_text(value)
    if _SCIENTIFIC.fullmatch(text):
        return True
    return bool(_WHOLE_WITH_DECIMALS.fullmatch(text))


def _whole_number_digits(value: object) -> str | None:
    """The digits of a whole number given as a number or as number text.

    ``None`` for a fraction or for text in scientific notation, whose digits
    are not all there.
    """
    if isinstance(value, int | float | Decimal):
        number = value
    else:
        text = cell_text(value).replace(",", ".")
        if _SCIENTIFIC.fullmatch(text):
            return None
        try:
            number = Decimal(text)
        except ArithmeticError:
            return None
    try:
        whole = int(number)
    except (ArithmeticError, ValueError):
        # Infinity and NaN.
        return None
    if number < 0 or number != whole:
        return None
    return str(whole)


def parse_nik(value: object) -> NikCheck:
    """Read a NIK (Nomor Induk Kependudukan) from a cell.

    A valid NIK is 16 digits whose digits 7 to 12 are a possible birth date
    (DDMMYY, day + 40 for women). Spaces, dots and dashes between digits are
    tolerated. A NIK that arrived as a number is never trusted: Excel keeps
    15 significant digits and silently turns the 16th into 0, so the value is
    dropped with an error asking for the column to be formatted as text.
    Empty cells and the markers "-" and sixteen zeros are missing, not wrong.
    A region outside Kalimantan Selatan (63) is a warning: pupils born or
    first registered elsewhere are common.
    """
    if _is_plain_digits(value, NIK_LENGTH) and value != "0" * NIK_LENGTH:
        return _checked_nik(str(value))

    if is_missing(value):
        return NikCheck(None, missing=True)

    if _arrived_as_number(value):
        return NikCheck(None, [error(ProblemCode.NIK_NUMERIC)])

    text = cell_text(value)
    if not _DIGITS_AND_SEPARATORS.fullmatch(text):
        return NikCheck(None, [error(ProblemCode.NIK_NOT_DIGITS)])

    digits = digits_only(text)
    if len(digits) != NIK_LENGTH:
        return NikCheck(None, [error(ProblemCode.NIK_LENGTH, digits=len(digits))])
    return _checked_nik(digits)


def _is_plain_digits(value: object, length: int) -> bool:
    """True for text of exactly ``length`` ASCII digits, the usual case."""
    return (
        isinstance(value, str)
        and len(value) == length
        and value.isascii()
        and value.isdigit()
    )


def _checked_nik(digits: str) -> NikCheck:
    if not _nik_date_part_possible(digits):
        return NikCheck(None, [error(ProblemCode.NIK_DATE_PART)])

    problems = []
    if not digits.startswith(KALSEL_REGION):
        problems.append(warning(ProblemCode.NIK_REGION, region=digits[:6]))
    return NikCheck(digits, problems)


def parse_no_kk(value: object) -> NikCheck:
    """Read a family card number (No KK): 16 digits, never from a number.

    Its digits 7 to 12 are the date the card was issued, not a birth date, and
    are not checked.
    """
    if _is_plain_digits(value, NIK_LENGTH) and value != "0" * NIK_LENGTH:
        return NikCheck(str(value))

    if is_missing(value):
        return NikCheck(None, missing=True)

    if _arrived_as_number(value):
        return NikCheck(None, [error(ProblemCode.NO_KK_NUMERIC)])

    text = cell_text(value)
    digits = digits_only(text)
    if not _DIGITS_AND_SEPARATORS.fullmatch(text) or len(digits) != NIK_LENGTH:
        return NikCheck(None, [error(ProblemCode.NO_KK_INVALID, digits=len(digits))])
    return NikCheck(digits)


def _nik_date_part_possible(nik: str) -> bool:
    day = int(nik[6:8])
    month = int(nik[8:10])
    if day > 40:
        day -= 40
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return False

    # 29 February is possible in a leap year of either century.
    year = 2000 + int(nik[10:12])
    return _is_date(year, month, day) or _is_date(year - 100, month, day)


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def nik_birth_info(nik: str) -> tuple[date | None, Gender | None]:
    """The birth date and gender that a 16-digit NIK encodes.

    Digits 7 to 12 are DDMMYY with 40 added to the day for women. The century is
    the one that gives an age between 0 and 100 today. Returns ``None`` for a
    part that cannot be decoded.
    """
    digits = digits_only(nik)
    if len(digits) != NIK_LENGTH:
        return None, None

    day = int(digits[6:8])
    month = int(digits[8:10])
    short_year = int(digits[10:12])
    gender: Gender = "P" if day > 40 else "L"
    if day > 40:
        day -= 40

    now = today()
    for year in (2000 + short_year, 1900 + short_year):
        try:
            born = date(year, month, day)
        except ValueError:
            continue
        if born <= now and now.year - year <= 100:
            return born, gender
    return None, gender if 1 <= day <= 31 else None


def check_nik_against(
    nik: str, birth_date: date | None, gender: str | None
) -> list[Problem]:
    """Compare the birth date and gender a NIK encodes with the record's.

    Disagreement is a warning, not an error. In real registers the school's
    birth date and the civil registry's often differ by a correction made on
    one side only, and old NIKs were issued with the registration date; the
    NIK is still the right key for the DTKS match and a verifier decides. An
    error would drop the pupil from the upload for a difference the school
    cannot fix itself.

    Only day, month and the last two digits of the year are compared, so the
    century guess plays no part.
    """
    digits = digits_only(nik)
    if len(digits) != NIK_LENGTH:
        return []

    day = int(digits[6:8])
    nik_gender: Gender = "P" if day > 40 else "L"
    nik_day = day - 40 if day > 40 else day
    nik_month = int(digits[8:10])
    nik_year = int(digits[10:12])

    problems = []
    if birth_date is not None and (
        nik_day != birth_date.day
        or nik_month != birth_date.month
        or nik_year != birth_date.year % 100
    ):
        problems.append(
            warning(
                ProblemCode.NIK_BIRTH_DATE_MISMATCH,
                nik_date=f"{nik_day:02d}-{nik_month:02d}-{nik_year:02d}",
                birth_date=birth_date.strftime("%d-%m-%y"),
            )
        )
    if gender in ("L", "P") and gender != nik_gender:
        problems.append(
            warning(
                ProblemCode.NIK_GENDER_MISMATCH, nik_gender=nik_gender, gender=gender
            )
        )
    return problems


def parse_nisn(value: object) -> NisnCheck:
    """Read a NISN (Nomor Induk Siswa Nasional): 10 digits.

    A NISN that arrived as a number, or as text of 7 to 9 digits, lost its
    leading zeros in a numeric cell. Since a NISN is always 10 digits and the
    zeros can only have been at the front, they are restored with a warning
    that asks for the column to be kept as text; the value is exact, so the
    row is not blocked. A number in scientific notation has lost digits and
    is an error.
    """
    if _is_plain_digits(value, NISN_LENGTH) and value != "0" * NISN_LENGTH:
        return NisnCheck(str(value))

    if is_missing(value):
        return NisnCheck(None, missing=True)
    if isinstance(value, date):
        # A date cell's text, 2012-05-07, would pass for a NISN short of
        # its zeros.
        return NisnCheck(None, [error(ProblemCode.NISN_NOT_DIGITS)])

    text = cell_text(value)
    if isinstance(value, str) and _SCIENTIFIC.fullmatch(text):
        return NisnCheck(None, [error(ProblemCode.NISN_NUMERIC_CUT)])

    numeric = _arrived_as_number(value)
    if numeric:
        digits = _whole_number_digits(value)
        if digits is None:
            return NisnCheck(None, [error(ProblemCode.NISN_NOT_DIGITS)])
    elif _DIGITS_AND_SEPARATORS.fullmatch(text):
        digits = digits_only(text)
    else:
        return NisnCheck(None, [error(ProblemCode.NISN_NOT_DIGITS)])

    if len(digits) == NISN_LENGTH and not numeric:
        return NisnCheck(digits)

    if NISN_SHORTEST_RESTORABLE <= len(digits) <= NISN_LENGTH:
        restored = digits.zfill(NISN_LENGTH)
        if restored == digits:
            return NisnCheck(digits)
        return NisnCheck(
            restored, [warning(ProblemCode.NISN_NUMERIC_RESTORED, restored=restored)]
        )
    return NisnCheck(None, [error(ProblemCode.NISN_LENGTH, digits=len(digits))])


def parse_npsn(value: object) -> NpsnCheck:
    """Read a school's NPSN (Nomor Pokok Sekolah Nasional): 8 digits.

    NPSNs do not start with zero, so a numeric cell loses nothing and is
    accepted as it is.
    """
    if is_missing(value):
        return NpsnCheck(None, missing=True)
    if isinstance(value, date):
        # 2012-05-07 has the eight digits of an NPSN.
        return NpsnCheck(None, [error(ProblemCode.NPSN_NOT_DIGITS)])

    if _arrived_as_number(value):
        digits = _whole_number_digits(value)
    elif _DIGITS_AND_SEPARATORS.fullmatch(cell_text(value)):
        digits = digits_only(cell_text(value))
    else:
        digits = None
    if digits is None:
        return NpsnCheck(None, [error(ProblemCode.NPSN_NOT_DIGITS)])

    if len(digits) != NPSN_LENGTH:
        return NpsnCheck(None, [error(ProblemCode.NPSN_LENGTH, digits=len(digits))])
    return NpsnCheck(digits)


MONTHS = {
    # Indonesian, with the abbreviations and old spellings found in exports.
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6,
    "juli": 7, "jul": 7, "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agst": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11, "desember": 12,
    "des": 12,
    # English.
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7,
    "august": 8, "aug": 8, "october": 10, "oct": 10, "december": 12, "dec": 12,
}  # fmt: skip

_EIGHT_DIGITS = re.compile(r"\d{8}")
_EXCEL_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})")
_YEAR_MONTH_DAY = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})")
_DAY_NAME_YEAR = re.compile(r"(\d{1,2})[\s.\-/]*([^\W\d_]+)\.?[\s.,\-/]*(\d{2}|\d{4})")
_NAME_DAY_YEAR = re.compile(r"([^\W\d_]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4})")
# Whatever follows the date itself in a datetime written as text.
_TIME_SUFFIX = re.compile(r"(?:[T\s]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)\s*$")
# A weekday name in front ("Kamis, 17 Mei 2012").
_WEEKDAY_PREFIX = re.compile(
    r"^(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s*,?\s*",
    re.IGNORECASE,
)


def parse_date(value: object) -> DateCheck:
    """Read a date from a cell in any of the forms that exports take.

    Accepted: date and datetime values; Excel serial numbers (1900 system);
    ``17/05/2012``, ``17-05-2012``, ``17.05.2012`` (day first, as written in
    Indonesia); ``2012-05-17``; ``17 Mei 2012``, ``17 Agustus 2012``,
    ``17 Agt 2012`` and the English ``17 May 2012`` or ``May 17, 2012``;
    ``20120517``; a time after the date is ignored. A two-digit year takes
    the century that does not lie in the future.

    A date that does not exist (31/02/2012, or 05/17/2012 read day first) is
    an error, as is text in no known form. Whether a real date is plausible
    for its purpose (a birth date in the future) is the caller's concern.
    """
    if isinstance(value, datetime):
        return DateCheck(value.date())
    if isinstance(value, date):
        return DateCheck(value)
    if isinstance(value, str) and len(value) == 10 and _ISO_DATE.fullmatch(value):
        return _make_date(int(value[:4]), int(value[5:7]), int(value[8:]))
    if is_missing(value):
        return DateCheck(None, missing=True)

    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _date_from_number(value)

    text = _TIME_SUFFIX.sub("", cell_text(value))
    text = _WEEKDAY_PREFIX.sub("", text).strip()
    if _EIGHT_DIGITS.fullmatch(text):
        return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if _EXCEL_SERIAL_TEXT.fullmatch(text):
        return _date_from_number(float(text))

    if match := _YEAR_MONTH_DAY.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return _make_date(year, month, day)
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        return _make_date(_full_year(match.group(3)), month, day)
    if match := _DAY_NAME_YEAR.fullmatch(text):
        month_number = MONTHS.get(match.group(2).lower())
        if month_number is not None:
            return _make_date(
                _full_year(match.group(3)), month_number, int(match.group(1))
            )
    if match := _NAME_DAY_YEAR.fullmatch(text):
        month_number = MONTHS.get(match.group(1).lower())
        if month_number is not None:
            return _make_date(int(match.group(3)), month_number, int(match.group(2)))
    return DateCheck(None, [error(ProblemCode.DATE_UNREADABLE)])


def _date_from_number(value: int | float | Decimal) -> DateCheck:
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return DateCheck(None, [error(ProblemCode.DATE_UNREADABLE)])
    if 19000101 <= number <= 99991231 and number == int(number):
        text = str(int(number))
        return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if not 1 <= number <= EXCEL_LAST_SERIAL:
        return DateCheck(None, [error(ProblemCode.DATE_UNREADABLE)])
    return DateCheck(EXCEL_EPOCH + timedelta(days=int(number)))


def _full_year(text: str) -> int:
    if len(text) == 4:
        return int(text)

    # Two digits: this century unless that lies in the future.
    year = 2000 + int(text)
    return year if year <= today().year else year - 100


def _make_date(year: int, month: int, day: int) -> DateCheck:
    try:
        return DateCheck(date(year, month, day))
    except ValueError:
        return DateCheck(
            None,
            [error(ProblemCode.DATE_IMPOSSIBLE, day=day, month=month, year=year)],
        )


_SPACES = re.compile(r"\s+")
# Zero-width characters that copy-and-paste leaves inside names.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalize_name(value: object) -> str:
    """A name with its whitespace collapsed to single spaces and trimmed.

    Unicode is put in NFC form and invisible characters are removed; letters
    and their case are kept as written. The caller keeps the original.
    """
    if value is None:
        return ""
    text = str(value)
    if text.isascii():
        return " ".join(text.split())
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return _SPACES.sub(" ", text).strip()


_GENDERS: dict[str, Gender] = {
    "l": "L",
    "lk": "L",
    "laki": "L",
    "laki-laki": "L",
    "laki laki": "L",
    "lakilaki": "L",
    "pria": "L",
    "m": "L",
    "male": "L",
    "p": "P",
    "pr": "P",
    "pe": "P",
    "perempuan": "P",
    "wanita": "P",
    "f": "P",
    "female": "P",
}


def parse_gender(value: object) -> Gender | None:
    """``"L"`` or ``"P"`` from the ways a gender is written, else ``None``.

    Understood: L, P, Laki-laki, Perempuan, Pria, Wanita, and M/F.
    """
    text = _SPACES.sub(" ", cell_text(value)).lower().rstrip(".")
    return _GENDERS.get(text)
