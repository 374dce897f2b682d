"""A generated district (``students.dtks.synthetic``) written into the
database and into files, for trying the system, for the quality report
through the database and for the benchmarks.

Schools get NPSNs starting with 69, which no school of Balangan has; the
register goes through the same import as a real extract, and its people keep
the generated ids as their IDDTKS, so the truth of the district can be read
back from the stored matches.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from balangan_pintar.models import Jenjang
from students.models import Kecamatan, School, Student

from ..blocking import place_form
from ..engine import Candidate, MatchResult
from ..engine import Person as EnginePerson
from ..models import Match, Person, Snapshot
from ..synthetic import REFERENCE_DATE, REGISTER_HEADER, District, register_row
from .importing import import_register, receive_register

NPSN_PREFIX = "69"
DTKS_ID_BASE = 3_000_000_000
# Pupils up to this age go to the SD of their kecamatan, older ones to the
# SMP.
SD_LAST_AGE = 12
CHUNK = 1024 * 1024


@dataclass
class StoredDistrict:
    """Where a generated district went: its pupils' Student ids by their
    generated key, and the snapshot of its register when imported."""

    district: District
    students: dict[int, int]
    snapshot: Snapshot | None = None


def store_district(
    district: District, *, register: bool = True, user: Any = None
) -> StoredDistrict:
    """Write the district's schools and students, and with ``register`` its
    register as a new snapshot through the import of a CSV extract."""
    stored = StoredDistrict(district, store_students(district))
    if register:
        stored.snapshot = import_people(district.people, user=user)
    return stored


def store_students(district: District) -> dict[int, int]:
    """Two schools per kecamatan (an SD and an SMP) and every pupil in the
    one of its kecamatan and age; run again, the same rows are updated.
    Returns the Student ids by generated key."""
    schools = _schools(district.kecamatan)
    forms = {place_form(name): index for index, name in enumerate(district.kecamatan)}
    objects = []
    for student in district.students:
        index = forms.get(place_form(student.kecamatan), 0)
        born = student.birth_date or REFERENCE_DATE
        level = 0 if _age(born) <= SD_LAST_AGE else 1
        objects.append(
            Student(
                school=schools[index][level],
                nisn=f"{student.key:010d}",
                nik=(student.nik or "")[:16],
                no_kk=(student.no_kk or "")[:16],
                name=student.name,
                name_original=student.name,
                gender=student.gender or "",
                birth_place=student.birth_place,
                birth_date=born,
                mother_name=student.mother_name,
                desa=student.desa,
                kecamatan=student.kecamatan,
            )
        )
    fields = ["nik", "no_kk", "name", "name_original", "gender", "birth_place"]
    fields += ["birth_date", "mother_name", "desa", "kecamatan", "is_listed"]
    with transaction.atomic():
        Student.objects.bulk_create(
            objects,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["school", "nisn"],
            update_fields=fields,
        )
    school_ids = [school.pk for pair in schools for school in pair]
    rows = Student.objects.filter(school_id__in=school_ids).values_list(
        "school_id", "nisn", "pk"
    )
    pks = {(school_id, nisn): pk for school_id, nisn, pk in rows}
    # An earlier district may have left a pupil of the same NISN in another
    # of these schools.
    return {
        int(student.nisn): pks[(student.school_id, student.nisn)] for student in objects
    }


def _schools(kecamatan_names: list[str]) -> list[tuple[School, School]]:
    known = {place_form(k.name): k for k in Kecamatan.objects.all()}
    schools = []
    for index, name in enumerate(kecamatan_names):
        kecamatan = known.get(place_form(name))
        if kecamatan is None:
            kecamatan, _created = Kecamatan.objects.get_or_create(
                code=f"99.{index // 100:02d}.{index % 100:02d}",
                defaults={"name": name.title()},
            )
        pair = []
        for level, jenjang in enumerate((Jenjang.SD, Jenjang.SMP)):
            school, _created = School.objects.get_or_create(
                npsn=f"{NPSN_PREFIX}{index:04d}{level:02d}",
                defaults={
                    "name": f"{jenjang} Contoh {index + 1} {kecamatan.name}",
                    "jenjang": jenjang,
                    "status": School.Status.NEGERI,
                    "kecamatan": kecamatan,
                },
            )
            pair.append(school)
        schools.append((pair[0], pair[1]))
    return schools


def _age(born: date) -> int:
    return (REFERENCE_DATE - born).days // 365


def register_lines(people: Iterable[EnginePerson]) -> Iterator[list[str]]:
    yield list(REGISTER_HEADER)
    for person in people:
        yield register_row(person)


def write_register(
    people: Iterable[EnginePerson], path: Path, delimiter: str = ","
) -> None:
    """The register as a DTKS extract in CSV."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, delimiter=delimiter).writerows(register_lines(people))


def import_people(
    people: Iterable[EnginePerson], *, user: Any = None, label: str = ""
) -> Snapshot:
    """The people as a new complete snapshot, through the real import."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "dtks.csv"
        write_register(people, path)
        snapshot = receive_register(
            _chunks(path), "dtks-contoh.csv", user=user, label=label
        )
    import_register(snapshot)
    snapshot.refresh_from_db()
    return snapshot


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def stored_results(stored: StoredDistrict) -> list[MatchResult]:
    """The stored matches of the district's pupils as the engine's results,
    keyed by the generated keys, for ``quality.quality_report``."""
    assert stored.snapshot is not None  # noqa: S101 - imported by the caller
    key_of_student = {pk: key for key, pk in stored.students.items()}
    key_of_person = {
        pk: int(dtks_id) - DTKS_ID_BASE
        for pk, dtks_id in Person.objects.filter(snapshot=stored.snapshot)
        .values_list("pk", "dtks_id")
        .iterator(chunk_size=10_000)
    }
    matches = Match.objects.filter(snapshot=stored.snapshot).values_list(
        "student_id",
        "person_id",
        "method",
        "score",
        "decision",
        "evidence",
        "candidates",
    )
    results = []
    for student_id, person_id, method, score, decision, evidence, options in matches:
        if student_id not in key_of_student:
            continue
        candidates = tuple(
            Candidate(
                key_of_person[option["person"]],
                option["method"],
                option["score"],
                option["evidence"],
            )
            for option in options
        )
        results.append(
            MatchResult(
                key_of_student[student_id],
                key_of_person.get(person_id) if person_id else None,
                method,
                score,
                decision,
                evidence,
                candidates,
            )
        )
    results.sort(key=lambda result: result.student_key)
    return results
