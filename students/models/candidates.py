from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Period
from balangan_pintar.roles import DINAS_ROLES, AnyUser, has_role, school_id_of

from .schools import School
from .students import Student


class Status(models.TextChoices):
    """Where a candidate stands in the SOP's seven steps."""

    LISTED = "listed", _("Terdata di sekolah")
    DRAFT = "draft", _("Dipilih sekolah, belum dikirim")
    WITHDRAWN = "withdrawn", _("Dibatalkan sekolah")
    SUBMITTED = "submitted", _("Diusulkan ke Dinas")
    RETURNED = "returned", _("Dikembalikan ke sekolah untuk perbaikan")
    REJECTED = "rejected", _("Ditolak Dinas")
    APPROVED = "approved", _("Disetujui Dinas")
    SENT_TO_BANK = "sent_to_bank", _("Dikirim ke Bank Kalsel")
    BANK_REJECTED = "bank_rejected", _("Ditolak bank")
    ACCOUNT_OPENED = "account_opened", _("Rekening dibuka")
    CARD_PRINTED = "card_printed", _("Kartu dicetak")
    DELIVERED = "delivered", _("Kartu diterima siswa")
    UNDELIVERED = "undelivered", _("Kartu belum dapat diserahkan")


# The one place that says which moves are allowed, and which SOP step each
# move completes (None: the move completes no step, e.g. a withdrawal).
TRANSITIONS: dict[tuple[str, str], int | None] = {
    (Status.LISTED, Status.DRAFT): 1,
    (Status.DRAFT, Status.SUBMITTED): 2,
    (Status.DRAFT, Status.WITHDRAWN): None,
    (Status.WITHDRAWN, Status.DRAFT): None,
    (Status.SUBMITTED, Status.APPROVED): 3,
    (Status.SUBMITTED, Status.REJECTED): 3,
    (Status.SUBMITTED, Status.RETURNED): 3,
    (Status.RETURNED, Status.SUBMITTED): 2,
    (Status.RETURNED, Status.WITHDRAWN): None,
    (Status.APPROVED, Status.SENT_TO_BANK): 4,
    (Status.SENT_TO_BANK, Status.ACCOUNT_OPENED): 5,
    (Status.SENT_TO_BANK, Status.BANK_REJECTED): 5,
    (Status.BANK_REJECTED, Status.APPROVED): None,
    (Status.BANK_REJECTED, Status.REJECTED): None,
    (Status.ACCOUNT_OPENED, Status.CARD_PRINTED): 6,
    (Status.CARD_PRINTED, Status.DELIVERED): 7,
    (Status.CARD_PRINTED, Status.UNDELIVERED): 7,
    (Status.UNDELIVERED, Status.DELIVERED): 7,
}

# The SOP step a candidate in each status waits at, and so who holds it.
WAITING_AT_STEP: dict[str, int] = {
    Status.LISTED: 1,
    Status.DRAFT: 2,
    Status.RETURNED: 2,
    Status.SUBMITTED: 3,
    Status.APPROVED: 4,
    Status.BANK_REJECTED: 4,
    Status.SENT_TO_BANK: 5,
    Status.ACCOUNT_OPENED: 6,
    Status.CARD_PRINTED: 7,
    Status.UNDELIVERED: 7,
}

FINAL_STATUSES = frozenset({Status.DELIVERED, Status.REJECTED, Status.WITHDRAWN})

# One bit per status for ``Candidate.reached``. Stored in the database:
# a new status takes a new bit, and no bit is ever given to another status.
STATUS_BITS: dict[str, int] = {
    Status.LISTED: 1 << 0,
    Status.DRAFT: 1 << 1,
    Status.WITHDRAWN: 1 << 2,
    Status.SUBMITTED: 1 << 3,
    Status.RETURNED: 1 << 4,
    Status.REJECTED: 1 << 5,
    Status.APPROVED: 1 << 6,
    Status.SENT_TO_BANK: 1 << 7,
    Status.BANK_REJECTED: 1 << 8,
    Status.ACCOUNT_OPENED: 1 << 9,
    Status.CARD_PRINTED: 1 << 10,
    Status.DELIVERED: 1 << 11,
    Status.UNDELIVERED: 1 << 12,
}


