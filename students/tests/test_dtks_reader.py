"""Reading DTKS and DTSEN register extracts."""

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from students.dtks.reader import (
    CHILD,
    HEAD,
    SPOUSE,
    PersonRow,
    RegisterFormatError,
    RowProblem,
    open_register,
)
from students.dtks.synthetic import REGISTER_HEADER, make_district, register_row

HEADER = "IDDTKS,NIK,NOKK,NAMA,JENIS_KELAMIN,TMPT_LAHIR,TGL_LAHIR,HUB_KELUARGA,DESIL"


def read_all(path: Path, chunk_size: int = 1000) -> tuple[list[PersonRow], list]:
    rows: list[PersonRow] = []
    problems: list[RowProblem] = []
    with open_register(path) as reader:
        for chunk in reader.chunks(chunk_size):
            rows += chunk.rows
            problems += chunk.problems
    return rows, problems


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "|", "\t"])
def test_it_reads_each_delimiter(tmp_path: Path, delimiter: str) -> None:
    lines = [
        HEADER,
        "D1,6311014505120001,6311010101100001,Siti Aminah,P,Paringin,05-05-2012,Anak,3",
    ]
    text = "\n".join(line.replace(",", delimiter) for line in lines) + "\n"

    rows, problems = read_all(write(tmp_path / "dtks.csv", text))

    assert problems == []
    assert rows == [
        PersonRow(
            row=2,
            dtks_id="D1",
            nik="6311014505120001",
            no_kk="6311010101100001",
            name="Siti Aminah",
            gender="P",
            birth_place="Paringin",
            birth_date=date(2012, 5, 5),
            relationship=CHILD,
            mother_name="",
            address="",
            dusun="",
            rt="",
            rw="",
            desa="",
            kecamatan="",
            kabupaten="",
            desil=3,
        )
    ]


def test_it_maps_dtsen_headers_and_finds_a_header_below_a_title(
    tmp_path: Path,
) -> None:
    text = (
        "Data Tunggal Sosial Ekonomi Nasional - Kab. Balangan\n"
        "\n"
        "ID DTSEN;NOMOR NIK;No. KK;Nama Lengkap;JK;Tempat Lahir;Tanggal Lahir;"
        "Hubungan dengan Kepala Keluarga;Nama Ibu Kandung;Alamat;Dusun;RT;RW;"
        "Desa/Kelurahan;Kecamatan;Kabupaten/Kota;Desil Nasional;Keterangan\n"
        "X9;6311010101800001;6311010101100001;Ahmad;L;Juai;1980-01-01;"
        "Kepala Keluarga;Hj. Salmah;Jl. Mawar;Dusun 1;'003;001;Lok Batu;"
        "Juai;Balangan;Desil 2;catatan\n"
    )

    path = write(tmp_path / "dtsen.csv", text)
    with open_register(path) as reader:
        assert reader.delimiter == ";"
        assert reader.ignored_columns == ["Keterangan"]
        rows = [row for chunk in reader.chunks() for row in chunk.rows]

    (row,) = rows
    assert row.row == 4
    assert (row.dtks_id, row.relationship, row.mother_name) == (
        "X9",
        HEAD,
        "Hj. Salmah",
    )
    assert (row.rt, row.rw, row.desa, row.kecamatan, row.kabupaten) == (
        "003",
        "001",
        "Lok Batu",
        "Juai",
        "Balangan",
    )
    assert row.desil == 2


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("17-05-2012", date(2012, 5, 17)),
        ("17/05/2012", date(2012, 5, 17)),
        ("2012-05-17", date(2012, 5, 17)),
        ("17 Mei 2012", date(2012, 5, 17)),
    ],
)
def test_it_reads_the_usual_date_forms(
    tmp_path: Path, written: str, read: date
) -> None:
    text = f"NAMA,NIK,TGL_LAHIR\nBudi,,{written}\n"

    rows, problems = read_all(write(tmp_path / "dtks.csv", text))

    assert problems == []
    assert rows[0].birth_date == read


def test_it_reads_a_bom_and_windows_1252(tmp_path: Path) -> None:
    text = "NAMA;NIK;TGL_LAHIR\nJosé;;01-01-2010\n"

    with_bom, _ = read_all(write(tmp_path / "bom.csv", "\ufeff" + text))
    windows, _ = read_all(write(tmp_path / "cp1252.csv", text, "cp1252"))

    assert with_bom[0].name == "José"
    assert windows[0].name == "José"


