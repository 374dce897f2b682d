"""Property-based tests of the values a pupil row carries: NIK, NISN, birth
date and name.

students/tests/test_identifiers.py tests the parsers on their own. These go
further on both sides: a valid value, written into a real file in any of
the ways a spreadsheet program or an operator writes it, comes back from
the upload's reader exactly; an invalid one makes its row an error, so it
never reaches the database, which the last test checks through the import
itself.
"""

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from students.dapodik import ReadResult, StudentRow, UploadRefused, read_students
from students.dapodik.hostile import FORMULA_NAMES, SCRIPT_NAMES
from students.dapodik.workbook_writer import Sheet, write_workbook
from students.identifiers import (
    EXCEL_EPOCH,
    MONTHS,
    normalize_name,
    parse_date,
    parse_nik,
    parse_nisn,
    today,
)
from students.models import School, Student
from students.services.upload import import_upload, receive_upload

# Few examples, no deadline: the file tests write and read a workbook per
# example, and the whole module stays within a few seconds. Failures found
# are kept under .hypothesis/ (ignored by git) and tried first next time.
QUICK = settings(max_examples=40, deadline=None)
FILES = settings(max_examples=25, deadline=None)
HEADER = ["Nama", "NISN", "JK", "Tanggal Lahir", "NIK"]
FORMATS = ("xlsx", "ods", "csv")
# Besides letters, what a name may hold after its first letter.
NAME_MARKS = " .'`’,-"
MONTH_NAMES_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember",
)  # fmt: skip
MONTH_NAMES_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
WEEKDAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def make_nik(born: date, gender: str, region: str, serial: int) -> str:
    day = born.day + 40 if gender == "P" else born.day
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


@dataclass(frozen=True)
class Pupil:
    name: str
    nisn: str
    gender: str
    born: date
    nik: str


LETTERS = st.characters(categories=("Lu", "Ll", "Lo"))
WORDS = st.text(LETTERS, min_size=1, max_size=10)


@st.composite
def names(draw: st.DrawFn) -> str:
    """A name as people write them: words of letters of any script, joined
    by spaces or the marks of names, with stray spaces around."""
    words = draw(st.lists(WORDS, min_size=1, max_size=4))
    name = words[0]
    for word in words[1:]:
        name += draw(st.sampled_from([" ", "  ", ". ", "'", "-", " '", ", "])) + word
    return (
        draw(st.sampled_from(["", " ", "  "])) + name + draw(st.sampled_from(["", " "]))
    )


@st.composite
def pupils(draw: st.DrawFn) -> Pupil:
    born = draw(st.dates(min_value=date(2003, 1, 1), max_value=date(2020, 12, 31)))
    gender = draw(st.sampled_from("LP"))
    region = draw(st.from_regex(r"63[0-9]{4}", fullmatch=True))
    nik = make_nik(born, gender, region, draw(st.integers(1, 9999)))
    nisn = f"{draw(st.integers(1, 9_999_999_999)):010d}"
    return Pupil(draw(names()), nisn, gender, born, nik)


def written_nik(nik: str, how: str) -> object:
    """A NIK as operators type it into a text cell."""
    parts = [nik[0:4], nik[4:8], nik[8:12], nik[12:16]]
    return {
        "plain": nik,
        "spaces": " ".join(parts),
        "dots": ".".join(parts),
        "dashes": "-".join(parts),
        "apostrophe": "'" + nik,
        "padded": f"  {nik} ",
    }[how]


def written_nisn(nisn: str, how: str) -> object:
    """A NISN as a text cell, or as the number Excel makes of it."""
    if how == "number" and int(nisn) >= 1_000_000:
        # A number keeps the NISN when at most three leading zeros are lost.
        return int(nisn)
    return {"apostrophe": "'" + nisn}.get(how, nisn)


def written_date(born: date, how: str) -> object:
    """A birth date in the forms of the Dapodik export and of re-saved files."""
    return {
        "cell": born,
        "iso": born.isoformat(),
        "slash": f"{born:%d/%m/%Y}",
        "dash": f"{born:%d-%m-%Y}",
        "dot": f"{born:%d.%m.%Y}",
        "month_name": f"{born.day} {MONTH_NAMES_ID[born.month - 1]} {born.year}",
        "serial": (born - EXCEL_EPOCH).days,
    }[how]


