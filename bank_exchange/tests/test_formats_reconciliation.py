"""The reconciliation workbook: per batch and per period, with the SOP
targets of steps 4 and 5."""

import io
from datetime import datetime, timedelta
from typing import Any

import openpyxl

from bank_exchange.formats import (
    BatchReconciliation,
    ReconciliationSummary,
    write_reconciliation_xlsx,
)
from bank_exchange.formats.cells import WITA

START = datetime(2026, 1, 15, 8, 0, tzinfo=WITA)


def make_summary() -> ReconciliationSummary:
    finished = BatchReconciliation(
        batch_number="KBP/2026/001",
        period_year=2026,
        rows_sent=100,
        rows_opened=97,
        rows_rejected=3,
        rejection_reasons={"NIK tidak terdaftar di Dukcapil": 2, "=SUM(A1)": 1},
        step4_started_at=START,
        sent_at=START + timedelta(minutes=8),
        step5_finished_at=START + timedelta(minutes=8 + 45),
    )
    running = BatchReconciliation(
        batch_number="KBP/2026/002",
        period_year=2026,
        rows_sent=40,
        rows_opened=10,
        rows_rejected=1,
        rejection_reasons={"NIK tidak terdaftar di Dukcapil": 1},
        step4_started_at=START + timedelta(hours=1),
        sent_at=START + timedelta(hours=1, minutes=30),
    )
    draft = BatchReconciliation(
        batch_number="KBP/2026/003",
        period_year=2026,
        rows_sent=0,
        rows_opened=0,
        rows_rejected=0,
        step4_started_at=START + timedelta(hours=2),
    )
    return ReconciliationSummary(
        period_year=2026,
        generated_at=START + timedelta(hours=1, minutes=35),
        batches=[finished, running, draft],
    )


def workbook_of(summary: ReconciliationSummary) -> openpyxl.Workbook:
    out = io.BytesIO()
    write_reconciliation_xlsx(summary, out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def table(sheet: Any, header_line: int) -> list[dict[str, Any]]:
    lines = list(sheet.iter_rows(min_row=header_line, values_only=True))
    names = lines[0]
    return [dict(zip(names, line, strict=False)) for line in lines[1:]]


def test_each_batch_and_the_period_total_are_listed() -> None:
    sheet = workbook_of(make_summary()).worksheets[0]

    lines = table(sheet, 4)

    assert [line["Nomor batch"] for line in lines] == [
        "KBP/2026/001",
        "KBP/2026/002",
        "KBP/2026/003",
        "Jumlah periode",
    ]
    first, second, _draft, total = lines
    assert (first["Dikirim"], first["Dibuka"], first["Ditolak"]) == (100, 97, 3)
    assert first["Belum dijawab"] == 0
    assert second["Belum dijawab"] == 29
    assert (total["Dikirim"], total["Dibuka"], total["Ditolak"]) == (140, 107, 4)
    assert total["Belum dijawab"] == 29
    assert sheet["A1"].value == "Rekonsiliasi Bank Kalsel, periode 2026"


def test_durations_are_compared_with_the_sop_targets() -> None:
    lines = table(workbook_of(make_summary()).worksheets[0], 4)

    finished, running, draft, _total = lines
    assert finished["Langkah 4 (menit)"] == 8
    assert finished["Target langkah 4 (menit)"] == 10
    assert finished["Langkah 4 sesuai target"] == "Ya"
    assert finished["Langkah 5 (menit)"] == 45
    assert finished["Langkah 5 sesuai target"] == "Tidak"
    assert finished["Langkah 5 selesai"] == "Ya"
    assert running["Langkah 4 (menit)"] == 30
    assert running["Langkah 4 sesuai target"] == "Tidak"
    # Still open: measured up to the moment the workbook was made.
    assert running["Langkah 5 (menit)"] == 5
    assert running["Langkah 5 sesuai target"] == "Ya"
    assert running["Langkah 5 selesai"] == "Belum"
    assert draft["Langkah 4 (menit)"] is None
    assert draft["Langkah 5 (menit)"] is None


def test_times_are_shown_in_wita() -> None:
    lines = table(workbook_of(make_summary()).worksheets[0], 4)

    # A spreadsheet cell has no zone, so the time comes back naive.
    sent = datetime(2026, 1, 15, 8, 8)  # noqa: DTZ001

    assert lines[0]["Dikirim ke bank (WITA)"] == sent


def test_rejection_reasons_per_batch_and_for_the_period() -> None:
    sheet = workbook_of(make_summary()).worksheets[1]

    lines = list(sheet.iter_rows(min_row=2, values_only=True))

    assert lines == [
        ("KBP/2026/001", "NIK tidak terdaftar di Dukcapil", 2),
        ("KBP/2026/001", "'=SUM(A1)", 1),
        ("KBP/2026/002", "NIK tidak terdaftar di Dukcapil", 1),
        ("Semua batch", "NIK tidak terdaftar di Dukcapil", 3),
        ("Semua batch", "'=SUM(A1)", 1),
    ]


def test_no_cell_holds_a_formula() -> None:
    workbook = workbook_of(make_summary())

    for sheet in workbook.worksheets:
        for line in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in line)


def test_an_empty_period_still_gives_a_workbook() -> None:
    summary = ReconciliationSummary(period_year=2026, generated_at=START, batches=[])

    lines = table(workbook_of(summary).worksheets[0], 4)

    assert lines[0]["Nomor batch"] == "Jumlah periode"
    assert lines[0]["Dikirim"] == 0
