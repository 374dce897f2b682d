"""The audit trail read back: the administrator's search over every entry,
and the trail of one pupil, which UU 27/2022 lets the pupil (or a parent)
ask for.

An entry names what it touched by model label and primary key, and the
pupil by id where the writer knew one. A pupil's trail is those entries,
plus the ones that name an object of the pupil (a candidacy, a bank row, a
card...) or a shared object that carried the pupil's data (a school's
submission, a bank batch, a print run, a Berita Acara...). The ids are
collected here, in the top layer, which may read every app's models; the
base app that writes the entries knows none of them.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import AuditEntry, Period
from bank_exchange.models import BankAccount, BankBatch, BatchRow, ReturnUpload
from cards.handover.models import CardArrival, Handover, HandoverRegister
from cards.models import Card, PrintRun
from students.dtks.models import Match, ReviewDecision, Snapshot
from students.models import (
    Candidate,
    StageEvent,
    Status,
    Student,
    Submission,
    Upload,
)
from verification.models import Decision, SupportingDocument

PAGE_SIZE = 50
FIND_LIMIT = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

# The apps whose objects entries name; the object type filter offers their
# models.
PROGRAMME_APPS = (
    "balangan_pintar",
    "students",
    "dtks",
    "verification",
    "bank_exchange",
    "cards",
)

PERIOD = Period._meta.label
# Actions recorded against the whole programme year whose file lists every
# approved recipient in its scope.
RECIPIENT_LIST_ACTIONS = ("recipients.export",)

# What each action code means, for people. A code written by newer code and
# missing here is shown as it is.
ACTIONS: dict[str, Promise] = {
    "account.two_factor_enabled": _("Mengaktifkan masuk dua langkah"),
    "upload.create": _("Mengunggah data Dapodik"),
    "upload.view": _("Melihat hasil unggahan Dapodik"),
    "upload.download_annotated": _("Mengunduh berkas Dapodik berketerangan"),
    "students.import": _("Menyimpan data siswa dari unggahan"),
    "student.view": _("Melihat data siswa"),
    "submission.send": _("Mengirim usulan ke Dinas"),
    "submission.resend": _("Mengirim ulang usulan ke Dinas"),
    "submission.view": _("Melihat usulan sekolah"),
    "candidate.view": _("Melihat data calon penerima"),
    "candidate.approve": _("Menyetujui calon penerima"),
    "candidate.reject": _("Menolak calon penerima"),
    "candidate.return": _("Mengembalikan calon ke sekolah"),
    "document.upload": _("Mengunggah dokumen pendukung"),
    "document.view": _("Membuka dokumen pendukung"),
    "dtks.upload": _("Mengunggah DTKS"),
    "dtks.import": _("Mengimpor DTKS"),
    "dtks.delete": _("Menghapus snapshot DTKS"),
    "dtks.match_district": _("Mencocokkan DTKS se-kabupaten"),
    "dtks.review": _("Memutuskan tinjauan DTKS"),
    "dtks_review.view": _("Melihat perbandingan DTKS"),
    "verification.rules_change": _("Mengubah aturan verifikasi"),
    "verification.quota_change": _("Mengubah kuota sekolah"),
    "verification.quota_delete": _("Menghapus kuota sekolah"),
    "recipients.export": _("Mengunduh daftar penerima (Lampiran SK)"),
    "bank_batch.create": _("Membuat draf batch bank"),
    "bank_batch.discard": _("Menghapus draf batch bank"),
    "bank_batch.send": _("Mengirim batch ke bank"),
    "bank_batch.view": _("Melihat isi batch bank"),
    "bank_batch.download": _("Mengunduh berkas batch bank"),
    "bank_row.view": _("Melihat baris batch bank"),
    "bank_row.open_account": _("Mencatat rekening dibuka"),
    "bank_row.reject": _("Mencatat penolakan bank"),
    "bank_row.requeue": _("Mengusulkan ulang ke bank"),
    "bank_return.upload": _("Mengunggah berkas balasan bank"),
    "bank_return.view": _("Melihat berkas balasan bank"),
    "bank_return.apply": _("Menerapkan berkas balasan bank"),
    "reconciliation.export": _("Mengunduh rekonsiliasi bank"),
    "cards.issue": _("Menerbitkan kartu"),
    "cards.reissue": _("Menerbitkan ulang kartu"),
    "print_run.create": _("Membuat PDF cetak kartu"),
    "print_run.download": _("Mengunduh PDF cetak kartu"),
    "print_run.confirm": _("Mengonfirmasi pencetakan kartu"),
    "card.view": _("Melihat kartu siswa"),
    "card.arrive": _("Mencatat kartu tiba di sekolah"),
    "card.handover": _("Mencatat penyerahan kartu"),
    "handover_register.print": _("Membuat berita acara serah terima"),
    "handover_register.download": _("Mengunduh berita acara serah terima"),
    "handover_register.scan": _("Mengunggah pindaian berita acara"),
    "handover_register.scan_view": _("Membuka pindaian berita acara"),
    "card_status.check": _("Cek status kartu (halaman publik)"),
    "audit.search": _("Mencari catatan audit"),
    "audit.person_search": _("Mencari siswa untuk jejak audit"),
    "audit.trail_view": _("Melihat jejak audit siswa"),
    "audit.trail_export": _("Mengunduh jejak audit siswa"),
}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    return sorted(
        ((code, str(label)) for code, label in ACTIONS.items()),
        key=lambda choice: choice[1],
    )


def object_type_label(label: str) -> str:
    if not label:
        return ""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name)


def object_type_choices() -> list[tuple[str, str]]:
    found = [
        (model._meta.label, str(model._meta.verbose_name))
        for model in apps.get_models()
        if model._meta.app_label in PROGRAMME_APPS and model is not AuditEntry
    ]
    return sorted(found, key=lambda choice: choice[1])


def details_text(details: Any) -> str:
    """An entry's details on one line: ``key: value; ...``."""
    if not isinstance(details, dict):
        return json.dumps(details, ensure_ascii=False, default=str)
    parts = []
    for key, value in details.items():
        if isinstance(value, str | int | float | bool) or value is None:
            shown = "–" if value is None or value == "" else str(value)
        else:
            shown = json.dumps(value, ensure_ascii=False, default=str)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Approval:
    """When a candidacy was first approved, and where it belonged: a
    recipient list exported after that, for the whole district or for the
    pupil's kecamatan or school, carried the pupil's name."""

    at: datetime
    school_id: int
    kecamatan_id: int | None