def test_a_stray_windows_byte_in_utf8_does_not_stop_the_file(tmp_path: Path) -> None:
    good = "NAMA,NIK,TGL_LAHIR\n" + "Budi,,01-01-2010\n" * 20_000
    data = good.encode() + "Zoë,,01-01-2010\n".encode("cp1252")

    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    with open_register(path) as reader:
        assert reader.encoding == "utf-8"
        rows = [row for chunk in reader.chunks() for row in chunk.rows]

    assert len(rows) == 20_001
    assert rows[-1].name == "Zoë"


def test_problems_are_reported_with_row_column_and_value(tmp_path: Path) -> None:
    text = (
        "NAMA,NIK,NOKK,JK,TGL_LAHIR,HUB_KELUARGA,DESIL\n"
        "Budi,631101010180000,6311010101100001,L,01-01-1980,Kepala Keluarga,2\n"
        ",6311010101800001,,,,,\n"
        "Sari,6311014101800001,,X,31-02-1980,Tetangga,11\n"
        "Ani,-,0000000000000000,P,,Anak\n"
    )

    rows, problems = read_all(write(tmp_path / "dtks.csv", text))

    assert [row.name for row in rows] == ["Budi", "Sari", "Ani"]
    assert rows[0].nik is None
    assert rows[2].nik is None
    assert rows[2].no_kk is None
    cells = {(problem.row, problem.column): problem for problem in problems}
    assert cells[(2, "NIK")].value == "631101010180000"
    assert "16 digit" in cells[(2, "NIK")].message
    assert cells[(3, "NAMA")].fatal
    assert {column for row, column in cells if row == 4} == {
        "JK",
        "TGL_LAHIR",
        "HUB_KELUARGA",
        "DESIL",
    }
    # Row 5 is one cell short: read by position, and said so.
    assert [(p.row, p.column) for p in problems if p.row == 5] == [(5, "")]
    assert not any(problem.fatal for problem in problems if problem.row != 3)


def test_a_file_without_a_name_column_is_refused(tmp_path: Path) -> None:
    text = "NIK,NOKK,TGL_LAHIR\n6311010101800001,6311010101100001,01-01-1980\n"

    with pytest.raises(RegisterFormatError):
        open_register(write(tmp_path / "dtks.csv", text))


def test_chunks_hold_at_most_the_chunk_size_and_end_at_full_progress(
    tmp_path: Path,
) -> None:
    people = make_district(students=50, seed=3).people
    lines = [",".join(REGISTER_HEADER)]
    lines += [",".join(register_row(person)) for person in people]
    path = write(tmp_path / "dtks.csv", "\n".join(lines) + "\n")

    with open_register(path) as reader:
        chunks = list(reader.chunks(chunk_size=40))

    assert all(len(chunk.rows) <= 40 for chunk in chunks)
    assert sum(len(chunk.rows) for chunk in chunks) == len(people)
    assert chunks[-1].rows_read == len(people)
    assert chunks[-1].progress == 1.0
    assert all(chunk.problems == [] for chunk in chunks)
    read = [row for chunk in chunks for row in chunk.rows]
    assert [row.name for row in read] == [person.name for person in people]
    assert [row.birth_date for row in read] == [p.birth_date for p in people]


def test_it_reads_an_xlsx_sheet_and_distrusts_numeric_niks(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Daftar DTKS Desa Lok Batu"])
    sheet.append(["NAMA", "NIK", "NOKK", "JENIS_KELAMIN", "TGL_LAHIR", "HUB_KEL"])
    sheet.append(
        ["Salmah", "6311014101800001", "6311010101100001", 2, date(1980, 1, 1), "Istri"]
    )
    sheet.append(["Budi", 6311010101800001, "6311010101100001", 1.0, "01/01/1980", 3])
    path = tmp_path / "dtks.xlsx"
    workbook.save(path)

    rows, problems = read_all(path)

    assert [(row.name, row.gender, row.relationship) for row in rows] == [
        ("Salmah", "P", SPOUSE),
        ("Budi", "L", CHILD),
    ]
    assert rows[0].birth_date == rows[1].birth_date == date(1980, 1, 1)
    assert rows[0].nik == "6311014101800001"
    assert rows[1].nik is None
    assert [(problem.row, problem.column) for problem in problems] == [(4, "NIK")]
