"""A verifier's pages issue the same number of SQL queries for 5 candidates
as for 50: nothing is read row by row."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from balangan_pintar.models import Period
from students.dtks.engine import Decision as MatchDecision
from students.dtks.engine import Method
from students.dtks.models import Snapshot
from students.models import School, Submission

from ..models import PeriodRules, SchoolQuota, SupportingDocument
from . import factories

MAX_QUERIES = 30


def district(
    count: int,
    school: School,
    period: Period,
    operator: User,
    register: Snapshot,
) -> Submission:
    """``count`` candidates in one submission, with every kind of evidence:
    automatic matches, reviews, documents, duplicates and a quota."""
    period.quota_per_school = count // 2
    period.save()
    SchoolQuota.objects.create(period=period, school=school, quota=count // 2 + 1)
    pupils = factories.students(school, count)
    for index, pupil in enumerate(pupils):
        if index % 5 == 4:
            person = factories.person_for(pupil, register, name="NAMA LAIN")
            factories.match(
                pupil,
                register,
                None,
                decision=MatchDecision.REVIEW,
                method=Method.FUZZY,
                candidates=[{"person": person.pk, "method": "fuzzy", "score": 11.0}],
            )
        else:
            factories.matched(pupil, register, desil=1 + index % 6)
    submission, candidates = factories.send(pupils, period, operator)
    for candidate in candidates[::3]:
        SupportingDocument.objects.create(
            candidate=candidate,
            file="verification/x.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
        )
    return submission


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


PAGES: list[tuple[str, Callable[[Submission], str]]] = [
    ("queue", lambda s: reverse("verification:queue")),
    ("submission", lambda s: reverse("verification:submission-detail", args=[s.pk])),
    ("bulk", lambda s: reverse("verification:bulk-approve", args=[s.pk])),
    (
        "candidate",
        lambda s: reverse(
            "verification:candidate-detail", args=[s.candidates.order_by("pk")[0].pk]
        ),
    ),
    ("review", lambda s: reverse("verification:review-queue") + "?cakupan=semua"),
    ("recipients", lambda s: reverse("verification:recipients")),
]


@pytest.mark.parametrize(("name", "url_of"), PAGES, ids=[name for name, _ in PAGES])
def test_a_verifier_page_costs_the_same_queries_for_5_and_50_candidates(
    name: str,
    url_of: Callable[[Submission], str],
    school_a: School,
    school_b: School,
    period: Period,
    operator_a: User,
    operator_b: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
    client: Client,
) -> None:
    small = district(5, school_a, period, operator_a, register)
    large = district(50, school_b, period, operator_b, register)
    factories.login(client, verifier)
    client.get(url_of(small))  # the session and the user's groups, once

    few = count_queries(client, url_of(small))
    many = count_queries(client, url_of(large))

    assert few == many
    assert many <= MAX_QUERIES


def test_the_school_page_costs_the_same_for_5_and_50_candidates(
    school_a: School,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
    client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    district(5, school_a, period, operator_a, register)
    factories.login(client, operator_a)
    url = reverse("verification:school-decisions")
    client.get(url)
    few = count_queries(client, url)

    district_more = factories.students(school_a, 45, start=100)
    for pupil in district_more:
        factories.matched(pupil, register)
    factories.send(district_more, period, operator_a)
    many = count_queries(client, url)

    assert few == many
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)
