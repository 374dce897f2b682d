"""The Kartu Balangan Pintar itself: one card per issue, never reused. A
reissue voids the old card and makes a new one; both stay on record."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Job, Period
from balangan_pintar.roles import DINAS_ROLES, AnyUser, Role, has_role, school_id_of
from bank_exchange.models import BankBatch, BatchState
from students.models import Candidate, School


class CardState(models.TextChoices):
    ISSUED = "issued", _("Diterbitkan, belum dicetak")
    PRINTED = "printed", _("Dicetak")
    AT_SCHOOL = "at_school", _("Siap diambil di sekolah")
    DELIVERED = "delivered", _("Diterima siswa")
    UNDELIVERED = "undelivered", _("Belum dapat diserahkan")
    VOID = "void", _("Dibatalkan")


class CardSerial(models.Model):
    """The last serial given out in a year; the row is locked while a
    number is allocated so that no two cards share one."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nomor urut kartu")
        verbose_name_plural = _("nomor urut kartu")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CardQuerySet(models.QuerySet["Card"]):
    def for_user(self, user: AnyUser) -> "CardQuerySet":
        """The Dinas and the bank see every card, a school its own pupils'."""
        if has_role(user, *DINAS_ROLES, Role.BANK_OFFICER):
            return self
        school_id = school_id_of(user)
        if school_id is not None:
            return self.filter(candidate__school_id=school_id)
        return self.none()

    def valid(self) -> "CardQuerySet":
        return self.exclude(state=CardState.VOID)


class Card(models.Model):
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("penerima"),
        on_delete=models.PROTECT,
        related_name="cards",
    )
    period = models.ForeignKey(
        Period, verbose_name=_("periode"), on_delete=models.PROTECT
    )
    bank_batch = models.ForeignKey(
        BankBatch,
        verbose_name=_("batch bank"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cards",
    )
    number = models.CharField(_("nomor kartu"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("tahun"))
    serial = models.PositiveIntegerField(_("nomor urut"))
    state = models.CharField(
        _("status"),
        max_length=12,
        choices=CardState.choices,
        default=CardState.ISSUED,
        db_index=True,
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("pengganti dari"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    issued_at = models.DateTimeField(_("diterbitkan"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diterbitkan oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    printed_at = models.DateTimeField(_("dicetak"), null=True, blank=True)
    voided_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    void_reason = models.CharField(_("alasan pembatalan"), max_length=200, blank=True)

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "serial"], name="unique_card_serial_per_year"
            ),
            # At most one card in use per candidate: the others are void.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=~models.Q(state="void"),
                name="one_valid_card_per_candidate",
            ),
        ]
        verbose_name = _("kartu")
        verbose_name_plural = _("kartu")

    def __str__(self) -> str:
        return self.number

    @property
    def is_void(self) -> bool:
        return self.state == CardState.VOID


def print_file_path(instance: "PrintRun", filename: str) -> str:
    """A server-generated name under MEDIA_ROOT for a print run's PDF."""
    day = timezone.localdate()
    return f"cards/print_runs/{day:%Y/%m}/{uuid.uuid4().hex}.pdf"


class PrintLayout(models.TextChoices):
    """The same values as ``cards.rendering.Layout``, kept here so that the
    model does not load the renderer."""

    A4_SHEETS = "a4", _("Lembar A4, 10 kartu per lembar")
    CARD_PAGES = "card", _("Satu kartu per halaman")


class PrintRunQuerySet(models.QuerySet["PrintRun"]):
    def for_user(self, user: AnyUser) -> "PrintRunQuerySet":
        """The bank prints, so the bank and the Dinas administrator see
        print runs; a print run of a batch only once the batch was sent."""
        if has_role(user, Role.DINAS_ADMIN):
            return self
        if has_role(user, Role.BANK_OFFICER):
            return self.exclude(bank_batch__state=BatchState.DRAFT)
        return self.none()


class PrintRun(models.Model):
    """One PDF of cards made for printing: the cards of a bank batch or of a
    school, in one layout, and what the bank said after printing it."""

    period = models.ForeignKey(
        Period, verbose_name=_("periode"), on_delete=models.PROTECT
    )
    bank_batch = models.ForeignKey(
        BankBatch,
        verbose_name=_("batch bank"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="print_runs",
    )
    school = models.ForeignKey(
        School,
        verbose_name=_("sekolah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="print_runs",
    )
    layout = models.CharField(
        _("tata letak"), max_length=4, choices=PrintLayout.choices
    )
    cards = models.ManyToManyField(
        Card, verbose_name=_("kartu"), related_name="print_runs"
    )
    card_count = models.PositiveIntegerField(_("jumlah kartu"), default=0)
    job = models.OneToOneField(
        Job,
        verbose_name=_("pekerjaan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="print_run",
    )
    file = models.FileField(
        _("berkas PDF"), upload_to=print_file_path, max_length=200, blank=True
    )
    page_count = models.PositiveIntegerField(_("jumlah halaman"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat pada"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikonfirmasi oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("dikonfirmasi pada"), null=True, blank=True)
    spoiled = models.PositiveIntegerField(_("kartu rusak"), default=0)
    reprinted = models.PositiveIntegerField(_("kartu dicetak ulang"), default=0)

    objects = PrintRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bank_batch__isnull=False)
                | models.Q(school__isnull=False),
                name="print_run_has_batch_or_school",
            )
        ]
        verbose_name = _("pencetakan kartu")
        verbose_name_plural = _("pencetakan kartu")

    def __str__(self) -> str:
        return f"{self.pk} ({self.layout})"

    @property
    def is_rendered(self) -> bool:
        return bool(self.file) and self.page_count > 0

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


from .handover.models import CardArrival, Handover, HandoverRegister  # noqa: E402,F401
