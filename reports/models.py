"""The holidays the working-time clock skips. Everything else the reports
show is computed from the candidates and their stage events."""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayQuerySet(models.QuerySet["Holiday"]):
    def days(self) -> list[date]:
        return list(self.order_by("date").values_list("date", flat=True))


class Holiday(models.Model):
    """A day on which the Dinas and the bank are closed although it is a
    weekday: a national holiday, or a cuti bersama the office observes."""

    date = models.DateField(
        _("tanggal"),
        unique=True,
        help_text=_(
            "Hari libur nasional (dan cuti bersama bila kantor Dinas tutup). "
            "Data tahun 2026 diisi awal dari daftar umum dan perlu dicocokkan "
            "dengan SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri "
            "PANRB tentang hari libur nasional dan cuti bersama."
        ),
    )
    name = models.CharField(_("keterangan"), max_length=150)

    objects = HolidayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
