"""The return file in which the bank answers a whole batch (SOP step 5):
kept as uploaded, checked as a whole, and applied completely or not at all."""

import logging
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balangan_pintar.audit import record
from students.dapodik.safety import FileKind as SpreadsheetKind
from students.dapodik.safety import UploadRefused, inspect_upload
from students.models import Status
from students.services.pipeline import TransitionRefused, move_candidates

from ..formats import (
    Change,
    ChangeKind,
    ExpectedBatch,
    ExpectedRow,
    ReturnCheck,
    ReturnFile,
    RowState,
    check_return_file,
    parse_return_file,
    sha256_of,
)
from ..models import AnswerSource, BankAccount, BankBatch, BatchRow, ReturnUpload
from .common import BankExchangeRefused, refresh_batch_state

logger = logging.getLogger(__name__)

RETURN_SUFFIXES = (".xlsx", ".csv")


class ReturnFileRefused(BankExchangeRefused):
    """The file has problems; ``check`` lists them, nothing was applied."""

    def __init__(self, check: ReturnCheck) -> None:
        super().__init__(
            _("Berkas balasan memiliki %(count)s masalah; tidak ada yang diterapkan.")
            % {"count": len(check.problems)}
        )
        self.check = check


@dataclass(frozen=True)
class ApplyResult:
    upload: ReturnUpload
    opened: int
    rejected: int
    unchanged: int
    already_applied: bool = False