@dataclass
class Concerning:
    """The objects whose entries concern one pupil, by model label."""

    student_id: int
    direct: dict[str, set[str]] = field(default_factory=dict)
    shared: dict[str, set[str]] = field(default_factory=dict)
    approvals: dict[int, Approval] = field(default_factory=dict)

    def add(
        self,
        kind: dict[str, set[str]],
        model: type[models.Model],
        ids: Iterable[Any],
    ) -> None:
        found = {str(pk) for pk in ids if pk is not None}
        if found:
            kind.setdefault(model._meta.label, set()).update(found)

    def query(self) -> Q:
        query = Q(student_id=self.student_id)
        for refs in (self.direct, self.shared):
            for label, ids in sorted(refs.items()):
                query |= Q(object_type=label, object_id__in=sorted(ids))
        for period_id, approval in sorted(self.approvals.items()):
            query |= Q(
                object_type=PERIOD,
                object_id=str(period_id),
                action__in=RECIPIENT_LIST_ACTIONS,
                at__gte=approval.at,
            ) & _list_scope(approval)
        return query

    def is_direct(self, entry: AuditEntry) -> bool:
        if entry.student_id == self.student_id:
            return True
        return entry.object_id in self.direct.get(entry.object_type, set())


def _unset(key: str) -> Q:
    # Older entries did not say their scope: counted as the whole district.
    return Q(**{f"details__{key}": None}) | Q(**{f"details__{key}__isnull": True})


def _list_scope(approval: Approval) -> Q:
    whole_district = _unset("school") & _unset("kecamatan")
    scope = whole_district | Q(details__school=approval.school_id)
    if approval.kecamatan_id is not None:
        scope |= _unset("school") & Q(details__kecamatan=approval.kecamatan_id)
    return scope


