"""The verifier's decisions: approve, reject with a reason, return to the
school with a note; one candidate at a time, or in bulk for those that pass
every rule.

Each decision moves the candidate through the pipeline with the status the
verifier saw as ``expected``, under the candidate's row lock, so that of two
verifiers deciding the same candidate at once exactly one is applied; the
other is told who decided and what. Each form carries a token kept with the
decision, so that a form sent twice, or a request replayed, applies once.
"""

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from balangan_pintar.audit import record
from students.models import Candidate, Status, Submission
from students.services.pipeline import (
    TransitionRefused,
    move_candidate,
    move_candidates,
)

from ..models import Decision, Outcome, Reason
from .rules import Evaluation, evaluate

logger = logging.getLogger(__name__)


class DecisionRefused(Exception):
    """A decision that was not applied, with the reason in words."""


@dataclass(frozen=True)
class Applied:
    """The decisions a request made; ``replayed`` when an earlier sending of
    the same form had already made them."""

    decisions: list[Decision]
    replayed: bool = False

    @property
    def count(self) -> int:
        return len(self.decisions)


def stored_text(make: Callable[[], str]) -> str:
    """Text kept in the record (a stage event's note) is written in the
    project's language, whatever language the verifier reads."""
    with translation.override(settings.LANGUAGE_CODE):
        return make()


def event_note(outcome: Outcome, reason: str, note: str) -> str:
    """The note of the stage event. For a rejection its first line is the
    reason in plain words, which the school's pages and the public status
    page show from the candidate's events alone; the verifier's note
    follows on the next lines."""
    if outcome == Outcome.REJECT and reason:
        label = stored_text(lambda: str(Reason(reason).label))
        return f"{label}\n{note}".strip()
    return note


def check_input(outcome: Outcome, reason: str, note: str) -> None:
    if outcome == Outcome.REJECT and reason not in Reason.values:
        raise DecisionRefused(_("Pilih alasan penolakan."))
    if outcome == Outcome.REJECT and reason == Reason.OTHER and not note:
        raise DecisionRefused(_("Tulis catatan untuk alasan lain."))
    if outcome == Outcome.RETURN and not note:
        raise DecisionRefused(
            _("Tulis apa yang harus diperbaiki sekolah sebelum dikembalikan.")
        )


def decide(
    candidate: Candidate,
    outcome: Outcome,
    *,
    actor: Any,
    token: uuid.UUID,
    reason: str = "",
    note: str = "",
    submission_id: int | None = None,
    request: HttpRequest | None = None,
) -> Applied:
    """Apply one verifier's decision on one waiting candidate.

    ``submission_id`` is the submission the verifier was looking at: a
    candidate returned and sent again since belongs to a newer one, and a
    decision made on the old page is refused. Approving a candidate that
    fails a rule needs a note that says why.
    """
    note = note.strip()
    reason = reason if outcome == Outcome.REJECT else ""
    check_input(outcome, reason, note)
    replayed = _replayed(token)
    if replayed:
        return replayed

    at = timezone.now()
    try:
        with transaction.atomic():
            decision = _decide_locked(
                candidate.pk,
                outcome,
                actor=actor,
                token=token,
                reason=reason,
                note=note,
                submission_id=submission_id,
                at=at,
                request=request,
            )
    except (TransitionRefused, IntegrityError) as error:
        replayed = _replayed(token)
        if replayed:
            return replayed
        if isinstance(error, IntegrityError):
            raise
        raise stale(candidate.pk) from error
    return Applied([decision])


def _decide_locked(
    candidate_id: int,
    outcome: Outcome,
    *,
    actor: Any,
    token: uuid.UUID,
    reason: str,
    note: str,
    submission_id: int | None,
    at: datetime,
    request: HttpRequest | None,
) -> Decision:
    locked = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("student", "school", "period")
        .get(pk=candidate_id)
    )
    if locked.status != Status.SUBMITTED:
        raise TransitionRefused(_("Sudah diputuskan."), locked)
    if submission_id is not None and locked.submission_id != submission_id:
        raise DecisionRefused(
            _(
                "Sekolah sudah mengirim ulang calon ini dalam usulan baru; "
                "buka usulan terbaru lalu putuskan di sana."
            )
        )

    evaluation = evaluate([locked], locked.period)[locked.pk]
    failed = [str(result.rule) for result in evaluation.failed]
    if outcome == Outcome.APPROVE and failed and not note:
        raise DecisionRefused(
            _(
                "Calon ini tidak memenuhi: %(rules)s. Tulis catatan bila tetap "
                "disetujui."
            )
            % {"rules": ", ".join(result.label for result in evaluation.failed)}
        )

    move_candidate(
        locked,
        outcome.status,
        actor=actor,
        note=event_note(outcome, reason, note),
        expected=Status.SUBMITTED,
        at=at,
    )
    decision = Decision.objects.create(
        candidate=locked,
        submission_id=locked.submission_id,
        outcome=outcome,
        reason=reason,
        note=note,
        failed_rules=failed,
        decided_by=actor,
        decided_at=at,
        request_token=token,
    )
    record(
        request or actor,
        f"candidate.{outcome.value}",
        locked,
        student_id=locked.student_id,
        reason=reason,
        submission=locked.submission_id,
        failed_rules=failed,
    )
    return decision


