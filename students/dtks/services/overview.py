"""The counts the DTKS pages show: per snapshot, and per school."""

from dataclasses import dataclass, field

from django.db.models import Count

from balangan_pintar.models import Job
from students.models import School, Student

from ..choices import Decision
from ..models import Match, Snapshot


@dataclass
class DecisionCounts:
    matched: int = 0
    review: int = 0
    unmatched: int = 0

    @property
    def total(self) -> int:
        return self.matched + self.review + self.unmatched

    def add(self, decision: str, count: int) -> None:
        if decision == Decision.MATCHED:
            self.matched += count
        elif decision == Decision.REVIEW:
            self.review += count
        else:
            self.unmatched += count


@dataclass
class SnapshotRow:
    snapshot: Snapshot
    matches: DecisionCounts = field(default_factory=DecisionCounts)
    is_current: bool = False


@dataclass
class SchoolRow:
    school: School
    listed: int = 0
    matches: DecisionCounts = field(default_factory=DecisionCounts)

    @property
    def not_matched_yet(self) -> int:
        return max(self.listed - self.matches.total, 0)


def snapshot_rows() -> list[SnapshotRow]:
    """Every snapshot, newest first, with its matches by decision; the
    newest complete one is the one matching uses."""
    snapshots = Snapshot.objects.select_related("job", "imported_by")
    rows = {snapshot.pk: SnapshotRow(snapshot) for snapshot in snapshots}
    counts = (
        Match.objects.values_list("snapshot_id", "decision")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for snapshot_id, decision, count in counts:
        if snapshot_id in rows:
            rows[snapshot_id].matches.add(decision, count)
    current = next((row for row in rows.values() if row.snapshot.is_complete), None)
    if current is not None:
        current.is_current = True
    return list(rows.values())


def snapshot_counts(snapshot: Snapshot) -> DecisionCounts:
    counts = DecisionCounts()
    rows = (
        Match.objects.filter(snapshot=snapshot)
        .values_list("decision")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for decision, count in rows:
        counts.add(decision, count)
    return counts


def school_rows(snapshot: Snapshot) -> list[SchoolRow]:
    """Each school with listed students, its count of them and how they
    matched against ``snapshot``, by kecamatan and name."""
    schools = School.objects.select_related("kecamatan").order_by(
        "kecamatan__name", "name"
    )
    rows = {school.pk: SchoolRow(school) for school in schools}
    listed = (
        Student.objects.filter(is_listed=True)
        .values_list("school_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for school_id, count in listed:
        rows[school_id].listed = count
    matches = (
        Match.objects.filter(snapshot=snapshot, student__is_listed=True)
        .values_list("student__school_id", "decision")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for school_id, decision, count in matches:
        rows[school_id].matches.add(decision, count)
    return [row for row in rows.values() if row.listed or row.matches.total]


def latest_match_job() -> Job | None:
    return Job.objects.filter(kind=Job.Kind.DTKS_MATCH).order_by("-created_at").first()


def problem_kinds(snapshot: Snapshot, limit: int = 10) -> list[tuple[str, int]]:
    """The commonest problem messages of a snapshot with their counts."""
    rows = (
        snapshot.problems.values_list("message")
        .annotate(count=Count("pk"))
        .order_by("-count", "message")[:limit]
    )
    return [(message, count) for message, count in rows]
