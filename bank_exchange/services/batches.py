"""Making a batch, sending it to Bank Kalsel and handing out its files
(SOP step 4)."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from balangan_pintar.audit import current_ip, record
from balangan_pintar.models import JENJANG_LEVEL, Jenjang, Level, Period
from balangan_pintar.roles import Role, has_role
from students.models import Candidate, Kecamatan, Status
from students.models.candidates import CandidateQuerySet
from students.services.pipeline import TransitionRefused, move_candidates

from ..formats import BatchHeader, render_batch_files, sha256_of
from ..formats.batch import JENJANG_ORDER
from ..models import (
    BANK_JENJANG,
    SNAPSHOT_FIELDS,
    BankBatch,
    BatchRow,
    BatchState,
    DownloadLog,
    ExportedFile,
    FileKind,
)
from .common import BankExchangeRefused

logger = logging.getLogger(__name__)

# The order of render_batch_files' three files.
FILE_KINDS = (FileKind.XLSX, FileKind.CSV, FileKind.CONTROL)


@dataclass(frozen=True)
class Download:
    name: str
    content: bytes
    content_type: str
    sha256: str


@dataclass(frozen=True)
class Availability:
    """How many approved candidates wait for a batch, per kecamatan and
    jenjang, for the form that creates one."""

    total: int
    by_kecamatan: list[tuple[str, int]]
    by_jenjang: list[tuple[str, int]]


def jenjang_of_level(level: str) -> list[str]:
    return [j for j, lvl in JENJANG_LEVEL.items() if lvl == level]


def available_candidates(
    period: Period, kecamatan: Kecamatan | None = None, jenjang: str | None = None
) -> CandidateQuerySet:
    """Approved candidates of ``period`` not yet in a draft batch; a
    candidate in a sent batch is no longer approved."""
    candidates = Candidate.objects.filter(
        period=period, status=Status.APPROVED
    ).exclude(bank_rows__batch__state=BatchState.DRAFT)
    if kecamatan is not None:
        candidates = candidates.filter(school__kecamatan=kecamatan)
    if jenjang:
        candidates = candidates.filter(school__jenjang__in=jenjang_of_level(jenjang))
    return candidates


def availability(period: Period) -> Availability:
    candidates = available_candidates(period)
    by_kecamatan = (
        candidates.values("school__kecamatan__name", "school__kecamatan__code")
        .annotate(count=Count("pk"))
        .order_by("school__kecamatan__code")
    )
    per_jenjang: dict[str, int] = {}
    for row in candidates.values("school__jenjang").annotate(count=Count("pk")):
        level = JENJANG_LEVEL[Jenjang(row["school__jenjang"])]
        per_jenjang[level] = per_jenjang.get(level, 0) + row["count"]

    return Availability(
        total=candidates.count(),
        by_kecamatan=[(r["school__kecamatan__name"], r["count"]) for r in by_kecamatan],
        by_jenjang=[
            (level.label, per_jenjang[level]) for level in Level if level in per_jenjang
        ],
    )


def snapshot_of(candidate: Candidate, period: Period) -> dict[str, Any]:
    """The fields the bank gets about a candidate, read from the student as
    it stands now."""
    student = candidate.student
    school = candidate.school
    return {
        "nik": student.nik,
        "nisn": student.nisn,
        "name": student.name,
        "gender": student.gender,
        "birth_place": student.birth_place,
        "birth_date": student.birth_date,
        "mother_name": student.mother_name,
        "street": student.address,
        "rt": student.rt,
        "rw": student.rw,
        "desa": student.desa,
        "kecamatan": student.kecamatan,
        "npsn": school.npsn,
        "school_name": school.name,
        "jenjang": BANK_JENJANG[JENJANG_LEVEL[Jenjang(school.jenjang)]],
        "amount": period.amount_for(school.jenjang),
    }


def create_batch(
    period: Period,
    user: User,
    kecamatan: Kecamatan | None = None,
    jenjang: str | None = None,
) -> BankBatch:
    """A draft batch of every approved candidate of ``period`` that is not
    in another draft, narrowed to one kecamatan or jenjang (a Level value,
    e.g. "SD/MI") when given."""
    started = time.monotonic()
    with transaction.atomic():
        # One batch at a time per period, so that two administrators
        # pressing the button together cannot put a candidate in both.
        Period.objects.select_for_update().get(pk=period.pk)
        candidates = list(
            available_candidates(period, kecamatan, jenjang)
            .select_related("student", "school")
            .order_by("school__kecamatan__code", "school__name", "student__name", "pk")
        )
        if not candidates:
            raise BankExchangeRefused(
                _("Tidak ada calon penerima disetujui yang belum masuk batch.")
            )

        batch = BankBatch.objects.create(
            period=period,
            year=period.year,
            kecamatan=kecamatan,
            jenjang=jenjang or "",
            created_by=user,
        )
        BatchRow.objects.bulk_create(
            (
                BatchRow(
                    batch=batch,
                    row_number=number,
                    candidate=candidate,
                    **snapshot_of(candidate, period),
                )
                for number, candidate in enumerate(candidates, start=1)
            ),
            batch_size=500,
        )
        record(user, "bank_batch.create", batch, rows=len(candidates))

    logger.info(
        "created bank batch %s with %s rows in %.2f s",
        batch.pk,
        len(candidates),
        time.monotonic() - started,
    )
    return batch


def discard_batch(batch: BankBatch, user: User) -> None:
    """Throw a draft away; its candidates are free for another batch."""
    with transaction.atomic():
        locked = BankBatch.objects.select_for_update().get(pk=batch.pk)
        if not locked.can_change():
            raise BankExchangeRefused(
                _("Batch %(batch)s sudah dikirim dan tidak dapat dihapus.")
                % {"batch": locked.label}
            )
        rows = locked.rows.count()
        record(user, "bank_batch.discard", locked, rows=rows)
        locked.delete()


def _refresh_snapshots(batch: BankBatch, rows: list[BatchRow]) -> int:
    """Take the sent values from the students as they are at sending, so
    that a correction made after the draft was created reaches the bank."""
    changed = []
    for row in rows:
        values = snapshot_of(row.candidate, batch.period)
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    BatchRow.objects.bulk_update(changed, SNAPSHOT_FIELDS, batch_size=500)
    return len(changed)


def _store_files(batch: BankBatch, rows: list[BatchRow], at: datetime) -> list[str]:
    header = BatchHeader(
        batch_number=batch.number or "", period_year=batch.year, created_at=at
    )
    stored: list[str] = []
    for kind, rendered in zip(
        FILE_KINDS,
        render_batch_files(header, [r.to_file_row() for r in rows]),
        strict=True,
    ):
        exported = ExportedFile(
            batch=batch,
            kind=kind,
            name=rendered.name,
            content_type=rendered.content_type,
            size=len(rendered.content),
            sha256=rendered.sha256,
            created_at=at,
        )
        exported.file.save(rendered.name, ContentFile(rendered.content), save=False)
        stored.append(exported.file.name or "")
        exported.save()
    return stored


def send_batch(
    batch: BankBatch,
    user: User,
    *,
    at: datetime | None = None,
) -> BankBatch:
    """Number the draft, freeze its rows, write its three files with their
    hashes and move every candidate to "sent to the bank" (end of step 4),
    all in one transaction."""
    at = at or timezone.now()
    started = time.monotonic()
    stored: list[str] = []
    try:
        with transaction.atomic():
            Period.objects.select_for_update().get(pk=batch.period_id)
            locked = (
                BankBatch.objects.select_related("period")
                .select_for_update(of=("self",))
                .get(pk=batch.pk)
            )
            if not locked.can_change():
                raise BankExchangeRefused(
                    _("Batch %(batch)s sudah dikirim; isinya tidak dapat diubah.")
                    % {"batch": locked.label}
                )
            rows = list(
                locked.rows.select_related(
                    "candidate__student", "candidate__school"
                ).order_by("row_number")
            )
            if not rows:
                raise BankExchangeRefused(_("Batch ini tidak berisi baris."))
            refreshed = _refresh_snapshots(locked, rows)

            last = BankBatch.objects.filter(year=locked.year).aggregate(
                last=Max("sequence")
            )["last"]
            locked.sequence = (last or 0) + 1
            locked.number = BankBatch.format_number(locked.year, locked.sequence)
            stored = _store_files(locked, rows, at)

            move_candidates(
                [row.candidate_id for row in rows],
                Status.SENT_TO_BANK,
                actor=user,
                at=at,
                note=_("Batch %(batch)s") % {"batch": locked.number},
            )
            locked.state = BatchState.SENT
            locked.sent_by = user
            locked.sent_at = at
            locked.save(
                update_fields=["sequence", "number", "state", "sent_by", "sent_at"]
            )
            record(
                user,
                "bank_batch.send",
                locked,
                number=locked.number,
                rows=len(rows),
                refreshed=refreshed,
                hashes={f.kind: f.sha256 for f in locked.files.all()},
            )
    except TransitionRefused as refusal:
        _delete_files(stored)
        raise BankExchangeRefused(str(refusal)) from refusal
    except BaseException:
        _delete_files(stored)
        raise

    logger.info(
        "sent bank batch %s: %s rows (%s refreshed) in %.2f s",
        locked.number,
        len(rows),
        refreshed,
        time.monotonic() - started,
    )
    return locked


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def record_download(
    batch: BankBatch,
    kind: str,
    user: User,
) -> Download:
    """Hand out one file of a sent batch exactly as it was sent, and log who
    took it. The bank's first download marks the batch as downloaded."""
    if not batch.is_sent:
        raise BankExchangeRefused(_("Batch ini belum dikirim ke bank."))
    exported = ExportedFile.objects.filter(batch=batch, kind=kind).first()
    if exported is None:
        raise BankExchangeRefused(_("Berkas tidak ditemukan."))

    with exported.file.open("rb") as handle:
        content = handle.read()
    digest = sha256_of(content)
    if digest != exported.sha256:
        logger.error("file %s of batch %s no longer matches its hash", kind, batch.pk)
        raise BankExchangeRefused(
            _("Berkas batch tidak cocok dengan hash yang dicatat saat dikirim.")
        )

    now = timezone.now()
    by_bank = has_role(user, Role.BANK_OFFICER)
    with transaction.atomic():
        DownloadLog.objects.create(
            batch=batch,
            file=exported,
            user=user,
            at=now,
            sha256=digest,
            by_bank=by_bank,
            ip_address=current_ip.get(),
        )
        if by_bank:
            # Conditional updates: the first download wins without a lock.
            BankBatch.objects.filter(pk=batch.pk, downloaded_at__isnull=True).update(
                downloaded_at=now
            )
            BankBatch.objects.filter(pk=batch.pk, state=BatchState.SENT).update(
                state=BatchState.DOWNLOADED
            )
        record(user, "bank_batch.download", batch, kind=kind, sha256=digest)

    return Download(exported.name, content, exported.content_type, digest)


def batch_totals(batch: BankBatch) -> dict[str, Any]:
    """Row count and amount, overall and per jenjang, as the confirmation
    page and the control sheet state them."""
    rows = batch.rows.all()
    overall = rows.aggregate(count=Count("pk"), amount=Sum("amount"))
    per_jenjang = sorted(
        rows.values("jenjang").annotate(count=Count("pk"), amount=Sum("amount")),
        key=lambda line: (
            JENJANG_ORDER.index(line["jenjang"])
            if line["jenjang"] in JENJANG_ORDER
            else len(JENJANG_ORDER)
        ),
    )
    incomplete = rows.filter(
        Q(mother_name="") | Q(birth_place="") | ~Q(nik__regex=r"^[0-9]{16}$")
    ).count()
    return {
        "count": overall["count"],
        "amount": overall["amount"] or 0,
        "per_jenjang": per_jenjang,
        "incomplete": incomplete,
    }
