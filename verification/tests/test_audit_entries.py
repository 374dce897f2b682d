"""Every decision writes an audit entry: who, when, what and why, naming the
student by id and never copying a NIK."""

import uuid

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import AuditEntry, Period
from students.dtks.models import Snapshot
from students.models import Candidate, School

from ..models import PeriodRules
from . import factories


@pytest.mark.parametrize(
    ("outcome", "fields", "action"),
    [
        ("approve", {}, "candidate.approve"),
        ("reject", {"reason": "over_quota", "note": "Kuota habis"}, "candidate.reject"),
        ("return", {"note": "Perbaiki nama ibu"}, "candidate.return"),
    ],
)
def test_each_decision_writes_one_audit_entry(
    outcome: str,
    fields: dict[str, str],
    action: str,
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
    candidate: Candidate = factories.send([pupil], period, operator_a)[1][0]
    factories.login(client, verifier)

    client.post(
        reverse("verification:decide", args=[candidate.pk]),
        {
            "token": str(uuid.uuid4()),
            "outcome": outcome,
            "submission": str(candidate.submission_id),
            **fields,
        },
        REMOTE_ADDR="10.1.2.3",
    )

    entry = AuditEntry.objects.get(action=action)
    assert entry.actor == verifier
    assert entry.object_id == str(candidate.pk)
    assert entry.student_id == pupil.pk
    assert entry.ip_address == "10.1.2.3"
    assert entry.details["reason"] == fields.get("reason", "")
    assert entry.details["submission"] == candidate.submission_id
    assert pupil.nik not in str(entry.details)


def test_a_bulk_approval_writes_an_entry_per_candidate(
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

    client.post(
        reverse("verification:bulk-approve", args=[submission.pk]),
        {
            "token": str(uuid.uuid4()),
            "candidates": ",".join(str(c.pk) for c in candidates),
        },
    )

    entries = AuditEntry.objects.filter(action="candidate.approve")
    assert sorted(e.student_id or 0 for e in entries) == sorted(p.pk for p in pupils)
    assert all(e.details["bulk"] for e in entries)


def test_the_timeline_shows_the_decision(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
    client: Client,
) -> None:
    pupil = factories.students(school_a, 1)[0]
    candidate = factories.send([pupil], period, operator_a)[1][0]
    factories.login(client, verifier)
    client.post(
        reverse("verification:decide", args=[candidate.pk]),
        {
            "token": str(uuid.uuid4()),
            "outcome": "reject",
            "reason": "not_in_dtks",
            "note": "Tidak ada di DTSEN 2026",
            "submission": str(candidate.submission_id),
        },
    )

    page = client.get(reverse("verification:candidate-detail", args=[candidate.pk]))

    text = page.content.decode()
    assert "Ditolak Dinas" in text
    assert "Tidak terdaftar di DTKS/DTSEN" in text
    assert "Tidak ada di DTSEN 2026" in text
    assert "langkah 3" in text
