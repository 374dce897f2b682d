"""Handing the cards to the pupils (SOP step 7).

A printed card may first be marked as arrived at the place of handover,
then handed over: delivered to the pupil, a parent or a guardian, or not
delivered with a reason. Delivery moves the candidate to DELIVERED and ends
their pipeline; a card that could not be delivered moves the candidate to
UNDELIVERED, from where a later delivery is still possible.

Recording works on a list of cards, all or none, in one transaction: the
cards are locked, every card is checked before anything is written, and the
candidates are moved through the pipeline with step 7's events.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from time import monotonic

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from balangan_pintar.audit import record
from balangan_pintar.models import Period
from balangan_pintar.roles import AnyUser
from students.models import School, Status
from students.services.pipeline import move_candidates

from ..models import Card, CardQuerySet, CardState
from .models import (
    CardArrival,
    HandedByRole,
    Handover,
    HandoverOutcome,
    Receiver,
    UndeliveredReason,
)

logger = logging.getLogger(__name__)

# The cards the handover pages list: printed and not void.
LISTED_STATES = (
    CardState.PRINTED,
    CardState.AT_SCHOOL,
    CardState.UNDELIVERED,
    CardState.DELIVERED,
)
# The cards a handover may be recorded for.
OPEN_STATES = (CardState.PRINTED, CardState.AT_SCHOOL, CardState.UNDELIVERED)

# Where each outcome moves a candidate, by the candidate's status; a status
# missing here refuses the handover. None: the candidate stays where they are,
# as for a second failed attempt, or a replacement card for a pupil who
# already received the first one.
CANDIDATE_MOVES: dict[str, dict[str, Status | None]] = {
    HandoverOutcome.DELIVERED: {
        Status.CARD_PRINTED: Status.DELIVERED,
        Status.UNDELIVERED: Status.DELIVERED,
        Status.DELIVERED: None,
    },
    HandoverOutcome.UNDELIVERED: {
        Status.CARD_PRINTED: Status.UNDELIVERED,
        Status.UNDELIVERED: None,
        Status.DELIVERED: None,
    },
}


class HandoverRefused(Exception):
    """A handover that was not recorded, with the reason in words."""


@dataclass(frozen=True)
class HandoverDetails:
    """What the handover form says, the same for every card recorded."""

    outcome: HandoverOutcome
    handed_on: date
    handed_by_name: str
    handed_by_role: HandedByRole
    received_by: Receiver | None = None
    receiver_name: str = ""
    reason: UndeliveredReason | None = None
    note: str = ""

    @property
    def is_delivered(self) -> bool:
        return self.outcome == HandoverOutcome.DELIVERED


@dataclass(frozen=True)
class SchoolProgress:
    """One school's line on the Dinas overview."""

    school_id: int
    name: str
    npsn: str
    total: int
    waiting: int
    delivered: int
    undelivered: int

    @property
    def percent(self) -> int:
        return round(100 * self.delivered / self.total) if self.total else 0


def handover_cards(user: AnyUser, period: Period, school: School) -> CardQuerySet:
    """The school's printed cards of the period that the user may see, each
    with its handover attempts (newest first) as ``attempts``."""
    attempts = Handover.objects.order_by("-recorded_at", "-pk")
    return (
        Card.objects.for_user(user)
        .filter(period=period, candidate__school=school, state__in=LISTED_STATES)
        .select_related("candidate__student", "arrival")
        .prefetch_related(Prefetch("handovers", attempts, to_attr="attempts"))
        .order_by("candidate__student__rombel", "candidate__student__name", "pk")
    )


def state_counts(cards: CardQuerySet) -> dict[str, int]:
    """How many of ``cards`` are in each state, every listed state present."""
    counts: dict[str, int] = {state.value: 0 for state in LISTED_STATES}
    rows = cards.order_by().values("state").annotate(count=Count("pk"))
    for row in rows:
        counts[row["state"]] = row["count"]
    return counts


