"""The batch file sent to Bank Kalsel: content, control totals, text
identifiers, formula neutralisation and reproducible bytes."""

import csv
import dataclasses
import io
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bank_exchange.formats import (
    COLUMN_NAMES,
    BatchHeader,
    BatchRow,
    batch_control,
    batch_file_stem,
    neutralise,
    render_batch_files,
    sha256_of,
    unneutralise,
    write_batch_control_csv,
    write_batch_csv,
    write_batch_xlsx,
)
from bank_exchange.formats.batch import control_items
from bank_exchange.formats.cells import WITA

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]


def make_header(**changes: Any) -> BatchHeader:
    header = BatchHeader(
        batch_number="KBP/2026/003",
        period_year=2026,
        created_at=datetime(2026, 1, 15, 9, 30, tzinfo=WITA),
    )
    return dataclasses.replace(header, **changes)


def make_row(row_number: int, **changes: Any) -> BatchRow:
    row = BatchRow(
        row_number=row_number,
        nik=f"63110145011{row_number:05d}",
        nisn=f"00{row_number:08d}",
        name=f"Siswa {row_number}",
        gender="P" if row_number % 2 else "L",
        birth_place="Paringin",
        birth_date=date(2013, 1, 5),
        mother_name=f"Ibu {row_number}",
        street="Jl. Ahmad Yani, Km 3",
        rt="003",
        rw="001",
        desa="Batu Piring",
        kecamatan="Paringin",
        npsn="03030123",
        school_name="SDN 1 Paringin",
        jenjang="SD",
        amount=1_100_000,
    )
    return dataclasses.replace(row, **changes)


def make_rows() -> list[BatchRow]:
    """Two SD pupils and one SMP pupil, given out of order."""
    return [
        make_row(3, jenjang="SMP", amount=1_500_000, school_name="SMPN 2 Awayan"),
        make_row(1),
        make_row(2),
    ]


def xlsx_of(header: BatchHeader, rows: list[BatchRow]) -> bytes:
    out = io.BytesIO()
    write_batch_xlsx(header, rows, out)
    return out.getvalue()


def csv_of(header: BatchHeader, rows: list[BatchRow]) -> bytes:
    out = io.BytesIO()
    write_batch_csv(header, rows, out)
    return out.getvalue()


