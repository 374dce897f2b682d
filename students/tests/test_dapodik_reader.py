"""Reading and validating Dapodik exports and files like them, made in the tests."""

from datetime import date
from pathlib import Path

import pytest

from students.dapodik.safety import RefusalCode, UploadRefused
from students.dapodik.samples import (
    FAULTS,
    School,
    make_dapodik_workbook,
    make_students,
    spoil,
)
from students.dapodik.validate import IssueCode, ReadResult, read_students
from students.dapodik.workbook_writer import Sheet, write_workbook
from students.identifiers import ProblemCode, Severity, today

FIRST_DATA_ROW = 9  # five title rows, a blank row, two header rows


@pytest.fixture
def pupils() -> list[dict[str, object]]:
    return make_students(30, seed=7)


def read(path: Path) -> ReadResult:
    return read_students(path, path.name, max_bytes=20 * 1024 * 1024)


def codes_at(result: ReadResult, row: int) -> list[str]:
    return [issue.code for issue in result.issues if issue.row == row]


def assert_same_pupil(row: object, pupil: dict[str, object]) -> None:
    assert row.nisn == pupil["nisn"]  # type: ignore[attr-defined]
    assert row.nik == pupil["nik"]  # type: ignore[attr-defined]
    assert row.name == pupil["nama"]  # type: ignore[attr-defined]
    assert row.gender == pupil["jk"]  # type: ignore[attr-defined]
    assert row.birth_date == pupil["tanggal_lahir"]  # type: ignore[attr-defined]
    assert row.mother_name == pupil["ibu_nama"]  # type: ignore[attr-defined]
    assert row.mother_nik == pupil["ibu_nik"]  # type: ignore[attr-defined]
    assert row.father_nik == pupil["ayah_nik"]  # type: ignore[attr-defined]
    assert row.no_kk == pupil["no_kk"]  # type: ignore[attr-defined]
    assert row.desa == pupil["kelurahan"]  # type: ignore[attr-defined]


def test_it_reads_the_real_layout_with_its_two_row_merged_header(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)

    result = read(path)

    assert result.counts.rows_read == 30
    assert result.counts.valid == 30
    assert result.issues == []
    assert result.sheet_name == "Daftar Peserta Didik"
    assert result.columns.header_rows == (7, 8)
    assert result.columns.labels["ibu_nik"] == "Data Ibu / NIK"
    assert result.columns.labels["ayah_nama"] == "Data Ayah / Nama"
    assert result.rows[0].row_number == FIRST_DATA_ROW
    for row, pupil in zip(result.rows, pupils, strict=True):
        assert_same_pupil(row, pupil)


def test_it_fills_every_field_of_the_student_record(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    pupil = pupils[0]
    pupil.update(penerima_kip="Ya", nomor_kip="A12345", layak_pip="Tidak")
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path)

    row = read(path).rows[0]

    assert row.name_original == pupil["nama"]
    assert row.birth_place == pupil["tempat_lahir"]
    assert row.religion == "Islam" or row.religion == "Kristen"
    assert row.address == pupil["alamat"]
    assert (row.rt, row.rw, row.dusun) == (pupil["rt"], pupil["rw"], pupil["dusun"])
    assert row.kecamatan == str(pupil["kecamatan"]).removeprefix("Kec. ")
    assert row.postal_code == pupil["kode_pos"]
    assert row.father_name == pupil["ayah_nama"]
    assert row.guardian_name == ""
    assert row.rombel == pupil["rombel"]
    assert row.kip_recipient is True
    assert row.kip_number == "A12345"
    assert row.pip_eligible is False


def test_it_reads_the_school_from_the_title_rows(tmp_path: Path) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(
        3, path, school=School(name="SMP NEGERI 2 JUAI", kecamatan="Juai")
    )

    header = read(path).header

    assert header.school_name == "SMP NEGERI 2 JUAI"
    assert header.kecamatan == "Juai"
    assert header.downloaded_at == "2025-07-14 09:12:33"
    assert header.downloaded_by is not None


