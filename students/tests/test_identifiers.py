"""The parsers of NIK, NISN, NPSN, dates, names and genders."""

from datetime import date, datetime

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from students.identifiers import (
    EXCEL_EPOCH,
    ProblemCode,
    Severity,
    check_nik_against,
    digits_only,
    nik_birth_info,
    normalize_name,
    parse_date,
    parse_gender,
    parse_nik,
    parse_nisn,
    parse_no_kk,
    parse_npsn,
    today,
)

BIRTH_DATES = st.dates(min_value=date(1960, 1, 1), max_value=today())
MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember",
)  # fmt: skip


def make_nik(born: date, gender: str, region: str = "631106", serial: int = 1) -> str:
    day = born.day + 40 if gender == "P" else born.day
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def codes(check: object) -> list[str]:
    return [problem.code for problem in check.problems]  # type: ignore[attr-defined]


def test_digits_only_keeps_digits_in_order() -> None:
    assert digits_only(" 6311-0157 0512.0001 ") == "6311015705120001"
    assert digits_only(12345678.0) == "12345678"
    assert digits_only(None) == ""
    assert digits_only(True) == ""


def test_a_nik_given_as_text_is_accepted() -> None:
    check = parse_nik("6311015705120001")

    assert check.value == "6311015705120001"
    assert check.problems == []
    assert check.ok


def test_a_nik_with_separators_and_excel_apostrophe_is_accepted() -> None:
    assert parse_nik(" '6311 0157 0512 0001 ").value == "6311015705120001"


@pytest.mark.parametrize(
    "value",
    [6311015705120001, 6311015705120000.0, "6.31102E+15", "6311015705120001.0"],
)
def test_a_nik_that_arrived_as_a_number_is_never_trusted(value: object) -> None:
    check = parse_nik(value)

    assert check.value is None
    assert codes(check) == [ProblemCode.NIK_NUMERIC]
    assert check.problems[0].severity == Severity.ERROR
    assert check.problems[0].message == (
        "NIK tersimpan sebagai angka; format kolom sebagai Teks dan unggah ulang"
    )


@pytest.mark.parametrize("value", [None, "", " ", "-", "0" * 16, 0])
def test_a_missing_nik_is_noted_without_error(value: object) -> None:
    check = parse_nik(value)

    assert check.value is None
    assert check.missing
    assert check.problems == []


def test_a_nik_of_the_wrong_length_is_an_error() -> None:
    check = parse_nik("631101570512000")

    assert check.value is None
    assert codes(check) == [ProblemCode.NIK_LENGTH]
    assert "15 digit" in check.problems[0].message


def test_a_nik_with_letters_is_an_error() -> None:
    assert codes(parse_nik("63110157051200O1")) == [ProblemCode.NIK_NOT_DIGITS]


def test_a_nik_whose_date_part_is_impossible_is_an_error() -> None:
    assert codes(parse_nik("6311013205120001")) == [ProblemCode.NIK_DATE_PART]
    assert codes(parse_nik("6311011713120001")) == [ProblemCode.NIK_DATE_PART]


def test_a_nik_from_outside_kalimantan_selatan_is_a_warning() -> None:
    check = parse_nik("6471015705120001")

    assert check.value == "6471015705120001"
    assert codes(check) == [ProblemCode.NIK_REGION]
    assert check.problems[0].severity == Severity.WARNING
    assert check.ok


def test_a_nik_from_another_kabupaten_of_kalsel_is_fine() -> None:
    assert parse_nik("6307015705120001").problems == []


def test_nik_birth_info_decodes_date_and_gender() -> None:
    assert nik_birth_info("6311015705120001") == (date(2012, 5, 17), "P")
    assert nik_birth_info("6311011705850001") == (date(1985, 5, 17), "L")


def test_nik_birth_info_picks_the_century_that_gives_a_plausible_age() -> None:
    year = today().year % 100
    next_year = (year + 1) % 100

    born, _gender = nik_birth_info(f"6311010101{next_year:02d}0001")

    assert born is not None
    assert born.year == 1900 + next_year
    assert 0 <= today().year - born.year <= 100


def test_check_nik_against_agreeing_record_finds_nothing() -> None:
    assert check_nik_against("6311015705120001", date(2012, 5, 17), "P") == []


def test_check_nik_against_reports_disagreement_as_warnings() -> None:
    problems = check_nik_against("6311015705120001", date(2012, 5, 18), "L")

    assert [problem.code for problem in problems] == [
        ProblemCode.NIK_BIRTH_DATE_MISMATCH,
        ProblemCode.NIK_GENDER_MISMATCH,
    ]
    assert all(problem.severity == Severity.WARNING for problem in problems)
    assert "17-05-12" in problems[0].message


