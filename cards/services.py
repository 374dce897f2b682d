"""The only ways to issue, reissue, print and verify Kartu Balangan Pintar
cards (SOP step 6).

A card is issued for a candidate whose account is open; its number comes
from the serial of its year, allocated under a row lock so that no two
cards share one and no number is given twice. The bank renders a print run
of a batch's cards to PDF in the background, prints it, and confirms the
printing; only then are the cards printed and the candidates moved on.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from balangan_pintar.audit import record
from balangan_pintar.jobs import JobFailed, Progress, create_job, enqueue
from balangan_pintar.models import Job, Period
from bank_exchange.models import BankAccount, BankBatch
from students.models import Candidate, School, Status
from students.services.pipeline import TransitionRefused, move_candidates

from .card_numbers import format_card_number
from .models import Card, CardSerial, CardState, PrintLayout, PrintRun
from .rendering import CardData, render_cards_pdf
from .signing import read_token, verify_url

logger = logging.getLogger(__name__)

# Cards that can still be printed: a void card never is, and one already in
# a pupil's hands is reissued rather than printed again.
PRINTABLE = (CardState.ISSUED, CardState.PRINTED)


class CardRefused(Exception):
    """An action on cards that the rules do not allow, with a message the
    user may read."""


@dataclass(frozen=True)
class IssueResult:
    issued: list[Card]
    already: int
    not_ready: int


def _allocate_serials(year: int, count: int) -> list[int]:
    """``count`` new serials of ``year``, taken under the year's row lock.

    Must run inside a transaction: the lock is held until it ends, so a
    second issuer waits and continues after the serials taken here.
    """
    try:
        with transaction.atomic():
            CardSerial.objects.create(year=year)
    except IntegrityError:
        # The year's row exists already, or another issuer has just made it.
        pass

    serial = CardSerial.objects.select_for_update().get(year=year)
    first = serial.last + 1
    serial.last += count
    serial.save(update_fields=["last"])
    return list(range(first, first + count))


def _new_cards(
    candidates: Sequence[Candidate], user: User | None, replaces: Card | None = None
) -> list[Card]:
    """Cards for ``candidates``, numbered from their periods' serials."""
    by_year: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_year[candidate.period.year].append(candidate)

    batch_of = dict(
        BankAccount.objects.filter(candidate__in=candidates).values_list(
            "candidate_id", "row__batch_id"
        )
    )
    now = timezone.now()
    cards = []
    # Years in order, so that two issuers never wait for each other's lock.
    for year in sorted(by_year):
        group = by_year[year]
        serials = _allocate_serials(year, len(group))
        for candidate, serial in zip(group, serials, strict=True):
            cards.append(
                Card(
                    candidate=candidate,
                    period=candidate.period,
                    bank_batch_id=batch_of.get(candidate.pk),
                    number=format_card_number(year, serial),
                    year=year,
                    serial=serial,
                    issued_at=now,
                    issued_by=user,
                    replaces=replaces,
                )
            )
    return Card.objects.bulk_create(cards)


def issue_cards(source: BankBatch | Iterable[int], user: User) -> IssueResult:
    """Issue a card to every candidate of a bank batch (or of the given
    candidate ids) whose account is open and who has no valid card yet.

    Safe to call again: a candidate with a valid card is counted in
    ``already`` and gets no second one. Candidates whose account is not
    open are counted in ``not_ready``.
    """
    if isinstance(source, BankBatch):
        ids = list(source.rows.values_list("candidate_id", flat=True))
    else:
        ids = list(source)

    with transaction.atomic():
        candidates = list(
            Candidate.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("period")
            .order_by("pk")
        )
        ready = [c for c in candidates if c.status == Status.ACCOUNT_OPENED]
        with_card = set(
            Card.objects.valid()
            .filter(candidate__in=ready)
            .values_list("candidate_id", flat=True)
        )
        to_issue = [c for c in ready if c.pk not in with_card]
        issued = _new_cards(to_issue, user) if to_issue else []
        if issued:
            record(
                user,
                "cards.issue",
                source if isinstance(source, BankBatch) else None,
                count=len(issued),
            )

    logger.info(
        "issued %s cards: %s had one, %s not ready",
        len(issued),
        len(with_card),
        len(candidates) - len(ready),
    )
    return IssueResult(issued, len(with_card), len(candidates) - len(ready))


