"""A verifier's decision on a student sent to review: the same person as a
register entry, or not. Decisions are kept and reused by later matching."""

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from balangan_pintar.audit import record
from students.models import Student

from .choices import Decision, Method
from .models import Match, Person, ReviewDecision, Snapshot


def latest_snapshot() -> Snapshot | None:
    return Snapshot.objects.filter(is_complete=True).order_by("-imported_at").first()


def current_matches() -> "models.QuerySet[Match]":
    """The matches made against the newest complete snapshot."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return Match.objects.none()
    return Match.objects.filter(snapshot=snapshot)


def record_review(
    match: Match, person: Person, *, same_person: bool, user: Any, note: str = ""
) -> Match:
    """Record the decision and apply it to the match at once: "same person"
    makes it a manual match; "not this person" drops that candidate, and a
    match without candidates left becomes unmatched."""
    with transaction.atomic():
        match = Match.objects.select_for_update().get(pk=match.pk)
        ReviewDecision.objects.update_or_create(
            student_id=match.student_id,
            dtks_id=person.dtks_id or person.nik,
            defaults={
                "same_person": same_person,
                "note": note,
                "decided_by": user,
                "decided_at": timezone.now(),
            },
        )
        if same_person:
            match.person = person
            match.method = Method.MANUAL
            match.decision = Decision.MATCHED
        else:
            match.candidates = [
                c for c in match.candidates if c.get("person") != person.pk
            ]
            if match.person_id == person.pk:
                match.person = None
            if not match.candidates and match.person_id is None:
                match.decision = Decision.UNMATCHED
        match.matched_at = timezone.now()
        match.save()
        record(
            user,
            "dtks.review",
            match,
            student_id=match.student_id,
            same_person=same_person,
        )
    return match


def student_decisions(student: Student) -> dict[str, bool]:
    """The decisions kept for a student, by register id."""
    return dict(
        ReviewDecision.objects.filter(student=student).values_list(
            "dtks_id", "same_person"
        )
    )
