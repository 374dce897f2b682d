"""What the Dinas verification step (SOP step 3) keeps: the rules of each
period, the quota of each school, every decision with its reason, and the
documents schools attach to their candidates."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Jenjang, Job, Period
from balangan_pintar.roles import DINAS_ROLES, AnyUser, has_role, school_id_of
from students.models import Candidate, Kecamatan, School, Status, Submission

DEFAULT_JENJANG = (Jenjang.SD, Jenjang.MI, Jenjang.SMP, Jenjang.MTS)
DEFAULT_MAX_DESIL = 4


def default_jenjang() -> list[str]:
    return [str(jenjang) for jenjang in DEFAULT_JENJANG]


class PeriodRules(models.Model):
    """The eligibility rules of one period, set by a Dinas administrator.
    A period without a row uses the defaults (see ``for_period``)."""

    period = models.OneToOneField(
        Period,
        verbose_name=_("periode"),
        on_delete=models.CASCADE,
        related_name="verification_rules",
    )
    max_desil = models.PositiveSmallIntegerField(
        _("desil tertinggi"),
        default=DEFAULT_MAX_DESIL,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "Siswa dengan desil DTSEN di atas angka ini tidak lolos. Data "
            "DTKS tanpa desil tidak diperiksa desilnya."
        ),
    )
    jenjang = models.JSONField(
        _("jenjang yang dicakup"),
        default=default_jenjang,
        help_text=_("Jenjang sekolah yang siswanya dapat menerima KBP."),
    )
    sktm_required = models.BooleanField(
        _("SKTM wajib"),
        default=True,
        help_text=_("Sekolah harus mengunggah SKTM dari desa untuk setiap calon."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("diubah pada"), default=timezone.now)

    class Meta:
        verbose_name = _("aturan verifikasi periode")
        verbose_name_plural = _("aturan verifikasi periode")

    def __str__(self) -> str:
        return str(_("Aturan %(period)s") % {"period": self.period})

    def clean(self) -> None:
        values = self.jenjang if isinstance(self.jenjang, list) else []
        if not values or any(value not in Jenjang.values for value in values):
            raise ValidationError(
                {"jenjang": _("Pilih minimal satu jenjang yang dikenal.")}
            )

    @classmethod
    def for_period(cls, period: Period) -> "PeriodRules":
        """The period's rules; the defaults, unsaved, when none were set."""
        rules = cls.objects.filter(period=period).first()
        return rules or cls(period=period)

    def covers(self, jenjang: str) -> bool:
        return jenjang in self.jenjang

    @property
    def jenjang_labels(self) -> list[str]:
        return [Jenjang(value).label for value in self.jenjang]


class SchoolQuotaQuerySet(models.QuerySet["SchoolQuota"]):
    def quotas(self, period: Period, school_ids: set[int]) -> dict[int, int]:
        rows = self.filter(period=period, school_id__in=school_ids)
        return dict(rows.values_list("school_id", "quota"))


class SchoolQuota(models.Model):
    """A school's quota for one period where it differs from the period's
    quota per school: the Dinas moves unused places to other schools."""

    period = models.ForeignKey(
        Period, verbose_name=_("periode"), on_delete=models.CASCADE
    )
    school = models.ForeignKey(
        School, verbose_name=_("sekolah"), on_delete=models.CASCADE
    )
    quota = models.PositiveSmallIntegerField(_("kuota"))
    note = models.CharField(_("keterangan"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diubah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("diubah pada"), default=timezone.now)

    objects = SchoolQuotaQuerySet.as_manager()

    class Meta:
        ordering = ["period", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "school"], name="unique_school_quota_per_period"
            )
        ]
        verbose_name = _("kuota sekolah")
        verbose_name_plural = _("kuota sekolah")

    def __str__(self) -> str:
        return f"{self.school} {self.period}: {self.quota}"


class Outcome(models.TextChoices):
    APPROVE = "approve", _("Disetujui")
    REJECT = "reject", _("Ditolak")
    RETURN = "return", _("Dikembalikan untuk perbaikan")

    @property
    def status(self) -> Status:
        """The candidate status the outcome moves to."""
        return {
            Outcome.APPROVE: Status.APPROVED,
            Outcome.REJECT: Status.REJECTED,
            Outcome.RETURN: Status.RETURNED,
        }[self]


