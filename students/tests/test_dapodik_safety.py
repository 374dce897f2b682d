"""Files that must be refused as a whole, quickly, with one clear message."""

import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from students.dapodik import hostile
from students.dapodik.safety import (
    FileKind,
    RefusalCode,
    UploadRefused,
    ZipLimits,
    inspect_upload,
)
from students.dapodik.samples import make_dapodik_workbook
from students.dapodik.validate import read_students

LIMIT = 10 * 1024 * 1024


def refusal(path: Path, name: str | None = None, **kwargs: object) -> UploadRefused:
    started = time.perf_counter()
    with pytest.raises(UploadRefused) as refused:
        read_students(path, name or path.name, max_bytes=LIMIT, **kwargs)  # type: ignore[arg-type]

    # Every refusal comes before any real work.
    assert time.perf_counter() - started < 5
    return refused.value


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [("xlsx", FileKind.XLSX), ("ods", FileKind.ODS), ("csv", FileKind.CSV)],
)
def test_the_type_comes_from_the_content(
    tmp_path: Path, fmt: str, kind: FileKind
) -> None:
    path = tmp_path / "unggahan.bin"
    make_dapodik_workbook(3, path, fmt=fmt)

    assert inspect_upload(path, "apa-saja.xlsx", LIMIT) == kind


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "besar.xlsx"
    make_dapodik_workbook(50, path)

    with pytest.raises(UploadRefused) as refused:
        inspect_upload(path, path.name, max_bytes=1000)

    assert refused.value.code == RefusalCode.TOO_LARGE
    assert "1000" not in refused.value.message
    assert "MB" in refused.value.message


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(b"")

    assert refusal(path).code == RefusalCode.EMPTY


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    path = tmp_path / "bom.xlsx"
    hostile.make_zip_bomb(path)

    assert path.stat().st_size < 200 * 1024
    assert refusal(path).code == RefusalCode.ZIP_BOMB


def test_a_zip_bomb_that_lies_about_its_size_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bom-bohong.xlsx"
    hostile.make_lying_zip_bomb(path)

    declared = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size
    assert declared == 1000
    assert refusal(path).code == RefusalCode.ZIP_BOMB


def test_a_zip_over_the_total_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(200, path)

    refused = refusal(path, zip_limits=ZipLimits(max_total_bytes=100 * 1024))

    assert refused.code == RefusalCode.ZIP_BOMB


def test_a_zip_with_thousands_of_entries_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "banyak.xlsx"
    hostile.make_many_entries_zip(path)

    assert refusal(path).code == RefusalCode.ZIP_BOMB


@pytest.mark.parametrize(
    "maker", [hostile.make_entity_bomb, hostile.make_content_types_entity_bomb]
)
def test_an_xml_entity_bomb_is_refused(
    tmp_path: Path, maker: Callable[[Path], None]
) -> None:
    path = tmp_path / "entitas.xlsx"
    maker(path)

    assert refusal(path).code == RefusalCode.UNSAFE_XML


def test_an_encrypted_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "terkunci.xlsx"
    hostile.make_encrypted_workbook(path)

    refused = refusal(path)

    assert refused.code == RefusalCode.ENCRYPTED
    assert "kata sandi" in refused.message


def test_an_encrypted_ods_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "terkunci.ods"
    hostile.make_encrypted_ods(path)

    assert refusal(path).code == RefusalCode.ENCRYPTED


@pytest.mark.parametrize(
    ("maker", "name"),
    [
        (hostile.make_macro_workbook, "makro.xlsm"),
        (hostile.make_macro_workbook, "makro-menyamar.xlsx"),
        (hostile.make_vba_part_only, "vba.xlsx"),
        (hostile.make_ods_with_macros, "makro.ods"),
    ],
)
def test_a_macro_enabled_file_is_refused(
    tmp_path: Path, maker: Callable[[Path], None], name: str
) -> None:
    path = tmp_path / name
    maker(path)

    assert refusal(path).code == RefusalCode.MACROS


