"""The exchange with Bank Kalsel (SOP steps 4 and 5): batches of approved
candidates, the files sent, the bank's answers and the accounts it opened.

Nothing here changes state on its own: bank_exchange.services is the only
way to create, send or answer a batch.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Level, Period
from balangan_pintar.roles import AnyUser, Role, has_role
from students.models import Candidate, Gender, Kecamatan

from .formats import BatchRow as FileRow
from .formats import RowState

BATCH_PREFIX = "KBP"

# The fields of a batch row sent to the bank, in the order of its file.
SNAPSHOT_FIELDS = (
    "nik",
    "nisn",
    "name",
    "gender",
    "birth_place",
    "birth_date",
    "mother_name",
    "street",
    "rt",
    "rw",
    "desa",
    "kecamatan",
    "npsn",
    "school_name",
    "jenjang",
    "amount",
)

# The level a jenjang is written as in the bank's file: madrasahs and
# vocational schools as their general equivalent (docs/bank-format.md).
BANK_JENJANG = {Level.SD_MI: "SD", Level.SMP_MTS: "SMP", Level.SMA_SMK: "SMA"}


def _stored_name(folder: str, original: str) -> str:
    """A server-generated name under MEDIA_ROOT: the uploader's file name
    never reaches the file system."""
    suffix = PurePath(original).suffix.lower()
    if suffix not in {".xlsx", ".csv"}:
        suffix = ".bin"
    day = timezone.localdate()
    return f"bank_exchange/{folder}/{day:%Y/%m}/{uuid.uuid4().hex}{suffix}"


def exported_file_path(instance: "ExportedFile", filename: str) -> str:
    return _stored_name("batches", filename)


def return_file_path(instance: "ReturnUpload", filename: str) -> str:
    return _stored_name("returns", filename)


class BatchState(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SENT = "sent", _("Dikirim ke bank")
    DOWNLOADED = "downloaded", _("Diunduh bank")
    PROCESSING = "processing", _("Diproses bank")
    COMPLETED = "completed", _("Selesai")


class AnswerSource(models.TextChoices):
    """How the bank's answer for a row reached the system."""

    MANUAL = "manual", _("Dicatat satu per satu")
    RETURN_FILE = "return_file", _("Berkas balasan")


class FileKind(models.TextChoices):
    XLSX = "xlsx", _("Workbook .xlsx")
    CSV = "csv", _("Data .csv")
    CONTROL = "kontrol", _("Kontrol .csv")


class BankBatchQuerySet(models.QuerySet["BankBatch"]):
    def for_user(self, user: AnyUser) -> "BankBatchQuerySet":
        """The one way views reach batches: the Dinas administrator sees
        every batch, the bank only those sent to it, everyone else none."""
        if has_role(user, Role.DINAS_ADMIN):
            return self
        if has_role(user, Role.BANK_OFFICER):
            return self.exclude(state=BatchState.DRAFT)
        return self.none()

    def sent(self) -> "BankBatchQuerySet":
        return self.exclude(state=BatchState.DRAFT)


