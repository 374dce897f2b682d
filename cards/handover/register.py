"""The Berita Acara Serah Terima: a school's handover register as PDF, and
the signed copy scanned back.

The register lists the school's printed cards that still need a signature:
every card not yet delivered, and delivered cards that no signed register
lists yet. Printed again before a scan is uploaded, the same register is
refreshed; after the scan, the next printing starts a new register, so a
card that could not be handed over the first time reappears on it.

The PDF is rendered by WeasyPrint with the card renderer's URL fetcher,
which serves the project's static files and nothing else, so that a name
written as an HTML tag prints as text and fetches nothing.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balangan_pintar.audit import record
from balangan_pintar.models import SOP, Period
from balangan_pintar.pdf import render_pdf
from balangan_pintar.scans import ScanRefused, read_scan
from students.models import School

from ..models import Card, CardQuerySet, CardState
from .models import Handover, HandoverOutcome, HandoverRegister, Receiver

logger = logging.getLogger(__name__)

REGISTER_STATES = (
    CardState.PRINTED,
    CardState.AT_SCHOOL,
    CardState.UNDELIVERED,
    CardState.DELIVERED,
)


class RegisterRefused(Exception):
    """A register that was not printed or a scan that was not kept."""


@dataclass(frozen=True)
class RegisterRow:
    """One pupil's line on the register; the outcome columns are filled in
    when the handover was already recorded."""

    number: int
    name: str
    nisn: str
    rombel: str
    card_number: str
    received: str


def register_cards(school: School, period: Period) -> CardQuerySet:
    """The school's cards that the next register lists."""
    signed = Card.objects.filter(
        state=CardState.DELIVERED, handover_registers__scan__gt=""
    )
    return (
        Card.objects.filter(
            period=period, candidate__school=school, state__in=REGISTER_STATES
        )
        .exclude(pk__in=signed.values("pk"))
        .order_by("candidate__student__rombel", "candidate__student__name", "pk")
    )


def prepare_register(
    school: School, period: Period, *, actor: User
) -> HandoverRegister:
    """The school's open register, refreshed with the cards to list now, or
    a new one when the last was signed."""
    with transaction.atomic():
        # One printing at a time per school, so two cannot take one number.
        School.objects.select_for_update().get(pk=school.pk)
        cards = list(register_cards(school, period))
        if not cards:
            raise RegisterRefused(_("Tidak ada kartu untuk dicantumkan."))

        registers = HandoverRegister.objects.filter(school=school, period=period)
        register = registers.filter(scan="").order_by("-sequence").first()
        if register is None:
            last = registers.aggregate(last=Max("sequence"))["last"] or 0
            register = HandoverRegister(school=school, period=period, sequence=last + 1)
        register.generated_at = timezone.now()
        register.generated_by = actor
        register.save()
        register.cards.set(cards)
        record(actor, "handover_register.print", register, cards=len(cards))

    logger.info("register %s printed with %s cards", register.pk, len(cards))
    return register


def register_rows(register: HandoverRegister) -> list[RegisterRow]:
    cards = (
        register.cards.select_related("candidate__student")
        .order_by("candidate__student__rombel", "candidate__student__name", "pk")
        .all()
    )
    delivered = {
        handover.card_id: handover
        for handover in Handover.objects.filter(
            card__in=cards, outcome=HandoverOutcome.DELIVERED
        )
    }
    rows = []
    for number, card in enumerate(cards, start=1):
        student = card.candidate.student
        handover = delivered.get(card.pk)
        rows.append(
            RegisterRow(
                number=number,
                name=student.name,
                nisn=student.nisn,
                rombel=student.rombel,
                card_number=card.number,
                received=_received_words(handover) if handover else "",
            )
        )
    return rows


def render_register_pdf(register: HandoverRegister) -> bytes:
    """The register as an A4 PDF, always in Bahasa Indonesia: it is an
    official document of the district."""
    started = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "cards/handover/register_pdf.html", _register_context(register)
        )
        pdf = render_pdf(html)
    logger.info(
        "rendered register %s in %.2f s",
        register.pk,
        (timezone.now() - started).total_seconds(),
    )
    return pdf


def store_register_scan(
    register: HandoverRegister, upload: UploadedFile, *, actor: User
) -> HandoverRegister:
    """Keep the signed register's scan (PDF, JPEG or PNG, read from its
    content) under a name the server makes. A new scan replaces the link to
    the old one, whose file stays on disk for the record."""
    try:
        data, content_type = read_scan(upload, max_bytes=settings.UPLOAD_MAX_BYTES)
    except ScanRefused as refusal:
        raise RegisterRefused(str(refusal)) from refusal

    previous = register.scan_sha256
    register.scan_content_type = content_type
    register.scan_size = len(data)
    register.scan_sha256 = hashlib.sha256(data).hexdigest()
    register.uploaded_by = actor
    register.uploaded_at = timezone.now()
    register.scan.save("scan", ContentFile(data), save=False)
    register.save()

    record(
        actor,
        "handover_register.scan",
        register,
        size=len(data),
        content_type=content_type,
        replaced=previous,
    )
    return register


def _register_context(register: HandoverRegister) -> dict[str, object]:
    try:
        sop: SOP | None = SOP.objects.in_force()
    except SOP.DoesNotExist:
        sop = None
    by_dinas = register.period.handover_by == Period.HandoverBy.DINAS
    return {
        "register": register,
        "school": register.school,
        "period": register.period,
        "sop": sop,
        "rows": register_rows(register),
        "by_dinas": by_dinas,
        "generated_at": timezone.localtime(register.generated_at),
    }


def _received_words(handover: Handover) -> str:
    if handover.received_by == Receiver.STUDENT:
        return str(Receiver.STUDENT.label)
    return f"{Receiver(handover.received_by).label}: {handover.receiver_name}"
