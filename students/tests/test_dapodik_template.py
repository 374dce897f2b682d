"""The plain template for madrasahs and other schools."""

import io
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from students.dapodik.template import TEMPLATE_COLUMNS, write_template
from students.dapodik.validate import read_students


def test_the_template_has_text_identifier_columns_and_instructions() -> None:
    out = io.BytesIO()
    write_template(out)
    out.seek(0)

    workbook = load_workbook(out)

    assert workbook.sheetnames == ["Daftar Peserta Didik", "Petunjuk"]
    sheet = workbook["Daftar Peserta Didik"]
    headers = [cell.value for cell in sheet[5]]
    assert headers == [name for name, _width, _format in TEMPLATE_COLUMNS]
    nisn = headers.index("NISN") + 1
    nik = headers.index("NIK") + 1
    assert sheet.cell(row=6, column=nisn).number_format == "@"
    assert sheet.cell(row=6, column=nik).number_format == "@"
    assert "NISN 10 digit" in " ".join(
        str(cell.value) for cell in workbook["Petunjuk"]["A"]
    )


def test_a_filled_template_reads_back(tmp_path: Path) -> None:
    out = io.BytesIO()
    write_template(out)
    out.seek(0)
    workbook = load_workbook(out)
    sheet = workbook["Daftar Peserta Didik"]
    sheet["C2"] = "MI NURUL HUDA PARINGIN"
    sheet["C3"] = "60712345"
    headers = [cell.value for cell in sheet[5]]
    values = {
        "No": 1,
        "Nama": "SITI AMINAH",
        "NISN": "0123456789",
        "NIK": "6311064705120001",
        "No KK": "6311060101150003",
        "JK": "P",
        "Tanggal Lahir": date(2012, 5, 7),
        "Nama Ibu": "RAHMAH",
        "NIK Ibu": "6311064101850002",
        "Kelurahan": "Lasung Batu",
        "Penerima KIP": "Tidak",
        "Layak PIP (usulan dari sekolah)": "Ya",
    }
    for name, value in values.items():
        sheet.cell(row=6, column=headers.index(name) + 1, value=value)
    path = tmp_path / "templat-terisi.xlsx"
    workbook.save(path)

    result = read_students(path, path.name, max_bytes=10 * 1024 * 1024)

    assert result.header.school_name == "MI NURUL HUDA PARINGIN"
    assert result.header.npsn == "60712345"
    assert result.columns.missing == []
    assert result.counts.valid == 1
    row = result.rows[0]
    assert row.row_number == 6
    assert (row.nisn, row.nik, row.no_kk) == (
        "0123456789",
        "6311064705120001",
        "6311060101150003",
    )
    assert row.birth_date == date(2012, 5, 7)
    assert row.mother_name == "RAHMAH"
    assert row.mother_nik == "6311064101850002"
    assert row.desa == "Lasung Batu"
    assert row.pip_eligible is True
    assert [issue for issue in result.issues if issue.row is not None] == []
    assert [issue for issue in result.issues if issue.row is None] == []