def school_progress(period: Period) -> list[SchoolProgress]:
    """Every school with printed cards in the period and how far its
    handover has come, by school name."""
    waiting = Q(state__in=(CardState.PRINTED, CardState.AT_SCHOOL))
    rows = (
        Card.objects.filter(period=period, state__in=LISTED_STATES)
        .values(
            "candidate__school_id",
            "candidate__school__name",
            "candidate__school__npsn",
        )
        .annotate(
            total=Count("pk"),
            waiting=Count("pk", filter=waiting),
            delivered=Count("pk", filter=Q(state=CardState.DELIVERED)),
            undelivered=Count("pk", filter=Q(state=CardState.UNDELIVERED)),
        )
        .order_by("candidate__school__name")
    )
    return [
        SchoolProgress(
            school_id=row["candidate__school_id"],
            name=row["candidate__school__name"],
            npsn=row["candidate__school__npsn"],
            total=row["total"],
            waiting=row["waiting"],
            delivered=row["delivered"],
            undelivered=row["undelivered"],
        )
        for row in rows
    ]


def record_handover(card: Card, details: HandoverDetails, *, actor: User) -> Handover:
    """Record one attempt to hand ``card`` over; see ``record_handovers``."""
    return record_handovers([card.pk], details, actor=actor)[0]


def record_handovers(
    card_ids: Iterable[int], details: HandoverDetails, *, actor: User
) -> list[Handover]:
    """Record the same handover for every card, all or none.

    Raises ``HandoverRefused`` when the details are incomplete, or when any
    card cannot be handed over (not printed, void, already delivered, or
    handed over before it was printed); then nothing is written.
    """
    ids = sorted(set(card_ids))
    if not ids:
        raise HandoverRefused(_("Pilih minimal satu kartu."))
    _check_details(details)
    started = monotonic()

    with transaction.atomic():
        cards = _locked_cards(ids)
        for card in cards:
            _check_card(card, details.handed_on)
            if card.candidate.status not in CANDIDATE_MOVES[details.outcome]:
                raise _candidate_refusal(card)

        moves = CANDIDATE_MOVES[details.outcome]
        groups: dict[Status, list[int]] = {}
        for card in cards:
            target = moves[card.candidate.status]
            if target is not None:
                groups.setdefault(target, []).append(card.candidate_id)
        for target, candidate_ids in groups.items():
            move_candidates(
                candidate_ids,
                target,
                actor=actor,
                note=_event_note(details),
                at=_event_time(details.handed_on, cards),
            )

        handovers = Handover.objects.bulk_create(
            _handover(card, details, actor) for card in cards
        )
        state = CardState.DELIVERED if details.is_delivered else CardState.UNDELIVERED
        Card.objects.filter(pk__in=ids).update(state=state)
        for card in cards:
            record(
                actor,
                "card.handover",
                card,
                student_id=card.candidate.student_id,
                outcome=str(details.outcome),
                reason=str(details.reason or ""),
            )

    logger.info(
        "recorded %s handovers (%s) in %.2f s",
        len(handovers),
        details.outcome,
        monotonic() - started,
    )
    return handovers


def mark_arrived(
    card_ids: Iterable[int], arrived_on: date, *, actor: User
) -> list[CardArrival]:
    """Record that printed cards reached the place of handover, all or none.

    Only printed cards may arrive; the family's status page then says the
    card is ready to collect.
    """
    ids = sorted(set(card_ids))
    if not ids:
        raise HandoverRefused(_("Pilih minimal satu kartu."))
    if arrived_on > timezone.localdate():
        raise HandoverRefused(_("Tanggal tiba tidak boleh setelah hari ini."))

    with transaction.atomic():
        cards = _locked_cards(ids)
        for card in cards:
            if card.state != CardState.PRINTED:
                raise HandoverRefused(
                    _("Kartu %(number)s %(state)s.")
                    % {"number": card.number, "state": _state_words(card)}
                )
            _check_card(card, arrived_on)

        arrivals = CardArrival.objects.bulk_create(
            CardArrival(card=card, arrived_on=arrived_on, recorded_by=actor)
            for card in cards
        )
        Card.objects.filter(pk__in=ids).update(state=CardState.AT_SCHOOL)
        for card in cards:
            record(actor, "card.arrive", card, student_id=card.candidate.student_id)
    logger.info("marked %s cards as arrived", len(arrivals))
    return arrivals


