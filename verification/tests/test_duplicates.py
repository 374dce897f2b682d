"""One candidate per pupil per period across all schools: the same NISN or
NIK proposed by two schools is caught and shown on both."""

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import Period
from conftest import make_student
from students.dtks.models import Snapshot
from students.models import Candidate, School, Status
from students.services.pipeline import move_candidate

from ..models import PeriodRules, Reason
from ..services.rules import Rule, RuleResult, evaluate
from . import factories


def duplicate_results(candidates: list[Candidate], period: Period) -> list[RuleResult]:
    fresh = Candidate.objects.filter(pk__in=[c.pk for c in candidates])
    found = evaluate(fresh.select_related("student", "school"), period)
    return [found[c.pk].results[Rule.DUPLICATE] for c in candidates]


def test_the_same_nisn_at_two_schools_fails_on_both_pages(
    school_a: School,
    school_b: School,
    operator_a: User,
    operator_b: User,
    verifier: User,
    period: Period,
    register: Snapshot,
    rules: PeriodRules,
    client: Client,
) -> None:
    at_a = make_student(school_a, "0011223344", name="Rahmat Hidayat", nik="")
    at_b = make_student(school_b, "0011223344", name="Rahmat Hidayat", nik="")
    submission_a, (first,) = factories.send([at_a], period, operator_a)
    submission_b, (second,) = factories.send([at_b], period, operator_b)

    results = duplicate_results([first, second], period)

    for result in results:
        assert result.passed is False
        assert result.reason == Reason.OTHER_SCHOOL
    assert school_b.name in results[0].message
    assert school_a.name in results[1].message

    factories.login(client, verifier)
    page_a = client.get(
        reverse("verification:submission-detail", args=[submission_a.pk])
    )
    page_b = client.get(
        reverse("verification:submission-detail", args=[submission_b.pk])
    )
    assert school_b.name in page_a.content.decode()
    assert school_a.name in page_b.content.decode()


def test_the_same_nik_under_another_nisn_is_caught(
    school_a: School,
    school_b: School,
    operator_a: User,
    operator_b: User,
    period: Period,
    rules: PeriodRules,
) -> None:
    at_a = make_student(school_a, "0011223344", nik="6311065705140001")
    at_b = make_student(school_b, "0099887766", nik="6311065705140001")
    _s, (first,) = factories.send([at_a], period, operator_a)
    _s, (second,) = factories.send([at_b], period, operator_b)

    results = duplicate_results([first, second], period)

    assert [r.passed for r in results] == [False, False]
    assert "NIK" in results[0].message


def test_placeholder_niks_do_not_make_pupils_duplicates(
    school_a: School,
    school_b: School,
    operator_a: User,
    operator_b: User,
    period: Period,
    rules: PeriodRules,
) -> None:
    at_a = make_student(school_a, "0011223344", nik="0000000000000000")
    at_b = make_student(school_b, "0099887766", nik="0000000000000000")
    _s, (first,) = factories.send([at_a], period, operator_a)
    _s, (second,) = factories.send([at_b], period, operator_b)

    results = duplicate_results([first, second], period)

    assert [r.passed for r in results] == [True, True]


def test_a_candidate_rejected_elsewhere_is_no_longer_a_duplicate(
    school_a: School,
    school_b: School,
    operator_a: User,
    operator_b: User,
    verifier: User,
    period: Period,
    rules: PeriodRules,
) -> None:
    at_a = make_student(school_a, "0011223344", nik="")
    at_b = make_student(school_b, "0011223344", nik="")
    _s, (first,) = factories.send([at_a], period, operator_a)
    _s, (second,) = factories.send([at_b], period, operator_b)
    move_candidate(first, Status.REJECTED, actor=verifier)

    (result,) = duplicate_results([second], period)

    assert result.passed is True
