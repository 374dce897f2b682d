"""The verifier decides each candidate: approve, reject with a reason,
return with a note; or approves in bulk those that pass every rule."""

import uuid

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import Period
from students.dtks.engine import Decision as MatchDecision
from students.dtks.engine import Method
from students.dtks.models import Snapshot
from students.models import Candidate, School, StageEvent, Status, Student

from ..models import Decision, Outcome, PeriodRules, Reason
from ..services.decisions import DecisionRefused, bulk_approve, decide
from . import factories


def decide_url(candidate: Candidate) -> str:
    return reverse("verification:decide", args=[candidate.pk])


def form(candidate: Candidate, outcome: str, **fields: str) -> dict[str, str]:
    return {
        "token": str(uuid.uuid4()),
        "outcome": outcome,
        "submission": str(candidate.submission_id),
        **fields,
    }


@pytest.fixture
def waiting(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> Candidate:
    factories.matched(student_a, register)
    return factories.send([student_a], period, operator_a)[1][0]


def test_approve_moves_the_candidate_and_writes_the_event(
    waiting: Candidate, verifier: User, client: Client
) -> None:
    factories.login(client, verifier)

    response = client.post(decide_url(waiting), form(waiting, "approve"))

    assert response.status_code == 302
    assert Candidate.objects.get(pk=waiting.pk).status == Status.APPROVED
    event = StageEvent.objects.filter(candidate=waiting).last()
    assert event is not None
    assert (event.step, event.to_status, event.actor) == (3, Status.APPROVED, verifier)
    decision = Decision.objects.get(candidate=waiting)
    assert decision.outcome == Outcome.APPROVE
    assert decision.failed_rules == []


def test_reject_keeps_the_reason_in_plain_words_on_the_event(
    waiting: Candidate, verifier: User, client: Client
) -> None:
    factories.login(client, verifier)

    client.post(
        decide_url(waiting),
        form(waiting, "reject", reason=Reason.KIP_RECIPIENT, note="Tercatat di PIP"),
    )

    decision = Decision.objects.get(candidate=waiting)
    assert (decision.reason, decision.note) == (Reason.KIP_RECIPIENT, "Tercatat di PIP")
    event = StageEvent.objects.filter(candidate=waiting).last()
    assert event is not None
    assert event.note.splitlines() == ["Sudah menerima KIP/PIP", "Tercatat di PIP"]


def test_reject_needs_a_reason_and_return_needs_a_note(
    waiting: Candidate, verifier: User, client: Client
) -> None:
    factories.login(client, verifier)

    rejected = client.post(decide_url(waiting), form(waiting, "reject"), follow=True)
    returned = client.post(decide_url(waiting), form(waiting, "return"), follow=True)

    assert "Pilih alasan penolakan" in rejected.content.decode()
    assert "Tulis apa yang harus diperbaiki" in returned.content.decode()
    assert Candidate.objects.get(pk=waiting.pk).status == Status.SUBMITTED
    assert not Decision.objects.exists()


def test_approving_a_candidate_that_fails_a_rule_needs_a_note(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    pupil = factories.students(school_a, 1, kip_recipient=True)[0]
    factories.matched(pupil, register)
    candidate = factories.send([pupil], period, operator_a)[1][0]

    with pytest.raises(DecisionRefused, match="Bukan penerima KIP/PIP"):
        decide(candidate, Outcome.APPROVE, actor=verifier, token=uuid.uuid4())

    decide(
        candidate,
        Outcome.APPROVE,
        actor=verifier,
        token=uuid.uuid4(),
        note="KIP sudah dicabut, surat sekolah terlampir",
    )
    assert Decision.objects.get(candidate=candidate).failed_rules == ["kip"]


def test_a_dinas_administrator_reads_but_cannot_decide(
    waiting: Candidate, dinas_admin: User, client: Client
) -> None:
    factories.login(client, dinas_admin)

    page = client.get(
        reverse("verification:submission-detail", args=[waiting.submission_id])
    )
    post = client.post(decide_url(waiting), form(waiting, "approve"))

    assert page.status_code == 200
    assert "Setujui" not in page.content.decode()
    assert post.status_code == 403
    assert Candidate.objects.get(pk=waiting.pk).status == Status.SUBMITTED


def test_bulk_approve_confirms_the_count_then_approves_only_automatic_matches(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
    client: Client,
) -> None:
    auto, manual, review, kip = factories.students(school_a, 4)
    factories.matched(auto, register)
    person = factories.person_for(manual, register)
    factories.match(manual, register, person, method=Method.MANUAL)
    factories.match(review, register, None, decision=MatchDecision.REVIEW)
    kip.kip_recipient = True
    kip.save()
    factories.matched(kip, register)
    submission, candidates = factories.send(
        [auto, manual, review, kip], period, operator_a
    )
    factories.login(client, verifier)
    url = reverse("verification:bulk-approve", args=[submission.pk])

    confirm = client.get(url)
    assert confirm.context["chosen"][0].candidate == candidates[0]
    assert len(confirm.context["chosen"]) == 1
    assert "Setujui 1 calon ini?" in confirm.content.decode()

    done = client.post(
        url, {"token": str(uuid.uuid4()), "candidates": confirm.context["ids"]}
    )

    assert done.status_code == 302
    statuses = dict(
        Candidate.objects.filter(submission=submission).values_list("pk", "status")
    )
    assert statuses == {
        candidates[0].pk: Status.APPROVED,
        candidates[1].pk: Status.SUBMITTED,
        candidates[2].pk: Status.SUBMITTED,
        candidates[3].pk: Status.SUBMITTED,
    }
    assert Decision.objects.get().bulk


def test_bulk_approve_applies_nothing_when_the_list_changed(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    pupils = factories.students(school_a, 2)
    for pupil in pupils:
        factories.matched(pupil, register)
    submission, candidates = factories.send(pupils, period, operator_a)
    confirmed = [c.pk for c in candidates]
    decide(
        candidates[0],
        Outcome.RETURN,
        actor=verifier,
        token=uuid.uuid4(),
        note="Nama ibu salah",
    )

    with pytest.raises(DecisionRefused, match="berubah"):
        bulk_approve(submission, confirmed, actor=verifier, token=uuid.uuid4())

    assert Candidate.objects.get(pk=candidates[1].pk).status == Status.SUBMITTED
    assert Decision.objects.count() == 1
