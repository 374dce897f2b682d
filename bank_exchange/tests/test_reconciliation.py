"""Reconciliation per batch and per period, with the SOP's targets."""

import io
from datetime import timedelta

import openpyxl
from django.contrib.auth.models import User
from django.utils import timezone

from balangan_pintar.models import SOP, Period
from bank_exchange.models import BankBatch, BatchRow
from bank_exchange.services import (
    create_batch,
    open_account,
    reconcile_batch,
    reconcile_period,
    reconciliation_xlsx,
    reject_row,
    send_batch,
)
from students.models import Candidate, StageEvent, Status

from .factories import today


def test_a_batch_counts_sent_opened_rejected_and_open(
    sent: BankBatch, bank_officer: User
) -> None:
    open_account(sent.rows.get(row_number=1), "0012000001", today(), bank_officer)
    reject_row(sent.rows.get(row_number=2), "NIK tidak ada", bank_officer)

    figures = reconcile_batch(sent)

    assert (figures.rows_sent, figures.rows_opened, figures.rows_rejected) == (3, 1, 1)
    assert figures.rows_open == 1
    assert figures.rejection_reasons == {"NIK tidak ada": 1}
    assert figures.step5_finished_at is None


def test_durations_run_from_approval_to_sending_to_last_answer(
    candidates: list[Candidate],
    period: Period,
    dinas_admin: User,
    bank_officer: User,
) -> None:
    now = timezone.now()
    approved_at = now - timedelta(hours=3)
    StageEvent.objects.filter(to_status=Status.APPROVED).update(at=approved_at)
    batch = send_batch(
        create_batch(period, dinas_admin), dinas_admin, at=now - timedelta(hours=2)
    )
    for row in batch.rows.all():
        open_account(row, f"00120{row.row_number:05d}", today(), bank_officer)
    BatchRow.objects.update(answered_at=now - timedelta(minutes=115))

    figures = reconcile_batch(BankBatch.objects.get(pk=batch.pk))

    assert figures.step4_duration == timedelta(hours=1)
    assert figures.step5_duration(now) == timedelta(minutes=5)


def test_targets_come_from_the_sop_in_force(sent: BankBatch, period: Period) -> None:
    SOP.objects.in_force().steps.filter(number=5).update(minutes=30)

    result = reconcile_period(period)

    assert result.summary.step4_target == timedelta(minutes=10)
    assert result.summary.step5_target == timedelta(minutes=30)
    assert [line.batch for line in result.lines] == [sent]
    assert result.lines[0].step5_on_target is True


def test_the_period_adds_its_batches_and_what_waits_at_the_dinas(
    sent: BankBatch, period: Period, bank_officer: User
) -> None:
    reject_row(sent.rows.get(row_number=1), "Data ganda", bank_officer)
    reject_row(sent.rows.get(row_number=2), "Data ganda", bank_officer)

    result = reconcile_period(period)

    assert result.summary.rows_sent == 3
    assert result.summary.rejection_reasons() == {"Data ganda": 2}
    assert result.bank_rejected_waiting == 2
    assert result.approved_waiting == 0


def test_the_workbook_lists_every_batch(sent: BankBatch, period: Period) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(reconciliation_xlsx(period)))

    sheet = workbook.worksheets[0]
    assert sheet["A5"].value == "KBP/2026/001"
    assert sheet["C5"].value == 3