def bulk_candidates(submission: Submission) -> list[Evaluation]:
    """The submission's candidates that a bulk approval would approve: those
    waiting, passing every rule, and matched to DTKS by the engine itself."""
    candidates = Candidate.objects.filter(
        submission=submission, status=Status.SUBMITTED
    ).select_related("student", "school")
    evaluations = evaluate(candidates, submission.period)
    chosen = [e for e in evaluations.values() if e.bulk_approvable]
    return sorted(chosen, key=lambda e: (e.candidate.student.name, e.candidate.pk))


def bulk_approve(
    submission: Submission,
    candidate_ids: Sequence[int],
    *,
    actor: Any,
    token: uuid.UUID,
    request: HttpRequest | None = None,
) -> Applied:
    """Approve the candidates the verifier confirmed, all or none. If the
    list that qualifies has changed since the confirmation (another verifier
    decided one, a rule changed), nothing is applied."""
    replayed = _replayed(token)
    if replayed:
        return replayed

    confirmed = sorted(set(candidate_ids))
    at = timezone.now()
    note = stored_text(
        lambda: _(
            "Disetujui massal: lolos semua aturan dan cocok otomatis dengan DTKS."
        )
    )
    try:
        with transaction.atomic():
            # Locked in id order, the order every other writer uses.
            list(
                Candidate.objects.select_for_update()
                .filter(submission=submission, status=Status.SUBMITTED)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            eligible = [e.candidate for e in bulk_candidates(submission)]
            if not confirmed or sorted(c.pk for c in eligible) != confirmed:
                raise DecisionRefused(
                    _(
                        "Daftar calon yang memenuhi syarat berubah sejak "
                        "konfirmasi; tidak ada yang disetujui. Periksa lagi."
                    )
                )
            move_candidates(confirmed, Status.APPROVED, actor=actor, note=note, at=at)
            decisions = Decision.objects.bulk_create(
                Decision(
                    candidate=candidate,
                    submission=submission,
                    outcome=Outcome.APPROVE,
                    bulk=True,
                    decided_by=actor,
                    decided_at=at,
                    request_token=token,
                )
                for candidate in eligible
            )
            for candidate in eligible:
                record(
                    request or actor,
                    "candidate.approve",
                    candidate,
                    student_id=candidate.student_id,
                    submission=submission.pk,
                    bulk=True,
                )
    except (TransitionRefused, IntegrityError):
        replayed = _replayed(token)
        if replayed:
            return replayed
        raise
    logger.info(
        "bulk approval of submission %s: %s candidates", submission.pk, len(decisions)
    )
    return Applied(decisions)


def _replayed(token: uuid.UUID) -> Applied | None:
    decisions = list(Decision.objects.filter(request_token=token))
    return Applied(decisions, replayed=True) if decisions else None


def stale(candidate_id: int) -> DecisionRefused:
    """The refusal of a decision on a candidate someone else has decided:
    who, what and when, so the verifier sees the current state."""
    candidate = Candidate.objects.select_related("student").get(pk=candidate_id)
    last = (
        Decision.objects.filter(candidate_id=candidate_id)
        .select_related("decided_by")
        .first()
    )
    if last is not None and candidate.status != Status.SUBMITTED:
        user = last.decided_by
        return DecisionRefused(
            _(
                "%(name)s sudah diputuskan “%(outcome)s” oleh %(user)s "
                "pada %(at)s. Keputusan Anda tidak diterapkan."
            )
            % {
                "name": candidate.student.name,
                "outcome": Outcome(last.outcome).label,
                "user": (user.get_full_name() or user.get_username()) if user else "-",
                "at": date_format(timezone.localtime(last.decided_at), "j M Y H:i"),
            }
        )
    return DecisionRefused(
        _("Status %(name)s sekarang “%(status)s”. Keputusan Anda tidak diterapkan.")
        % {"name": candidate.student.name, "status": Status(candidate.status).label}
    )
