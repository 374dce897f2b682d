"""What every bank exchange service shares: the refusal users read, the rules
for an account number and the batch's state."""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..formats import RowState
from ..models import BankBatch, BatchState


class BankExchangeRefused(Exception):
    """An action the rules do not allow, with a message for the user."""


def account_number_problem(account_number: str) -> str | None:
    """Why ``account_number`` cannot be a Bank Kalsel account number, or None.

    The number stays text: a leading zero is part of it.
    """
    length: int = settings.BANK_ACCOUNT_LENGTH
    if not account_number:
        return _("Nomor rekening wajib diisi.")
    if not account_number.isascii() or not account_number.isdigit():
        return _("Nomor rekening hanya boleh berisi angka 0-9.")
    if len(account_number) != length:
        return _("Nomor rekening harus %(length)s digit, bukan %(found)s digit.") % {
            "length": length,
            "found": len(account_number),
        }
    return None


def opening_date_problem(opened_on: date, batch: BankBatch) -> str | None:
    if opened_on > timezone.localdate():
        return _("Tanggal pembukaan belum terjadi.")
    if batch.sent_at is not None and opened_on < timezone.localdate(batch.sent_at):
        return _("Tanggal pembukaan lebih awal dari tanggal batch dikirim.")
    return None


def clean_reason(reason: str) -> str:
    """The bank's reason on one line; a reason of only dashes or dots, as
    spreadsheets are often filled in, says nothing and is refused."""
    text = " ".join(reason.split())
    if not any(character.isalnum() for character in text):
        raise BankExchangeRefused(_("Alasan penolakan wajib diisi."))
    return text


def refresh_batch_state(batch: BankBatch, at: datetime) -> BankBatch:
    """Move a sent batch on after the bank answered rows: processing once
    any row is answered, completed when every row is. The caller holds the
    batch's row lock."""
    if not batch.is_sent:
        return batch

    pending = batch.rows.filter(state=RowState.PENDING).exists()
    if not pending:
        batch.state = BatchState.COMPLETED
        batch.completed_at = batch.completed_at or at
    elif batch.state in {BatchState.SENT, BatchState.DOWNLOADED}:
        batch.state = BatchState.PROCESSING
    batch.save(update_fields=["state", "completed_at"])
    return batch