def concerning(student: Student) -> Concerning:
    """Collect, through the models, every object whose entries concern
    ``student``. A few small queries, each on an indexed foreign key."""
    found = Concerning(student.pk)
    direct, shared = found.direct, found.shared
    found.add(direct, Student, [student.pk])

    candidates = list(
        Candidate.objects.filter(student=student).values_list(
            "pk", "submission_id", "school_id"
        )
    )
    candidate_ids = [pk for pk, _submission, _school in candidates]
    found.add(direct, Candidate, candidate_ids)
    found.add(shared, Submission, [sub for _pk, sub, _s in candidates])

    decisions = list(
        Decision.objects.filter(candidate_id__in=candidate_ids).values_list(
            "pk", "submission_id"
        )
    )
    found.add(direct, Decision, [pk for pk, _sub in decisions])
    found.add(shared, Submission, [sub for _pk, sub in decisions])
    found.add(
        direct,
        SupportingDocument,
        SupportingDocument.objects.filter(candidate_id__in=candidate_ids).values_list(
            "pk", flat=True
        ),
    )

    matches = list(
        Match.objects.filter(student=student).values_list(
            "pk", "snapshot_id", "person_id"
        )
    )
    found.add(direct, Match, [pk for pk, _snapshot, _person in matches])
    # A register the pupil was found in holds the family's data.
    found.add(
        shared,
        Snapshot,
        [snapshot for _pk, snapshot, person in matches if person is not None],
    )
    found.add(
        direct,
        ReviewDecision,
        ReviewDecision.objects.filter(student=student).values_list("pk", flat=True),
    )

    # Every upload of the pupil's schools carried, or unlisted, the pupil.
    schools = {student.school_id, *(school for _pk, _sub, school in candidates)}
    found.add(
        shared,
        Upload,
        Upload.objects.filter(school_id__in=schools).values_list("pk", flat=True),
    )

    _bank_and_cards(found, candidate_ids)
    found.approvals = _approvals(candidate_ids)
    return found


def _bank_and_cards(found: Concerning, candidate_ids: list[int]) -> None:
    direct, shared = found.direct, found.shared
    rows = list(
        BatchRow.objects.filter(candidate_id__in=candidate_ids).values_list(
            "pk", "batch_id"
        )
    )
    found.add(direct, BatchRow, [pk for pk, _batch in rows])
    accounts = BankAccount.objects.filter(candidate_id__in=candidate_ids)
    found.add(direct, BankAccount, accounts.values_list("pk", flat=True))

    cards = list(
        Card.objects.filter(candidate_id__in=candidate_ids).values_list(
            "pk", "bank_batch_id"
        )
    )
    card_ids = [pk for pk, _batch in cards]
    found.add(direct, Card, card_ids)
    found.add(
        direct,
        Handover,
        Handover.objects.filter(card_id__in=card_ids).values_list("pk", flat=True),
    )
    found.add(
        direct,
        CardArrival,
        CardArrival.objects.filter(card_id__in=card_ids).values_list("pk", flat=True),
    )

    batch_ids = {batch for _pk, batch in rows} | {batch for _pk, batch in cards}
    batch_ids.discard(None)
    found.add(shared, BankBatch, batch_ids)
    # A return file lists every row of its batch.
    found.add(
        shared,
        ReturnUpload,
        ReturnUpload.objects.filter(batch_id__in=batch_ids).values_list(
            "pk", flat=True
        ),
    )
    found.add(
        shared,
        PrintRun,
        PrintRun.cards.through.objects.filter(card_id__in=card_ids).values_list(
            "printrun_id", flat=True
        ),
    )
    found.add(
        shared,
        HandoverRegister,
        HandoverRegister.cards.through.objects.filter(card_id__in=card_ids).values_list(
            "handoverregister_id", flat=True
        ),
    )


def _approvals(candidate_ids: list[int]) -> dict[int, Approval]:
    first = (
        StageEvent.objects.filter(
            candidate_id__in=candidate_ids, to_status=Status.APPROVED
        )
        .values(
            "candidate__period_id",
            "candidate__school_id",
            "candidate__school__kecamatan_id",
        )
        .annotate(at=Min("at"))
        .order_by()
    )
    return {
        row["candidate__period_id"]: Approval(
            row["at"],
            row["candidate__school_id"],
            row["candidate__school__kecamatan_id"],
        )
        for row in first
    }