def load(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def data_cells(content: bytes) -> list[dict[str, Any]]:
    """The Data sheet's rows as dicts of cells keyed by column name."""
    sheet = load(content)["Data"]
    lines = list(sheet.iter_rows())
    names = [cell.value for cell in lines[0]]
    return [dict(zip(names, line, strict=True)) for line in lines[1:]]


def control_values(content: bytes) -> dict[str, Any]:
    sheet = load(content)["Kontrol"]
    return {key: value for key, value in sheet.iter_rows(min_row=2, values_only=True)}


def test_data_sheet_holds_every_row_in_row_number_order() -> None:
    lines = data_cells(xlsx_of(make_header(), make_rows()))

    assert [line["NO"].value for line in lines] == [1, 2, 3]
    first = {name: cell.value for name, cell in lines[0].items()}
    assert first == {
        "NO": 1,
        "NOMOR_BATCH": "KBP/2026/003",
        "NIK": "6311014501100001",
        "NISN": "0000000001",
        "NAMA": "Siswa 1",
        "JENIS_KELAMIN": "P",
        "TEMPAT_LAHIR": "Paringin",
        "TANGGAL_LAHIR": datetime(2013, 1, 5),  # noqa: DTZ001 - an Excel date
        "NAMA_IBU_KANDUNG": "Ibu 1",
        "ALAMAT_JALAN": "Jl. Ahmad Yani, Km 3",
        "RT": "003",
        "RW": "001",
        "DESA_KELURAHAN": "Batu Piring",
        "KECAMATAN": "Paringin",
        "NPSN": "03030123",
        "NAMA_SEKOLAH": "SDN 1 Paringin",
        "JENJANG": "SD",
        "NOMINAL": 1_100_000,
    }
    assert lines[2]["JENJANG"].value == "SMP"
    assert lines[2]["NOMINAL"].value == 1_500_000


def test_header_row_is_frozen_and_filterable() -> None:
    sheet = load(xlsx_of(make_header(), make_rows()))["Data"]

    assert [cell.value for cell in sheet[1]] == list(COLUMN_NAMES)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:R4"
    assert sheet.column_dimensions["C"].width >= 18


def test_control_sheet_states_counts_and_totals_per_jenjang() -> None:
    values = control_values(xlsx_of(make_header(), make_rows()))

    assert values == {
        "NOMOR_BATCH": "KBP/2026/003",
        "PERIODE": 2026,
        "DIBUAT_PADA": "2026-01-15T09:30:00+08:00",
        "JUMLAH_BARIS": 3,
        "JUMLAH_NOMINAL": 3_700_000,
        "JUMLAH_BARIS_SD": 2,
        "JUMLAH_NOMINAL_SD": 2_200_000,
        "JUMLAH_BARIS_SMP": 1,
        "JUMLAH_NOMINAL_SMP": 1_500_000,
    }


def test_control_totals_match_the_data_sheet() -> None:
    rows = [
        make_row(n, amount=1_000 * n, jenjang=["SD", "SMP", "SMA"][n % 3])
        for n in range(1, 40)
    ]
    lines = data_cells(xlsx_of(make_header(), rows))
    values = control_values(xlsx_of(make_header(), rows))

    assert values["JUMLAH_BARIS"] == len(lines)
    assert values["JUMLAH_NOMINAL"] == sum(line["NOMINAL"].value for line in lines)
    for jenjang in ("SD", "SMP", "SMA"):
        amounts = [
            line["NOMINAL"].value for line in lines if line["JENJANG"].value == jenjang
        ]
        assert values["JUMLAH_BARIS_" + jenjang] == len(amounts)
        assert values["JUMLAH_NOMINAL_" + jenjang] == sum(amounts)


def test_jenjang_are_listed_in_school_order() -> None:
    rows = [make_row(1, jenjang="SMA"), make_row(2, jenjang="SMP"), make_row(3)]

    control = batch_control(make_header(), rows)

    assert [total.jenjang for total in control.per_jenjang] == ["SD", "SMP", "SMA"]


@pytest.mark.parametrize("column", ["NIK", "NISN", "NPSN", "RT", "RW"])
def test_identifiers_stay_text(column: str) -> None:
    lines = data_cells(xlsx_of(make_header(), make_rows()))

    for line in lines:
        cell = line[column]
        assert cell.data_type == "s"
        assert cell.number_format == "@"
        assert isinstance(cell.value, str)
    assert lines[0]["NISN"].value == "0000000001"
    assert lines[0]["RT"].value == "003"


def test_dates_and_amounts_are_real_values_with_formats() -> None:
    line = data_cells(xlsx_of(make_header(), make_rows()))[0]

    assert line["TANGGAL_LAHIR"].is_date
    assert line["TANGGAL_LAHIR"].number_format == "dd-mm-yyyy"
    assert line["NOMINAL"].data_type == "n"
    assert line["NOMINAL"].number_format == "#,##0"


def test_empty_text_leaves_the_cell_blank_but_text_formatted() -> None:
    line = data_cells(xlsx_of(make_header(), [make_row(1, street="")]))[0]

    assert line["ALAMAT_JALAN"].value is None
    assert line["ALAMAT_JALAN"].number_format == "@"


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_xlsx_neutralises_formula_triggers(trigger: str) -> None:
    payload = trigger + 'HYPERLINK("http://example.com","x")'
    rows = [make_row(1, name=payload, mother_name=payload, street=payload)]

    workbook = load(xlsx_of(make_header(), rows))

    line = data_cells(xlsx_of(make_header(), rows))[0]
    for column in ("NAMA", "NAMA_IBU_KANDUNG", "ALAMAT_JALAN"):
        # XML reads a stored carriage return back as a line feed.
        assert line[column].value == "'" + payload.replace("\r", "\n")
        assert line[column].data_type == "s"
    for sheet in workbook.worksheets:
        for sheet_line in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in sheet_line)


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_csv_neutralises_formula_triggers(trigger: str) -> None:
    payload = trigger + "1+1"
    rows = [make_row(1, name=payload, desa=payload)]

    text = csv_of(make_header(), rows).decode("utf-8")

    line = next(csv.DictReader(io.StringIO(text, newline="")))
    assert line["NAMA"] == "'" + payload
    assert line["DESA_KELURAHAN"] == "'" + payload


def test_a_leading_apostrophe_is_doubled_so_the_rule_can_be_undone() -> None:
    line = data_cells(xlsx_of(make_header(), [make_row(1, name="'Ainun")]))[0]

    assert line["NAMA"].value == "''Ainun"
    assert unneutralise(line["NAMA"].value) == "'Ainun"


@given(st.text())
def test_neutralise_is_reversible_and_never_starts_a_formula(text: str) -> None:
    safe = neutralise(text)

    assert unneutralise(safe) == text
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_control_characters_are_dropped() -> None:
    rows = [make_row(1, name="Siti\x0b Aminah\x00")]

    line = data_cells(xlsx_of(make_header(), rows))[0]
    text = csv_of(make_header(), rows).decode("utf-8")

    assert line["NAMA"].value == "Siti Aminah"
    assert '"Siti Aminah"' in text


