"""Recording handovers (SOP step 7): single and bulk, delivered and not,
with the candidate's step 7 events, all or none."""

import datetime as dt
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from balangan_pintar.models import AuditEntry, Period
from cards.handover.models import (
    CardArrival,
    HandedByRole,
    Handover,
    HandoverOutcome,
    Receiver,
    UndeliveredReason,
)
from cards.handover.services import (
    HandoverDetails,
    HandoverRefused,
    mark_arrived,
    record_handover,
    record_handovers,
)
from cards.models import Card, CardState
from students.models import Candidate, School, StageEvent, Status

from .delivery_data import candidate_at, issue_card, printed_card

pytestmark = pytest.mark.django_db


def delivered(**changes: object) -> HandoverDetails:
    values: dict[str, object] = {
        "outcome": HandoverOutcome.DELIVERED,
        "handed_on": timezone.localdate(),
        "handed_by_name": "Bu Aminah",
        "handed_by_role": HandedByRole.TEACHER,
        "received_by": Receiver.STUDENT,
    }
    values.update(changes)
    return HandoverDetails(**values)  # type: ignore[arg-type]


def undelivered(reason: UndeliveredReason, note: str = "") -> HandoverDetails:
    return HandoverDetails(
        outcome=HandoverOutcome.UNDELIVERED,
        handed_on=timezone.localdate(),
        handed_by_name="Bu Aminah",
        handed_by_role=HandedByRole.TEACHER,
        reason=reason,
        note=note,
    )


def step7_events(card: Card) -> list[StageEvent]:
    return list(StageEvent.objects.filter(candidate=card.candidate, step=7))


def status_of(card: Card) -> str:
    return Candidate.objects.get(pk=card.candidate_id).status


