"""The welfare register (DTKS, since 2025 DTSEN) as dated snapshots, and the
match of each student to the person in it, with the evidence."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Job
from students.models import Student

from .choices import Decision, Method


class Snapshot(models.Model):
    """One imported extract of the register. Matches name the snapshot they
    used; an old snapshot stays until an administrator removes it."""

    label = models.CharField(_("nama"), max_length=150)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    # The extract as received, under a name the server chose below
    # MEDIA_ROOT; removed once the import has succeeded.
    stored_name = models.CharField(max_length=200, blank=True, editable=False)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(_("diimpor"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diimpor oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL)
    is_complete = models.BooleanField(_("impor selesai"), default=False)
    row_count = models.PositiveIntegerField(_("jumlah baris"), default=0)
    problem_count = models.PositiveIntegerField(_("jumlah masalah"), default=0)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("snapshot DTKS")
        verbose_name_plural = _("snapshot DTKS")

    def __str__(self) -> str:
        return self.label


class Person(models.Model):
    """A person of the register as the snapshot lists them."""

    # Neither a constraint nor an index of its own: the database would check
    # the snapshot for each of a million rows COPY inserts, and the indexes
    # below start with the snapshot. The import and the removal of a
    # snapshot keep its people consistent (services.importing).
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.CASCADE,
        related_name="people",
        db_index=False,
        db_constraint=False,
    )
    row_number = models.PositiveIntegerField(_("baris"))
    dtks_id = models.CharField(_("ID DTKS"), max_length=40, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    no_kk = models.CharField(_("No KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    gender = models.CharField(_("jenis kelamin"), max_length=1, blank=True)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    relationship = models.CharField(_("hubungan keluarga"), max_length=50, blank=True)
    mother_name = models.CharField(_("nama ibu kandung"), max_length=150, blank=True)
    address = models.CharField(_("alamat"), max_length=250, blank=True)
    dusun = models.CharField(_("dusun"), max_length=100, blank=True)
    rt = models.CharField(_("RT"), max_length=5, blank=True)
    rw = models.CharField(_("RW"), max_length=5, blank=True)
    desa = models.CharField(_("desa/kelurahan"), max_length=100, blank=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=100, blank=True)
    kabupaten = models.CharField(_("kabupaten"), max_length=100, blank=True)
    desil = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)

    class Meta:
        ordering = ["snapshot", "row_number"]
        indexes = [
            models.Index(fields=["snapshot", "nik"]),
            models.Index(fields=["snapshot", "no_kk"]),
        ]
        verbose_name = _("orang dalam DTKS")
        verbose_name_plural = _("orang dalam DTKS")

    def __str__(self) -> str:
        return self.name


class SnapshotProblem(models.Model):
    """A row of the extract that could not be read as it is; reported, never
    silently dropped."""

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="problems"
    )
    row_number = models.PositiveIntegerField(_("baris"))
    column = models.CharField(_("kolom"), max_length=60, blank=True)
    value = models.CharField(_("nilai"), max_length=200, blank=True)
    message = models.CharField(_("pesan"), max_length=300)

    class Meta:
        ordering = ["snapshot", "row_number"]
        verbose_name = _("masalah impor DTKS")
        verbose_name_plural = _("masalah impor DTKS")

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"


class Match(models.Model):
    """Who in the register a student is, by which method and how sure, for
    one snapshot. Matching again replaces the row: same inputs, same row."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="dtks_matches"
    )
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="matches"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField(
        _("metode"), max_length=10, choices=Method.choices, blank=True
    )
    score = models.FloatField(_("skor"), default=0)
    decision = models.CharField(
        _("keputusan"), max_length=10, choices=Decision.choices, db_index=True
    )
    evidence = models.JSONField(_("bukti per kolom"), default=dict, blank=True)
    # For review: the candidate people with their evidence, best first, as
    # [{"person": id, "method": ..., "score": ..., "evidence": {...}}].
    candidates = models.JSONField(_("kandidat"), default=list, blank=True)
    matched_at = models.DateTimeField(_("waktu pencocokan"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "snapshot"], name="unique_match_per_snapshot"
            )
        ]
        verbose_name = _("hasil pencocokan DTKS")
        verbose_name_plural = _("hasil pencocokan DTKS")

    def __str__(self) -> str:
        return f"{self.student_id}: {self.decision}"


class ReviewDecision(models.Model):
    """A verifier's word on whether a student is a person of the register.
    Kept by the register's own id so that it holds for later snapshots and is
    reused whenever matching runs again."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="dtks_reviews"
    )
    dtks_id = models.CharField(_("ID DTKS"), max_length=40)
    same_person = models.BooleanField(_("orang yang sama"))
    note = models.TextField(_("catatan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "dtks_id"], name="unique_review_per_person"
            )
        ]
        verbose_name = _("keputusan tinjauan DTKS")
        verbose_name_plural = _("keputusan tinjauan DTKS")

    def __str__(self) -> str:
        return f"{self.student_id} / {self.dtks_id}: {self.same_person}"
