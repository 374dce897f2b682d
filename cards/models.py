"""The Kartu Balangan Pintar itself: one card per issue, never reused. A
reissue voids the old card and makes a new one; both stay on record."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Period
from balangan_pintar.roles import DINAS_ROLES, AnyUser, Role, has_role, school_id_of
from bank_exchange.models import BankBatch
from students.models import Candidate


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


from .handover.models import CardArrival, Handover, HandoverRegister  # noqa: E402,F401
