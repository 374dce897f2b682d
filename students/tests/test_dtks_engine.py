"""Matching pupils to the DTKS register: each method, review decisions, and
the same results whatever the order or the split."""

import json
import random
from datetime import date
from typing import Any

from students.dtks.blocking import RegisterFilter, date_variants, split_students
from students.dtks.engine import (
    Decision,
    Method,
    Person,
    Student,
    Thresholds,
    match_students,
    with_family_mothers,
)
from students.dtks.reader import CHILD, HEAD, SPOUSE
from students.dtks.synthetic import make_district

BORN = date(2012, 5, 17)
FAMILY_KK = "6311010101100001"


def student(key: int = 1, **fields: Any) -> Student:
    values: dict[str, Any] = {
        "key": key,
        "nik": "6311015705120001",
        "no_kk": "",
        "name": "Siti Aminah",
        "gender": "P",
        "birth_date": BORN,
        "birth_place": "Paringin",
        "mother_name": "Salmah",
        "desa": "Lok Batu",
        "kecamatan": "Juai",
    }
    values.update(fields)
    return Student(**values)


def person(key: int = 100, **fields: Any) -> Person:
    values: dict[str, Any] = {
        "key": key,
        "dtks_id": f"D{key}",
        "nik": "6311015705120001",
        "no_kk": FAMILY_KK,
        "name": "SITI AMINAH",
        "gender": "P",
        "birth_date": BORN,
        "birth_place": "PARINGIN",
        "relationship": CHILD,
        "mother_name": "SALMAH",
        "desa": "LOK BATU",
        "kecamatan": "JUAI",
        "desil": 2,
    }
    values.update(fields)
    return Person(**values)


def stranger(key: int, **fields: Any) -> Person:
    """Someone else born the same day in the same kecamatan."""
    values: dict[str, Any] = {
        "nik": f"631101570512{key:04d}",
        "no_kk": f"631101010110{key:04d}",
        "name": "NORHAYATI",
        "mother_name": "RUSMINAH",
        "desa": "BATU PIRING",
        "birth_place": "AMUNTAI",
    }
    values.update(fields)
    return person(key, **values)


def test_an_exact_nik_confirmed_by_name_and_birth_date_is_matched() -> None:
    (result,) = match_students([student()], [person(), stranger(101)])

    assert result.decision == Decision.MATCHED
    assert result.person_key == 100
    assert result.method == Method.NIK
    assert result.evidence["nik"]["level"] == "agree"
    assert result.evidence["name"]["level"] == "agree"
    assert result.evidence["birth_date"]["detail"] == "same"


def test_an_exact_nik_under_another_name_goes_to_review() -> None:
    # A mistyped NIK that happens to be someone else's.
    other = person(100, name="AHMAD FAUZAN", gender="L", mother_name="JUBAIDAH")
    true = person(101, nik="6311015705120011", no_kk="6311010101100099")

    (result,) = match_students([student()], [other, true])

    assert result.decision == Decision.REVIEW
    assert result.person_key is None
    assert {candidate.person_key for candidate in result.candidates} == {100, 101}
    vetoed = next(c for c in result.candidates if c.person_key == 100)
    assert vetoed.method == Method.NIK
    assert vetoed.evidence["name"]["level"] == "disagree"


def test_the_matching_child_of_the_family_is_found_by_no_kk() -> None:
    pupil = student(nik="-", no_kk=FAMILY_KK, name="Nur Halimah", birth_date=BORN)
    family = [
        person(100, nik=None, name="ABDUL RAHMAN", gender="L", relationship=HEAD),
        person(101, nik=None, name="SALMAH", relationship=SPOUSE, mother_name=""),
        person(102, nik=None, name="NOOR HALIMAH"),
        person(103, nik=None, name="NUR HIKMAH", birth_date=date(2015, 2, 1)),
    ]

    (result,) = match_students([pupil], family)

    assert (result.decision, result.person_key, result.method) == (
        Decision.MATCHED,
        102,
        Method.KK,
    )
    assert result.evidence["no_kk"]["level"] == "agree"
    assert result.evidence["nik"]["level"] == "missing"


def test_without_nik_and_kk_names_dates_and_mothers_find_the_person() -> None:
    # Spelling variants on both names and the day and month swapped.
    pupil = student(
        nik="0000000000000000",
        name="Sitti Aminah",
        birth_date=date(2012, 5, 7),
        mother_name="Hj. Salmah binti Ahmad",
    )
    true = person(100, nik=None, birth_date=date(2012, 7, 5))
    others = [stranger(key, nik=None) for key in range(101, 120)]

    (result,) = match_students([pupil], [*others, true])

    assert (result.decision, result.person_key, result.method) == (
        Decision.MATCHED,
        100,
        Method.FUZZY,
    )
    evidence = result.evidence
    assert evidence["birth_date"] == {
        "level": "close",
        "weight": evidence["birth_date"]["weight"],
        "detail": "day_month_swapped",
    }
    assert evidence["mother_name"]["level"] == "agree"
    assert evidence["name"]["similarity"] == 100


def test_a_wrong_birth_date_is_found_through_the_kecamatan_and_the_name() -> None:
    # Found, but with the birth date against it a verifier decides.
    pupil = student(nik="", birth_date=date(2011, 9, 30))

    (result,) = match_students([pupil], [person(100, nik=None)])

    assert result.decision == Decision.REVIEW
    assert [candidate.person_key for candidate in result.candidates] == [100]
    assert result.evidence["birth_date"]["level"] == "disagree"