class BankBatch(models.Model):
    """A set of approved candidates handed to Bank Kalsel together.

    The number (KBP/2026/003) is given when the batch is sent, so that a
    draft that is thrown away leaves no gap in the bank's sequence. Once sent,
    the batch and the snapshot in its rows never change; only the bank's
    answers are added.
    """

    period = models.ForeignKey(
        Period, verbose_name=_("periode"), on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    sequence = models.PositiveIntegerField(_("urutan"), null=True, blank=True)
    number = models.CharField(
        _("nomor batch"), max_length=20, unique=True, null=True, blank=True
    )
    state = models.CharField(
        _("status"),
        max_length=12,
        choices=BatchState.choices,
        default=BatchState.DRAFT,
        db_index=True,
    )
    kecamatan = models.ForeignKey(
        Kecamatan,
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Kosong: semua kecamatan."),
    )
    jenjang = models.CharField(
        _("jenjang"),
        max_length=10,
        choices=Level.choices,
        blank=True,
        help_text=_("Kosong: semua jenjang."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat pada"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikirim oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    downloaded_at = models.DateTimeField(
        _("pertama diunduh bank"), null=True, blank=True
    )
    completed_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    objects = BankBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="unique_bank_batch_sequence"
            ),
            models.CheckConstraint(
                condition=Q(state=BatchState.DRAFT)
                | Q(
                    number__isnull=False,
                    sequence__isnull=False,
                    sent_at__isnull=False,
                ),
                name="bank_batch_sent_has_number",
            ),
        ]
        verbose_name = _("batch bank")
        verbose_name_plural = _("batch bank")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.number:
            return self.number
        return str(_("Draf #%(id)s") % {"id": self.pk})

    @property
    def is_sent(self) -> bool:
        return self.state != BatchState.DRAFT

    def can_change(self) -> bool:
        """Only a draft may gain, lose or refresh rows, or be thrown away."""
        return self.state == BatchState.DRAFT

    def can_be_answered(self) -> bool:
        return self.is_sent and self.state != BatchState.COMPLETED

    @staticmethod
    def format_number(year: int, sequence: int) -> str:
        return f"{BATCH_PREFIX}/{year}/{sequence:03d}"


class BatchRow(models.Model):
    """One candidate in a batch: what was sent about them, frozen at sending,
    and the bank's answer. The bank reads these fields, never the live
    student record."""

    batch = models.ForeignKey(
        BankBatch,
        verbose_name=_("batch"),
        on_delete=models.CASCADE,
        related_name="rows",
    )
    row_number = models.PositiveIntegerField(_("nomor urut"))
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("calon penerima"),
        on_delete=models.PROTECT,
        related_name="bank_rows",
    )

    # The snapshot sent to the bank, in the order of the bank's file.
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    nisn = models.CharField(_("NISN"), max_length=10)
    name = models.CharField(_("nama"), max_length=150)
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    mother_name = models.CharField(_("nama ibu kandung"), max_length=150, blank=True)
    street = models.CharField(_("alamat jalan"), max_length=250, blank=True)
    rt = models.CharField(_("RT"), max_length=5, blank=True)
    rw = models.CharField(_("RW"), max_length=5, blank=True)
    desa = models.CharField(_("desa/kelurahan"), max_length=100, blank=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=100, blank=True)
    npsn = models.CharField(_("NPSN"), max_length=8)
    school_name = models.CharField(_("nama sekolah"), max_length=200)
    jenjang = models.CharField(_("jenjang"), max_length=3)
    amount = models.PositiveIntegerField(_("nominal (Rp)"))

    # The bank's answer.
    state = models.CharField(
        _("jawaban bank"),
        max_length=10,
        choices=RowState.choices,
        default=RowState.PENDING,
        db_index=True,
    )
    reason = models.TextField(_("alasan penolakan"), blank=True)
    answered_at = models.DateTimeField(_("dijawab pada"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_via = models.CharField(
        _("dicatat melalui"), max_length=12, choices=AnswerSource.choices, blank=True
    )
    return_upload = models.ForeignKey(
        "ReturnUpload",
        verbose_name=_("berkas balasan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rows",
    )

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "row_number"], name="unique_bank_row_number"
            ),
            models.UniqueConstraint(
                fields=["batch", "candidate"], name="unique_bank_row_candidate"
            ),
        ]
        indexes = [models.Index(fields=["candidate", "state"])]
        verbose_name = _("baris batch")
        verbose_name_plural = _("baris batch")

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.row_number}"

    @property
    def is_answered(self) -> bool:
        return self.state != RowState.PENDING

    def can_be_answered(self) -> bool:
        return self.state == RowState.PENDING and self.batch.can_be_answered()

    def to_file_row(self) -> FileRow:
        """The row as the bank's file writes it."""
        values = {name: getattr(self, name) for name in SNAPSHOT_FIELDS}
        return FileRow(row_number=self.row_number, **values)

    def missing_for_bank(self) -> list[str]:
        """The fields the bank needs to open an account that are empty or
        malformed, for the Dinas to fix before sending."""
        missing = []
        if not (len(self.nik) == 16 and self.nik.isdigit()):
            missing.append(str(_("NIK")))
        if not self.mother_name:
            missing.append(str(_("nama ibu kandung")))
        if not self.birth_place:
            missing.append(str(_("tempat lahir")))
        return missing


