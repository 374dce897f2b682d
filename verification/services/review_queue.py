"""The DTKS review queue, worked by the verifiers: students the matcher could
not decide on, each beside the register people it might be."""

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balangan_pintar.models import Period
from students.dtks.engine import Decision as MatchDecision
from students.dtks.models import Match, Person
from students.dtks.review import current_matches, record_review
from students.models import Candidate, Kecamatan, School, Status, Student

from .evidence import FieldRow, compare, method_label

PAGE_SIZE = 10
# Candidates whose eligibility still depends on the review.
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)


class ReviewScope(models.TextChoices):
    PROPOSED = "diusulkan", gettext_lazy("Siswa yang sedang diusulkan")
    ALL = "semua", gettext_lazy("Semua siswa")


class ReviewRefused(Exception):
    """A review decision that was not applied, with the reason in words."""


@dataclass(frozen=True)
class ReviewOption:
    person: Person
    method: str
    score: float

    @property
    def method_label(self) -> str:
        return method_label(self.method)


@dataclass(frozen=True)
class ReviewItem:
    match: Match
    student: Student
    options: list[ReviewOption]
    rows: list[FieldRow]
    candidate: Candidate | None


def review_matches(
    period: Period | None,
    *,
    scope: str = ReviewScope.PROPOSED,
    kecamatan: Kecamatan | None = None,
    school: School | None = None,
    student_id: int | None = None,
) -> "QuerySet[Match]":
    """The newest snapshot's matches waiting for a verifier, filtered."""
    found = current_matches().filter(decision=MatchDecision.REVIEW)
    if student_id is not None:
        return found.filter(student_id=student_id)
    if school is not None:
        found = found.filter(student__school=school)
    if kecamatan is not None:
        found = found.filter(student__school__kecamatan=kecamatan)
    if scope == ReviewScope.PROPOSED and period is not None:
        proposed = Candidate.objects.filter(
            student_id=OuterRef("student_id"),
            period=period,
            status__in=OPEN_STATUSES,
        )
        found = found.filter(Exists(proposed))
    return found


def review_page(
    found: "QuerySet[Match]",
    period: Period | None,
    *,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> tuple[list[ReviewItem], int | None]:
    """One page of review items after match id ``after``, and the cursor of
    the next page (None on the last)."""
    if after is not None:
        found = found.filter(pk__gt=after)
    matches = list(
        found.select_related("student__school__kecamatan").order_by("pk")[: size + 1]
    )
    more = len(matches) > size
    matches = matches[:size]

    wanted = {
        option["person"]
        for match in matches
        for option in match.candidates
        if isinstance(option.get("person"), int)
    }
    wanted |= {match.person_id for match in matches if match.person_id}
    people = Person.objects.in_bulk(wanted)
    candidates = {
        c.student_id: c
        for c in Candidate.objects.filter(
            period=period, student_id__in=[m.student_id for m in matches]
        )
    }

    items = [_item(match, people, candidates) for match in matches]
    return items, (matches[-1].pk if more and matches else None)


def _item(
    match: Match, people: dict[int, Person], candidates: dict[int, Candidate]
) -> ReviewItem:
    options: list[ReviewOption] = []
    pairs: list[tuple[Person | None, dict[str, Any]]] = []
    for option in match.candidates:
        key = option.get("person")
        person = people.get(key) if isinstance(key, int) else None
        if person is None:
            continue
        options.append(
            ReviewOption(person, option.get("method", ""), option.get("score", 0.0))
        )
        pairs.append((person, option.get("evidence") or {}))
    if not options and match.person_id in people:
        person = people[match.person_id]
        options.append(ReviewOption(person, match.method, match.score))
        pairs.append((person, match.evidence))
    return ReviewItem(
        match=match,
        student=match.student,
        options=options,
        rows=compare(match.student, pairs),
        candidate=candidates.get(match.student_id),
    )


def decide_review(
    match_id: int, person_id: int, *, same_person: bool, user: Any, note: str = ""
) -> Match:
    """Apply a verifier's "same person" / "not this person" to one of the
    match's candidates. A match another verifier has settled meanwhile is
    refused, so a second verifier does not overturn a decision unseen."""
    with transaction.atomic():
        match = current_matches().select_for_update().filter(pk=match_id).first()
        if match is None:
            raise ReviewRefused(_("Data pencocokan ini sudah diganti; muat ulang."))
        if match.decision != MatchDecision.REVIEW:
            raise ReviewRefused(
                _("Tinjauan ini sudah diputuskan (%(decision)s).")
                % {"decision": MatchDecision(match.decision).label}
            )
        allowed = {option.get("person") for option in match.candidates}
        allowed.add(match.person_id)
        person = Person.objects.filter(pk=person_id, snapshot_id=match.snapshot_id)
        found = person.first()
        if found is None or person_id not in allowed:
            raise ReviewRefused(_("Orang ini bukan kandidat tinjauan tersebut."))
        return record_review(
            match, found, same_person=same_person, user=user, note=note
        )
