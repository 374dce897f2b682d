"""A form sent twice, or a request replayed, applies once."""

import uuid

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import AuditEntry, Period
from students.dtks.models import Snapshot
from students.models import Candidate, School, StageEvent, Status
from students.services.pipeline import submit_to_dinas

from ..models import Decision, PeriodRules
from . import factories


def test_the_same_decision_form_sent_twice_applies_once(
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
    candidate = factories.send([pupil], period, operator_a)[1][0]
    factories.login(client, verifier)
    data = {
        "token": str(uuid.uuid4()),
        "outcome": "reject",
        "reason": "data_wrong",
        "note": "Tanggal lahir berbeda dengan akta",
        "submission": str(candidate.submission_id),
    }
    url = reverse("verification:decide", args=[candidate.pk])

    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)

    assert "Keputusan tercatat" in first.content.decode()
    assert "sudah tercatat sebelumnya" in second.content.decode()
    assert Decision.objects.count() == 1
    assert StageEvent.objects.filter(candidate=candidate, step=3).count() == 1
    assert AuditEntry.objects.filter(action="candidate.reject").count() == 1


def test_an_old_return_form_replayed_after_resubmission_changes_nothing(
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
    candidate = factories.send([pupil], period, operator_a)[1][0]
    factories.login(client, verifier)
    data = {
        "token": str(uuid.uuid4()),
        "outcome": "return",
        "note": "Lampirkan SKTM",
        "submission": str(candidate.submission_id),
    }
    url = reverse("verification:decide", args=[candidate.pk])
    client.post(url, data)
    submit_to_dinas([Candidate.objects.get(pk=candidate.pk)], actor=operator_a)

    client.post(url, data)

    assert Candidate.objects.get(pk=candidate.pk).status == Status.SUBMITTED
    assert Decision.objects.count() == 1


def test_a_bulk_approval_sent_twice_applies_once(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
    client: Client,
) -> None:
    pupils = factories.students(school_a, 3)
    for pupil in pupils:
        factories.matched(pupil, register)
    submission, candidates = factories.send(pupils, period, operator_a)
    factories.login(client, verifier)
    url = reverse("verification:bulk-approve", args=[submission.pk])
    data = {
        "token": str(uuid.uuid4()),
        "candidates": ",".join(str(c.pk) for c in candidates),
    }

    client.post(url, data)
    again = client.post(url, data, follow=True)

    assert "sudah tercatat sebelumnya" in again.content.decode()
    assert Decision.objects.count() == 3
    assert StageEvent.objects.filter(step=3).count() == 3
