"""What a school sees of the Dinas's verification: each of its candidates
with the decision and its reason, its documents, and the sending again of
those returned for correction."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, When
from django.utils.translation import gettext as _

from balangan_pintar.models import Period
from balangan_pintar.roles import AnyUser
from students.models import Candidate, Status, Submission
from students.services.pipeline import TransitionRefused, submit_to_dinas

from ..models import Decision, SupportingDocument
from .documents import OPEN_STATUSES

# The school's candidates from the moment it chose them.
SHOWN_STATUSES = [
    status for status in Status if status not in (Status.LISTED, Status.WITHDRAWN)
]


@dataclass(frozen=True)
class SchoolRow:
    candidate: Candidate
    decision: Decision | None
    document: SupportingDocument | None

    @property
    def can_upload(self) -> bool:
        return self.candidate.status in OPEN_STATUSES

    @property
    def can_resend(self) -> bool:
        return self.candidate.status == Status.RETURNED


def school_candidates(user: AnyUser, period: Period) -> "QuerySet[Candidate]":
    """The user's school's candidates of the period, those waiting for the
    school first (returned, then not yet sent)."""
    first = Case(
        When(status=Status.RETURNED, then=0),
        When(status=Status.DRAFT, then=1),
        When(status=Status.SUBMITTED, then=2),
        default=3,
        output_field=IntegerField(),
    )
    decisions = Decision.objects.for_user(user).select_related(None)
    return (
        Candidate.objects.for_user(user)
        .filter(period=period, status__in=SHOWN_STATUSES)
        .select_related("student", "submission")
        .prefetch_related(
            Prefetch(
                "verification_decisions", queryset=decisions, to_attr="decision_list"
            ),
            Prefetch(
                "documents",
                queryset=SupportingDocument.objects.all(),
                to_attr="document_list",
            ),
        )
        .order_by(first, "student__name", "pk")
    )


def school_rows(candidates: list[Candidate]) -> list[SchoolRow]:
    rows = []
    for candidate in candidates:
        decisions: list[Decision] = getattr(candidate, "decision_list", [])
        documents: list[SupportingDocument] = getattr(candidate, "document_list", [])
        rows.append(
            SchoolRow(
                candidate,
                decisions[0] if decisions else None,
                documents[0] if documents else None,
            )
        )
    return rows


def school_counts(user: AnyUser, period: Period) -> dict[str, int]:
    rows = (
        Candidate.objects.for_user(user)
        .filter(period=period, status__in=SHOWN_STATUSES)
        .values("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["count"] for row in rows}


def resend(user: AnyUser, period: Period, candidate_ids: list[int]) -> Submission:
    """Send the school's returned candidates to the Dinas again; their step 3
    starts anew with the new submission."""
    chosen = list(
        Candidate.objects.for_user(user).filter(
            period=period, pk__in=candidate_ids, status=Status.RETURNED
        )
    )
    if not chosen or len(chosen) != len(set(candidate_ids)):
        raise TransitionRefused(
            _("Hanya calon yang dikembalikan Dinas yang dapat dikirim ulang.")
        )
    actor: Any = user
    return submit_to_dinas(chosen, actor=actor)
