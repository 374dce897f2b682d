"""Data for the verification tests: register snapshots, people and matches
made directly, and candidates sent by a school the way step 2 sends them."""

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from balangan_pintar.models import Period
from conftest import PASSWORD, make_student
from students.dtks.engine import Decision as MatchDecision
from students.dtks.engine import Method
from students.dtks.models import Match, Person, Snapshot
from students.models import Candidate, School, Student, Submission
from students.services.pipeline import propose_student, submit_to_dinas

AGREE_ALL = {
    field: {"level": "agree", "weight": 1.0, "detail": "same"}
    for field in (
        "nik",
        "no_kk",
        "birth_date",
        "gender",
        "desa",
        "kecamatan",
    )
} | {
    field: {"level": "agree", "weight": 1.0, "similarity": 100}
    for field in ("name", "mother_name", "birth_place")
}


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def snapshot(label: str = "DTSEN Januari 2026") -> Snapshot:
    return Snapshot.objects.create(
        label=label, file_name="dtsen.csv", sha256="0" * 64, is_complete=True
    )


def person_for(
    student: Student, register: Snapshot, number: int = 1, **fields: Any
) -> Person:
    """The register's record of ``student``: the same identity."""
    values: dict[str, Any] = {
        "row_number": number,
        "dtks_id": f"DTKS{student.pk:08d}{number}",
        "nik": student.nik,
        "no_kk": student.no_kk,
        "name": student.name.upper(),
        "gender": student.gender,
        "birth_place": student.birth_place,
        "birth_date": student.birth_date,
        "relationship": "Anak",
        "mother_name": student.mother_name,
        "desa": student.desa,
        "kecamatan": student.kecamatan,
        "desil": 2,
    }
    values.update(fields)
    return Person.objects.create(snapshot=register, **values)


def match(
    student: Student,
    register: Snapshot,
    person: Person | None,
    *,
    decision: str = MatchDecision.MATCHED,
    method: str = Method.NIK,
    score: float = 30.0,
    evidence: dict[str, Any] | None = None,
    candidates: list[dict[str, Any]] | None = None,
) -> Match:
    return Match.objects.create(
        student=student,
        snapshot=register,
        person=person,
        method=method if person is not None or candidates else "",
        score=score,
        decision=decision,
        evidence=AGREE_ALL if evidence is None else evidence,
        candidates=candidates or [],
    )


def matched(
    student: Student, register: Snapshot, desil: int | None = 2, score: float = 30.0
) -> Match:
    """The student found in the register automatically by NIK."""
    return match(
        student, register, person_for(student, register, desil=desil), score=score
    )


def students(
    school: School, count: int, start: int = 1, **fields: Any
) -> list[Student]:
    # Identifiers from the NPSN, not the primary key: PostgreSQL does not
    # reset its sequences between tests.
    code = school.npsn[-2:]
    return [
        make_student(
            school,
            f"9{code}{number:07d}",
            name=f"Siswa {code}-{number:03d}",
            nik=f"6311{code}{number:010d}",
            **fields,
        )
        for number in range(start, start + count)
    ]


def send(
    pupils: Iterable[Student], period: Period, operator: User, **when: Any
) -> tuple[Submission, list[Candidate]]:
    """Propose the pupils and send them to the Dinas, as the school does."""
    chosen = [propose_student(pupil, period, actor=operator) for pupil in pupils]
    submission = submit_to_dinas(chosen, actor=operator, **when)
    candidates = list(
        Candidate.objects.filter(submission=submission)
        .select_related("student", "school")
        .order_by("pk")
    )
    return submission, candidates


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png_bytes(size: tuple[int, int] = (20, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 30), "white").save(out, "JPEG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def when(days: int = 0, hours: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC) + dt.timedelta(
        days=days, hours=hours
    )
