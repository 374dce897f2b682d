"""The DTKS review queue: the student beside the register people it might
be, differing fields marked; "same person" or "not this person"."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import AuditEntry, Period
from students.dtks.engine import Decision as MatchDecision
from students.dtks.engine import Method
from students.dtks.models import Match, Person, ReviewDecision, Snapshot
from students.models import School, Student

from ..models import PeriodRules
from ..services.rules import Rule, evaluate
from . import factories

CLOSE_NAME = {"level": "close", "weight": 3.0, "similarity": 84}
OTHER_MOTHER = {"level": "disagree", "weight": -3.0, "similarity": 40}


@pytest.fixture
def pupil(school_a: School) -> Student:
    return factories.students(school_a, 1, mother_name="Masitah")[0]


@pytest.fixture
def doubtful(pupil: Student, register: Snapshot) -> tuple[Match, Person, Person]:
    likely = factories.person_for(pupil, register, 1, name="SISWA 01-001 ALIAS")
    other = factories.person_for(
        pupil, register, 2, name="SISWA LAIN", mother_name="JUBAIDAH", nik=""
    )
    match = factories.match(
        pupil,
        register,
        None,
        decision=MatchDecision.REVIEW,
        method=Method.FUZZY,
        candidates=[
            {
                "person": likely.pk,
                "method": "fuzzy",
                "score": 12.5,
                "evidence": {**factories.AGREE_ALL, "name": CLOSE_NAME},
            },
            {
                "person": other.pk,
                "method": "fuzzy",
                "score": 9.5,
                "evidence": {**factories.AGREE_ALL, "mother_name": OTHER_MOTHER},
            },
        ],
    )
    return match, likely, other


def test_the_queue_shows_the_student_beside_each_person_with_differences_marked(
    doubtful: tuple[Match, Person, Person], verifier: User, client: Client
) -> None:
    factories.login(client, verifier)

    page = client.get(reverse("verification:review-queue"), {"cakupan": "semua"})

    text = page.content.decode()
    assert "SISWA 01-001 ALIAS" in text
    assert "JUBAIDAH" in text
    assert "kbp-ev-close" in text
    assert "kbp-ev-disagree" in text
    assert text.count("bi-exclamation-triangle-fill") == 2
    assert "Orang yang sama" in text
    assert page.context["total"] == 1


def test_by_default_only_proposed_students_are_listed(
    doubtful: tuple[Match, Person, Person],
    pupil: Student,
    period: Period,
    operator_a: User,
    verifier: User,
    client: Client,
) -> None:
    factories.login(client, verifier)
    url = reverse("verification:review-queue")
    assert client.get(url).context["total"] == 0

    factories.send([pupil], period, operator_a)

    assert client.get(url).context["total"] == 1


def test_same_person_makes_a_manual_match_that_the_rules_accept(
    doubtful: tuple[Match, Person, Person],
    pupil: Student,
    period: Period,
    operator_a: User,
    verifier: User,
    rules: PeriodRules,
    client: Client,
) -> None:
    match, likely, _other = doubtful
    candidate = factories.send([pupil], period, operator_a)[1][0]
    factories.login(client, verifier)

    client.post(
        reverse("verification:review-decide", args=[match.pk]),
        {"person": likely.pk, "same": "ya"},
    )

    match.refresh_from_db()
    assert (match.decision, match.method, match.person) == (
        MatchDecision.MATCHED,
        Method.MANUAL,
        likely,
    )
    assert ReviewDecision.objects.get().same_person
    assert AuditEntry.objects.filter(action="dtks.review").count() == 1
    evaluation = evaluate([candidate], period)[candidate.pk]
    assert evaluation.results[Rule.DTKS].passed is True
    assert not evaluation.auto_matched


def test_not_this_person_drops_that_candidate_only(
    doubtful: tuple[Match, Person, Person], verifier: User, client: Client
) -> None:
    match, likely, other = doubtful
    factories.login(client, verifier)

    client.post(
        reverse("verification:review-decide", args=[match.pk]),
        {"person": other.pk, "same": "tidak"},
    )

    match.refresh_from_db()
    assert match.decision == MatchDecision.REVIEW
    assert [c["person"] for c in match.candidates] == [likely.pk]


def test_a_review_settled_by_someone_else_is_not_overturned(
    doubtful: tuple[Match, Person, Person], verifier: User, client: Client
) -> None:
    match, likely, other = doubtful
    factories.login(client, verifier)
    url = reverse("verification:review-decide", args=[match.pk])
    client.post(url, {"person": likely.pk, "same": "ya"})

    response = client.post(url, {"person": other.pk, "same": "ya"}, follow=True)

    assert "sudah diputuskan" in response.content.decode()
    match.refresh_from_db()
    assert match.person == likely


def test_a_person_outside_the_match_is_refused(
    doubtful: tuple[Match, Person, Person],
    school_a: School,
    register: Snapshot,
    verifier: User,
    client: Client,
) -> None:
    match, _likely, _other = doubtful
    stranger = factories.person_for(
        factories.students(school_a, 1, start=50)[0], register, 9
    )
    factories.login(client, verifier)

    response = client.post(
        reverse("verification:review-decide", args=[match.pk]),
        {"person": stranger.pk, "same": "ya"},
        follow=True,
    )

    assert "bukan kandidat" in response.content.decode()
    assert not ReviewDecision.objects.exists()
