from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    NIK = "nik", _("NIK sama")
    KK = "kk", _("No KK sama")
    FUZZY = "fuzzy", _("Nama, tanggal lahir dan keluarga mirip")
    MANUAL = "manual", _("Keputusan verifikator")


class Decision(models.TextChoices):
    MATCHED = "matched", _("Cocok")
    REVIEW = "review", _("Perlu diperiksa")
    UNMATCHED = "unmatched", _("Tidak ditemukan")
