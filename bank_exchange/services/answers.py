"""The bank's answers recorded one by one in the browser (SOP step 5), and the
way a rejected candidate goes back to the Dinas for a later batch."""

import logging
from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from balangan_pintar.audit import record
from balangan_pintar.models import Period
from students.models import Candidate, Status
from students.services.pipeline import (
    TransitionRefused,
    move_candidate,
    move_candidates,
)

from ..formats import RowState
from ..models import AnswerSource, BankAccount, BankBatch, BatchRow
from .common import (
    BankExchangeRefused,
    account_number_problem,
    clean_reason,
    opening_date_problem,
    refresh_batch_state,
)

logger = logging.getLogger(__name__)


def _lock_row(row: BatchRow) -> tuple[BankBatch, BatchRow]:
    """The batch and then the row, locked in that order everywhere so that a
    manual answer and a return file never wait for each other in a circle."""
    batch = BankBatch.objects.select_for_update().get(pk=row.batch_id)
    locked = BatchRow.objects.select_for_update().get(pk=row.pk)
    if not batch.is_sent:
        raise BankExchangeRefused(_("Batch ini belum dikirim ke bank."))
    return batch, locked


def open_account(
    row: BatchRow,
    account_number: str,
    opened_on: date,
    user: User,
) -> BankAccount:
    """Record the account the bank opened for one row; the candidate moves
    to "account opened" (end of step 5). Recording the same number again
    changes nothing."""
    account_number = account_number.strip()
    problem = account_number_problem(account_number)
    if problem:
        raise BankExchangeRefused(problem)

    now = timezone.now()
    try:
        with transaction.atomic():
            batch, locked = _lock_row(row)
            if locked.state == RowState.OPENED:
                existing = BankAccount.objects.get(row=locked)
                if existing.account_number == account_number:
                    return existing
                raise BankExchangeRefused(
                    _("Rekening siswa ini sudah tercatat dengan nomor lain.")
                )
            if locked.state == RowState.REJECTED:
                raise BankExchangeRefused(_("Siswa ini sudah tercatat ditolak bank."))
            problem = opening_date_problem(opened_on, batch)
            if problem:
                raise BankExchangeRefused(problem)
            if BankAccount.objects.filter(account_number=account_number).exists():
                raise BankExchangeRefused(
                    _("Nomor rekening ini sudah tercatat untuk siswa lain.")
                )

            account = BankAccount.objects.create(
                candidate_id=locked.candidate_id,
                row=locked,
                account_number=account_number,
                opened_on=opened_on,
                recorded_by=user,
                recorded_at=now,
                via=AnswerSource.MANUAL,
            )
            _answer(locked, RowState.OPENED, user, now)
            move_candidate(
                locked.candidate,
                Status.ACCOUNT_OPENED,
                actor=user,
                at=now,
                expected=Status.SENT_TO_BANK,
                note=_("Rekening dibuka, batch %(batch)s") % {"batch": batch.number},
            )
            refresh_batch_state(batch, now)
            record(
                user,
                "bank_row.open_account",
                locked,
                student_id=locked.candidate.student_id,
                batch=batch.number,
                row=locked.row_number,
            )
    except IntegrityError as error:
        # Another officer recorded the same number at the same moment.
        raise BankExchangeRefused(
            _("Nomor rekening ini sudah tercatat untuk siswa lain.")
        ) from error
    except TransitionRefused as refusal:
        raise BankExchangeRefused(str(refusal)) from refusal
    return account


def reject_row(
    row: BatchRow,
    reason: str,
    user: User,
) -> BatchRow:
    """Record that the bank did not open an account, with its reason; the
    candidate goes back to the Dinas (BANK_REJECTED)."""
    reason = clean_reason(reason)

    now = timezone.now()
    try:
        with transaction.atomic():
            batch, locked = _lock_row(row)
            if locked.state == RowState.OPENED:
                raise BankExchangeRefused(
                    _("Rekening siswa ini sudah tercatat dibuka; tidak dapat ditolak.")
                )
            if locked.state == RowState.REJECTED:
                if locked.reason.casefold() == reason.casefold():
                    return locked
                raise BankExchangeRefused(
                    _("Siswa ini sudah tercatat ditolak dengan alasan lain.")
                )

            locked.reason = reason
            _answer(locked, RowState.REJECTED, user, now)
            move_candidate(
                locked.candidate,
                Status.BANK_REJECTED,
                actor=user,
                at=now,
                expected=Status.SENT_TO_BANK,
                note=reason,
            )
            refresh_batch_state(batch, now)
            record(
                user,
                "bank_row.reject",
                locked,
                student_id=locked.candidate.student_id,
                batch=batch.number,
                row=locked.row_number,
            )
    except TransitionRefused as refusal:
        raise BankExchangeRefused(str(refusal)) from refusal
    return locked


def _answer(row: BatchRow, state: RowState, user: User, at: datetime) -> None:
    row.state = state
    row.answered_at = at
    row.answered_by = user
    row.answered_via = AnswerSource.MANUAL
    row.save(
        update_fields=["state", "reason", "answered_at", "answered_by", "answered_via"]
    )


def requeue_bank_rejected(
    candidate_ids: Iterable[int],
    user: User,
    *,
    note: str = "",
) -> int:
    """Send candidates the bank rejected back to "approved" once the Dinas
    has corrected their data, so that the next batch takes them. Their row
    in the old batch stays as the bank answered it."""
    ids = sorted(set(candidate_ids))
    if not ids:
        raise BankExchangeRefused(_("Pilih minimal satu siswa."))

    note = note.strip() or _("Diperbaiki Dinas; dikirim lagi dalam batch berikutnya.")
    try:
        with transaction.atomic():
            locked = list(
                Candidate.objects.select_for_update().filter(pk__in=ids).order_by("pk")
            )
            if len(locked) != len(ids) or any(
                candidate.status != Status.BANK_REJECTED for candidate in locked
            ):
                raise BankExchangeRefused(
                    _("Sebagian siswa yang dipilih tidak lagi berstatus ditolak bank.")
                )
            moved = move_candidates(ids, Status.APPROVED, actor=user, note=note)
            for candidate in locked:
                record(
                    user,
                    "bank_row.requeue",
                    candidate,
                    student_id=candidate.student_id,
                )
    except TransitionRefused as refusal:
        raise BankExchangeRefused(str(refusal)) from refusal

    logger.info("requeued %s bank-rejected candidates", moved)
    return moved


def bank_rejected(period: Period) -> QuerySet[Candidate]:
    """The candidates of ``period`` the bank rejected and the Dinas has not
    yet dealt with, each with the bank's reason and the batch it came from."""
    last_rejection = BatchRow.objects.filter(
        candidate=OuterRef("pk"), state=RowState.REJECTED
    ).order_by("-answered_at", "-pk")
    return (
        Candidate.objects.filter(period=period, status=Status.BANK_REJECTED)
        .select_related("student", "school")
        .annotate(
            bank_reason=Subquery(last_rejection.values("reason")[:1]),
            bank_batch=Subquery(last_rejection.values("batch__number")[:1]),
            bank_row=Subquery(last_rejection.values("row_number")[:1]),
            rejected_at=Subquery(last_rejection.values("answered_at")[:1]),
        )
        .order_by("rejected_at", "pk")
    )