def test_single_delivery_moves_card_and_candidate(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    card = printed_card(school_a, period, verifier, "0011000001")

    handover = record_handover(
        card,
        delivered(received_by=Receiver.PARENT, receiver_name="Ibu Rahmah"),
        actor=operator_a,
    )

    assert Card.objects.get(pk=card.pk).state == CardState.DELIVERED
    assert status_of(card) == Status.DELIVERED
    assert handover.received_by == Receiver.PARENT
    assert handover.receiver_name == "Ibu Rahmah"
    assert handover.recorded_by == operator_a
    [event] = step7_events(card)
    assert (event.from_status, event.to_status) == (
        Status.CARD_PRINTED,
        Status.DELIVERED,
    )
    assert event.actor == operator_a
    assert event.note == "Diterima: Orang tua"
    assert AuditEntry.objects.filter(action="card.handover").count() == 1


def test_bulk_delivery_writes_one_event_per_candidate(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    cards = [
        printed_card(school_a, period, verifier, f"00110000{n:02d}") for n in range(3)
    ]

    handovers = record_handovers([c.pk for c in cards], delivered(), actor=operator_a)

    assert len(handovers) == 3
    assert all(status_of(card) == Status.DELIVERED for card in cards)
    assert StageEvent.objects.filter(step=7, to_status=Status.DELIVERED).count() == 3
    assert set(Card.objects.values_list("state", flat=True)) == {CardState.DELIVERED}
    # The pupil received it themselves: no other name is kept.
    assert set(Handover.objects.values_list("receiver_name", flat=True)) == {""}


def test_bulk_is_all_or_nothing(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    good = printed_card(school_a, period, verifier, "0011000001")
    unprinted = issue_card(
        candidate_at(Status.ACCOUNT_OPENED, school_a, period, verifier, "0011000002"),
        state=CardState.ISSUED,
        printed_at=None,
    )

    with pytest.raises(HandoverRefused, match="belum dicetak"):
        record_handovers([good.pk, unprinted.pk], delivered(), actor=operator_a)

    assert Card.objects.get(pk=good.pk).state == CardState.PRINTED
    assert status_of(good) == Status.CARD_PRINTED
    assert not Handover.objects.exists()
    assert not StageEvent.objects.filter(step=7).exists()


def test_undelivered_card_keeps_reason_and_stays_listed(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    card = printed_card(school_a, period, verifier, "0011000001")

    handover = record_handover(
        card, undelivered(UndeliveredReason.MOVED_AWAY), actor=operator_a
    )

    assert Card.objects.get(pk=card.pk).state == CardState.UNDELIVERED
    assert status_of(card) == Status.UNDELIVERED
    assert handover.reason == UndeliveredReason.MOVED_AWAY
    assert handover.received_by == ""
    [event] = step7_events(card)
    assert event.to_status == Status.UNDELIVERED
    assert event.note == "Pindah alamat atau pindah sekolah"


def test_delivery_after_undelivered_ends_the_pipeline(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    card = printed_card(school_a, period, verifier, "0011000001")
    record_handover(card, undelivered(UndeliveredReason.NOT_FOUND), actor=operator_a)

    record_handover(card, delivered(), actor=operator_a)

    assert Card.objects.get(pk=card.pk).state == CardState.DELIVERED
    assert status_of(card) == Status.DELIVERED
    moves = [(e.from_status, e.to_status) for e in step7_events(card)]
    assert moves == [
        (Status.CARD_PRINTED, Status.UNDELIVERED),
        (Status.UNDELIVERED, Status.DELIVERED),
    ]
    assert Handover.objects.filter(card=card).count() == 2


def test_second_failed_attempt_is_kept_without_a_new_event(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    card = printed_card(school_a, period, verifier, "0011000001")
    record_handover(card, undelivered(UndeliveredReason.NOT_FOUND), actor=operator_a)

    record_handover(card, undelivered(UndeliveredReason.REFUSED), actor=operator_a)

    assert Handover.objects.filter(card=card).count() == 2
    assert len(step7_events(card)) == 1
    assert status_of(card) == Status.UNDELIVERED


def test_a_delivered_card_cannot_be_delivered_again(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    card = printed_card(school_a, period, verifier, "0011000001")
    record_handover(card, delivered(), actor=operator_a)

    with pytest.raises(HandoverRefused, match="sudah diserahkan"):
        record_handover(card, delivered(), actor=operator_a)

    assert Handover.objects.filter(card=card).count() == 1


def test_replacement_card_for_a_pupil_who_has_one_is_delivered_without_a_move(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    first = printed_card(school_a, period, verifier, "0011000001")
    record_handover(first, delivered(), actor=operator_a)
    Card.objects.filter(pk=first.pk).update(state=CardState.VOID)
    replacement = issue_card(
        first.candidate,
        number="KBP-2026-000900-8",
        serial=900,
        replaces=first,
    )

    record_handover(replacement, delivered(), actor=operator_a)

    assert Card.objects.get(pk=replacement.pk).state == CardState.DELIVERED
    assert len(step7_events(first)) == 1


def test_other_or_parent_needs_words(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    card = printed_card(school_a, period, verifier, "0011000001")

    with pytest.raises(HandoverRefused):
        record_handover(
            card, delivered(received_by=Receiver.GUARDIAN), actor=operator_a
        )
    with pytest.raises(HandoverRefused):
        record_handover(card, undelivered(UndeliveredReason.OTHER), actor=operator_a)

    assert not Handover.objects.exists()


def test_dates_after_today_or_before_printing_are_refused(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    card = printed_card(school_a, period, verifier, "0011000001")
    printed_on = timezone.localdate(card.printed_at)

    with pytest.raises(HandoverRefused):
        record_handover(
            card,
            delivered(handed_on=timezone.localdate() + dt.timedelta(days=1)),
            actor=operator_a,
        )
    with pytest.raises(HandoverRefused, match="baru dicetak"):
        record_handover(
            card,
            delivered(handed_on=printed_on - dt.timedelta(days=1)),
            actor=operator_a,
        )

    assert not Handover.objects.exists()


def test_handover_typed_in_later_is_dated_on_its_day(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    card = printed_card(school_a, period, verifier, "0011000001")
    day = timezone.localdate(card.printed_at) + dt.timedelta(days=1)

    record_handover(card, delivered(handed_on=day), actor=operator_a)

    [event] = step7_events(card)
    assert timezone.localdate(event.at) == day


def test_arrival_marks_printed_cards_ready(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    cards = [
        printed_card(school_a, period, verifier, f"00110000{n:02d}") for n in range(2)
    ]
    today = timezone.localdate()

    mark_arrived([c.pk for c in cards], today, actor=operator_a)

    assert set(Card.objects.values_list("state", flat=True)) == {CardState.AT_SCHOOL}
    assert CardArrival.objects.filter(arrived_on=today).count() == 2
    # Arrival is no SOP step: the candidates stay where they are.
    assert all(status_of(card) == Status.CARD_PRINTED for card in cards)

    with pytest.raises(HandoverRefused):
        mark_arrived([cards[0].pk], today, actor=operator_a)

    record_handovers([c.pk for c in cards], delivered(), actor=operator_a)
    assert all(status_of(card) == Status.DELIVERED for card in cards)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_operators_recording_one_card_at_once_deliver_it_once(
    school_a: School, period: Period, verifier: User, operator_a: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: set DATABASE_URL")
    card = printed_card(school_a, period, verifier, "0011000001")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def record() -> None:
        try:
            start.wait()
            record_handover(Card.objects.get(pk=card.pk), delivered(), actor=operator_a)
            outcomes.append("recorded")
        except HandoverRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["recorded", "refused"]
    assert Handover.objects.filter(card=card).count() == 1
    assert len(step7_events(card)) == 1