def test_a_look_alike_is_not_matched() -> None:
    # Same common name, born three days apart, another mother and desa.
    pupil = student(nik="")
    look_alike = person(
        100,
        nik=None,
        birth_date=date(2012, 5, 20),
        mother_name="RUSMINAH",
        desa="BATU PIRING",
        no_kk="6311010101100002",
    )

    (result,) = match_students([pupil], [look_alike])

    assert result.decision == Decision.UNMATCHED
    assert result.person_key is None


def test_name_and_birth_date_alone_are_not_enough_for_an_automatic_match() -> None:
    pupil = student(nik="", mother_name="")
    namesake = person(100, nik=None, desa="BATU PIRING", mother_name="")

    (result,) = match_students([pupil], [namesake])

    assert result.decision == Decision.REVIEW
    assert result.candidates[0].person_key == 100


def test_twins_are_told_apart_by_name() -> None:
    pupil = student(nik="", no_kk=FAMILY_KK)
    twin = person(101, nik=None, name="SITI AISYAH")

    matched, alone = (
        match_students([pupil], [person(100, nik=None), twin]),
        match_students([pupil], [twin]),
    )

    assert matched[0].person_key == 100
    assert alone[0].decision != Decision.MATCHED


def test_a_person_listed_twice_with_one_nik_is_still_matched() -> None:
    register = [person(100), person(101, no_kk="6311010101100002")]

    (result,) = match_students([student()], register)

    assert (result.decision, result.person_key) == (Decision.MATCHED, 100)


def test_thresholds_decide_between_match_review_and_nothing() -> None:
    pupil = student(nik="")
    register = [person(100, nik=None)]

    strict = match_students([pupil], register, Thresholds(match=60.0))
    blind = match_students([pupil], register, Thresholds(match=60.0, review=60.0))

    assert strict[0].decision == Decision.REVIEW
    assert blind[0].decision == Decision.UNMATCHED


def test_a_same_person_decision_is_a_manual_match() -> None:
    pupil = student(nik="", name="Aminah", birth_date=date(2013, 1, 1))
    decisions = {(1, 100): True}

    (result,) = match_students([pupil], [person(100, nik=None)], decisions=decisions)

    assert (result.decision, result.person_key, result.method) == (
        Decision.MATCHED,
        100,
        Method.MANUAL,
    )
    assert result.evidence["birth_date"]["level"] == "disagree"


def test_a_not_this_person_decision_is_never_proposed_again() -> None:
    register = [person(100), stranger(101)]
    decisions = {(1, 100): False}

    (result,) = match_students([student()], register, decisions=decisions)

    assert result.decision == Decision.UNMATCHED
    assert result.candidates == ()


def test_decisions_about_other_pupils_change_nothing() -> None:
    decisions = {(2, 100): False, (3, 100): True}

    (result,) = match_students([student()], [person()], decisions=decisions)

    assert (result.decision, result.method) == (Decision.MATCHED, Method.NIK)


def test_family_mothers_fill_the_children_without_one() -> None:
    family = [
        person(100, name="ABDUL", gender="L", relationship=HEAD, mother_name=""),
        person(101, name="HJ. SALMAH", relationship=SPOUSE, mother_name="ASMAH"),
        person(102, mother_name=""),
        person(103, mother_name="RUSMINAH"),
        person(104, no_kk="6311010101100002", mother_name=""),
    ]

    filled = {p.key: p.mother_name for p in with_family_mothers(family)}

    assert filled == {
        100: "",
        101: "ASMAH",
        102: "HJ. SALMAH",
        103: "RUSMINAH",
        104: "",
    }


def test_evidence_is_json() -> None:
    (result,) = match_students([student(nik="")], [person(nik=None)])

    assert json.loads(json.dumps(result.evidence)) == result.evidence


def test_date_variants_cover_the_usual_errors() -> None:
    variants = {date.fromordinal(ordinal) for ordinal in date_variants(BORN)}

    assert variants == {
        BORN,
        date(2012, 5, 16),
        date(2012, 5, 18),
        date(2011, 5, 17),
        date(2013, 5, 17),
    }
    assert date(2012, 7, 5) in {
        date.fromordinal(o) for o in date_variants(date(2012, 5, 7))
    }


def test_results_do_not_depend_on_order_or_split() -> None:
    district = make_district(students=600, seed=11)
    people = with_family_mothers(district.people)
    whole = {r.student_key: r for r in match_students(district.students, people)}

    for by, parts in (("kecamatan", 3), ("birth_year", 4)):
        split: dict[int, Any] = {}
        for part in split_students(district.students, parts, by=by):
            wanted = RegisterFilter.for_students(part)
            register = [p for p in people if wanted.wants(p)]
            random.Random(parts).shuffle(register)
            shuffled = random.Random(7).sample(part, len(part))
            split.update((r.student_key, r) for r in match_students(shuffled, register))

        assert split == whole


def test_a_split_keeps_blocks_whole_and_parts_balanced() -> None:
    pupils = [
        student(key, kecamatan=kecamatan)
        for key, kecamatan in enumerate(["Juai"] * 6 + ["Halong"] * 3 + ["Awayan"] * 3)
    ]

    parts = split_students(pupils, 2, by="kecamatan")

    assert sorted(len(part) for part in parts) == [6, 6]
    assert sorted(s.key for part in parts for s in part) == list(range(12))
    for part in parts:
        assert len({s.kecamatan for s in part}) in (1, 2)
    assert split_students(pupils, 2, by="kecamatan") == parts
    assert len(split_students(pupils, 5, by="kecamatan")) == 3
