"""Each eligibility rule passes when it should and fails with its reason."""

from django.contrib.auth.models import User

from balangan_pintar.models import Jenjang, Period
from students.dtks.engine import Decision as MatchDecision
from students.dtks.engine import Method
from students.dtks.models import ReviewDecision, Snapshot
from students.models import Candidate, Kecamatan, School, Student

from ..models import PeriodRules, Reason, SupportingDocument
from ..services.rules import Evaluation, Rule, evaluate
from . import factories


def evaluated(candidate: Candidate) -> Evaluation:
    fresh = Candidate.objects.select_related("student", "school").get(pk=candidate.pk)
    return evaluate([fresh], fresh.period)[fresh.pk]


def sent(student: Student, period: Period, operator: User) -> Candidate:
    return factories.send([student], period, operator)[1][0]


def test_a_matched_pupil_within_the_desil_limit_passes_every_rule(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    factories.matched(student_a, register, desil=4)
    candidate = sent(student_a, period, operator_a)

    evaluation = evaluated(candidate)

    assert evaluation.passes_all
    assert evaluation.auto_matched
    assert evaluation.bulk_approvable
    assert evaluation.results[Rule.DTKS].passed is True
    assert "desil 4" in evaluation.results[Rule.DTKS].message


def test_a_desil_above_the_limit_fails(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    factories.matched(student_a, register, desil=5)
    candidate = sent(student_a, period, operator_a)

    result = evaluated(candidate).results[Rule.DTKS]

    assert result.passed is False
    assert result.reason == Reason.DESIL_ABOVE_LIMIT
    assert "5" in result.message


def test_the_desil_limit_is_the_periods_setting(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    factories.matched(student_a, register, desil=6)
    candidate = sent(student_a, period, operator_a)
    rules.max_desil = 6
    rules.save()

    assert evaluated(candidate).results[Rule.DTKS].passed is True


def test_a_register_without_desil_is_not_checked_for_it(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    factories.matched(student_a, register, desil=None)
    candidate = sent(student_a, period, operator_a)

    result = evaluated(candidate).results[Rule.DTKS]

    assert result.passed is True
    assert "desil tidak tercatat" in result.message


def test_a_pupil_not_found_in_dtks_fails_as_not_in_dtks(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    factories.match(student_a, register, None, decision=MatchDecision.UNMATCHED)
    candidate = sent(student_a, period, operator_a)

    result = evaluated(candidate).results[Rule.DTKS]

    assert result.passed is False
    assert result.reason == Reason.NOT_IN_DTKS


def test_a_pupil_waiting_for_review_fails_without_a_reject_reason(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    person = factories.person_for(student_a, register, name="SITI RAHMAWATI")
    factories.match(
        student_a,
        register,
        None,
        decision=MatchDecision.REVIEW,
        method=Method.FUZZY,
        candidates=[{"person": person.pk, "method": "fuzzy", "score": 12.0}],
    )
    candidate = sent(student_a, period, operator_a)

    evaluation = evaluated(candidate)

    assert evaluation.results[Rule.DTKS].passed is False
    assert evaluation.results[Rule.DTKS].reason is None
    assert "tinjauan" in evaluation.results[Rule.DTKS].message


def test_a_review_saying_same_person_counts_as_in_dtks_but_not_automatic(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    person = factories.person_for(student_a, register, desil=1)
    factories.match(student_a, register, person, method=Method.MANUAL, score=14.0)
    ReviewDecision.objects.create(
        student=student_a, dtks_id=person.dtks_id, same_person=True
    )
    candidate = sent(student_a, period, operator_a)

    evaluation = evaluated(candidate)

    assert evaluation.results[Rule.DTKS].passed is True
    assert evaluation.confirmed_by_review
    assert not evaluation.bulk_approvable


def test_a_same_person_review_holds_before_matching_reruns(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    person = factories.person_for(student_a, register, desil=3)
    factories.match(student_a, register, None, decision=MatchDecision.REVIEW)
    ReviewDecision.objects.create(
        student=student_a, dtks_id=person.dtks_id, same_person=True
    )
    candidate = sent(student_a, period, operator_a)

    evaluation = evaluated(candidate)

    assert evaluation.results[Rule.DTKS].passed is True
    assert evaluation.person == person


def test_a_not_same_person_review_gives_its_own_reason(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    person = factories.person_for(student_a, register)
    factories.match(student_a, register, None, decision=MatchDecision.UNMATCHED)
    ReviewDecision.objects.create(
        student=student_a, dtks_id=person.dtks_id, same_person=False
    )
    candidate = sent(student_a, period, operator_a)

    result = evaluated(candidate).results[Rule.DTKS]

    assert result.passed is False
    assert result.reason == Reason.NOT_SAME_PERSON


def test_a_pupil_not_yet_matched_or_without_a_register_fails(
    student_a: Student, period: Period, operator_a: User, rules: PeriodRules
) -> None:
    candidate = sent(student_a, period, operator_a)

    assert "Belum ada data DTKS" in evaluated(candidate).results[Rule.DTKS].message

    factories.snapshot()
    result = evaluated(candidate).results[Rule.DTKS]
    assert result.passed is False
    assert "Belum dicocokkan" in result.message


def test_only_the_newest_complete_snapshot_counts(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    factories.matched(student_a, register)
    newer = factories.snapshot("DTSEN Juni 2026")
    factories.match(student_a, newer, None, decision=MatchDecision.UNMATCHED)
    candidate = sent(student_a, period, operator_a)

    assert evaluated(candidate).results[Rule.DTKS].reason == Reason.NOT_IN_DTKS


def test_a_kip_recipient_fails(
    school_a: School,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    pupil = factories.students(school_a, 1, kip_recipient=True)[0]
    factories.matched(pupil, register)
    candidate = sent(pupil, period, operator_a)

    evaluation = evaluated(candidate)

    assert evaluation.results[Rule.KIP].passed is False
    assert evaluation.results[Rule.KIP].reason == Reason.KIP_RECIPIENT
    assert not evaluation.bulk_approvable


def test_a_pupil_no_longer_in_the_schools_upload_fails(
    school_a: School,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    pupil = factories.students(school_a, 1)[0]
    factories.matched(pupil, register)
    candidate = sent(pupil, period, operator_a)
    Student.objects.filter(pk=pupil.pk).update(is_listed=False)

    result = evaluated(candidate).results[Rule.ACTIVE]

    assert result.passed is False
    assert result.reason == Reason.NOT_ACTIVE


def test_a_jenjang_outside_the_periods_list_fails_until_added(
    period: Period, register: Snapshot, rules: PeriodRules
) -> None:
    sma = School.objects.create(
        npsn="30304099",
        name="SMAN 1 Paringin",
        jenjang=Jenjang.SMA,
        status=School.Status.NEGERI,
        kecamatan=Kecamatan.objects.get(name="Paringin"),
    )
    operator = User.objects.create_user("op_sma")
    pupil = factories.students(sma, 1)[0]
    factories.matched(pupil, register)
    candidate = sent(pupil, period, operator)

    result = evaluated(candidate).results[Rule.JENJANG]
    assert result.passed is False
    assert result.reason == Reason.JENJANG_NOT_COVERED

    rules.jenjang = [*rules.jenjang, Jenjang.SMA]
    rules.save()
    assert evaluated(candidate).results[Rule.JENJANG].passed is True


def test_the_sktm_rule_follows_the_period_setting(
    student_a: Student,
    period: Period,
    operator_a: User,
    register: Snapshot,
    rules: PeriodRules,
) -> None:
    factories.matched(student_a, register)
    candidate = sent(student_a, period, operator_a)
    assert evaluated(candidate).results[Rule.SKTM].passed is None

    rules.sktm_required = True
    rules.save()
    missing = evaluated(candidate).results[Rule.SKTM]
    assert missing.passed is False
    assert "belum" in missing.message

    SupportingDocument.objects.create(
        candidate=candidate,
        file="verification/x.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )
    assert evaluated(candidate).results[Rule.SKTM].passed is True


def test_a_period_without_rules_uses_the_defaults(period: Period) -> None:
    defaults = PeriodRules.for_period(period)

    assert defaults.pk is None
    assert defaults.max_desil == 4
    assert defaults.jenjang == ["SD", "MI", "SMP", "MTs"]
    assert defaults.sktm_required