def test_xlsx_bytes_do_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    first = xlsx_of(make_header(), make_rows())
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)

    second = xlsx_of(make_header(), list(reversed(make_rows())))

    assert second == first
    assert sha256_of(second) == sha256_of(first)


def test_xlsx_timestamps_come_from_created_at() -> None:
    content = xlsx_of(make_header(), make_rows())

    workbook = load(content)
    entries = zipfile.ZipFile(io.BytesIO(content)).infolist()

    assert workbook.properties.created == datetime(2026, 1, 15, 1, 30)  # noqa: DTZ001
    assert workbook.properties.modified == datetime(2026, 1, 15, 1, 30)  # noqa: DTZ001
    assert {entry.date_time for entry in entries} == {(2026, 1, 15, 9, 30, 0)}


def test_a_different_creation_time_gives_different_bytes() -> None:
    later = make_header(created_at=datetime(2026, 1, 15, 9, 31, tzinfo=WITA))

    assert xlsx_of(later, make_rows()) != xlsx_of(make_header(), make_rows())


def test_csv_layout() -> None:
    content = csv_of(make_header(), make_rows())

    assert not content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8").split("\r\n")
    assert lines[0] == ",".join(f'"{name}"' for name in COLUMN_NAMES)
    assert lines[1] == (
        '1,"KBP/2026/003","6311014501100001","0000000001","Siswa 1","P",'
        '"Paringin","2013-01-05","Ibu 1","Jl. Ahmad Yani, Km 3","003","001",'
        '"Batu Piring","Paringin","03030123","SDN 1 Paringin","SD",1100000'
    )
    assert lines[-1] == ""
    assert len(lines) == 5


def test_csv_bytes_are_deterministic() -> None:
    first = csv_of(make_header(), make_rows())

    assert csv_of(make_header(), list(reversed(make_rows()))) == first


def test_control_csv_carries_the_totals_and_the_data_hash() -> None:
    out = io.BytesIO()
    write_batch_control_csv(make_header(), make_rows(), out)

    pairs = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"), newline="")))

    values = dict(pairs[1:])
    assert pairs[0] == ["KUNCI", "NILAI"]
    assert values["JUMLAH_BARIS"] == "3"
    assert values["JUMLAH_NOMINAL_SD"] == "2200000"
    assert values["DIBUAT_PADA"] == "2026-01-15T09:30:00+08:00"
    assert values["SHA256_DATA_CSV"] == sha256_of(csv_of(make_header(), make_rows()))


def test_render_batch_files_names_and_hashes() -> None:
    files = render_batch_files(make_header(), make_rows())

    assert [file.name for file in files] == [
        "KBP-2026-003.xlsx",
        "KBP-2026-003.csv",
        "KBP-2026-003-kontrol.csv",
    ]
    assert files[0].sha256 == sha256_of(xlsx_of(make_header(), make_rows()))
    assert files[1].content == csv_of(make_header(), make_rows())


def test_batch_file_stem() -> None:
    assert batch_file_stem("KBP/2026/003") == "KBP-2026-003"
    assert batch_file_stem(" KBP 2026/003 ") == "KBP-2026-003"


def test_sha256_of() -> None:
    assert sha256_of(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        (make_header(), [make_row(1), make_row(1)]),
        (make_header(), [make_row(0)]),
        (make_header(), [make_row(1, gender="X")]),
        (make_header(), [make_row(1, amount=-1)]),
        (
            make_header(created_at=datetime(2026, 1, 15, 9, 30)),  # noqa: DTZ001
            [make_row(1)],
        ),
    ],
    ids=["repeated row", "row zero", "gender", "negative amount", "naive time"],
)
def test_invalid_batches_are_refused(header: BatchHeader, rows: list[BatchRow]) -> None:
    with pytest.raises(ValueError):
        xlsx_of(header, rows)
    with pytest.raises(ValueError):
        csv_of(header, rows)


def test_an_empty_batch_still_has_a_control_sheet() -> None:
    values = control_values(xlsx_of(make_header(), []))

    assert values["JUMLAH_BARIS"] == 0
    assert values["JUMLAH_NOMINAL"] == 0


def test_the_same_instant_in_another_zone_gives_the_same_file() -> None:
    utc_header = make_header(created_at=datetime(2026, 1, 15, 1, 30, tzinfo=UTC))

    content = xlsx_of(utc_header, make_rows())

    assert control_values(content)["DIBUAT_PADA"] == "2026-01-15T09:30:00+08:00"
    assert content == xlsx_of(make_header(), make_rows())


def test_every_column_and_control_key_is_documented() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "bank-format.md").read_text()

    keys = [key for key, _value in control_items(batch_control(make_header(), []))]
    for name in [*COLUMN_NAMES, *keys, "SHA256_DATA_CSV"]:
        assert f"`{name}`" in text
