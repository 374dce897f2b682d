"""What the DTKS matching says about students, for other apps' lists and
forms: one query for any number of students."""

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from students.models import Student

from .models import Match, Snapshot
from .services.loading import batches


class StatusInfo(NamedTuple):
    """A student's match against the newest complete snapshot.

    ``decision`` is a ``choices.Decision`` value, ``method`` a
    ``choices.Method`` value (empty when unmatched); ``desil`` is the matched
    person's, None without a match or when the register gives none.
    """

    decision: str
    method: str
    score: float
    desil: int | None
    snapshot_label: str
    person_id: int | None


def _newest() -> Subquery:
    """The newest complete snapshot's id, as a subquery."""
    return Subquery(
        Snapshot.objects.filter(is_complete=True)
        .order_by("-imported_at")
        .values("pk")[:1]
    )


def dtks_status_for(student_ids: Iterable[int]) -> dict[int, StatusInfo]:
    """The students' matches against the newest complete snapshot, by
    student id. A student not matched against it yet is left out."""
    ids = sorted(set(student_ids))
    newest = _newest()
    found: dict[int, StatusInfo] = {}
    # One query for a school's list; only a longer list than a batch takes
    # more.
    for part in batches(ids):
        rows = Match.objects.filter(
            student_id__in=part, snapshot_id=newest
        ).values_list(
            "student_id",
            "decision",
            "method",
            "score",
            "person__desil",
            "snapshot__label",
            "person_id",
        )
        for student_id, decision, method, score, desil, label, person_id in rows:
            found[student_id] = StatusInfo(
                decision, method, score, desil, label, person_id
            )
    return found


def with_decision(students: "QuerySet[Student]", decision: str) -> "QuerySet[Student]":
    """The students whose match against the newest complete snapshot has
    ``decision`` (a ``choices.Decision`` value), for a list's filter."""
    matches = Match.objects.filter(
        student_id=OuterRef("pk"), snapshot_id=_newest(), decision=decision
    )
    return students.filter(Exists(matches))
