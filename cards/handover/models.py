"""Step 7 of the SOP as records: a card reaching the place of handover, each
attempt to hand it over, and the signed register (Berita Acara Serah Terima)
of a school's handover.

A card may be tried more than once: a pupil who had moved away can still
collect the card later. Every attempt stays on record; at most one of them
delivers the card.

Cards are named as ``"cards.Card"`` rather than imported: ``cards.models``
imports this module at its end, and the string keeps the import one-way.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import Period
from balangan_pintar.roles import DINAS_ROLES, AnyUser, has_role, school_id_of
from students.models import School


class HandoverOutcome(models.TextChoices):
    DELIVERED = "delivered", _("Diserahkan")
    UNDELIVERED = "undelivered", _("Tidak dapat diserahkan")


class Receiver(models.TextChoices):
    STUDENT = "student", _("Siswa sendiri")
    PARENT = "parent", _("Orang tua")
    GUARDIAN = "guardian", _("Wali")


class HandedByRole(models.TextChoices):
    PRINCIPAL = "principal", _("Kepala sekolah")
    TEACHER = "teacher", _("Guru/wali kelas")
    SCHOOL_OPERATOR = "school_operator", _("Operator sekolah")
    DINAS_OFFICER = "dinas_officer", _("Petugas Dinas")


class UndeliveredReason(models.TextChoices):
    MOVED_AWAY = "moved_away", _("Pindah alamat atau pindah sekolah")
    NOT_FOUND = "not_found", _("Siswa atau keluarga tidak ditemukan")
    REFUSED = "refused", _("Menolak menerima kartu")
    OTHER = "other", _("Alasan lain")


SCAN_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}


def scan_path(instance: "HandoverRegister", filename: str) -> str:
    """A name the server makes: the uploaded file's own name is not kept,
    since schools tend to name files after people."""
    extension = SCAN_EXTENSIONS.get(instance.scan_content_type, "bin")
    month = timezone.localdate().strftime("%Y/%m")
    return f"cards/handover/{month}/{uuid.uuid4().hex}.{extension}"


class CardArrivalQuerySet(models.QuerySet["CardArrival"]):
    def for_user(self, user: AnyUser) -> "CardArrivalQuerySet":
        if has_role(user, *DINAS_ROLES):
            return self
        school_id = school_id_of(user)
        if school_id is not None:
            return self.filter(card__candidate__school_id=school_id)
        return self.none()


class CardArrival(models.Model):
    """The day a printed card reached the place of handover (the school, or
    the Dinas when the Dinas hands the cards over): from then on the pupil's
    family is told the card is ready to collect."""

    card = models.OneToOneField(
        "cards.Card",
        verbose_name=_("kartu"),
        on_delete=models.PROTECT,
        related_name="arrival",
    )
    arrived_on = models.DateField(_("tanggal tiba"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)

    objects = CardArrivalQuerySet.as_manager()

    class Meta:
        verbose_name = _("kedatangan kartu")
        verbose_name_plural = _("kedatangan kartu")

    def __str__(self) -> str:
        return f"{self.card_id}: {self.arrived_on:%Y-%m-%d}"


class HandoverQuerySet(models.QuerySet["Handover"]):
    def for_user(self, user: AnyUser) -> "HandoverQuerySet":
        """The Dinas sees every handover, a school operator their own
        school's, everyone else none."""
        if has_role(user, *DINAS_ROLES):
            return self
        school_id = school_id_of(user)
        if school_id is not None:
            return self.filter(card__candidate__school_id=school_id)
        return self.none()


