"""What the verifier's pages show of each candidate, put together from the
rules' evaluation with a fixed number of queries."""

from dataclasses import dataclass

from students.models import Candidate, StageEvent, Status

from ..models import Decision
from .evidence import FieldRow, compare, method_label
from .rules import Evaluation


@dataclass(frozen=True)
class CandidateCard:
    evaluation: Evaluation
    rows: list[FieldRow]
    decision: Decision | None

    @property
    def candidate(self) -> Candidate:
        return self.evaluation.candidate

    @property
    def is_waiting(self) -> bool:
        return self.candidate.status == Status.SUBMITTED

    @property
    def method_label(self) -> str:
        match = self.evaluation.match
        return method_label(match.method) if match and match.method else ""


def latest_decisions(candidate_ids: list[int]) -> dict[int, Decision]:
    decisions = Decision.objects.filter(candidate_id__in=candidate_ids).select_related(
        "decided_by"
    )
    latest: dict[int, Decision] = {}
    for decision in decisions.order_by("candidate_id", "-decided_at", "-pk"):
        latest.setdefault(decision.candidate_id, decision)
    return latest


def candidate_cards(evaluations: list[Evaluation]) -> list[CandidateCard]:
    decisions = latest_decisions([e.candidate.pk for e in evaluations])
    cards = []
    for evaluation in evaluations:
        match, person = evaluation.match, evaluation.person
        same = match is not None and person is not None and match.person_id == person.pk
        evidence = match.evidence if same and match is not None else {}
        rows = compare(evaluation.candidate.student, [(evaluation.person, evidence)])
        cards.append(
            CandidateCard(evaluation, rows, decisions.get(evaluation.candidate.pk))
        )
    return cards


def timeline(candidate: Candidate) -> list[StageEvent]:
    return list(candidate.events.select_related("actor").order_by("at", "pk"))