def reissue_card(card: Card, reason: str, user: User) -> Card:
    """Void ``card`` and issue its holder a new one, for a lost or damaged
    card; both stay on record. Returns the new card."""
    reason = reason.strip()
    if not reason:
        raise CardRefused(_("Alasan penerbitan ulang wajib diisi."))

    with transaction.atomic():
        old = Card.objects.select_for_update().select_related("period").get(pk=card.pk)
        if old.is_void:
            raise CardRefused(_("Kartu ini sudah dibatalkan."))
        old.state = CardState.VOID
        old.voided_at = timezone.now()
        old.void_reason = reason[:200]
        old.save(update_fields=["state", "voided_at", "void_reason"])

        candidate = Candidate.objects.select_related("period").get(pk=old.candidate_id)
        (new,) = _new_cards([candidate], user, replaces=old)
        record(
            user,
            "cards.reissue",
            new,
            student_id=candidate.student_id,
            replaces=old.number,
        )
    return new


def card_for_token(token: str) -> Card | None:
    """The card a QR token names; None for a token that is not genuine."""
    card_id = read_token(token)
    if card_id is None:
        return None
    cards = Card.objects.select_related("candidate__student", "candidate__school")
    return cards.filter(pk=card_id).first()


@dataclass(frozen=True)
class Verification:
    """What the public verification page shows of a card, and no more."""

    valid: bool
    masked_name: str
    school_name: str
    year: int


def mask_name(name: str) -> str:
    """Each word's first two letters and three stars: "Ah*** Ri***"."""
    return " ".join(word[:2] + "***" for word in name.split())


def verify_card(token: str) -> Verification | None:
    """The public answer for a scanned token; None when it is not genuine."""
    card = card_for_token(token)
    if card is None:
        return None
    return Verification(
        valid=not card.is_void,
        masked_name=mask_name(card.candidate.student.name),
        school_name=card.candidate.school.name,
        year=card.year,
    )


def card_data(card: Card) -> CardData:
    """The printed values of a card; its QR code holds its verification URL."""
    student = card.candidate.student
    school = card.candidate.school
    account = getattr(card.candidate, "bank_account", None)
    return CardData(
        card_number=card.number,
        name=student.name,
        nisn=student.nisn,
        school_name=school.name,
        jenjang=school.jenjang,
        year=card.year,
        account_number=account.account_number if account else "",
        verify_url=verify_url(card.pk),
        void=card.is_void,
    )


def start_print_run(
    source: BankBatch | School, layout: str, user: User, period: Period | None = None
) -> PrintRun:
    """Record a print run of the printable cards of a bank batch or of a
    school, and send its rendering to the worker. Returns the run, whose
    job the user watches."""
    layout = PrintLayout(layout)
    cards = Card.objects.filter(state__in=PRINTABLE)
    if isinstance(source, BankBatch):
        cards = cards.filter(bank_batch=source)
        period = source.period
    else:
        cards = cards.filter(candidate__school=source)
        if period is not None:
            cards = cards.filter(period=period)
    card_ids = list(cards.order_by("number").values_list("pk", flat=True))
    if not card_ids:
        raise CardRefused(_("Belum ada kartu yang dapat dicetak."))
    period = period or Card.objects.get(pk=card_ids[0]).period

    with transaction.atomic():
        job = create_job(Job.Kind.CARD_RENDER, user=user, total=len(card_ids))
        run = PrintRun.objects.create(
            period=period,
            bank_batch=source if isinstance(source, BankBatch) else None,
            school=source if isinstance(source, School) else None,
            layout=layout,
            card_count=len(card_ids),
            job=job,
            created_by=user,
        )
        run.cards.set(card_ids)
        # Imported here: the task module imports this one for its work.
        from .tasks import render_print_run

        enqueue(job, render_print_run)
    return run