class Handover(models.Model):
    """One attempt to hand a card to its pupil: delivered to the pupil or a
    parent or guardian, or not delivered, with the reason."""

    card = models.ForeignKey(
        "cards.Card",
        verbose_name=_("kartu"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    outcome = models.CharField(
        _("hasil"), max_length=12, choices=HandoverOutcome.choices
    )
    handed_on = models.DateField(_("tanggal penyerahan"))
    received_by = models.CharField(
        _("diterima oleh"), max_length=10, choices=Receiver.choices, blank=True
    )
    receiver_name = models.CharField(
        _("nama penerima"),
        max_length=150,
        blank=True,
        help_text=_("Kosong bila kartu diterima siswa sendiri."),
    )
    handed_by_name = models.CharField(_("diserahkan oleh"), max_length=150)
    handed_by_role = models.CharField(
        _("jabatan penyerah"), max_length=20, choices=HandedByRole.choices
    )
    reason = models.CharField(
        _("alasan tidak diserahkan"),
        max_length=12,
        choices=UndeliveredReason.choices,
        blank=True,
    )
    note = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            # Two operators recording the same card at once: one wins.
            models.UniqueConstraint(
                fields=["card"],
                condition=models.Q(outcome="delivered"),
                name="one_delivery_per_card",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(outcome="delivered", reason="") & ~models.Q(received_by="")
                )
                | (
                    models.Q(outcome="undelivered", received_by="")
                    & ~models.Q(reason="")
                ),
                name="handover_outcome_fields",
            ),
        ]
        indexes = [models.Index(fields=["card", "recorded_at"])]
        verbose_name = _("penyerahan kartu")
        verbose_name_plural = _("penyerahan kartu")

    def __str__(self) -> str:
        return f"{self.card_id}: {self.outcome} {self.handed_on:%Y-%m-%d}"

    @property
    def is_delivered(self) -> bool:
        return self.outcome == HandoverOutcome.DELIVERED


class HandoverRegisterQuerySet(models.QuerySet["HandoverRegister"]):
    def for_user(self, user: AnyUser) -> "HandoverRegisterQuerySet":
        if has_role(user, *DINAS_ROLES):
            return self
        school_id = school_id_of(user)
        if school_id is not None:
            return self.filter(school_id=school_id)
        return self.none()


class HandoverRegister(models.Model):
    """A school's Berita Acara Serah Terima: the list printed for signing
    before the handover, and the signed copy scanned back after it.

    The list is frozen in ``cards`` when the register is printed, so that
    the PDF printed again later matches the paper that was signed. A register
    without a scan is still open and is refreshed when printed again; one
    with a scan is closed, and the next printing starts a new one.
    """

    school = models.ForeignKey(
        School,
        verbose_name=_("sekolah"),
        on_delete=models.PROTECT,
        related_name="handover_registers",
    )
    period = models.ForeignKey(
        Period, verbose_name=_("periode"), on_delete=models.PROTECT
    )
    sequence = models.PositiveSmallIntegerField(_("nomor urut"))
    cards = models.ManyToManyField(
        "cards.Card", verbose_name=_("kartu"), related_name="handover_registers"
    )
    generated_at = models.DateTimeField(_("dicetak pada"), default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicetak oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scan = models.FileField(
        _("pindaian bertanda tangan"), upload_to=scan_path, max_length=200, blank=True
    )
    scan_content_type = models.CharField(_("jenis berkas"), max_length=30, blank=True)
    scan_size = models.PositiveIntegerField(_("ukuran (byte)"), null=True, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"), null=True, blank=True)

    objects = HandoverRegisterQuerySet.as_manager()

    class Meta:
        ordering = ["-generated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "period", "sequence"],
                name="unique_handover_register_number",
            )
        ]
        verbose_name = _("berita acara serah terima")
        verbose_name_plural = _("berita acara serah terima")

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The document's number as written on it, e.g.
        ``01/BA-KBP/30304001/2026``."""
        return f"{self.sequence:02d}/BA-KBP/{self.school.npsn}/{self.period.year}"

    @property
    def is_signed(self) -> bool:
        return bool(self.scan)

    @property
    def scan_extension(self) -> str:
        return SCAN_EXTENSIONS.get(self.scan_content_type, "bin")
