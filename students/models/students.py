from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.roles import DINAS_ROLES, AnyUser, has_role, school_id_of

from .schools import School


class Gender(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class StudentQuerySet(models.QuerySet["Student"]):
    def for_user(self, user: AnyUser) -> "StudentQuerySet":
        """The one way views reach students: the Dinas sees all, a school
        operator their own school's, everyone else nothing."""
        if has_role(user, *DINAS_ROLES):
            return self
        school_id = school_id_of(user)
        if school_id is not None:
            return self.filter(school_id=school_id)
        return self.none()

    def listed(self) -> "StudentQuerySet":
        return self.filter(is_listed=True)


class Student(models.Model):
    """A pupil as the school's Dapodik (or EMIS) export describes them."""

    school = models.ForeignKey(
        School, verbose_name=_("sekolah"), on_delete=models.PROTECT
    )
    nisn = models.CharField(_("NISN"), max_length=10)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    no_kk = models.CharField(_("No KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    name_original = models.CharField(_("nama seperti di berkas"), max_length=200)
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=Gender.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    religion = models.CharField(_("agama"), max_length=30, blank=True)
    address = models.CharField(_("alamat"), max_length=250, blank=True)
    rt = models.CharField(_("RT"), max_length=5, blank=True)
    rw = models.CharField(_("RW"), max_length=5, blank=True)
    dusun = models.CharField(_("dusun"), max_length=100, blank=True)
    desa = models.CharField(_("desa/kelurahan"), max_length=100, blank=True)
    kecamatan = models.CharField(_("kecamatan"), max_length=100, blank=True)
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)
    mother_name = models.CharField(_("nama ibu kandung"), max_length=150, blank=True)
    mother_nik = models.CharField(_("NIK ibu"), max_length=16, blank=True)
    father_name = models.CharField(_("nama ayah"), max_length=150, blank=True)
    father_nik = models.CharField(_("NIK ayah"), max_length=16, blank=True)
    guardian_name = models.CharField(_("nama wali"), max_length=150, blank=True)
    rombel = models.CharField(_("rombel"), max_length=50, blank=True)
    kip_recipient = models.BooleanField(_("penerima KIP"), default=False)
    kip_number = models.CharField(_("nomor KIP"), max_length=30, blank=True)
    kks_number = models.CharField(_("nomor KKS"), max_length=30, blank=True)
    pip_eligible = models.BooleanField(_("layak PIP (usulan sekolah)"), default=False)
    is_listed = models.BooleanField(
        _("tercantum di unggahan terakhir"), default=True, db_index=True
    )
    listed_at = models.DateTimeField(_("terakhir diunggah"), default=timezone.now)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "nisn"], name="unique_student_nisn_per_school"
            )
        ]
        indexes = [models.Index(fields=["nisn"]), models.Index(fields=["nik"])]
        verbose_name = _("siswa")
        verbose_name_plural = _("siswa")

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0] if self.name else ""