def test_no_kk_is_read_like_a_nik_without_the_date_check() -> None:
    assert parse_no_kk("6311011003240041").value == "6311011003240041"
    assert parse_no_kk("6311019999240041").value == "6311019999240041"
    assert codes(parse_no_kk(6311011003240040)) == [ProblemCode.NO_KK_NUMERIC]
    assert codes(parse_no_kk("12345")) == [ProblemCode.NO_KK_INVALID]


def test_a_nisn_given_as_text_is_accepted() -> None:
    check = parse_nisn("0012345678")

    assert check.value == "0012345678"
    assert check.problems == []


@pytest.mark.parametrize("value", [12345678, 12345678.0, "12345678", "12345678.0"])
def test_a_nisn_that_lost_its_leading_zeros_is_restored_with_a_warning(
    value: object,
) -> None:
    check = parse_nisn(value)

    assert check.value == "0012345678"
    assert codes(check) == [ProblemCode.NISN_NUMERIC_RESTORED]
    assert check.problems[0].severity == Severity.WARNING
    assert check.ok


def test_a_ten_digit_nisn_stored_as_a_number_is_exact() -> None:
    check = parse_nisn(1234567890)

    assert check.value == "1234567890"
    assert check.problems == []


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1.23457E+09", ProblemCode.NISN_NUMERIC_CUT),
        ("123456", ProblemCode.NISN_LENGTH),
        ("00123456789", ProblemCode.NISN_LENGTH),
        ("00A1234567", ProblemCode.NISN_NOT_DIGITS),
        (12.5, ProblemCode.NISN_NOT_DIGITS),
    ],
)
def test_an_unusable_nisn_is_an_error(value: object, code: ProblemCode) -> None:
    check = parse_nisn(value)

    assert check.value is None
    assert codes(check) == [code]
    assert check.has_errors


def test_npsn_is_eight_digits_and_may_be_a_number() -> None:
    assert parse_npsn("30315123").value == "30315123"
    assert parse_npsn(30315123.0).value == "30315123"
    assert codes(parse_npsn("303151")) == [ProblemCode.NPSN_LENGTH]
    assert codes(parse_npsn("3031512X")) == [ProblemCode.NPSN_NOT_DIGITS]
    assert parse_npsn("").missing


@pytest.mark.parametrize(
    "value",
    [
        date(2012, 5, 17),
        datetime(2012, 5, 17, 0, 0),  # noqa: DTZ001 - a naive cell value
        41046,
        41046.0,
        "41046",
        "17/05/2012",
        "17-05-2012",
        "17.05.2012",
        "2012-05-17",
        "2012/05/17",
        "2012-05-17 00:00:00",
        "17 Mei 2012",
        "17 MEI 2012",
        "17-Mei-2012",
        "17 Mei 12",
        "Kamis, 17 Mei 2012",
        "17 May 2012",
        "May 17, 2012",
        "20120517",
    ],
)
def test_parse_date_reads_every_form_of_the_same_day(value: object) -> None:
    check = parse_date(value)

    assert check.value == date(2012, 5, 17)
    assert check.problems == []


@pytest.mark.parametrize(
    ("value", "month"),
    [
        ("17 Agustus 2012", 8),
        ("17 Agt 2012", 8),
        ("17 Agu 2012", 8),
        ("17 Okt 2012", 10),
        ("17 Nopember 2012", 11),
        ("17 Des 2012", 12),
        ("17 Pebruari 2012", 2),
        ("17 August 2012", 8),
        ("17 Oct 2012", 10),
    ],
)
def test_parse_date_knows_indonesian_and_english_month_names(
    value: str, month: int
) -> None:
    assert parse_date(value).value == date(2012, month, 17)


@pytest.mark.parametrize(
    "value", ["31/02/2012", "29-02-2013", "05/17/2012", "0/1/2012"]
)
def test_an_impossible_date_is_an_error(value: str) -> None:
    check = parse_date(value)

    assert check.value is None
    assert codes(check) == [ProblemCode.DATE_IMPOSSIBLE]


@pytest.mark.parametrize("value", ["kemarin", "17 Foo 2012", "2012", "-5", 0.5])
def test_an_unreadable_date_is_an_error(value: object) -> None:
    check = parse_date(value)

    assert check.value is None
    assert check.has_errors


def test_an_empty_date_is_missing() -> None:
    assert parse_date("").missing
    assert parse_date(None).missing


