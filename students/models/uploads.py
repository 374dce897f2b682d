from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Job
from balangan_pintar.roles import DINAS_ROLES, AnyUser, has_role, school_id_of
from students.dapodik import FileKind, Issue, RefusalCode, UploadRefused
from students.identifiers import Severity

from .schools import School

# Where uploads and the files made from them live, under MEDIA_ROOT, which
# the web server never serves.
UPLOAD_DIRECTORY = "uploads"


class UploadQuerySet(models.QuerySet["Upload"]):
    def for_user(self, user: AnyUser) -> "UploadQuerySet":
        """The uploads a user may see: the Dinas all, an operator their
        school's; the issues in them hold the pupils' data."""
        if has_role(user, *DINAS_ROLES):
            return self
        school_id = school_id_of(user)
        if school_id is not None:
            return self.filter(school_id=school_id)
        return self.none()


class Upload(models.Model):
    """One pupil list a school uploaded, and what reading it found.

    The file is kept under a name the server chose; the name from the
    operator's computer is only shown back to the school. ``issues`` holds
    the problems row by row, compactly, with the cell values: like the
    students themselves, only the school and the Dinas see them, and they
    are never logged.
    """

    school = models.ForeignKey(
        School,
        verbose_name=_("sekolah"),
        on_delete=models.PROTECT,
        related_name="uploads",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"), default=timezone.now)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    annotated_name = models.CharField(max_length=200, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), default=0)
    sha256 = models.CharField(max_length=64, db_index=True, editable=False)
    kind = models.CharField(
        _("jenis berkas"), max_length=4, choices=FileKind.choices, blank=True
    )
    job = models.OneToOneField(
        Job,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="upload",
    )
    rows_read = models.PositiveIntegerField(_("baris dibaca"), default=0)
    stored = models.PositiveIntegerField(_("siswa disimpan"), default=0)
    created = models.PositiveIntegerField(_("siswa baru"), default=0)
    updated = models.PositiveIntegerField(_("siswa diperbarui"), default=0)
    unlisted = models.PositiveIntegerField(_("siswa tidak lagi tercantum"), default=0)
    error_rows = models.PositiveIntegerField(_("baris bergalat"), default=0)
    errors = models.PositiveIntegerField(_("galat"), default=0)
    warnings = models.PositiveIntegerField(_("peringatan"), default=0)
    # Each issue as [row, column, value, severity, code, params]; rows of
    # the file as a whole have row None. See Upload.issue_list.
    issues = models.JSONField(default=list, blank=True, editable=False)
    issues_truncated = models.BooleanField(default=False, editable=False)
    # A RefusalCode; without choices, so that rewording a refusal needs no
    # migration.
    refusal_code = models.CharField(max_length=30, blank=True, editable=False)
    refusal_params = models.JSONField(default=dict, blank=True, editable=False)
    imported_at = models.DateTimeField(_("disimpan pada"), null=True, blank=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["school", "uploaded_at"])]
        verbose_name = _("unggahan Dapodik")
        verbose_name_plural = _("unggahan Dapodik")

    def __str__(self) -> str:
        return _("Unggahan %(school)s, %(date)s") % {
            "school": self.school,
            "date": timezone.localtime(self.uploaded_at).strftime("%d-%m-%Y %H:%M"),
        }

    def get_absolute_url(self) -> str:
        return reverse("students:upload-detail", args=[self.pk])

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.stored_name

    @property
    def annotated_path(self) -> Path | None:
        if not self.annotated_name:
            return None
        return Path(settings.MEDIA_ROOT) / self.annotated_name

    @property
    def state(self) -> str:
        """The state of the job reading the file (Job.State)."""
        return self.job.state if self.job is not None else Job.State.QUEUED

    @property
    def is_finished(self) -> bool:
        return self.state in (Job.State.SUCCEEDED, Job.State.FAILED)

    @property
    def is_refused(self) -> bool:
        return bool(self.refusal_code)

    @property
    def refusal_message(self) -> str:
        """Why the file was refused, in the active language."""
        if not self.refusal_code:
            return ""
        code = RefusalCode(self.refusal_code)
        return UploadRefused(code, **self.refusal_params).message

    def set_issues(self, issues: list[Issue], limit: int) -> None:
        self.issues = [
            [i.row, i.column, i.value, str(i.severity), str(i.code), i.params]
            for i in issues[:limit]
        ]
        self.issues_truncated = len(issues) > limit

    def issue_list(self) -> list[Issue]:
        """The stored issues, whose messages follow the active language."""
        return [
            Issue(row, column, value, Severity(severity), code, params)
            for row, column, value, severity, code, params in self.issues
        ]