def read_file(rows: list[list[object]], fmt: str) -> ReadResult:
    """The rows, under the header, written as ``fmt`` and read by the upload."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"daftar.{fmt}"
        write_workbook(path, [Sheet("Daftar Peserta Didik", [HEADER, *rows])], fmt)
        return read_students(path, path.name, max_bytes=10 * 1024 * 1024)


def accepted_rows(rows: list[list[object]], fmt: str) -> list[StudentRow]:
    """The rows the upload would store; none when it refuses the file."""
    try:
        return read_file(rows, fmt).rows
    except UploadRefused:
        return []


def pupil_cells(pupil: Pupil) -> list[object]:
    return [pupil.name, pupil.nisn, pupil.gender, pupil.born.isoformat(), pupil.nik]


def only_row(result: ReadResult) -> StudentRow:
    assert result.counts.rows_read == 1
    return result.rows[0]


def error_columns(result: ReadResult) -> set[str | None]:
    return {issue.column for issue in result.issues if issue.is_error}


# Valid values survive the round trip through a real file.


@FILES
@given(
    pupil=pupils(),
    fmt=st.sampled_from(FORMATS),
    nik_how=st.sampled_from(
        ["plain", "spaces", "dots", "dashes", "apostrophe", "padded"]
    ),
    nisn_how=st.sampled_from(["text", "number", "apostrophe"]),
    date_how=st.sampled_from(
        ["cell", "iso", "slash", "dash", "dot", "month_name", "serial"]
    ),
    gender_how=st.sampled_from(["code", "word", "lower"]),
)
def test_a_valid_pupil_comes_back_from_every_file_format(
    pupil: Pupil, fmt: str, nik_how: str, nisn_how: str, date_how: str, gender_how: str
) -> None:
    gender = {
        "code": pupil.gender,
        "word": "Laki-laki" if pupil.gender == "L" else "Perempuan",
        "lower": pupil.gender.lower(),
    }[gender_how]
    cells = [
        pupil.name,
        written_nisn(pupil.nisn, nisn_how),
        gender,
        written_date(pupil.born, date_how),
        written_nik(pupil.nik, nik_how),
    ]

    result = read_file([cells], fmt)

    assert error_columns(result) == set()
    row = only_row(result)
    assert row.nik == pupil.nik
    assert row.nisn == pupil.nisn
    assert row.birth_date == pupil.born
    assert row.gender == pupil.gender
    assert row.name == normalize_name(pupil.name)


def test_a_letter_that_the_normal_form_splits_in_two_is_a_letter() -> None:
    # Found by the test below: NFC turns U+0958 into a letter and a
    # combining dot, which was once refused as an odd character.
    pupil = Pupil("A A \u0958 Zoe\u0308", "0000000002", "L", date(2010, 1, 1), "")

    row = only_row(read_file([pupil_cells(pupil)], "xlsx"))

    assert row.name == normalize_name(pupil.name)


@QUICK
@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)))
def test_every_excel_serial_round_trips_with_or_without_a_time(day: date) -> None:
    serial = (day - EXCEL_EPOCH).days

    assert parse_date(serial).value == day
    assert parse_date(float(serial) + 0.75).value == day
    assert parse_date(Decimal(serial)).value == day
    if 10_000 <= serial <= 99_999:
        # Five digits of text: a serial that a CSV re-save left as text.
        assert parse_date(str(serial)).value == day


@QUICK
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    form=st.sampled_from(
        [
            "dot",
            "year_slash",
            "eight_digits",
            "english",
            "english_day_first",
            "abbreviated",
            "weekday",
            "time_suffix",
            "iso_time",
            "datetime",
        ]
    ),
)
def test_every_date_form_of_the_exports_round_trips(day: date, form: str) -> None:
    month_id = MONTH_NAMES_ID[day.month - 1]
    short = next(
        name
        for name, number in MONTHS.items()
        if number == day.month and len(name) <= 4
    )
    value: object = {
        "dot": f"{day:%d.%m.%Y}",
        "year_slash": f"{day.year:04d}/{day.month}/{day.day}",
        "eight_digits": f"{day.year:04d}{day.month:02d}{day.day:02d}",
        "english": f"{MONTH_NAMES_EN[day.month - 1]} {day.day}, {day.year}",
        "english_day_first": f"{day.day} {MONTH_NAMES_EN[day.month - 1]} {day.year}",
        "abbreviated": f"{day.day:02d}-{short.title()}-{day.year}",
        "weekday": f"{WEEKDAYS_ID[day.weekday()]}, {day.day} {month_id} {day.year}",
        "time_suffix": f"{day:%d/%m/%Y} 00:00:00",
        "iso_time": f"{day.isoformat()}T07:30",
        "datetime": datetime(day.year, day.month, day.day, 13, 5),  # noqa: DTZ001
    }[form]

    assert parse_date(value).value == day


@QUICK
@given(st.dates(min_value=today() - timedelta(days=99 * 365), max_value=today()))
def test_a_two_digit_year_takes_the_century_that_is_not_in_the_future(
    day: date,
) -> None:
    assume(day.year > today().year - 100)

    assert parse_date(f"{day:%d/%m/%y}").value == day


@QUICK
@given(
    nisn=st.integers(1_000_000, 9_999_999_999),
    cell=st.sampled_from(["int", "float", "decimal", "decimal_text"]),
)
def test_a_nisn_kept_as_a_number_gets_its_zeros_back(nisn: int, cell: str) -> None:
    value: object = {
        "int": nisn,
        "float": float(nisn),
        "decimal": Decimal(nisn),
        "decimal_text": f"{nisn}.0",
    }[cell]

    assert parse_nisn(value).value == f"{nisn:010d}"


# Invalid values make their row an error: the row is kept out of what is
# stored.


@st.composite
def impossible_nik(draw: st.DrawFn) -> str:
    """Sixteen digits whose birth-date part is no date."""
    day, month = draw(
        st.one_of(
            st.tuples(st.integers(1, 31), st.sampled_from([0, *range(13, 100)])),
            st.tuples(
                st.sampled_from([0, *range(32, 41), *range(72, 100)]),
                st.integers(1, 12),
            ),
        )
    )
    return f"631106{day:02d}{month:02d}12{draw(st.integers(0, 9999)):04d}"


INVALID_NIKS = st.one_of(
    st.from_regex(r"[0-9]{1,15}|[0-9]{17,20}", fullmatch=True).filter(
        lambda text: not re.fullmatch("0+", text)
    ),
    st.from_regex(r"[0-9]{6}[A-Za-z][0-9]{9}", fullmatch=True),
    impossible_nik(),
    st.integers(1_000_000_000_000_000, 9_999_999_999_999_999),
    st.sampled_from([*FORMULA_NAMES, *SCRIPT_NAMES, "6.31106E+15"]),
)
INVALID_NISNS = st.one_of(
    st.from_regex(r"[0-9]{1,6}|[0-9]{11,15}", fullmatch=True).filter(
        lambda text: not re.fullmatch("0+", text)
    ),
    st.from_regex(r"[0-9]{3}[A-Za-z][0-9]{6}", fullmatch=True),
    st.sampled_from([*FORMULA_NAMES, *SCRIPT_NAMES, "1.23457E+09", 12345678.5]),
    # A date cell's text has the digits of a NISN short of two zeros.
    st.dates(min_value=date(1900, 3, 1)),
)
# Days past the end of their month, and 29 February of common years.
MONTH_ENDS = [(30, 2), (31, 2), (31, 4), (31, 6), (31, 9), (31, 11)]
INVALID_DATES = st.one_of(
    st.tuples(st.sampled_from(MONTH_ENDS), st.integers(2000, 2020)).map(
        lambda pair: f"{pair[0][0]}/{pair[0][1]:02d}/{pair[1]}"
    ),
    st.sampled_from([2001, 2002, 2003, 2005, 2010, 2019]).map(
        lambda year: f"29-02-{year}"
    ),
    st.tuples(st.integers(1, 28), st.integers(13, 99), st.integers(2000, 2020)).map(
        lambda dmy: f"{dmy[0]:02d}/{dmy[1]:02d}/{dmy[2]}"
    ),
    st.dates(min_value=today() + timedelta(days=1), max_value=date(2099, 12, 31)),
    st.from_regex(r"[a-z]{5,12}", fullmatch=True).filter(
        lambda text: text not in MONTHS
    ),
    st.sampled_from([*FORMULA_NAMES, *SCRIPT_NAMES]),
)
ODD_CHARACTERS = '<>="&;{}[]()#$%*!?/\\|^~0123456789_+@'
INVALID_NAMES = st.one_of(
    st.tuples(st.sampled_from("=+-@"), st.text(max_size=20)).map("".join),
    st.tuples(WORDS, st.sampled_from(ODD_CHARACTERS), st.text(LETTERS, max_size=8)).map(
        "".join
    ),
    st.sampled_from([*FORMULA_NAMES, *SCRIPT_NAMES]),
)
INVALID = {
    "NIK": (4, INVALID_NIKS),
    "NISN": (1, INVALID_NISNS),
    "Tanggal Lahir": (3, INVALID_DATES),
    "Nama": (0, INVALID_NAMES),
}


@st.composite
def invalid_rows(draw: st.DrawFn) -> tuple[list[object], str]:
    """A pupil's row with one invalid value, and the column it is in."""
    column = draw(st.sampled_from(sorted(INVALID)))
    index, invalid = INVALID[column]
    cells = pupil_cells(draw(pupils()))
    cells[index] = draw(invalid)
    return cells, column


