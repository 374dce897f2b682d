from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Jenjang
from balangan_pintar.roles import DINAS_ROLES, AnyUser, has_role, school_id_of


class Kecamatan(models.Model):
    code = models.CharField(_("kode Kemendagri"), max_length=8, unique=True)
    name = models.CharField(_("nama"), max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name


class SchoolQuerySet(models.QuerySet["School"]):
    def for_user(self, user: AnyUser) -> "SchoolQuerySet":
        """The schools a user may see: a school operator only their own."""
        if has_role(user, *DINAS_ROLES):
            return self
        school_id = school_id_of(user)
        if school_id is not None:
            return self.filter(pk=school_id)
        return self.none()


class School(models.Model):
    class Status(models.TextChoices):
        NEGERI = "negeri", _("Negeri")
        SWASTA = "swasta", _("Swasta")

    npsn = models.CharField(_("NPSN"), max_length=8, unique=True)
    name = models.CharField(_("nama sekolah"), max_length=200)
    jenjang = models.CharField(_("jenjang"), max_length=3, choices=Jenjang.choices)
    status = models.CharField(_("status"), max_length=6, choices=Status.choices)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("sekolah")
        verbose_name_plural = _("sekolah")

    def __str__(self) -> str:
        return self.name


class SchoolOperator(models.Model):
    """Binds a school operator's account to the one school they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="school_operator",
    )
    school = models.ForeignKey(
        School,
        verbose_name=_("sekolah"),
        on_delete=models.PROTECT,
        related_name="operators",
    )

    class Meta:
        verbose_name = _("operator sekolah")
        verbose_name_plural = _("operator sekolah")

    def __str__(self) -> str:
        return f"{self.user} – {self.school}"