def trail(student: Student) -> tuple[Concerning, QuerySet[AuditEntry]]:
    """The pupil's entries, oldest first."""
    found = concerning(student)
    entries = AuditEntry.objects.filter(found.query()).order_by("at", "pk")
    return found, entries


def same_person(student: Student) -> QuerySet[Student]:
    """Other records with the pupil's NISN: a pupil who moved school has one
    per school, each with its own trail."""
    others = Student.objects.filter(nisn=student.nisn).exclude(pk=student.pk)
    return others.select_related("school").order_by("pk")


def find_students(text: str) -> tuple[str, list[Student]]:
    """Pupils by NIK (16 digits), NISN (other digits) or a part of the name
    (at least three letters): the kind of search and at most FIND_LIMIT + 1
    pupils, so that a caller can say there are more."""
    text = " ".join(text.split())
    found = Student.objects.select_related("school")
    if text.isdigit() and len(text) == 16:
        kind, found = "nik", found.filter(nik=text)
    elif text.isdigit():
        kind, found = "nisn", found.filter(nisn=text)
    elif len(text) >= 3:
        kind, found = "name", found.filter(name__icontains=text)
    else:
        return "", []
    return kind, list(found.order_by("name", "pk")[: FIND_LIMIT + 1])


@dataclass(frozen=True)
class SearchFilters:
    first_day: date | None = None
    last_day: date | None = None
    actor: User | None = None
    action: str = ""
    object_type: str = ""
    # The pupils whose entries are wanted; None for everyone.
    students: list[Student] | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search(filters: SearchFilters) -> QuerySet[AuditEntry]:
    """The entries the filters ask for; each filter has an index that
    starts with its column, with the time second where the page orders by
    it."""
    found = AuditEntry.objects.all()
    if filters.first_day is not None:
        found = found.filter(at__gte=_start_of(filters.first_day))
    if filters.last_day is not None:
        found = found.filter(at__lt=_start_of(filters.last_day + timedelta(days=1)))
    if filters.actor is not None:
        found = found.filter(actor=filters.actor)
    if filters.action:
        found = found.filter(action=filters.action)
    if filters.object_type:
        found = found.filter(object_type=filters.object_type)
    if filters.students is not None:
        about = Q(pk__in=[])
        for student in filters.students:
            about |= concerning(student).query()
        found = found.filter(about)
    return found


def encode_cursor(entry: AuditEntry) -> str:
    micros = (entry.at - EPOCH) // MICROSECOND
    return f"{micros}-{entry.pk}"


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    micros, _dash, pk = (text or "").partition("-")
    if not (micros.isdigit() and pk.isdigit()):
        return None
    try:
        return EPOCH + int(micros) * MICROSECOND, int(pk)
    except OverflowError:
        return None


@dataclass(frozen=True)
class EntryPage:
    entries: list[AuditEntry]
    next_cursor: str | None
    previous_cursor: str | None


def entry_page(
    found: QuerySet[AuditEntry],
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
) -> EntryPage:
    """One page of entries, newest first, by a cursor on (time, id) rather
    than an offset: no count of a large table, and the same cost on the
    thousandth page as on the first. ``after`` goes to older entries,
    ``before`` back to newer ones."""
    older, newer = decode_cursor(after), decode_cursor(before)
    if newer is not None:
        moment, pk = newer
        # The time bound alone is what the index can seek to.
        rows = list(
            found.filter(
                Q(at__gte=moment) & (Q(at__gt=moment) | Q(pk__gt=pk))
            ).order_by("at", "pk")[: size + 1]
        )
        has_newer, has_older = len(rows) > size, True
        rows = rows[:size][::-1]
    else:
        if older is not None:
            moment, pk = older
            found = found.filter(Q(at__lte=moment) & (Q(at__lt=moment) | Q(pk__lt=pk)))
        rows = list(found.order_by("-at", "-pk")[: size + 1])
        has_newer, has_older = older is not None, len(rows) > size
        rows = rows[:size]
    return EntryPage(
        entries=rows,
        next_cursor=encode_cursor(rows[-1]) if rows and has_older else None,
        previous_cursor=encode_cursor(rows[0]) if rows and has_newer else None,
    )
