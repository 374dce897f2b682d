"""Candidates with histories at chosen moments, for the report tests."""

from collections.abc import Sequence
from datetime import datetime
from itertools import count

from balangan_pintar.models import Period
from conftest import make_student
from students.models import Candidate, School, StageEvent, Status
from students.services.pipeline import move_candidate

from ..worktime import WITA

_numbers = count(1)


def wita(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WITA)


def candidate_with_history(
    school: School,
    period: Period,
    listed_at: datetime,
    moves: Sequence[tuple[Status, datetime]],
    *,
    name: str = "Siti Rahmah",
) -> Candidate:
    """A candidate listed at ``listed_at`` and moved through the pipeline
    service at the given moments.

    The listing is written as propose_student writes it; the moves go
    through move_candidate, which records the stage events.
    """
    number = next(_numbers)
    student = make_student(
        school,
        f"{number:010d}",
        name=name,
        nik=f"63110657051{number:05d}",
        listed_at=listed_at,
    )
    candidate = Candidate.objects.create(
        student=student,
        period=period,
        school=school,
        status=Status.LISTED,
        status_changed_at=listed_at,
    )
    StageEvent.objects.create(
        candidate=candidate, period=period, to_status=Status.LISTED, at=listed_at
    )
    for status, at in moves:
        candidate = move_candidate(candidate, status, actor=None, at=at)
    return candidate