def test_a_reordered_file_reads_the_same(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    path = tmp_path / "acak.xlsx"
    make_dapodik_workbook(pupils, path, reorder=True, seed=3)

    result = read(path)

    assert result.counts.valid == 30
    for row, pupil in zip(result.rows, pupils, strict=True):
        assert_same_pupil(row, pupil)


def test_a_trimmed_and_extended_file_reads_with_warnings_for_missing_columns(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    path = tmp_path / "ringkas.xlsx"
    make_dapodik_workbook(
        pupils,
        path,
        drop=["no_kk", "email", "ayah_nik", "wali_nama", "lintang"],
        extra=["Catatan Operator", "Nomor Sepatu"],
    )

    result = read(path)

    assert result.counts.valid == 30
    missing = [i for i in result.issues if i.code == IssueCode.COLUMN_MISSING]
    assert {issue.column for issue in missing} == {"No KK", "NIK Ayah", "Nama Wali"}
    assert all(issue.row is None for issue in missing)
    assert all(issue.severity == Severity.WARNING for issue in missing)
    assert "Catatan Operator" in result.columns.unknown
    assert result.rows[0].no_kk is None


def test_a_file_with_a_single_row_header_reads(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    path = tmp_path / "datar.xlsx"
    make_dapodik_workbook(pupils, path, flat_header=True)

    result = read(path)

    assert result.columns.header_rows == (7,)
    assert result.rows[0].row_number == 8
    for row, pupil in zip(result.rows, pupils, strict=True):
        assert_same_pupil(row, pupil)


@pytest.mark.parametrize("form", ["iso", "cell", "slash", "dash", "month_name"])
@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_each_date_form_gives_the_same_birth_date(
    tmp_path: Path, pupils: list[dict[str, object]], form: str, fmt: str
) -> None:
    path = tmp_path / f"tanggal.{fmt}"
    make_dapodik_workbook(pupils, path, fmt=fmt, date_form=form)

    result = read(path)

    assert result.counts.valid == 30
    assert [row.birth_date for row in result.rows] == [
        pupil["tanggal_lahir"] for pupil in pupils
    ]


def test_a_file_resaved_in_excel_restores_nisn_and_refuses_cut_niks(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    path = tmp_path / "disimpan-ulang.xlsx"
    make_dapodik_workbook(pupils, path, resaved_by_excel=True)

    result = read(path)

    first = FIRST_DATA_ROW
    assert ProblemCode.NISN_NUMERIC_RESTORED in codes_at(result, first)
    assert ProblemCode.NIK_NUMERIC in codes_at(result, first)
    assert result.counts.valid == 0
    assert result.counts.error_rows == 30
    nik_issue = next(
        issue
        for issue in result.issues
        if issue.row == first and issue.code == ProblemCode.NIK_NUMERIC
    )
    assert nik_issue.column == "NIK"
    assert nik_issue.value == str(int(float(str(pupils[0]["nik"])[:15] + "0")))
    assert nik_issue.message == (
        "NIK tersimpan sebagai angka; format kolom sebagai Teks dan unggah ulang"
    )


def test_a_numeric_nisn_alone_is_restored_and_the_row_kept(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    pupils[0]["nisn"] = "0098765432"
    path = tmp_path / "nisn.xlsx"
    # Only this NISN cell is a number; the other cells hold text.
    sheet_rows = list(_rows_with(pupils, 0, "nisn", 98765432))
    write_workbook(path, [Sheet("Daftar Peserta Didik", sheet_rows)])

    result = read(path)

    assert result.rows[0].nisn == "0098765432"
    issues = [i for i in result.issues if i.code == ProblemCode.NISN_NUMERIC_RESTORED]
    assert len(issues) == 1
    assert issues[0].severity == Severity.WARNING
    assert result.counts.valid == 30


def _rows_with(
    pupils: list[dict[str, object]], index: int, key: str, value: object
) -> list[list[object]]:
    header: list[object] = ["Nama", "NISN", "JK", "Tanggal Lahir", "NIK"]
    keys = ["nama", "nisn", "jk", "tanggal_lahir", "nik"]
    rows: list[list[object]] = [header]
    for number, pupil in enumerate(pupils):
        row = [pupil[k] for k in keys]
        if number == index:
            row[keys.index(key)] = value
        rows.append(row)
    return rows


def test_duplicates_inside_the_file_are_errors_on_the_later_row(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    pupils[5]["nisn"] = pupils[2]["nisn"]
    pupils[8]["nik"] = pupils[3]["nik"]
    pupils[8]["tanggal_lahir"] = pupils[3]["tanggal_lahir"]
    pupils[8]["jk"] = pupils[3]["jk"]
    path = tmp_path / "ganda.xlsx"
    make_dapodik_workbook(pupils, path)

    result = read(path)

    nisn_issue = next(i for i in result.issues if i.code == IssueCode.DUPLICATE_NISN)
    assert nisn_issue.row == FIRST_DATA_ROW + 5
    assert nisn_issue.params == {"first_row": FIRST_DATA_ROW + 2}
    assert str(FIRST_DATA_ROW + 2) in nisn_issue.message
    nik_issue = next(i for i in result.issues if i.code == IssueCode.DUPLICATE_NIK)
    assert nik_issue.row == FIRST_DATA_ROW + 8
    assert codes_at(result, FIRST_DATA_ROW + 2) == []
    assert result.counts.error_rows == 2
    assert result.counts.valid == 28


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(",", "utf-8"), (";", "utf-8"), (",", "utf-8-sig"), (";", "utf-8-sig"),
     (",", "cp1252"), (";", "cp1252"), ("\t", "utf-16")],
)  # fmt: skip
def test_csv_in_each_delimiter_and_encoding(
    tmp_path: Path, pupils: list[dict[str, object]], delimiter: str, encoding: str
) -> None:
    pupils[0]["nama"] = "NUR\u2019AINI R\u00c9NATA"
    path = tmp_path / "daftar.csv"
    make_dapodik_workbook(
        pupils, path, fmt="csv", csv_delimiter=delimiter, csv_encoding=encoding
    )

    result = read(path)

    assert result.kind == "csv"
    assert result.counts.valid == 30
    assert result.rows[0].name == "NUR\u2019AINI R\u00c9NATA"
    for row, pupil in zip(result.rows, pupils, strict=True):
        assert_same_pupil(row, pupil)


def test_an_ods_file_reads_with_its_merged_header(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    path = tmp_path / "daftar.ods"
    make_dapodik_workbook(pupils, path, fmt="ods")

    result = read(path)

    assert result.kind == "ods"
    assert result.columns.header_rows == (7, 8)
    for row, pupil in zip(result.rows, pupils, strict=True):
        assert_same_pupil(row, pupil)


def test_each_sample_fault_gives_its_issue(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    for number, fault in enumerate(FAULTS):
        spoil(pupils, 3 * number + 1, fault)
    path = tmp_path / "rusak.xlsx"
    make_dapodik_workbook(pupils, path)

    result = read(path)

    expected = {
        "nik_short": ProblemCode.NIK_LENGTH,
        "birth_date_impossible": ProblemCode.DATE_IMPOSSIBLE,
        "jk_missing": IssueCode.REQUIRED,
        "nisn_duplicate": IssueCode.DUPLICATE_NISN,
        "nik_outside_kalsel": ProblemCode.NIK_REGION,
        "nisn_letters": ProblemCode.NISN_NOT_DIGITS,
    }
    for number, fault in enumerate(FAULTS):
        assert expected[fault] in codes_at(result, FIRST_DATA_ROW + 3 * number + 1)
    assert result.counts.error_rows == 5
    assert result.counts.valid == 25


def test_row_rules_for_required_and_optional_values(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    pupils[0]["nisn"] = ""
    pupils[1]["nik"] = ""
    pupils[2]["tanggal_lahir"] = date(today().year + 1, 1, 1)
    pupils[3]["jk"] = "X"
    pupils[4]["nama"] = "  SITI   AMINAH "
    pupils[5]["tanggal_lahir"] = date(1990, 1, 1)
    path = tmp_path / "aturan.xlsx"
    make_dapodik_workbook(pupils, path)

    result = read(path)

    assert codes_at(result, FIRST_DATA_ROW) == [IssueCode.NISN_REQUIRED]
    assert IssueCode.NIK_MISSING in codes_at(result, FIRST_DATA_ROW + 1)
    assert IssueCode.BIRTH_DATE_FUTURE in codes_at(result, FIRST_DATA_ROW + 2)
    assert IssueCode.GENDER_INVALID in codes_at(result, FIRST_DATA_ROW + 3)
    assert IssueCode.AGE_UNUSUAL in codes_at(result, FIRST_DATA_ROW + 5)
    kept = {row.row_number: row for row in result.rows}
    assert kept[FIRST_DATA_ROW + 1].nik is None
    assert kept[FIRST_DATA_ROW + 4].name == "SITI AMINAH"
    assert kept[FIRST_DATA_ROW + 4].name_original == "  SITI   AMINAH "
    assert FIRST_DATA_ROW not in kept
    assert FIRST_DATA_ROW + 3 not in kept


def test_a_nik_that_disagrees_with_the_record_is_only_a_warning(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    pupils[0]["jk"] = "L" if pupils[0]["jk"] == "P" else "P"
    path = tmp_path / "beda.xlsx"
    make_dapodik_workbook(pupils, path)

    result = read(path)

    assert ProblemCode.NIK_GENDER_MISMATCH in codes_at(result, FIRST_DATA_ROW)
    assert result.rows[0].row_number == FIRST_DATA_ROW


def test_a_bad_parent_nik_never_blocks_the_pupil(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    pupils[0]["ibu_nik"] = "12345"
    path = tmp_path / "ibu.xlsx"
    make_dapodik_workbook(pupils, path)

    result = read(path)

    issue = next(i for i in result.issues if i.row == FIRST_DATA_ROW)
    assert issue.code == IssueCode.PARENT_NIK_IGNORED
    assert issue.column == "Data Ibu / NIK"
    assert issue.severity == Severity.WARNING
    assert result.rows[0].mother_nik is None


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x","klik")', "<script>x</script>"]
)
def test_a_name_that_is_markup_or_a_formula_is_an_error(
    tmp_path: Path, pupils: list[dict[str, object]], name: str
) -> None:
    pupils[0]["nama"] = name
    path = tmp_path / "nama.xlsx"
    make_dapodik_workbook(pupils, path)

    result = read(path)

    assert codes_at(result, FIRST_DATA_ROW) == [IssueCode.NAME_CHARACTERS]
    assert all(row.row_number != FIRST_DATA_ROW for row in result.rows)


def test_blank_rows_and_a_trailing_total_create_no_errors(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    pupils.insert(10, {})
    path = tmp_path / "total.xlsx"
    make_dapodik_workbook(
        pupils,
        path,
        trailing_rows=[[], [], [None, "Jumlah peserta didik: 30"], ["", "", ""]],
    )

    result = read(path)

    assert result.issues == []
    assert result.counts.rows_read == 30


def test_the_sheet_is_found_by_name_or_by_content(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    instructions = Sheet("Petunjuk", [["Baca dulu"], ["Nama dan NISN wajib"]])
    path = tmp_path / "dua-lembar.xlsx"
    make_dapodik_workbook(pupils, path, sheets_before=[instructions])

    assert read(path).sheet_name == "Daftar Peserta Didik"

    renamed = tmp_path / "nama-lain.xlsx"
    rows = _rows_with(pupils, 0, "nama", pupils[0]["nama"])
    write_workbook(renamed, [instructions, Sheet("Siswa 2025", rows)])

    result = read(renamed)
    assert result.sheet_name == "Siswa 2025"
    assert result.counts.valid == 30


def test_a_table_that_does_not_start_in_a1_keeps_its_row_numbers(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    rows = [[], [], *[[None, None, *row] for row in _rows_with(pupils, 0, "nisn", "")]]
    path = tmp_path / "geser.xlsx"
    write_workbook(path, [Sheet("Daftar Peserta Didik", rows)])

    result = read(path)

    assert result.columns.header_rows == (3,)
    assert result.columns.first_column == 2
    assert codes_at(result, 4) == [IssueCode.NISN_REQUIRED]
    assert result.rows[0].row_number == 5


def test_a_file_without_the_required_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lain.xlsx"
    write_workbook(
        path, [Sheet("Data", [["Barang", "Jumlah"], ["Meja", 3], ["Kursi", 12]])]
    )

    with pytest.raises(UploadRefused) as refused:
        read(path)

    assert refused.value.code == RefusalCode.NO_HEADER
    assert refused.value.message.startswith("Header tidak ditemukan")


def test_a_header_without_a_required_column_is_refused_naming_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tanpa-jk.xlsx"
    make_dapodik_workbook(3, path, drop=["jk"])

    with pytest.raises(UploadRefused) as refused:
        read(path)

    assert refused.value.code == RefusalCode.NO_HEADER
    assert "JK" in refused.value.message


def test_a_needed_column_twice_is_refused(tmp_path: Path) -> None:
    rows = [["Nama", "NISN", "JK", "Tanggal Lahir", "NIK", "N I K"]]
    path = tmp_path / "ganda.xlsx"
    write_workbook(path, [Sheet("S", rows)])

    with pytest.raises(UploadRefused) as refused:
        read(path)

    assert refused.value.code == RefusalCode.DUPLICATE_COLUMN
    assert "NIK, N I K" in refused.value.message


def test_an_unused_column_twice_is_ignored(tmp_path: Path) -> None:
    rows = [
        ["Nama", "NISN", "JK", "Tanggal Lahir", "Telepon", "Telepon"],
        ["SITI AMINAH", "0123456789", "P", "2012-05-07", "1", "2"],
    ]
    path = tmp_path / "telepon.xlsx"
    write_workbook(path, [Sheet("S", rows)])

    result = read(path)

    assert result.counts.valid == 1


def test_issue_repr_never_shows_the_value(
    tmp_path: Path, pupils: list[dict[str, object]]
) -> None:
    pupils[0]["nik"] = "123"
    path = tmp_path / "repr.xlsx"
    make_dapodik_workbook(pupils, path)

    result = read(path)

    assert "123" not in repr(result.issues)
    assert str(pupils[1]["nama"]) not in repr(result.rows)