def _locked_cards(ids: Sequence[int]) -> list[Card]:
    cards = list(
        Card.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("candidate__student")
        .order_by("pk")
    )
    if len(cards) != len(ids):
        raise HandoverRefused(_("Sebagian kartu tidak ditemukan."))
    return cards


def _check_details(details: HandoverDetails) -> None:
    if details.handed_on > timezone.localdate():
        raise HandoverRefused(_("Tanggal penyerahan tidak boleh setelah hari ini."))
    if not details.handed_by_name.strip():
        raise HandoverRefused(_("Tulis nama petugas yang menyerahkan kartu."))
    if details.is_delivered:
        if details.received_by is None:
            raise HandoverRefused(_("Pilih siapa yang menerima kartu."))
        if details.received_by != Receiver.STUDENT and not details.receiver_name:
            raise HandoverRefused(_("Tulis nama orang tua atau wali yang menerima."))
    elif details.reason is None:
        raise HandoverRefused(_("Pilih alasan kartu tidak dapat diserahkan."))
    elif details.reason == UndeliveredReason.OTHER and not details.note.strip():
        raise HandoverRefused(_("Tulis catatan untuk alasan lain."))


def _check_card(card: Card, on: date) -> None:
    if card.state not in OPEN_STATES:
        raise HandoverRefused(
            _("Kartu %(number)s %(state)s.")
            % {"number": card.number, "state": _state_words(card)}
        )
    printed_on = timezone.localdate(card.printed_at) if card.printed_at else None
    if printed_on is not None and on < printed_on:
        raise HandoverRefused(
            _("Kartu %(number)s baru dicetak pada %(date)s.")
            % {"number": card.number, "date": printed_on.strftime("%d-%m-%Y")}
        )


def _state_words(card: Card) -> str:
    return {
        CardState.ISSUED: _("belum dicetak"),
        CardState.DELIVERED: _("sudah diserahkan"),
        CardState.VOID: _("sudah dibatalkan"),
        CardState.AT_SCHOOL: _("sudah tercatat tiba"),
        CardState.UNDELIVERED: _("tercatat belum dapat diserahkan"),
    }.get(CardState(card.state), str(CardState(card.state).label))


def _candidate_refusal(card: Card) -> HandoverRefused:
    return HandoverRefused(
        _("Status %(name)s (%(status)s) tidak memungkinkan penyerahan kartu.")
        % {
            "name": card.candidate.student.first_name,
            "status": Status(card.candidate.status).label,
        }
    )


def _event_note(details: HandoverDetails) -> str:
    """The stage event's note, in the project's language whatever language
    the operator reads: the event is part of the record."""
    with translation.override(settings.LANGUAGE_CODE):
        if details.is_delivered and details.received_by is not None:
            return _("Diterima: %(who)s") % {"who": details.received_by.label}
        if details.reason is not None:
            return str(details.reason.label)
        return ""


def _event_time(handed_on: date, cards: Sequence[Card]) -> datetime:
    """When step 7 ended for the dashboard and the status page: now for a
    handover recorded on its day, else midday of the day it happened, since
    registers are often typed in days later. Never before the previous
    event, so that no step ends before it began."""
    now = timezone.now()
    if handed_on >= timezone.localdate(now):
        return now
    midday = datetime.combine(
        handed_on, time(12), tzinfo=timezone.get_current_timezone()
    )
    previous = max(card.candidate.status_changed_at for card in cards)
    return min(max(midday, previous), now)


def _handover(card: Card, details: HandoverDetails, actor: User) -> Handover:
    delivered = details.is_delivered
    return Handover(
        card=card,
        outcome=details.outcome,
        handed_on=details.handed_on,
        received_by=details.received_by or "" if delivered else "",
        receiver_name=details.receiver_name.strip()
        if delivered and details.received_by != Receiver.STUDENT
        else "",
        handed_by_name=details.handed_by_name.strip(),
        handed_by_role=details.handed_by_role,
        reason="" if delivered else details.reason or "",
        note=details.note.strip(),
        recorded_by=actor,
    )
