"""Matching students stored in the database against a stored snapshot: the
quality goals on a generated district, the same results as the in-memory
engine however the work is split, idempotent re-runs, review decisions
reused, the district job and the status other apps read."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balangan_pintar.jobs import create_job
from balangan_pintar.models import Job
from students.dtks.blocking import RegisterFilter
from students.dtks.choices import Decision, Method
from students.dtks.engine import match_students, with_family_mothers
from students.dtks.models import Match, Person, ReviewDecision
from students.dtks.quality import (
    PRECISION_GOAL,
    RECALL_GOAL,
    REVIEW_GOAL,
    quality_report,
)
from students.dtks.review import record_review
from students.dtks.services import matching
from students.dtks.services.loading import listed_students, load_people
from students.dtks.services.matching import (
    match_listed,
    match_school_after_upload,
    plan_district_match,
    run_match_part,
)
from students.dtks.services.synthetic_district import (
    StoredDistrict,
    import_people,
    store_district,
    stored_results,
)
from students.dtks.status import dtks_status_for, with_decision
from students.dtks.synthetic import District, make_district
from students.models import Student
from students.services import upload

STUDENTS = 600
SEED = 2026


@pytest.fixture(scope="module")
def district() -> District:
    return make_district(students=STUDENTS, seed=SEED)


@pytest.fixture
def stored(
    db: None, district: District, settings: Any, tmp_path: Any
) -> StoredDistrict:
    settings.MEDIA_ROOT = tmp_path / "files"
    return store_district(district)


def outcome(result: Any) -> tuple[Any, ...]:
    return (
        result.student_key,
        str(result.decision),
        result.person_key,
        str(result.method),
        result.score,
        tuple(candidate.person_key for candidate in result.candidates),
    )


def rows() -> list[tuple[Any, ...]]:
    return list(
        Match.objects.order_by("pk").values_list(
            "pk", "student_id", "person_id", "decision", "score", "matched_at"
        )
    )


def test_matching_through_the_database_meets_the_quality_goals(
    stored: StoredDistrict, district: District
) -> None:
    counts = match_listed()

    report = quality_report(stored_results(stored), district.truth)
    overall = report.overall
    assert counts is not None and counts.students == STUDENTS
    assert overall.students == STUDENTS
    assert overall.precision >= PRECISION_GOAL, report.as_text()
    assert overall.recall >= RECALL_GOAL, report.as_text()
    assert overall.review_share <= REVIEW_GOAL, report.as_text()


def test_the_database_gives_the_results_of_the_in_memory_engine(
    stored: StoredDistrict, district: District
) -> None:
    match_listed()

    in_memory = match_students(district.students, with_family_mothers(district.people))
    assert [outcome(r) for r in stored_results(stored)] == [
        outcome(r) for r in in_memory
    ]


def test_any_split_gives_the_same_matches(stored: StoredDistrict) -> None:
    match_listed(parts=1)
    whole = [outcome(r) for r in stored_results(stored)]
    Match.objects.all().delete()

    match_listed(parts=5)

    assert [outcome(r) for r in stored_results(stored)] == whole


def test_matching_again_changes_and_duplicates_nothing(stored: StoredDistrict) -> None:
    match_listed()
    first = rows()

    match_listed(parts=3)

    assert rows() == first
    assert len(first) == STUDENTS


def test_a_school_is_matched_after_its_upload(stored: StoredDistrict) -> None:
    school_id = Student.objects.order_by("pk").values_list("school_id", flat=True)[0]

    assert match_school_after_upload in upload.after_import_hooks
    match_school_after_upload(school_id)

    matched = set(Match.objects.values_list("student__school_id", flat=True))
    assert matched == {school_id}


@pytest.mark.django_db
def test_without_a_snapshot_nothing_is_matched(student_a: Student) -> None:
    match_school_after_upload(student_a.school_id)

    assert match_listed() is None
    assert not Match.objects.exists()


def test_not_this_person_never_comes_back(
    stored: StoredDistrict, verifier: User
) -> None:
    match_listed()
    match = Match.objects.filter(decision=Decision.MATCHED).order_by("pk").first()
    assert match is not None and match.person is not None
    person = match.person

    record_review(match, person, same_person=False, user=verifier)
    match_listed()

    match.refresh_from_db()
    assert match.person_id != person.pk
    assert person.pk not in [option["person"] for option in match.candidates]


def test_same_person_stays_matched(stored: StoredDistrict, verifier: User) -> None:
    match_listed()
    match = Match.objects.filter(decision=Decision.REVIEW).order_by("pk").first()
    assert match is not None
    person = Person.objects.get(pk=match.candidates[-1]["person"])

    record_review(match, person, same_person=True, user=verifier)
    match_listed()

    match.refresh_from_db()
    assert (match.decision, match.method, match.person_id) == (
        Decision.MATCHED,
        Method.MANUAL,
        person.pk,
    )


def test_a_decision_holds_for_a_newer_snapshot(
    stored: StoredDistrict, district: District, verifier: User
) -> None:
    match_listed()
    match = Match.objects.filter(decision=Decision.REVIEW).order_by("pk").first()
    assert match is not None
    person = Person.objects.get(pk=match.candidates[0]["person"])
    record_review(match, person, same_person=True, user=verifier)

    newer = import_people(district.people, label="baru")
    match_listed()

    again = Match.objects.get(student_id=match.student_id, snapshot=newer)
    assert again.method == Method.MANUAL
    assert again.person is not None
    assert again.person.dtks_id == person.dtks_id
    assert ReviewDecision.objects.count() == 1


def test_children_without_a_mother_get_the_woman_of_their_family(
    stored: StoredDistrict,
) -> None:
    students = listed_students()
    assert stored.snapshot is not None
    people = load_people(stored.snapshot, RegisterFilter.for_students(students))

    expected = {
        person.key: person.mother_name
        for person in with_family_mothers(stored.district.people)
    }
    dtks_ids = dict(
        Person.objects.filter(snapshot=stored.snapshot).values_list("pk", "dtks_id")
    )
    assert people
    for person in people:
        key = int(dtks_ids[person.key]) - 3_000_000_000
        assert person.mother_name == expected[key]


def test_the_status_of_many_students_takes_one_query(
    stored: StoredDistrict,
) -> None:
    match_listed()
    ids = list(Student.objects.values_list("pk", flat=True))
    matched = Match.objects.filter(decision=Decision.MATCHED).select_related(
        "person", "snapshot"
    )[0]

    with CaptureQueriesContext(connection) as queries:
        statuses = dtks_status_for(ids)

    assert len(queries) == 1
    assert len(statuses) == STUDENTS
    status = statuses[matched.student_id]
    assert matched.person is not None
    assert (status.decision, status.method, status.desil) == (
        Decision.MATCHED,
        matched.method,
        matched.person.desil,
    )
    assert status.snapshot_label == matched.snapshot.label
    assert status.person_id == matched.person_id
    in_review = with_decision(Student.objects.all(), Decision.REVIEW)
    assert set(in_review.values_list("pk", flat=True)) == {
        pk for pk, info in statuses.items() if info.decision == Decision.REVIEW
    }


def test_the_district_job_counts_each_part_once(
    stored: StoredDistrict,
    dinas_admin: User,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.DTKS_MATCH_PARTS = 3
    sent: list[tuple[Any, ...]] = []

    class Task:
        @staticmethod
        def delay(*args: Any) -> None:
            sent.append(args)

    monkeypatch.setattr("students.dtks.tasks.match_part", Task)
    job = create_job(Job.Kind.DTKS_MATCH, user=dinas_admin)

    plan_district_match(str(job.pk))
    for args in sent:
        run_match_part(*args)
    run_match_part(*sent[0])

    job.refresh_from_db()
    assert len(sent) == 3
    assert job.state == Job.State.SUCCEEDED
    assert (job.done, job.total) == (STUDENTS, STUDENTS)
    assert job.result["counts"]["students"] == STUDENTS
    assert Match.objects.count() == STUDENTS
    assert "siswa dicocokkan" in job.message


def test_a_part_of_an_old_plan_no_longer_counts(
    stored: StoredDistrict, dinas_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[Any, ...]] = []

    class Task:
        @staticmethod
        def delay(*args: Any) -> None:
            sent.append(args)

    monkeypatch.setattr("students.dtks.tasks.match_part", Task)
    job = create_job(Job.Kind.DTKS_MATCH, user=dinas_admin)
    plan_district_match(str(job.pk))
    old = sent[:]
    plan_district_match(str(job.pk))

    run_match_part(*old[0])

    job.refresh_from_db()
    assert job.done == 0
    assert job.state == Job.State.RUNNING


@pytest.mark.django_db
def test_the_district_job_fails_without_a_snapshot(dinas_admin: User) -> None:
    job = create_job(Job.Kind.DTKS_MATCH, user=dinas_admin)

    plan_district_match(str(job.pk))

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "snapshot" in job.message


def test_a_part_that_fails_fails_the_job(
    stored: StoredDistrict, dinas_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[Any, ...]] = []

    class Task:
        @staticmethod
        def delay(*args: Any) -> None:
            sent.append(args)

    def crash(*args: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("students.dtks.tasks.match_part", Task)
    job = create_job(Job.Kind.DTKS_MATCH, user=dinas_admin)
    plan_district_match(str(job.pk))
    monkeypatch.setattr(matching, "match_part", crash)

    with pytest.raises(RuntimeError):
        run_match_part(*sent[0])

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "boom" not in job.message