class ExportedFile(models.Model):
    """One of the three files made when a batch is sent, kept as sent."""

    batch = models.ForeignKey(BankBatch, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("jenis"), max_length=8, choices=FileKind.choices)
    name = models.CharField(_("nama berkas"), max_length=100)
    content_type = models.CharField(max_length=100)
    file = models.FileField(upload_to=exported_file_path, max_length=200)
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["batch", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "kind"], name="unique_exported_file_kind"
            )
        ]
        verbose_name = _("berkas batch")
        verbose_name_plural = _("berkas batch")

    def __str__(self) -> str:
        return self.name


class DownloadLog(models.Model):
    """Who took which file of a batch, and the hash of what they took."""

    batch = models.ForeignKey(
        BankBatch, on_delete=models.PROTECT, related_name="downloads"
    )
    file = models.ForeignKey(
        ExportedFile, on_delete=models.PROTECT, related_name="downloads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    by_bank = models.BooleanField(_("oleh bank"), default=False)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("catatan unduhan")
        verbose_name_plural = _("catatan unduhan")

    def __str__(self) -> str:
        return f"{self.file} {self.at:%Y-%m-%d %H:%M}"


class ReturnUpload(models.Model):
    """A return file the bank uploaded for a batch. The same bytes uploaded
    again for the same batch are the same upload, so applying it twice is
    impossible by construction."""

    batch = models.ForeignKey(
        BankBatch, on_delete=models.PROTECT, related_name="return_uploads"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("nama berkas asli"), max_length=200)
    file = models.FileField(upload_to=return_file_path, max_length=200)
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"), default=timezone.now)
    problem_count = models.PositiveIntegerField(_("masalah saat diunggah"), default=0)
    applied_at = models.DateTimeField(_("diterapkan pada"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diterapkan oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_count = models.PositiveIntegerField(_("rekening dibuka"), default=0)
    rejected_count = models.PositiveIntegerField(_("ditolak"), default=0)
    unchanged_count = models.PositiveIntegerField(_("tidak berubah"), default=0)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "sha256"], name="unique_return_upload_per_batch"
            )
        ]
        verbose_name = _("berkas balasan bank")
        verbose_name_plural = _("berkas balasan bank")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None


class BankAccount(models.Model):
    """The savings account Bank Kalsel opened for a candidate. The number is
    text: Bank Kalsel's numbers may begin with zeros."""

    candidate = models.OneToOneField(
        Candidate,
        verbose_name=_("calon penerima"),
        on_delete=models.PROTECT,
        related_name="bank_account",
    )
    row = models.OneToOneField(
        BatchRow,
        verbose_name=_("baris batch"),
        on_delete=models.PROTECT,
        related_name="account",
    )
    account_number = models.CharField(_("nomor rekening"), max_length=30, unique=True)
    opened_on = models.DateField(_("tanggal pembukaan"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)
    via = models.CharField(
        _("dicatat melalui"), max_length=12, choices=AnswerSource.choices
    )
    return_upload = models.ForeignKey(
        ReturnUpload,
        verbose_name=_("berkas balasan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )

    class Meta:
        ordering = ["row"]
        verbose_name = _("rekening bank")
        verbose_name_plural = _("rekening bank")

    def __str__(self) -> str:
        # The number itself is personal data and stays out of lists and logs.
        return str(_("Rekening baris %(row)s") % {"row": self.row_id})
