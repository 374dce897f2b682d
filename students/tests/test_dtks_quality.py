"""The matcher on a generated district meets the programme's quality goals,
and the generator makes the flaws it claims to."""

from collections import Counter

import pytest

from students.dtks.engine import (
    Candidate,
    Decision,
    MatchResult,
    match_students,
    with_family_mothers,
)
from students.dtks.names import match_name
from students.dtks.quality import (
    PRECISION_GOAL,
    RECALL_GOAL,
    REVIEW_GOAL,
    quality_report,
)
from students.dtks.scoring import usable_nik
from students.dtks.synthetic import ABSENT_KINDS, KINDS, District, make_district


@pytest.fixture(scope="module")
def district() -> District:
    return make_district(students=2000, seed=2026)


def test_matching_a_generated_district_meets_the_goals(district: District) -> None:
    results = match_students(district.students, with_family_mothers(district.people))

    report = quality_report(results, district.truth)

    overall = report.overall
    assert overall.students == 2000
    assert overall.precision >= PRECISION_GOAL, report.as_text()
    assert overall.recall >= RECALL_GOAL, report.as_text()
    assert overall.review_share <= REVIEW_GOAL, report.as_text()
    assert report.meets_goals()
    assert set(report.kinds) == {*KINDS, "all"}
    # Pupils who are not in the register are never matched to anyone.
    for kind in ABSENT_KINDS:
        assert report.kinds[kind].matched == 0, report.as_text()


def test_the_same_seed_gives_the_same_district() -> None:
    first = make_district(students=200, seed=5)
    second = make_district(students=200, seed=5)
    other = make_district(students=200, seed=6)

    assert first.students == second.students
    assert first.people == second.people
    assert first.truth == second.truth
    assert first.students != other.students


def test_every_kind_of_flaw_is_there_in_its_share(district: District) -> None:
    kinds = Counter(truth.kind for truth in district.truth.values())

    for kind, share in KINDS.items():
        assert kinds[kind] == pytest.approx(2000 * share, abs=2)


def test_the_flaws_are_what_they_say(district: District) -> None:
    people = {person.key: person for person in district.people}
    for student in district.students:
        truth = district.truth[student.key]
        if truth.person_key is None:
            assert truth.kind in ABSENT_KINDS
            continue

        person = people[truth.person_key]
        if truth.kind == "clean":
            assert match_name(student.name) == match_name(person.name)
            assert student.birth_date == person.birth_date
            assert student.nik == person.nik or person.nik is None
        elif truth.kind == "nik_typo" and person.nik:
            assert student.nik is not None
            assert student.nik != person.nik
            changed = sum(a != b for a, b in zip(student.nik, person.nik, strict=True))
            swapped = sorted(student.nik) == sorted(person.nik)
            assert changed == 1 or (changed == 2 and swapped)
        elif truth.kind == "birth_date_off":
            assert student.birth_date != person.birth_date
        elif truth.kind in ("moved", "look_alike", "combined"):
            assert usable_nik(student.nik) is None
            assert not student.no_kk


def test_look_alikes_share_the_name_but_not_the_family(district: District) -> None:
    by_name: dict[str, list] = {}
    for person in district.people:
        by_name.setdefault(person.name, []).append(person)

    for student in district.students:
        truth = district.truth[student.key]
        if truth.kind != "look_alike":
            continue
        true = next(p for p in district.people if p.key == truth.person_key)
        twins = [p for p in by_name[true.name] if p.key != true.key]
        assert any(
            0 < abs((p.birth_date - true.birth_date).days) <= 6
            and p.mother_name != true.mother_name
            and p.desa != true.desa
            for p in twins
        )


def test_the_report_counts_review_with_the_true_person_as_found() -> None:
    evidence: dict = {}
    results = [
        MatchResult(1, 10, "nik", 30.0, Decision.MATCHED, evidence),
        MatchResult(2, 99, "fuzzy", 16.0, Decision.MATCHED, evidence),
        MatchResult(
            3,
            None,
            "fuzzy",
            12.0,
            Decision.REVIEW,
            evidence,
            (
                Candidate(31, "fuzzy", 12.0, evidence),
                Candidate(30, "kk", 11.0, evidence),
            ),
        ),
        MatchResult(4, None, "", 0.0, Decision.UNMATCHED, {}),
    ]
    truth = {1: (10, "clean"), 2: (20, "clean"), 3: (30, "clean"), 4: (None, "clean")}

    report = quality_report(results, truth)

    clean = report.kinds["clean"]
    assert (clean.matched, clean.matched_right, clean.review) == (2, 1, 1)
    assert clean.precision == 0.5
    assert clean.recall == pytest.approx(2 / 3)
    assert clean.review_share == 0.25
    assert not report.meets_goals()