@FILES
@given(invalid=invalid_rows(), fmt=st.sampled_from(FORMATS))
def test_an_invalid_value_makes_its_row_an_error(
    invalid: tuple[list[object], str], fmt: str
) -> None:
    cells, column = invalid

    result = read_file([cells], fmt)

    assert result.counts.rows_read == 1
    assert result.rows == []
    assert column in error_columns(result)


# Whatever a cell holds, what the reader accepts is a valid value.

ANY_CELL = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[0-9 ./\-'eE+]{0,20}", fullmatch=True),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1)),
)


@FILES
@given(pupil=pupils(), column=st.sampled_from(sorted(INVALID)), cell=ANY_CELL)
def test_whatever_a_cell_holds_an_accepted_row_holds_valid_values(
    pupil: Pupil, column: str, cell: object
) -> None:
    index, _invalid = INVALID[column]
    cells = pupil_cells(pupil)
    cells[index] = cell

    for row in accepted_rows([cells], "xlsx"):
        assert row.nisn is not None and re.fullmatch("[0-9]{10}", row.nisn)
        assert parse_nisn(row.nisn).value == row.nisn
        if row.nik is not None:
            assert re.fullmatch("[0-9]{16}", row.nik)
            assert parse_nik(row.nik).value == row.nik
            assert column != "NIK" or isinstance(cell, str)
        assert row.birth_date is not None and row.birth_date <= today()
        assert_inert_name(row.name)
        if column == "NISN":
            assert not isinstance(cell, date)


