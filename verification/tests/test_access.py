"""Who sees what: the Dinas reads every school's candidates, a school only
its own decisions, the bank officer nothing of verification."""

import uuid

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import Period
from students.dtks.models import Snapshot
from students.models import Candidate, School

from ..models import Outcome, PeriodRules
from ..services.decisions import decide
from . import factories


@pytest.fixture
def both(
    school_a: School,
    school_b: School,
    period: Period,
    operator_a: User,
    operator_b: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
) -> tuple[Candidate, Candidate]:
    """One rejected candidate at each school, with a reason only that school
    may read."""
    (at_a,) = factories.send(factories.students(school_a, 1), period, operator_a)[1]
    (at_b,) = factories.send(factories.students(school_b, 1), period, operator_b)[1]
    for candidate, note in ((at_a, "Catatan untuk SD"), (at_b, "Catatan untuk SMP")):
        decide(
            candidate,
            Outcome.REJECT,
            actor=verifier,
            token=uuid.uuid4(),
            reason="data_wrong",
            note=note,
        )
    return at_a, at_b


def verifier_urls(candidate: Candidate) -> list[str]:
    return [
        reverse("verification:queue"),
        reverse("verification:submission-detail", args=[candidate.submission_id]),
        reverse("verification:bulk-approve", args=[candidate.submission_id]),
        reverse("verification:candidate-detail", args=[candidate.pk]),
        reverse("verification:review-queue"),
        reverse("verification:recipients"),
        reverse("verification:recipients-xlsx"),
        reverse("verification:rules"),
    ]


def test_a_bank_officer_gets_403_on_every_verification_page(
    both: tuple[Candidate, Candidate], bank_officer: User, client: Client
) -> None:
    factories.login(client, bank_officer)
    candidate = both[0]

    for url in [
        *verifier_urls(candidate),
        reverse("verification:school-decisions"),
        reverse("verification:document-upload", args=[candidate.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    posted = client.post(
        reverse("verification:decide", args=[candidate.pk]),
        {"token": str(uuid.uuid4()), "outcome": "approve", "submission": "1"},
    )
    assert posted.status_code == 403


def test_a_school_operator_sees_only_their_own_schools_decisions(
    both: tuple[Candidate, Candidate], operator_a: User, client: Client
) -> None:
    factories.login(client, operator_a)

    page = client.get(reverse("verification:school-decisions"))

    text = page.content.decode()
    assert "Catatan untuk SD" in text
    assert "Data siswa tidak benar" in text
    assert "Catatan untuk SMP" not in text
    assert both[1].student.name not in text
    assert "no-store" in page["Cache-Control"]


def test_a_school_operator_cannot_open_the_verifiers_pages(
    both: tuple[Candidate, Candidate], operator_a: User, client: Client
) -> None:
    factories.login(client, operator_a)

    for url in verifier_urls(both[0]):
        assert client.get(url).status_code == 403, url


def test_a_school_operator_cannot_upload_for_another_school(
    both: tuple[Candidate, Candidate], operator_a: User, client: Client
) -> None:
    factories.login(client, operator_a)

    response = client.get(reverse("verification:document-upload", args=[both[1].pk]))

    assert response.status_code == 404


def test_anonymous_users_are_sent_to_sign_in(
    both: tuple[Candidate, Candidate], client: Client
) -> None:
    response = client.get(reverse("verification:queue"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_verifier_pages_are_never_cached(
    both: tuple[Candidate, Candidate], verifier: User, client: Client
) -> None:
    factories.login(client, verifier)

    for url in verifier_urls(both[0])[:6]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
