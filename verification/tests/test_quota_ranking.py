"""A school proposing more than its quota: its candidates are ranked by desil,
then by the strength of the match, and those beyond the quota fail."""

from django.contrib.auth.models import User

from balangan_pintar.models import Period
from students.dtks.models import Snapshot
from students.models import Candidate, School, Status
from students.services.pipeline import move_candidate

from ..models import PeriodRules, Reason, SchoolQuota
from ..services.rules import Evaluation, Rule, evaluate
from . import factories


def evaluations(candidates: list[Candidate], period: Period) -> list[Evaluation]:
    fresh = Candidate.objects.filter(pk__in=[c.pk for c in candidates])
    found = evaluate(fresh.select_related("student", "school"), period)
    return [found[c.pk] for c in candidates]


def test_candidates_are_ranked_by_desil_and_those_beyond_the_quota_fail(
    school_a: School,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    period.quota_per_school = 2
    period.save()
    pupils = factories.students(school_a, 4)
    for pupil, desil in zip(pupils, [3, 1, None, 2], strict=True):
        factories.matched(pupil, register, desil=desil)
    _submission, candidates = factories.send(pupils, period, operator_a)

    ranked = evaluations(candidates, period)

    assert [e.rank for e in ranked] == [3, 1, 4, 2]
    assert [e.results[Rule.QUOTA].passed for e in ranked] == [
        False,
        True,
        False,
        True,
    ]
    assert ranked[0].results[Rule.QUOTA].reason == Reason.OVER_QUOTA
    assert ranked[0].suggested_reason == Reason.OVER_QUOTA
    assert "Peringkat 3 dari 4" in ranked[0].results[Rule.QUOTA].message


def test_equal_desil_is_decided_by_the_match_score(
    school_a: School,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    period.quota_per_school = 1
    period.save()
    pupils = factories.students(school_a, 2)
    factories.matched(pupils[0], register, desil=2, score=18.0)
    factories.matched(pupils[1], register, desil=2, score=31.5)
    _submission, candidates = factories.send(pupils, period, operator_a)

    weaker, stronger = evaluations(candidates, period)

    assert stronger.rank == 1
    assert stronger.results[Rule.QUOTA].passed is True
    assert weaker.results[Rule.QUOTA].passed is False


def test_approved_candidates_use_places_and_the_page_subset_is_ranked_in_full(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    period.quota_per_school = 2
    period.save()
    pupils = factories.students(school_a, 3)
    for pupil, desil in zip(pupils, [1, 2, 3], strict=True):
        factories.matched(pupil, register, desil=desil)
    _submission, candidates = factories.send(pupils, period, operator_a)
    move_candidate(candidates[0], Status.APPROVED, actor=verifier)

    # Only the last candidate is asked about; the one before still outranks it.
    last = evaluations([candidates[2]], period)[0]

    assert last.results[Rule.QUOTA].passed is False
    assert "1 sudah disetujui" in last.results[Rule.QUOTA].message


def test_a_schools_own_quota_replaces_the_periods(
    school_a: School,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    period.quota_per_school = 1
    period.save()
    SchoolQuota.objects.create(period=period, school=school_a, quota=3)
    pupils = factories.students(school_a, 3)
    for pupil in pupils:
        factories.matched(pupil, register)
    _submission, candidates = factories.send(pupils, period, operator_a)

    assert all(e.results[Rule.QUOTA].passed for e in evaluations(candidates, period))


def test_candidates_failing_other_rules_take_no_place(
    school_a: School,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    period.quota_per_school = 1
    period.save()
    kip, eligible = factories.students(school_a, 2)
    kip.kip_recipient = True
    kip.save()
    factories.matched(kip, register, desil=1)
    factories.matched(eligible, register, desil=3)
    _submission, candidates = factories.send([kip, eligible], period, operator_a)

    kip_eval, eligible_eval = evaluations(candidates, period)

    assert kip_eval.results[Rule.QUOTA].passed is None
    assert kip_eval.rank is None
    assert eligible_eval.results[Rule.QUOTA].passed is True


def test_without_a_quota_the_rule_does_not_apply(
    school_a: School,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    pupils = factories.students(school_a, 3)
    for pupil in pupils:
        factories.matched(pupil, register)
    _submission, candidates = factories.send(pupils, period, operator_a)

    assert {e.results[Rule.QUOTA].passed for e in evaluations(candidates, period)} == {
        None
    }