def render_print_run_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The work of the render job: the run's PDF, stored under MEDIA_ROOT.

    A run already rendered is left as it is, so a task delivered twice
    renders once.
    """
    run = PrintRun.objects.filter(job=job).first()
    if run is None:
        raise JobFailed(_("Pencetakan kartu ini tidak ditemukan."))
    url = reverse("cards:print-run", kwargs={"pk": run.pk})
    if run.is_rendered:
        return {"message": _("PDF kartu sudah dibuat."), "url": url}

    cards = (
        run.cards.select_related(
            "candidate__student", "candidate__school", "candidate__bank_account"
        )
        .filter(state__in=PRINTABLE)
        .order_by("number")
    )
    data = [card_data(card) for card in cards]
    if not data:
        raise JobFailed(_("Semua kartu pencetakan ini sudah dibatalkan."))

    def on_progress(done: int, total: int) -> None:
        message = _("%(done)s dari %(total)s kartu") % {"done": done, "total": total}
        progress(done, total, message)

    started = time.monotonic()
    out = BytesIO()
    pages = render_cards_pdf(data, run.layout, out, on_progress)
    run.file.save("kartu.pdf", ContentFile(out.getvalue()), save=False)
    run.page_count = pages
    run.save(update_fields=["file", "page_count"])
    logger.info(
        "print run %s: %s cards, %s pages in %.1f s",
        run.pk,
        len(data),
        pages,
        time.monotonic() - started,
    )
    message = _("PDF %(pages)s halaman untuk %(cards)s kartu siap diunduh.") % {
        "pages": pages,
        "cards": len(data),
    }
    return {"message": message, "url": url, "pages": pages}


def record_download(run: PrintRun, user: User) -> None:
    record(user, "print_run.download", run, pages=run.page_count)


def confirm_print_run(run: PrintRun, spoiled: int, reprinted: int, user: User) -> int:
    """The bank's word that a print run is printed, with the number of cards
    spoiled and printed again: its cards become printed and their holders
    move from "account opened" to "card printed" (step 6), all or none.
    Returns the number of candidates moved."""
    if spoiled < 0 or reprinted < 0:
        raise CardRefused(_("Jumlah kartu tidak boleh negatif."))

    now = timezone.now()
    with transaction.atomic():
        locked = PrintRun.objects.select_for_update().get(pk=run.pk)
        if locked.is_confirmed:
            raise CardRefused(_("Pencetakan ini sudah dikonfirmasi."))
        if not locked.is_rendered:
            raise CardRefused(_("PDF kartu belum selesai dibuat."))

        cards = locked.cards.filter(state=CardState.ISSUED)
        candidate_ids = list(
            cards.filter(candidate__status=Status.ACCOUNT_OPENED).values_list(
                "candidate_id", flat=True
            )
        )
        Card.objects.filter(
            Q(pk__in=cards.values("pk")), state=CardState.ISSUED
        ).update(state=CardState.PRINTED, printed_at=now)
        try:
            moved = move_candidates(
                candidate_ids,
                Status.CARD_PRINTED,
                actor=user,
                at=now,
                note=_("Kartu dicetak bank"),
            )
        except TransitionRefused as refusal:
            raise CardRefused(str(refusal)) from refusal

        locked.confirmed_at = now
        locked.confirmed_by = user
        locked.spoiled = spoiled
        locked.reprinted = reprinted
        locked.save(
            update_fields=["confirmed_at", "confirmed_by", "spoiled", "reprinted"]
        )
        record(
            user,
            "print_run.confirm",
            locked,
            cards=len(candidate_ids),
            spoiled=spoiled,
            reprinted=reprinted,
        )

    run.refresh_from_db()
    logger.info("print run %s confirmed: %s candidates moved", run.pk, moved)
    return moved
