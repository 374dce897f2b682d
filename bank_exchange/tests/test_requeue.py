"""Rows the bank rejected go back to the Dinas and, once corrected, out again
in a later batch."""

import pytest
from django.contrib.auth.models import User

from balangan_pintar.models import Period
from bank_exchange.formats import RowState
from bank_exchange.models import BankBatch
from bank_exchange.services import (
    BankExchangeRefused,
    available_candidates,
    bank_rejected,
    create_batch,
    open_account,
    reject_row,
    requeue_bank_rejected,
    send_batch,
)
from students.models import Candidate, StageEvent, Status

from .factories import today


def test_a_rejected_row_enters_a_later_batch(
    sent: BankBatch, period: Period, dinas_admin: User, bank_officer: User
) -> None:
    rejected = sent.rows.get(row_number=2)
    reject_row(rejected, "NIK tidak terdaftar di Dukcapil", bank_officer)
    open_account(sent.rows.get(row_number=1), "0012000001", today(), bank_officer)
    assert not available_candidates(period).exists()

    requeue_bank_rejected([rejected.candidate_id], dinas_admin, note="NIK diperbaiki")
    later = send_batch(create_batch(period, dinas_admin), dinas_admin)

    row = later.rows.get()
    assert row.candidate_id == rejected.candidate_id
    assert row.row_number == 1
    assert later.number == "KBP/2026/002"
    assert Candidate.objects.get(pk=row.candidate_id).status == Status.SENT_TO_BANK
    # The earlier batch keeps the bank's answer as it was given.
    rejected.refresh_from_db()
    assert rejected.state == RowState.REJECTED
    moves = list(
        StageEvent.objects.filter(candidate_id=row.candidate_id)
        .order_by("at", "pk")
        .values_list("to_status", flat=True)
    )
    assert moves[-4:] == [
        Status.SENT_TO_BANK,
        Status.BANK_REJECTED,
        Status.APPROVED,
        Status.SENT_TO_BANK,
    ]


def test_the_dinas_sees_the_banks_reason(
    sent: BankBatch, period: Period, bank_officer: User
) -> None:
    row = sent.rows.get(row_number=3)
    reject_row(row, "Nama ibu kandung tidak sesuai", bank_officer)

    listed = list(bank_rejected(period))

    assert [c.pk for c in listed] == [row.candidate_id]
    assert listed[0].bank_reason == "Nama ibu kandung tidak sesuai"  # type: ignore[attr-defined]
    assert listed[0].bank_batch == "KBP/2026/001"  # type: ignore[attr-defined]


def test_only_rejected_candidates_can_be_sent_again(
    sent: BankBatch, dinas_admin: User
) -> None:
    waiting = sent.rows.get(row_number=1)

    with pytest.raises(BankExchangeRefused):
        requeue_bank_rejected([waiting.candidate_id], dinas_admin)

    assert Candidate.objects.get(pk=waiting.candidate_id).status == Status.SENT_TO_BANK
