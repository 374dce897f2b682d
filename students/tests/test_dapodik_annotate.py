"""The annotated workbook: the operator's file back with a Keterangan column."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from students.dapodik.annotate import KETERANGAN, write_annotated_workbook
from students.dapodik.samples import make_dapodik_workbook, make_students
from students.dapodik.validate import read_students

FIRST_DATA_ROW = 9


def annotate(path: Path) -> Worksheet:
    result = read_students(path, path.name, max_bytes=10 * 1024 * 1024)
    out = io.BytesIO()
    write_annotated_workbook(result, path, out)
    out.seek(0)
    return load_workbook(out).active


def keterangan_column(sheet: Worksheet, header_row: int = 7) -> int:
    for cell in sheet[header_row]:
        if isinstance(cell.value, str) and cell.value.startswith(KETERANGAN):
            return cell.column
    raise AssertionError("no Keterangan column")


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_each_row_with_problems_gets_them_in_keterangan(
    tmp_path: Path, fmt: str
) -> None:
    pupils = make_students(12, seed=3)
    pupils[2]["nik"] = "123"
    pupils[4]["nisn"] = pupils[1]["nisn"]
    path = tmp_path / f"daftar.{fmt}"
    make_dapodik_workbook(pupils, path, fmt=fmt)

    sheet = annotate(path)

    column = keterangan_column(sheet)
    assert column == 67
    notes = {
        row: sheet.cell(row=row, column=column).value
        for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 12)
    }
    assert notes[FIRST_DATA_ROW + 2] == (
        "GALAT [NIK]: NIK harus 16 digit angka, terbaca 3 digit"
    )
    assert "baris 10" in notes[FIRST_DATA_ROW + 4]
    assert notes[FIRST_DATA_ROW] is None
    assert sheet.cell(row=FIRST_DATA_ROW, column=2).value == pupils[0]["nama"]
    assert sheet.cell(row=1, column=1).value == "Daftar Peserta Didik"
    assert sheet.cell(row=8, column=25).value == "Nama"


def test_identifiers_are_written_as_text(tmp_path: Path) -> None:
    path = tmp_path / "angka.xlsx"
    pupils = make_dapodik_workbook(3, path, resaved_by_excel=True)

    sheet = annotate(path)

    nisn = sheet.cell(row=FIRST_DATA_ROW, column=5)
    nik = sheet.cell(row=FIRST_DATA_ROW, column=8)
    assert nisn.value == str(pupils[0]["nisn"]).lstrip("0")
    assert nisn.data_type == "s"
    assert nisn.number_format == "@"
    assert isinstance(nik.value, str)
    assert nik.value.startswith(str(pupils[0]["nik"])[:15])
    assert (
        "NIK tersimpan sebagai angka"
        in sheet.cell(row=FIRST_DATA_ROW, column=keterangan_column(sheet)).value
    )


def test_a_formula_in_a_name_goes_back_as_plain_text(tmp_path: Path) -> None:
    pupils = make_students(3, seed=3)
    pupils[0]["nama"] = '=HYPERLINK("http://contoh.invalid","klik")'
    path = tmp_path / "rumus.xlsx"
    make_dapodik_workbook(pupils, path)

    sheet = annotate(path)

    cell = sheet.cell(row=FIRST_DATA_ROW, column=2)
    assert cell.value == pupils[0]["nama"]
    assert cell.data_type == "s"


def test_problems_of_the_whole_file_go_in_the_header(tmp_path: Path) -> None:
    path = tmp_path / "ringkas.xlsx"
    make_dapodik_workbook(3, path, drop=["no_kk"])

    sheet = annotate(path)

    header = sheet.cell(row=7, column=keterangan_column(sheet)).value
    assert "Kolom No KK tidak ada di berkas" in header
