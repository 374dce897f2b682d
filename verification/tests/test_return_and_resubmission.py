"""A candidate returned to the school is corrected and sent again: a new
submission, and a fresh start of its step 3 clock."""

import uuid

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balangan_pintar.models import Period
from students.dtks.models import Snapshot
from students.models import Candidate, School, StageEvent, Status

from ..models import Outcome, PeriodRules
from ..services.decisions import decide
from ..services.queue import QueueFilters, QueueState, queue_page, submissions
from . import factories


def test_a_returned_candidate_sent_again_waits_anew_in_a_new_submission(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
    client: Client,
) -> None:
    pupils = factories.students(school_a, 2)
    for pupil in pupils:
        factories.matched(pupil, register)
    first, (returned, kept) = factories.send(
        pupils, period, operator_a, at=factories.when(days=-3)
    )
    decide(
        returned,
        Outcome.RETURN,
        actor=verifier,
        token=uuid.uuid4(),
        note="NIK ibu tidak terbaca",
    )

    factories.login(client, operator_a)
    school_page = client.get(reverse("verification:school-decisions"))
    assert "NIK ibu tidak terbaca" in school_page.content.decode()
    sent_at = timezone.now()
    response = client.post(
        reverse("verification:resend"), {"candidates": [str(returned.pk)]}
    )
    assert response.status_code == 302

    again = Candidate.objects.get(pk=returned.pk)
    assert again.submission_id is not None
    assert again.status == Status.SUBMITTED
    assert again.submission_id != first.pk
    ready = list(
        StageEvent.objects.filter(
            candidate=returned, to_status=Status.SUBMITTED
        ).order_by("at", "pk")
    )
    assert len(ready) == 2
    assert ready[-1].step == 2
    assert ready[-1].at >= sent_at
    assert again.status_changed_at >= sent_at

    page = queue_page(submissions(QueueFilters(period=period)))
    waits = {row.submission.pk: row.waited for row in page.rows if row.waited}
    assert set(waits) == {first.pk, again.submission_id}
    assert waits[again.submission_id] < waits[first.pk]
    assert kept.submission_id == first.pk


def test_a_decision_from_the_old_submission_page_is_refused(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
    client: Client,
) -> None:
    pupil = factories.students(school_a, 1)[0]
    factories.matched(pupil, register)
    first, (candidate,) = factories.send([pupil], period, operator_a)
    decide(candidate, Outcome.RETURN, actor=verifier, token=uuid.uuid4(), note="x")
    factories.login(client, operator_a)
    client.post(reverse("verification:resend"), {"candidates": [str(candidate.pk)]})

    factories.login(client, verifier)
    response = client.post(
        reverse("verification:decide", args=[candidate.pk]),
        {"token": str(uuid.uuid4()), "outcome": "approve", "submission": first.pk},
        follow=True,
    )

    assert "usulan baru" in response.content.decode()
    assert Candidate.objects.get(pk=candidate.pk).status == Status.SUBMITTED


def test_only_returned_candidates_can_be_sent_again(
    school_a: School,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
    client: Client,
) -> None:
    pupil = factories.students(school_a, 1)[0]
    _submission, (candidate,) = factories.send([pupil], period, operator_a)
    factories.login(client, operator_a)

    response = client.post(
        reverse("verification:resend"), {"candidates": [str(candidate.pk)]}, follow=True
    )

    assert "Hanya calon yang dikembalikan" in response.content.decode()


def test_the_queue_lists_finished_submissions_apart(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    pupil = factories.students(school_a, 1)[0]
    submission, (candidate,) = factories.send([pupil], period, operator_a)
    decide(
        candidate,
        Outcome.REJECT,
        actor=verifier,
        token=uuid.uuid4(),
        reason="not_in_dtks",
    )

    open_ = submissions(QueueFilters(period=period))
    done = submissions(QueueFilters(period=period, state=QueueState.DONE))

    assert list(open_) == []
    assert list(done) == [submission]