class Submission(models.Model):
    """One sending of candidates by a school to the Dinas (SOP step 2)."""

    school = models.ForeignKey(
        School, verbose_name=_("sekolah"), on_delete=models.PROTECT
    )
    period = models.ForeignKey(
        Period, verbose_name=_("periode"), on_delete=models.PROTECT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikirim oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("dikirim pada"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("usulan sekolah")
        verbose_name_plural = _("usulan sekolah")

    def __str__(self) -> str:
        return _("Usulan %(school)s, %(date)s") % {
            "school": self.school,
            "date": timezone.localtime(self.submitted_at).strftime("%d-%m-%Y"),
        }


class CandidateQuerySet(models.QuerySet["Candidate"]):
    def for_user(self, user: AnyUser) -> "CandidateQuerySet":
        """The one way views reach candidates; see StudentQuerySet.for_user."""
        if has_role(user, *DINAS_ROLES):
            return self
        school_id = school_id_of(user)
        if school_id is not None:
            return self.filter(school_id=school_id)
        return self.none()

    def waiting_at(self, step: int) -> "CandidateQuerySet":
        statuses = [s for s, waiting in WAITING_AT_STEP.items() if waiting == step]
        return self.filter(status__in=statuses)


class Candidate(models.Model):
    """One student proposed for the card in one period."""

    student = models.ForeignKey(
        Student,
        verbose_name=_("siswa"),
        on_delete=models.PROTECT,
        related_name="candidates",
    )
    period = models.ForeignKey(
        Period, verbose_name=_("periode"), on_delete=models.PROTECT
    )
    # The proposing school, copied from the student so that scoping and the
    # reports group candidates without a join through every student.
    school = models.ForeignKey(
        School, verbose_name=_("sekolah"), on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.LISTED,
        db_index=True,
    )
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("usulan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="candidates",
    )
    proposal_note = models.TextField(
        _("alasan pengusulan"),
        blank=True,
        help_text=_("Wajib bila siswa tidak ditemukan di DTKS."),
    )
    status_changed_at = models.DateTimeField(
        _("status berubah pada"), default=timezone.now
    )
    # Every status the candidate has held, one bit each (STATUS_BITS), kept
    # by the pipeline's moves: the progress report counts how far the
    # candidates came from this column instead of from their events.
    reached = models.PositiveIntegerField(
        _("status yang pernah dicapai"), default=STATUS_BITS[Status.LISTED]
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["student__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "period"], name="unique_candidate_per_period"
            )
        ]
        indexes = [
            models.Index(fields=["period", "status", "school"]),
            # A school's candidates in id order: without it PostgreSQL walks
            # every candidate's primary key to join a school's decisions or
            # cards (measured 290 ms against 0.4 ms at 100,000 candidates).
            models.Index(fields=["school", "id"]),
        ]
        verbose_name = _("calon penerima")
        verbose_name_plural = _("calon penerima")

    def __str__(self) -> str:
        return str(self.student)

    def can_move_to(self, status: str) -> bool:
        return (self.status, status) in TRANSITIONS

    @property
    def waiting_at_step(self) -> int | None:
        return WAITING_AT_STEP.get(self.status)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class StageEvent(models.Model):
    """One move of a candidate through the SOP: the record every timeline and
    the SOP dashboard are computed from."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="events"
    )
    # The candidate's period, copied so that the weekly trend of a period
    # reads one index instead of joining every event to its candidate. That
    # index (migration 0006) leads with the period, so the key needs no
    # index of its own.
    period = models.ForeignKey(
        Period,
        verbose_name=_("periode"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    step = models.PositiveSmallIntegerField(_("langkah SOP"), null=True, blank=True)
    from_status = models.CharField(
        _("dari"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("ke"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    # When the candidate became ready for this step: the time of its previous
    # event. Kept here so that the SOP dashboard reads a step's duration from
    # one row instead of pairing each event with the one before it.
    ready_at = models.DateTimeField(_("siap sejak"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        # The reports' indexes on (step, at) and (period, step) are made by
        # migrations 0004 and 0006: on PostgreSQL they also carry the
        # columns the reports read, so that their scans read the index
        # alone, which Django's Index cannot say for PostgreSQL only.
        indexes = [models.Index(fields=["candidate", "at"])]
        verbose_name = _("peristiwa tahap")
        verbose_name_plural = _("peristiwa tahap")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"
