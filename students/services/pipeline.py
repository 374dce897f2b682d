"""The only ways to change a candidate's place in the SOP pipeline.

Every move is checked against the allowed transitions, applied under a row
lock, and written as a stage event in the same transaction.
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from balangan_pintar.models import Period

from ..models import (
    STATUS_BITS,
    TRANSITIONS,
    Candidate,
    StageEvent,
    Status,
    Student,
    Submission,
)
from ..signals import candidates_moved

logger = logging.getLogger(__name__)


class TransitionRefused(Exception):
    """A move the SOP does not allow from the candidate's current status."""

    def __init__(self, message: str, candidate: Candidate | None = None) -> None:
        super().__init__(message)
        self.candidate = candidate


def _refusal(candidate: Candidate, to: str) -> TransitionRefused:
    message = _(
        "Status %(name)s sudah “%(current)s”; tidak dapat diubah menjadi “%(target)s”."
    ) % {
        "name": candidate.student.first_name,
        "current": Status(candidate.status).label,
        "target": Status(to).label,
    }
    return TransitionRefused(message, candidate)


def move_candidate(
    candidate: Candidate,
    to: Status,
    *,
    actor: Any,
    note: str = "",
    expected: Status | None = None,
    at: datetime | None = None,
) -> Candidate:
    """Move one candidate to ``to`` and record the stage event.

    ``expected`` is the status the user saw when deciding; if someone else
    moved the candidate meanwhile, the move is refused rather than applied on
    top of a decision the user never saw.
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            Candidate.objects.select_for_update(of=("self",))
            .select_related("student")
            .get(pk=candidate.pk)
        )
        if expected is not None and locked.status != expected:
            raise _refusal(locked, to)
        if not locked.can_move_to(to):
            raise _refusal(locked, to)

        StageEvent.objects.create(
            candidate=locked,
            period_id=locked.period_id,
            step=TRANSITIONS[(locked.status, to)],
            from_status=locked.status,
            to_status=to,
            actor=actor,
            at=at,
            ready_at=locked.status_changed_at,
            note=note,
        )
        locked.status = to
        locked.status_changed_at = at
        locked.reached |= STATUS_BITS[to]
        locked.save(update_fields=["status", "status_changed_at", "reached"])
        candidates_moved.send(Candidate, period_ids={locked.period_id})
    return locked


def move_candidates(
    candidate_ids: Iterable[int],
    to: Status,
    *,
    actor: Any,
    note: str = "",
    at: datetime | None = None,
    extra_fields: dict[str, Any] | None = None,
) -> int:
    """Move many candidates at once, all or none.

    Used for batches (a school's sending, a bank batch), where a per-row
    transaction would be slow; the events are inserted in bulk.
    """
    at = at or timezone.now()
    ids = list(candidate_ids)
    with transaction.atomic():
        rows = list(
            Candidate.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("student")
            .order_by("pk")
        )
        if len(rows) != len(set(ids)):
            raise TransitionRefused(_("Sebagian calon penerima tidak ditemukan."))
        for candidate in rows:
            if not candidate.can_move_to(to):
                raise _refusal(candidate, to)

        StageEvent.objects.bulk_create(
            StageEvent(
                candidate=candidate,
                period_id=candidate.period_id,
                step=TRANSITIONS[(candidate.status, to)],
                from_status=candidate.status,
                to_status=to,
                actor=actor,
                at=at,
                ready_at=candidate.status_changed_at,
                note=note,
            )
            for candidate in rows
        )
        Candidate.objects.filter(pk__in=ids).update(
            status=to,
            status_changed_at=at,
            reached=F("reached").bitor(STATUS_BITS[to]),
            **(extra_fields or {}),
        )
        candidates_moved.send(Candidate, period_ids={c.period_id for c in rows})
    return len(rows)


def propose_student(
    student: Student, period: Period, *, actor: Any, note: str = ""
) -> Candidate:
    """Select a student as a candidate (end of SOP step 1).

    Step 1 began when the student's data arrived from the school's upload, so
    the first event is dated then; selecting ends it.
    """
    with transaction.atomic():
        candidate, created = Candidate.objects.get_or_create(
            student=student,
            period=period,
            defaults={
                "school_id": student.school_id,
                "status": Status.LISTED,
                "status_changed_at": student.listed_at,
                "proposal_note": note,
            },
        )
        if created:
            StageEvent.objects.create(
                candidate=candidate,
                period=period,
                to_status=Status.LISTED,
                actor=actor,
                at=student.listed_at,
            )
        elif note:
            candidate.proposal_note = note
            candidate.save(update_fields=["proposal_note"])
        return move_candidate(candidate, Status.DRAFT, actor=actor, note=note)


def submit_to_dinas(
    candidates: Iterable[Candidate], *, actor: Any, at: datetime | None = None
) -> Submission:
    """Send the school's chosen candidates to the Dinas (SOP step 2).

    Candidates returned by the Dinas may be sent again with them; that starts
    their step 3 clock anew.
    """
    chosen = list(candidates)
    if not chosen:
        raise TransitionRefused(_("Pilih minimal satu calon penerima."))
    schools = {c.school_id for c in chosen}
    periods = {c.period_id for c in chosen}
    if len(schools) != 1 or len(periods) != 1:
        raise TransitionRefused(_("Satu usulan hanya untuk satu sekolah dan periode."))

    with transaction.atomic():
        submission = Submission.objects.create(
            school_id=schools.pop(),
            period_id=periods.pop(),
            submitted_by=actor,
            submitted_at=at or timezone.now(),
        )
        move_candidates(
            [c.pk for c in chosen],
            Status.SUBMITTED,
            actor=actor,
            at=submission.submitted_at,
            extra_fields={"submission": submission},
        )
    logger.info("school %s sent %s candidates", submission.school_id, len(chosen))
    return submission