def test_normalize_name_collapses_whitespace_and_invisible_characters() -> None:
    assert normalize_name("  siti\u00a0  AMINAH\u200b ") == "siti AMINAH"
    assert normalize_name("M.  RIZKY\tANSYARI\n") == "M. RIZKY ANSYARI"
    assert normalize_name(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("L", "L"),
        ("p", "P"),
        ("Laki-laki", "L"),
        ("LAKI - LAKI".replace(" - ", "-"), "L"),
        ("Perempuan", "P"),
        ("M", "L"),
        ("F", "P"),
        ("Pria", "L"),
        ("Wanita", "P"),
        ("X", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_gender(value: object, expected: str | None) -> None:
    assert parse_gender(value) == expected


def test_problem_messages_follow_the_active_language() -> None:
    from django.utils import translation

    problem = parse_nik("123").problems[0]
    with translation.override("id"):
        message = problem.message

    assert "NIK harus 16 digit" in message
    assert "3 digit" in message


# Property-based tests: valid values survive a round trip; invalid ones are
# never returned as valid.


@settings(deadline=None)
@given(
    born=BIRTH_DATES,
    gender=st.sampled_from("LP"),
    region=st.from_regex(r"63[0-9]{4}", fullmatch=True),
    serial=st.integers(1, 9999),
)
def test_every_well_formed_nik_round_trips(
    born: date, gender: str, region: str, serial: int
) -> None:
    nik = make_nik(born, gender, region, serial)

    check = parse_nik(nik)

    assert check.value == nik
    assert check.problems == []
    assert nik_birth_info(nik) == (born, gender)
    assert check_nik_against(nik, born, gender) == []


@settings(deadline=None)
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats()))
def test_parse_nik_never_returns_an_invalid_nik(value: object) -> None:
    check = parse_nik(value)

    if check.value is not None:
        assert len(check.value) == 16
        assert check.value.isdigit()
        assert check.value.isascii()
        assert not isinstance(value, int | float)
        assert nik_birth_info(check.value)[1] is not None


@settings(deadline=None)
@given(st.integers(1, 9_999_999_999))
def test_every_nisn_round_trips_as_text_and_as_a_number(number: int) -> None:
    nisn = f"{number:010d}"

    assert parse_nisn(nisn).value == nisn
    restored = parse_nisn(number)
    if number >= 1_000_000:
        assert restored.value == nisn
    else:
        assert restored.value is None
        assert restored.has_errors


@settings(deadline=None)
@given(st.one_of(st.text(max_size=20), st.integers(), st.floats()))
def test_parse_nisn_never_returns_an_invalid_nisn(value: object) -> None:
    check = parse_nisn(value)

    if check.value is not None:
        assert len(check.value) == 10
        assert check.value.isdigit()
        assert check.value.isascii()


@settings(deadline=None)
@given(BIRTH_DATES, st.sampled_from(["slash", "dash", "iso", "name", "serial"]))
def test_every_date_round_trips_in_every_form(day: date, form: str) -> None:
    value: object = {
        "slash": f"{day:%d/%m/%Y}",
        "dash": f"{day:%d-%m-%Y}",
        "iso": day.isoformat(),
        "name": f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}",
        "serial": (day - EXCEL_EPOCH).days,
    }[form]

    assert parse_date(value).value == day


@settings(deadline=None)
@given(st.integers(1, 31), st.integers(1, 12), st.integers(1900, 2100))
def test_parse_date_returns_only_real_dates(day: int, month: int, year: int) -> None:
    check = parse_date(f"{day:02d}/{month:02d}/{year}")

    try:
        expected: date | None = date(year, month, day)
    except ValueError:
        expected = None
    assert check.value == expected
    assert check.has_errors == (expected is None)


@settings(deadline=None)
@given(st.text(max_size=40))
def test_normalize_name_is_idempotent_and_trimmed(value: str) -> None:
    name = normalize_name(value)

    assert normalize_name(name) == name
    assert name == name.strip()
    assert "  " not in name


def test_today_is_the_local_date_of_the_project_time_zone() -> None:
    assert today() == timezone.localdate()


ANY_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.dates(),
    st.text(max_size=30),
    st.from_regex(r"[0-9 ./,eE+-]{0,20}", fullmatch=True),
)


@settings(deadline=None)
@given(ANY_CELL)
def test_no_parser_fails_on_any_cell_value(value: object) -> None:
    for parser in (parse_nik, parse_no_kk, parse_nisn, parse_npsn, parse_date):
        check = parser(value)  # type: ignore[operator]
        assert check.value is None or not check.has_errors
        assert not (check.missing and check.problems)
    assert parse_gender(value) in ("L", "P", None)
    assert isinstance(normalize_name(value), str)
