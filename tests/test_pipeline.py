"""The candidate state machine: every allowed move works and is recorded,
every other move is refused and changes nothing."""

import itertools

import pytest
from django.contrib.auth.models import User

from balangan_pintar.models import Period
from students.models import TRANSITIONS, Candidate, StageEvent, Status, Student
from students.services.pipeline import (
    TransitionRefused,
    move_candidate,
    move_candidates,
    propose_student,
    submit_to_dinas,
)

FORBIDDEN = [
    pair
    for pair in itertools.product(Status.values, Status.values)
    if pair not in TRANSITIONS
]


def candidate_in(status: str, student: Student, period: Period) -> Candidate:
    return Candidate.objects.create(
        student=student, period=period, school=student.school, status=status
    )


@pytest.mark.parametrize(("source", "target"), sorted(TRANSITIONS))
def test_allowed_move_is_applied_and_recorded(
    source: str, target: str, student_a: Student, period: Period, verifier: User
) -> None:
    candidate = candidate_in(source, student_a, period)

    moved = move_candidate(candidate, Status(target), actor=verifier, note="ok")

    assert moved.status == target
    assert Candidate.objects.get(pk=candidate.pk).status == target
    event = StageEvent.objects.get(candidate=candidate)
    assert (event.from_status, event.to_status) == (source, target)
    assert event.step == TRANSITIONS[(source, target)]
    assert event.actor == verifier
    assert event.note == "ok"


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_forbidden_move_is_refused_and_changes_nothing(
    source: str, target: str, student_a: Student, period: Period, verifier: User
) -> None:
    candidate = candidate_in(source, student_a, period)

    with pytest.raises(TransitionRefused):
        move_candidate(candidate, Status(target), actor=verifier)

    assert Candidate.objects.get(pk=candidate.pk).status == source
    assert not StageEvent.objects.exists()


def test_a_move_decided_on_a_stale_status_is_refused(
    student_a: Student, period: Period, verifier: User
) -> None:
    candidate = candidate_in(Status.SUBMITTED, student_a, period)
    move_candidate(candidate, Status.APPROVED, actor=verifier)

    with pytest.raises(TransitionRefused):
        move_candidate(
            candidate, Status.REJECTED, actor=verifier, expected=Status.SUBMITTED
        )

    assert Candidate.objects.get(pk=candidate.pk).status == Status.APPROVED
    assert StageEvent.objects.count() == 1


def test_bulk_move_is_all_or_nothing(
    student_a: Student, student_b: Student, period: Period, dinas_admin: User
) -> None:
    approved = candidate_in(Status.APPROVED, student_a, period)
    submitted = candidate_in(Status.SUBMITTED, student_b, period)

    with pytest.raises(TransitionRefused):
        move_candidates(
            [approved.pk, submitted.pk], Status.SENT_TO_BANK, actor=dinas_admin
        )

    assert Candidate.objects.get(pk=approved.pk).status == Status.APPROVED
    assert not StageEvent.objects.exists()


def test_bulk_move_records_one_event_per_candidate(
    student_a: Student, student_b: Student, period: Period, dinas_admin: User
) -> None:
    ids = [
        candidate_in(Status.APPROVED, student, period).pk
        for student in (student_a, student_b)
    ]

    count = move_candidates(ids, Status.SENT_TO_BANK, actor=dinas_admin)

    assert count == 2
    assert set(Candidate.objects.values_list("status", flat=True)) == {
        Status.SENT_TO_BANK
    }
    assert StageEvent.objects.filter(step=4, to_status=Status.SENT_TO_BANK).count() == 2


def test_proposing_dates_step_one_from_the_upload(
    student_a: Student, period: Period, operator_a: User
) -> None:
    candidate = propose_student(student_a, period, actor=operator_a)

    events = list(candidate.events.all())
    assert [(e.from_status, e.to_status, e.step) for e in events] == [
        ("", Status.LISTED, None),
        (Status.LISTED, Status.DRAFT, 1),
    ]
    assert events[0].at == student_a.listed_at


def test_sending_to_the_dinas_creates_a_submission(
    student_a: Student, period: Period, operator_a: User
) -> None:
    candidate = propose_student(student_a, period, actor=operator_a)

    submission = submit_to_dinas([candidate], actor=operator_a)

    candidate.refresh_from_db()
    assert candidate.status == Status.SUBMITTED
    assert candidate.submission == submission
    assert candidate.events.filter(step=2).count() == 1


def test_one_submission_is_for_one_school(
    student_a: Student, student_b: Student, period: Period, operator_a: User
) -> None:
    chosen = [
        propose_student(s, period, actor=operator_a) for s in (student_a, student_b)
    ]

    with pytest.raises(TransitionRefused):
        submit_to_dinas(chosen, actor=operator_a)

    assert not Candidate.objects.filter(status=Status.SUBMITTED).exists()