def _read_upload(uploaded: UploadedFile, name: str) -> bytes:
    """The uploaded bytes, once the shared upload checks (size, zip bombs,
    encryption, macros, content matching an .xlsx or a .csv) pass."""
    limit: int = settings.UPLOAD_MAX_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise BankExchangeRefused(
            _("Berkas terlalu besar; batasnya %(mb)s MB.") % {"mb": limit // 2**20}
        )
    content = uploaded.read()

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "balasan"
        path.write_bytes(content)
        try:
            kind = inspect_upload(path, name, limit)
        except UploadRefused as refusal:
            raise BankExchangeRefused(refusal.message) from refusal
    if kind not in (SpreadsheetKind.XLSX, SpreadsheetKind.CSV):
        raise BankExchangeRefused(_("Unggah berkas .xlsx atau .csv."))
    return content


def _expected(
    batch: BankBatch, rows: Iterable[BatchRow], ret: ReturnFile
) -> ExpectedBatch:
    """The batch as the check sees it: its rows with their answers, and the
    account numbers of the file already held by students of other batches."""
    rows = list(rows)
    accounts = dict(
        BankAccount.objects.filter(row__batch=batch).values_list(
            "row_id", "account_number"
        )
    )
    in_file = {row.account_number for row in ret.rows if row.account_number}
    elsewhere = set(
        BankAccount.objects.filter(account_number__in=in_file)
        .exclude(row__batch=batch)
        .values_list("account_number", flat=True)
    )
    others = set(
        BankBatch.objects.sent().exclude(pk=batch.pk).values_list("number", flat=True)
    )
    return ExpectedBatch(
        batch_number=batch.number or "",
        rows=[
            ExpectedRow(
                row_number=row.row_number,
                nik=row.nik,
                nisn=row.nisn,
                account_number=accounts.get(row.pk),
                state=RowState(row.state),
                reason=row.reason,
            )
            for row in rows
        ],
        existing_accounts=elsewhere,
        other_batches={number for number in others if number},
        sent_on=timezone.localdate(batch.sent_at) if batch.sent_at else None,
    )


def _check(
    batch: BankBatch, rows: Iterable[BatchRow], content: bytes, name: str
) -> ReturnCheck:
    ret = parse_return_file(content, name)
    return check_return_file(
        ret, _expected(batch, rows, ret), settings.BANK_ACCOUNT_LENGTH
    )


def _content_of(upload: ReturnUpload) -> bytes:
    # A handle of its own from the storage: FieldFile.open() reopens the one
    # file object the field holds, which another thread reading the same
    # upload would find closed under it. A row without a file name fails the
    # hash check below like a changed file.
    content = b""
    if upload.file.name:
        with upload.file.storage.open(upload.file.name, "rb") as handle:
            content = handle.read()
    if sha256_of(content) != upload.sha256:
        logger.error("stored return file %s no longer matches its hash", upload.pk)
        raise BankExchangeRefused(_("Berkas balasan yang tersimpan telah berubah."))
    return content


def store_return_file(
    batch: BankBatch,
    uploaded: UploadedFile,
    user: User,
) -> ReturnUpload:
    """Keep an uploaded return file under a server-made name. The same bytes
    uploaded again for the batch give back the earlier upload."""
    if not batch.is_sent:
        raise BankExchangeRefused(_("Batch ini belum dikirim ke bank."))
    name = PurePath(uploaded.name or "").name
    if PurePath(name).suffix.lower() not in RETURN_SUFFIXES:
        raise BankExchangeRefused(_("Unggah berkas .xlsx atau .csv."))
    content = _read_upload(uploaded, name)
    digest = sha256_of(content)

    existing = ReturnUpload.objects.filter(batch=batch, sha256=digest).first()
    if existing is not None:
        return existing

    check = _check(batch, batch.rows.all(), content, name)
    upload = ReturnUpload(
        batch=batch,
        sha256=digest,
        original_name=name[-200:],
        size=len(content),
        uploaded_by=user,
        problem_count=len(check.problems),
    )
    upload.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            upload.save()
            record(
                user,
                "bank_return.upload",
                upload,
                batch=batch.number,
                sha256=digest,
                problems=len(check.problems),
            )
    except IntegrityError:
        # The same file arrived twice at once; keep the first.
        upload.file.delete(save=False)
        return ReturnUpload.objects.get(batch=batch, sha256=digest)
    return upload


def preview_return_file(upload: ReturnUpload) -> ReturnCheck:
    """What applying the file would change now, and every problem; nothing
    is written."""
    batch = upload.batch
    return _check(batch, batch.rows.all(), _content_of(upload), upload.original_name)


def apply_return_file(upload: ReturnUpload, user: User) -> ApplyResult:
    """Check the file again with the batch's rows locked and apply every
    change, or none: a problem raises ReturnFileRefused and a file already
    applied changes nothing."""
    started = time.monotonic()
    content = _content_of(upload)
    now = timezone.now()
    try:
        with transaction.atomic():
            batch = BankBatch.objects.select_for_update().get(pk=upload.batch_id)
            locked = ReturnUpload.objects.select_for_update().get(pk=upload.pk)
            if locked.is_applied:
                return ApplyResult(locked, 0, 0, 0, already_applied=True)

            rows = list(
                BatchRow.objects.select_for_update(of=("self",))
                .select_related("candidate")
                .filter(batch=batch)
                .order_by("pk")
            )
            check = _check(batch, rows, content, locked.original_name)
            if not check.is_clean:
                raise ReturnFileRefused(check)

            by_number = {row.row_number: row for row in rows}
            opened = [c for c in check.to_apply if c.kind == ChangeKind.OPEN]
            rejected = [c for c in check.to_apply if c.kind == ChangeKind.REJECT]
            _apply_openings(batch, locked, opened, by_number, user, now)
            _apply_rejections(batch, locked, rejected, by_number, user, now)

            locked.applied_at = now
            locked.applied_by = user
            locked.opened_count = len(opened)
            locked.rejected_count = len(rejected)
            locked.unchanged_count = check.count(ChangeKind.UNCHANGED)
            locked.problem_count = 0
            locked.save()
            refresh_batch_state(batch, now)
            _audit(user, batch, locked, check, by_number)
    except IntegrityError as error:
        raise BankExchangeRefused(
            _(
                "Sebagian nomor rekening baru saja dicatat untuk siswa lain; "
                "periksa ulang."
            )
        ) from error
    except TransitionRefused as refusal:
        raise BankExchangeRefused(str(refusal)) from refusal

    logger.info(
        "applied return file %s to batch %s in %.2f s: %s opened, %s rejected, "
        "%s unchanged",
        locked.pk,
        batch.number,
        time.monotonic() - started,
        locked.opened_count,
        locked.rejected_count,
        locked.unchanged_count,
    )
    return ApplyResult(
        locked, locked.opened_count, locked.rejected_count, locked.unchanged_count
    )


def _mark_answered(
    rows: list[BatchRow],
    state: RowState,
    upload: ReturnUpload,
    user: User,
    at: datetime,
    reason: str = "",
) -> None:
    BatchRow.objects.filter(pk__in=[row.pk for row in rows]).update(
        state=state,
        reason=reason,
        answered_at=at,
        answered_by=user,
        answered_via=AnswerSource.RETURN_FILE,
        return_upload=upload,
    )


def _apply_openings(
    batch: BankBatch,
    upload: ReturnUpload,
    changes: list[Change],
    by_number: dict[int, BatchRow],
    user: User,
    at: datetime,
) -> None:
    if not changes:
        return
    rows = [by_number[change.row_number] for change in changes]
    BankAccount.objects.bulk_create(
        BankAccount(
            candidate_id=row.candidate_id,
            row=row,
            account_number=change.account_number,
            opened_on=change.opened_on,
            recorded_by=user,
            recorded_at=at,
            via=AnswerSource.RETURN_FILE,
            return_upload=upload,
        )
        for row, change in zip(rows, changes, strict=True)
    )
    _mark_answered(rows, RowState.OPENED, upload, user, at)
    move_candidates(
        [row.candidate_id for row in rows],
        Status.ACCOUNT_OPENED,
        actor=user,
        at=at,
        note=_("Rekening dibuka, batch %(batch)s") % {"batch": batch.number},
    )


def _apply_rejections(
    batch: BankBatch,
    upload: ReturnUpload,
    changes: list[Change],
    by_number: dict[int, BatchRow],
    user: User,
    at: datetime,
) -> None:
    # One move per reason: the bank's reason is the note of the candidates'
    # stage event, so the school sees why.
    by_reason: dict[str, list[BatchRow]] = {}
    for change in changes:
        by_reason.setdefault(change.reason, []).append(by_number[change.row_number])
    for reason, rows in by_reason.items():
        _mark_answered(rows, RowState.REJECTED, upload, user, at, reason=reason)
        move_candidates(
            [row.candidate_id for row in rows],
            Status.BANK_REJECTED,
            actor=user,
            at=at,
            note=reason,
        )


def _audit(
    user: User,
    batch: BankBatch,
    upload: ReturnUpload,
    check: ReturnCheck,
    by_number: dict[int, BatchRow],
) -> None:
    record(
        user,
        "bank_return.apply",
        upload,
        batch=batch.number,
        sha256=upload.sha256,
        opened=upload.opened_count,
        rejected=upload.rejected_count,
        unchanged=upload.unchanged_count,
    )
    actions = {
        ChangeKind.OPEN: "bank_row.open_account",
        ChangeKind.REJECT: "bank_row.reject",
    }
    for change in check.to_apply:
        row = by_number[change.row_number]
        record(
            user,
            actions[ChangeKind(change.kind)],
            row,
            student_id=row.candidate.student_id,
            batch=batch.number,
            row=row.row_number,
            upload=upload.pk,
        )
