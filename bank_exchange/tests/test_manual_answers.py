"""The bank's answers recorded one by one (SOP step 5), and how the batch's
state follows them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from bank_exchange.formats import RowState
from bank_exchange.models import AnswerSource, BankAccount, BankBatch, BatchState
from bank_exchange.services import (
    BankExchangeRefused,
    open_account,
    record_download,
    reject_row,
)
from students.models import Candidate, StageEvent, Status

from .factories import today


def test_an_opened_account_keeps_its_leading_zeros(
    sent: BankBatch, bank_officer: User
) -> None:
    row = sent.rows.get(row_number=1)

    account = open_account(row, " 0012000001 ", today(), bank_officer)

    assert BankAccount.objects.get().account_number == "0012000001"
    assert account.via == AnswerSource.MANUAL
    assert account.candidate_id == row.candidate_id
    row.refresh_from_db()
    assert (row.state, row.answered_by) == (RowState.OPENED, bank_officer)
    candidate = Candidate.objects.get(pk=row.candidate_id)
    assert candidate.status == Status.ACCOUNT_OPENED
    event = StageEvent.objects.get(candidate=candidate, step=5)
    assert (event.from_status, event.to_status) == (
        Status.SENT_TO_BANK,
        Status.ACCOUNT_OPENED,
    )
    assert "0012000001" not in event.note


def test_the_batch_is_processing_then_completed(
    sent: BankBatch, bank_officer: User
) -> None:
    record_download(sent, "xlsx", bank_officer)
    assert BankBatch.objects.get(pk=sent.pk).state == BatchState.DOWNLOADED

    open_account(sent.rows.get(row_number=1), "0012000001", today(), bank_officer)
    assert BankBatch.objects.get(pk=sent.pk).state == BatchState.PROCESSING

    reject_row(sent.rows.get(row_number=2), "NIK tidak ada", bank_officer)
    open_account(sent.rows.get(row_number=3), "0012000003", today(), bank_officer)
    batch = BankBatch.objects.get(pk=sent.pk)
    assert batch.state == BatchState.COMPLETED
    assert batch.completed_at is not None


@pytest.mark.parametrize(
    "number", ["12000001", "001200000100", "00120000O1", "0012-00001", "", "١٢٣٤٥٦٧٨٩٠"]
)
def test_a_malformed_account_number_is_refused(
    sent: BankBatch, bank_officer: User, number: str
) -> None:
    with pytest.raises(BankExchangeRefused):
        open_account(sent.rows.get(row_number=1), number, today(), bank_officer)

    assert not BankAccount.objects.exists()
    assert not StageEvent.objects.filter(step=5).exists()


def test_an_account_number_belongs_to_one_student(
    sent: BankBatch, bank_officer: User
) -> None:
    open_account(sent.rows.get(row_number=1), "0012000001", today(), bank_officer)

    with pytest.raises(BankExchangeRefused, match="siswa lain"):
        open_account(sent.rows.get(row_number=2), "0012000001", today(), bank_officer)

    assert sent.rows.get(row_number=2).state == RowState.PENDING


def test_an_opening_date_must_lie_between_sending_and_today(
    sent: BankBatch, bank_officer: User
) -> None:
    row = sent.rows.get(row_number=1)

    with pytest.raises(BankExchangeRefused):
        open_account(row, "0012000001", today() + timedelta(days=1), bank_officer)
    with pytest.raises(BankExchangeRefused):
        open_account(row, "0012000001", today() - timedelta(days=400), bank_officer)

    assert not BankAccount.objects.exists()


def test_recording_the_same_answer_twice_changes_nothing(
    sent: BankBatch, bank_officer: User
) -> None:
    row = sent.rows.get(row_number=1)
    first = open_account(row, "0012000001", today(), bank_officer)

    again = open_account(row, "0012000001", today(), bank_officer)

    assert again == first
    assert StageEvent.objects.filter(step=5).count() == 1
    with pytest.raises(BankExchangeRefused, match="nomor lain"):
        open_account(row, "0012000009", today(), bank_officer)
    with pytest.raises(BankExchangeRefused):
        reject_row(row, "Salah", bank_officer)


def test_a_rejection_needs_a_reason_and_goes_back_to_the_dinas(
    sent: BankBatch, bank_officer: User
) -> None:
    row = sent.rows.get(row_number=2)
    with pytest.raises(BankExchangeRefused):
        reject_row(row, " - ", bank_officer)

    reject_row(row, "  NIK tidak   terdaftar di Dukcapil ", bank_officer)

    row.refresh_from_db()
    assert (row.state, row.reason) == (
        RowState.REJECTED,
        "NIK tidak terdaftar di Dukcapil",
    )
    candidate = Candidate.objects.get(pk=row.candidate_id)
    assert candidate.status == Status.BANK_REJECTED
    event = StageEvent.objects.get(candidate=candidate, step=5)
    assert event.note == "NIK tidak terdaftar di Dukcapil"
    with pytest.raises(BankExchangeRefused):
        open_account(row, "0012000002", today(), bank_officer)


def test_a_draft_cannot_be_answered(draft: BankBatch, bank_officer: User) -> None:
    with pytest.raises(BankExchangeRefused):
        open_account(draft.rows.get(row_number=1), "0012000001", today(), bank_officer)
    with pytest.raises(BankExchangeRefused):
        reject_row(draft.rows.get(row_number=1), "NIK tidak ada", bank_officer)

    assert not BankAccount.objects.exists()
