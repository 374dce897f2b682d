"""How good the matcher is on a labelled district, per kind of flaw.

Three figures, each for every kind of flaw and for all pupils:

precision
    of the automatic matches, the share that found the true person (a pupil
    not in the register matched to anyone counts against it);
recall
    of the pupils who are in the register, the share found: matched to the
    true person, or sent to review with the true person among the
    candidates;
review share
    the share of pupils sent to review.

The goals are those of the programme: precision at least 99.5 %, recall at
least 98 %, review at most 5 %.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from students.dtks.engine import Decision, MatchResult

PRECISION_GOAL = 0.995
RECALL_GOAL = 0.98
REVIEW_GOAL = 0.05
ALL = "all"


@dataclass
class KindQuality:
    """The counts for one kind of flaw (or ``all``)."""

    kind: str
    students: int = 0
    in_register: int = 0
    matched: int = 0
    matched_right: int = 0
    review: int = 0
    review_with_truth: int = 0
    unmatched: int = 0

    @property
    def precision(self) -> float:
        return self.matched_right / self.matched if self.matched else 1.0

    @property
    def recall(self) -> float:
        found = self.matched_right + self.review_with_truth
        return found / self.in_register if self.in_register else 1.0

    @property
    def review_share(self) -> float:
        return self.review / self.students if self.students else 0.0

    @property
    def wrong_matches(self) -> int:
        return self.matched - self.matched_right


@dataclass
class QualityReport:
    kinds: dict[str, KindQuality] = field(default_factory=dict)

    @property
    def overall(self) -> KindQuality:
        return self.kinds[ALL]

    def meets_goals(self) -> bool:
        overall = self.overall
        return (
            overall.precision >= PRECISION_GOAL
            and overall.recall >= RECALL_GOAL
            and overall.review_share <= REVIEW_GOAL
        )

    def as_text(self) -> str:
        """The report as a fixed-width table for a terminal or a README."""
        lines = [
            f"{'kind':<18} {'pupils':>7} {'in DTKS':>7} {'auto':>6} "
            f"{'wrong':>5} {'review':>6} {'precision':>9} {'recall':>7} "
            f"{'review %':>8}"
        ]
        for kind in [*sorted(k for k in self.kinds if k != ALL), ALL]:
            row = self.kinds[kind]
            lines.append(
                f"{kind:<18} {row.students:>7} {row.in_register:>7} "
                f"{row.matched:>6} {row.wrong_matches:>5} {row.review:>6} "
                f"{row.precision:>9.2%} {row.recall:>7.2%} {row.review_share:>8.2%}"
            )
        verdict = "meets" if self.meets_goals() else "misses"
        lines.append(
            f"{verdict} the goals: precision >= {PRECISION_GOAL:.1%}, "
            f"recall >= {RECALL_GOAL:.0%}, review <= {REVIEW_GOAL:.0%}"
        )
        return "\n".join(lines)


def quality_report(
    results: Iterable[MatchResult], truth: Mapping[Any, Any]
) -> QualityReport:
    """Measure ``results`` against ``truth``, which maps each pupil's key to
    its true person's key (``None`` when not in the register) and its kind
    of flaw: ``synthetic.Truth`` or any pair ``(person_key, kind)``."""
    report = QualityReport({ALL: KindQuality(ALL)})
    for result in results:
        person_key, kind = truth[result.student_key]
        row = report.kinds.setdefault(kind, KindQuality(kind))
        for counts in (row, report.kinds[ALL]):
            _count(counts, result, person_key)
    return report


def _count(counts: KindQuality, result: MatchResult, person_key: Any) -> None:
    counts.students += 1
    if person_key is not None:
        counts.in_register += 1

    if result.decision == Decision.MATCHED:
        counts.matched += 1
        if person_key is not None and result.person_key == person_key:
            counts.matched_right += 1
    elif result.decision == Decision.REVIEW:
        counts.review += 1
        keys = {candidate.person_key for candidate in result.candidates}
        if person_key is not None and person_key in keys:
            counts.review_with_truth += 1
    else:
        counts.unmatched += 1
