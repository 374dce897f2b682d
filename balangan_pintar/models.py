"""What the whole programme shares: the programme year, the SOP as data, the
background job rows and the audit trail. The pipeline apps build on these."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import AnyUser


class Jenjang(models.TextChoices):
    SD = "SD", "SD"
    MI = "MI", "MI"
    SMP = "SMP", "SMP"
    MTS = "MTs", "MTs"
    SMA = "SMA", "SMA"
    SMK = "SMK", "SMK"

    @property
    def level(self) -> str:
        """The level the programme pays by: SD/MI, SMP/MTs or SMA/SMK."""
        return JENJANG_LEVEL[self]


class Level(models.TextChoices):
    SD_MI = "SD/MI", "SD/MI"
    SMP_MTS = "SMP/MTs", "SMP/MTs"
    SMA_SMK = "SMA/SMK", "SMA/SMK"


JENJANG_LEVEL = {
    Jenjang.SD: Level.SD_MI,
    Jenjang.MI: Level.SD_MI,
    Jenjang.SMP: Level.SMP_MTS,
    Jenjang.MTS: Level.SMP_MTS,
    Jenjang.SMA: Level.SMA_SMK,
    Jenjang.SMK: Level.SMA_SMK,
}


class PeriodQuerySet(models.QuerySet["Period"]):
    def active(self) -> "Period | None":
        return self.filter(is_active=True).order_by("-year").first()


class Period(models.Model):
    """One programme year with the amounts and the quota that apply to it."""

    class HandoverBy(models.TextChoices):
        SCHOOL = "school", _("Sekolah")
        DINAS = "dinas", _("Dinas")

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    name = models.CharField(_("nama"), max_length=100)
    is_active = models.BooleanField(_("aktif"), default=True)
    amount_sd_mi = models.PositiveIntegerField(
        _("nilai bantuan SD/MI (Rp)"), default=1_100_000
    )
    amount_smp_mts = models.PositiveIntegerField(
        _("nilai bantuan SMP/MTs (Rp)"), default=1_500_000
    )
    amount_sma_smk = models.PositiveIntegerField(
        _("nilai bantuan SMA/SMK (Rp)"), default=1_500_000
    )
    quota_per_school = models.PositiveSmallIntegerField(
        _("kuota per sekolah"),
        null=True,
        blank=True,
        help_text=_("Kosongkan bila tidak ada kuota."),
    )
    handover_by = models.CharField(
        _("penyerahan kartu oleh"),
        max_length=10,
        choices=HandoverBy.choices,
        default=HandoverBy.SCHOOL,
    )

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("periode")
        verbose_name_plural = _("periode")

    def __str__(self) -> str:
        return self.name

    def amount_for(self, jenjang: str) -> int:
        level = JENJANG_LEVEL[Jenjang(jenjang)]
        return {
            Level.SD_MI: self.amount_sd_mi,
            Level.SMP_MTS: self.amount_smp_mts,
            Level.SMA_SMK: self.amount_sma_smk,
        }[level]


class Executor(models.TextChoices):
    SCHOOL_OPERATOR = "school_operator", _("Operator Dapodik sekolah")
    DINAS = "dinas", _("Dinas Pendidikan dan Kebudayaan")
    BANK = "bank", _("Bank Kalsel")
    SCHOOL_OR_DINAS = "school_or_dinas", _("Sekolah/Dinas kepada siswa")


class SOPQuerySet(models.QuerySet["SOP"]):
    def in_force(self) -> "SOP":
        """The revision in force: the newest one that has been approved."""
        return self.filter(approved_on__isnull=False).latest("approved_on", "pk")


class SOP(models.Model):
    """The district's SOP document; a revision is a new row, the old one
    stays for the record."""

    number = models.CharField(_("nomor SOP"), max_length=50)
    name = models.CharField(_("nama SOP"), max_length=200)
    issued_by = models.CharField(_("diterbitkan oleh"), max_length=200)
    made_on = models.DateField(_("tanggal pembuatan"))
    revised_on = models.DateField(_("tanggal revisi"), null=True, blank=True)
    approved_on = models.DateField(_("tanggal pengesahan"), null=True, blank=True)
    approved_by = models.CharField(_("disahkan oleh"), max_length=200)
    legal_basis = models.TextField(_("dasar hukum"), help_text=_("Satu per baris."))
    qualifications = models.TextField(
        _("kualifikasi pelaksana"), help_text=_("Satu per baris.")
    )
    equipment = models.TextField(
        _("peralatan/perlengkapan"), help_text=_("Satu per baris.")
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("merevisi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )

    objects = SOPQuerySet.as_manager()

    class Meta:
        ordering = ["-approved_on", "-pk"]
        verbose_name = _("SOP")
        verbose_name_plural = _("SOP")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def lines(self, field: str) -> list[str]:
        text: str = getattr(self, field)
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def legal_basis_lines(self) -> list[str]:
        return self.lines("legal_basis")

    @property
    def qualification_lines(self) -> list[str]:
        return self.lines("qualifications")

    @property
    def equipment_lines(self) -> list[str]:
        return self.lines("equipment")

    def make_revision(self, revised_on: date) -> "SOP":
        """Copy this SOP and its steps into a new, not yet approved revision."""
        steps = list(self.steps.all())
        revision = SOP.objects.get(pk=self.pk)
        revision.pk = None
        revision.supersedes = self
        revision.revised_on = revised_on
        revision.approved_on = None
        revision.save()
        for step in steps:
            step.pk = None
            step.sop = revision
        SOPStep.objects.bulk_create(steps)
        return revision


class SOPStep(models.Model):
    sop = models.ForeignKey(SOP, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("langkah"))
    activity = models.TextField(_("kegiatan"))
    executor = models.CharField(_("pelaksana"), max_length=20, choices=Executor.choices)
    requirement = models.CharField(
        _("kelengkapan"), max_length=200, default="Data dan Informasi"
    )
    minutes = models.PositiveSmallIntegerField(_("waktu (menit)"))
    output = models.CharField(_("output"), max_length=200)

    class Meta:
        ordering = ["sop", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sop", "number"], name="unique_sop_step")
        ]
        verbose_name = _("langkah SOP")
        verbose_name_plural = _("langkah SOP")

    def __str__(self) -> str:
        return f"{self.number}. {self.activity}"


class JobQuerySet(models.QuerySet["Job"]):
    def for_user(self, user: AnyUser) -> "JobQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)


class Job(models.Model):
    """A unit of background work the user waits for, with its progress.

    The row holds counts and short messages only, never personal data: the
    work's own records hold that, scoped like every other page.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        SUCCEEDED = "succeeded", _("selesai")
        FAILED = "failed", _("gagal")

    class Kind(models.TextChoices):
        DAPODIK_UPLOAD = "dapodik_upload", _("Unggah data Dapodik")
        DTKS_IMPORT = "dtks_import", _("Impor DTKS")
        DTKS_MATCH = "dtks_match", _("Pencocokan DTKS")
        CARD_RENDER = "card_render", _("Cetak kartu")
        REPORT = "report", _("Laporan")
        DEMO = "demo", _("Uji coba")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("jenis"), max_length=30, choices=Kind.choices)
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(_("pesan"), max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    task_name = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pekerjaan latar")
        verbose_name_plural = _("pekerjaan latar")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.SUCCEEDED, self.State.FAILED}

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * self.done / self.total))


class AuditEntry(models.Model):
    """One business event or one look at personal data, kept unchangeable.

    Entries name objects by type and id and the student concerned by id; the
    values of identifiers such as NIK are never copied into them.
    """

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    action = models.CharField(_("aksi"), max_length=60, db_index=True)
    object_type = models.CharField(_("jenis objek"), max_length=60, blank=True)
    object_id = models.CharField(_("id objek"), max_length=64, blank=True)
    student_id = models.BigIntegerField(
        _("id siswa"), null=True, blank=True, db_index=True
    )
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    details = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        # The audit search filters by action or user within a date range,
        # newest first, and a person's trail looks entries up by object.
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries cannot be deleted.")