def assert_inert_name(name: str) -> None:
    """A stored name starts with a letter and holds only letters, accents,
    spaces and the marks of names: no spreadsheet formula, no markup."""
    assert name[:1].isalpha()
    assert all(
        ch.isalpha() or ch in NAME_MARKS or unicodedata.category(ch).startswith("M")
        for ch in name
    )


@QUICK
@given(st.text(max_size=40))
def test_whatever_a_name_cell_holds_an_accepted_name_is_inert(text: str) -> None:
    for row in accepted_rows([[text, "0123456789", "P", "2012-05-07", ""]], "csv"):
        assert_inert_name(row.name)
        assert row.name == normalize_name(text)


# Invalid values never reach the database, through the import itself.


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(valid=pupils(), bad=st.lists(invalid_rows(), min_size=1, max_size=5))
def test_invalid_values_never_reach_the_database(
    valid: Pupil,
    bad: list[tuple[list[object], str]],
    school_a: School,
    operator_a: User,
) -> None:
    rows = [pupil_cells(valid), *(cells for cells, _column in bad)]
    assume(all(cells[1] != valid.nisn for cells, _column in bad))

    with tempfile.TemporaryDirectory() as folder, transaction.atomic():
        path = Path(folder) / "daftar.xlsx"
        write_workbook(path, [Sheet("Daftar Peserta Didik", [HEADER, *rows])])
        upload = receive_upload(
            school_a, [path.read_bytes()], path.name, user=operator_a
        )
        import_upload(upload)

        stored = list(Student.objects.values_list("nisn", "nik", "name"))
        transaction.set_rollback(True)

    assert stored == [(valid.nisn, valid.nik, normalize_name(valid.name))]
    assert upload.error_rows == len(bad)