class Reason(models.TextChoices):
    """Why a candidate was rejected, in words a school and a parent read."""

    NOT_IN_DTKS = "not_in_dtks", _("Tidak terdaftar di DTKS/DTSEN")
    NOT_SAME_PERSON = (
        "not_same_person",
        _("Bukan orang yang sama dengan data di DTKS/DTSEN"),
    )
    DESIL_ABOVE_LIMIT = (
        "desil_above_limit",
        _("Desil kesejahteraan keluarga di atas batas program"),
    )
    KIP_RECIPIENT = "kip_recipient", _("Sudah menerima KIP/PIP")
    OTHER_SCHOOL = "other_school", _("Sudah diusulkan oleh sekolah lain")
    NOT_ACTIVE = "not_active", _("Bukan siswa aktif")
    JENJANG_NOT_COVERED = (
        "jenjang_not_covered",
        _("Jenjang sekolah tidak termasuk program periode ini"),
    )
    OVER_QUOTA = "over_quota", _("Melebihi kuota sekolah")
    DATA_WRONG = "data_wrong", _("Data siswa tidak benar")
    OTHER = "other", _("Alasan lain")


class DecisionQuerySet(models.QuerySet["Decision"]):
    def for_user(self, user: AnyUser) -> "DecisionQuerySet":
        """The Dinas sees every decision, a school operator those on their
        own school's candidates, everyone else none."""
        if has_role(user, *DINAS_ROLES):
            return self
        school_id = school_id_of(user)
        if school_id is not None:
            return self.filter(candidate__school_id=school_id)
        return self.none()


class Decision(models.Model):
    """One verifier's decision on one candidate. The stage event records the
    move; this row keeps the reason code, the rules that failed at the time,
    and the request's token so that a replayed form applies once."""

    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("calon penerima"),
        on_delete=models.CASCADE,
        related_name="verification_decisions",
    )
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("usulan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("keputusan"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(
        _("alasan"), max_length=20, choices=Reason.choices, blank=True
    )
    note = models.TextField(_("catatan"), blank=True)
    failed_rules = models.JSONField(
        _("aturan tidak terpenuhi saat diputuskan"), default=list, blank=True
    )
    bulk = models.BooleanField(_("persetujuan massal"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), default=timezone.now)
    request_token = models.UUIDField(_("token formulir"), editable=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request_token", "candidate"], name="unique_decision_request"
            )
        ]
        indexes = [models.Index(fields=["candidate", "decided_at"])]
        verbose_name = _("keputusan verifikasi")
        verbose_name_plural = _("keputusan verifikasi")

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.outcome}"

    @property
    def reason_label(self) -> str:
        return str(Reason(self.reason).label) if self.reason else ""


class DocumentKind(models.TextChoices):
    SKTM = "sktm", _("SKTM (Surat Keterangan Tidak Mampu dari desa)")


class SupportingDocument(models.Model):
    """A file a school attaches to its candidate. Stored under MEDIA_ROOT with
    a name the server makes; the uploaded file's own name is not kept, since
    schools name files after the pupil."""

    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("calon penerima"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(
        _("jenis"),
        max_length=10,
        choices=DocumentKind.choices,
        default=DocumentKind.SKTM,
    )
    file = models.FileField(_("berkas"), upload_to="verification/%Y/%m/")
    content_type = models.CharField(_("jenis isi"), max_length=50)
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["candidate", "kind"])]
        verbose_name = _("dokumen pendukung")
        verbose_name_plural = _("dokumen pendukung")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.candidate_id})"

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
            self.content_type
        ]


class LampiranExportQuerySet(models.QuerySet["LampiranExport"]):
    def for_user(self, user: AnyUser) -> "LampiranExportQuerySet":
        """A rendered file goes to the user who asked for it, nobody else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)


class LampiranExport(models.Model):
    """A PDF of the Lampiran SK rendered in the background (a district's list
    takes WeasyPrint longer than a request should), kept for its user."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(
        Period, verbose_name=_("periode"), on_delete=models.CASCADE
    )
    school = models.ForeignKey(
        School,
        verbose_name=_("sekolah"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    kecamatan = models.ForeignKey(
        Kecamatan,
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    file = models.FileField(_("berkas"), upload_to="verification/lampiran/", blank=True)
    rows = models.PositiveIntegerField(_("jumlah penerima"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat pada"), default=timezone.now)

    objects = LampiranExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("PDF Lampiran SK")
        verbose_name_plural = _("PDF Lampiran SK")

    def __str__(self) -> str:
        return f"{self.period} ({self.created_at:%Y-%m-%d %H:%M})"