def test_an_executable_renamed_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "daftar.xlsx"
    hostile.make_executable(path)

    assert refusal(path).code == RefusalCode.NOT_SPREADSHEET


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", RefusalCode.NOT_SPREADSHEET),
        (b"\x89PNG\r\n\x1a\n\x00\x00", RefusalCode.NOT_SPREADSHEET),
        (b"<html><body><table><tr><td>Nama</td></tr></table>", RefusalCode.HTML),
        (b'<?xml version="1.0"?><Workbook/>', RefusalCode.UNSUPPORTED),
        (b"Nama,NISN\nSITI\x00,0123456789\n", RefusalCode.BAD_TEXT),
        (b"\x01\x02\x03\x04\x05\x06binary", RefusalCode.NOT_SPREADSHEET),
        (b"PK\x03\x04 not really a zip", RefusalCode.DAMAGED),
    ],
)
def test_other_wrong_types_are_refused(
    tmp_path: Path, content: bytes, code: RefusalCode
) -> None:
    path = tmp_path / "daftar.xlsx"
    path.write_bytes(content)

    assert refusal(path).code == code


def test_a_word_document_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "surat.xls"
    hostile.make_compound_file(path, ["WordDocument"])

    assert refusal(path).code == RefusalCode.NOT_SPREADSHEET


def test_an_xls_the_reader_cannot_open_is_refused_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "lama.xls"
    hostile.make_compound_file(path, ["Workbook"])

    assert inspect_upload(path, path.name, LIMIT) == FileKind.XLS
    assert refusal(path).code in (RefusalCode.DAMAGED, RefusalCode.NO_SHEET)


def test_a_sheet_with_a_cell_a_million_rows_down_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jauh.xlsx"
    hostile.make_far_cell_workbook(path)

    assert path.stat().st_size < 10_000
    assert refusal(path).code == RefusalCode.SHEET_TOO_LARGE


def inspected(path: Path) -> FileKind | RefusalCode:
    try:
        return inspect_upload(path, path.name, LIMIT)
    except UploadRefused as refusal:
        return refusal.code


TOO_LARGE = RefusalCode.SHEET_TOO_LARGE


@pytest.mark.parametrize(
    ("column", "row", "outcome"),
    [
        ("DX", 32_767, FileKind.XLSX),
        ("AN", 99_999, FileKind.XLSX),
        ("DX", 32_768, TOO_LARGE),
        ("AO", 99_999, TOO_LARGE),
        ("DY", 2, TOO_LARGE),
    ],
)
def test_a_wide_sheet_may_not_also_be_deep(
    tmp_path: Path, column: str, row: int, outcome: FileKind | RefusalCode
) -> None:
    # The grid the reader would build stays near four million cells.
    path = tmp_path / "jauh.xlsx"
    hostile.make_far_cell_workbook(path, row=row, column=column)

    assert inspected(path) == outcome


@pytest.mark.parametrize(
    ("rows", "outcome"), [(32_000, FileKind.ODS), (33_000, TOO_LARGE)]
)
def test_a_wide_ods_may_not_also_be_deep(
    tmp_path: Path, rows: int, outcome: FileKind | RefusalCode
) -> None:
    path = tmp_path / "jauh.ods"
    hostile.make_wide_ods(path, rows=rows)

    assert inspected(path) == outcome


def test_an_ods_with_a_million_repeated_empty_rows_before_a_value_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "jauh.ods"
    hostile.make_wide_ods(path)

    assert refusal(path).code == RefusalCode.SHEET_TOO_LARGE


def test_an_unusual_compression_method_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deflate64.xlsx"
    hostile.make_deflate64_zip(path)

    assert refusal(path).code == RefusalCode.UNSUPPORTED


def test_a_csv_with_a_million_empty_rows_reads_quickly(tmp_path: Path) -> None:
    path = tmp_path / "kosong.csv"
    header = "Nama;NISN;JK;Tanggal Lahir\nSITI AMINAH;0123456789;P;07/05/2012\n"
    path.write_text(header + ";;;\n" * 1_000_000)

    started = time.perf_counter()
    result = read_students(path, path.name, max_bytes=LIMIT)

    assert result.counts.rows_read == 1
    assert all(issue.row is None for issue in result.issues)
    assert time.perf_counter() - started < 10


def test_refusal_messages_are_in_bahasa_indonesia() -> None:
    for code in RefusalCode:
        params = {"size": 12, "limit": 10, "columns": "JK", "column": "NIK"}
        message = UploadRefused(code, headers="NIK, N I K", **params).message
        assert message
        assert "%(" not in message
