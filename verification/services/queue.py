"""The verifier's queue: the schools' submissions with their counts and how
long they have waited against the SOP's target for step 3, and the search
for one candidate.

Pages are cut by keyset on (submitted_at, id), so the hundredth page costs
what the first does however many submissions there are; counts come from
one grouped query each.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balangan_pintar.models import SOP, Period, SOPStep
from balangan_pintar.roles import AnyUser
from students.models import Candidate, Kecamatan, School, Status, Submission
from students.models.candidates import CandidateQuerySet

from .rules import APPROVED_STATUSES

VERIFICATION_STEP = 3
PAGE_SIZE = 25
SEARCH_LIMIT = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


class QueueState(models.TextChoices):
    OPEN = "terbuka", _("Masih menunggu")
    DONE = "selesai", _("Selesai")
    ALL = "semua", _("Semua")


@dataclass(frozen=True)
class QueueFilters:
    period: Period
    kecamatan: Kecamatan | None = None
    jenjang: str = ""
    school: School | None = None
    state: QueueState = QueueState.OPEN


@dataclass
class StatusCounts:
    waiting: int = 0
    approved: int = 0
    rejected: int = 0
    returned: int = 0

    @property
    def total(self) -> int:
        return self.waiting + self.approved + self.rejected + self.returned

    @property
    def decided(self) -> int:
        return self.approved + self.rejected + self.returned

    def add(self, status: str, count: int) -> None:
        if status == Status.SUBMITTED:
            self.waiting += count
        elif status in APPROVED_STATUSES:
            self.approved += count
        elif status == Status.REJECTED:
            self.rejected += count
        elif status == Status.RETURNED:
            self.returned += count


@dataclass
class QueueRow:
    submission: Submission
    counts: StatusCounts = field(default_factory=StatusCounts)
    waited: timedelta | None = None
    overdue: bool = False


@dataclass
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None
    previous_cursor: str | None
    target_minutes: int


def step_target_minutes(step: int = VERIFICATION_STEP) -> int:
    """The SOP's time for the step, from the revision in force."""
    try:
        sop = SOP.objects.in_force()
    except SOP.DoesNotExist:
        return 0
    found = SOPStep.objects.filter(sop=sop, number=step).values_list("minutes")
    minutes = found.first()
    return minutes[0] if minutes else 0


def _scoped_candidates(filters: QueueFilters) -> CandidateQuerySet:
    candidates = Candidate.objects.filter(period=filters.period)
    if filters.kecamatan is not None:
        candidates = candidates.filter(school__kecamatan=filters.kecamatan)
    if filters.jenjang:
        candidates = candidates.filter(school__jenjang=filters.jenjang)
    if filters.school is not None:
        candidates = candidates.filter(school=filters.school)
    return candidates


def submissions(filters: QueueFilters) -> "QuerySet[Submission]":
    """The period's submissions that still hold candidates, filtered."""
    found = Submission.objects.filter(period=filters.period)
    if filters.kecamatan is not None:
        found = found.filter(school__kecamatan=filters.kecamatan)
    if filters.jenjang:
        found = found.filter(school__jenjang=filters.jenjang)
    if filters.school is not None:
        found = found.filter(school=filters.school)

    held = Candidate.objects.filter(submission=OuterRef("pk"))
    # A submission whose candidates all went back and were sent again holds
    # none: its candidates are in the newer submission.
    found = found.filter(Exists(held))
    waiting = Exists(held.filter(status=Status.SUBMITTED))
    if filters.state == QueueState.OPEN:
        found = found.filter(waiting)
    elif filters.state == QueueState.DONE:
        found = found.exclude(waiting)
    return found.select_related("school__kecamatan")


def status_counts(filters: QueueFilters) -> StatusCounts:
    """Candidates of the filtered schools at or past step 3, by outcome."""
    rows = (
        _scoped_candidates(filters)
        .values("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = StatusCounts()
    for row in rows:
        counts.add(row["status"], row["count"])
    return counts


def encode_cursor(submission: Submission) -> str:
    micros = (submission.submitted_at - EPOCH) // MICROSECOND
    return f"{micros}-{submission.pk}"


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    micros, _dash, pk = (text or "").partition("-")
    if not (micros.isdigit() and pk.isdigit()):
        return None
    return EPOCH + int(micros) * MICROSECOND, int(pk)


def queue_page(
    found: "QuerySet[Submission]",
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> QueuePage:
    """One page of submissions, oldest first, after or before a cursor."""
    now = now or timezone.now()
    start, end = decode_cursor(after), decode_cursor(before)
    if end is not None:
        moment, pk = end
        older = found.filter(
            Q(submitted_at__lt=moment) | Q(submitted_at=moment, pk__lt=pk)
        )
        rows = list(older.order_by("-submitted_at", "-pk")[: size + 1])
        has_previous, has_next = len(rows) > size, True
        rows = rows[:size][::-1]
    else:
        newer = found
        if start is not None:
            moment, pk = start
            newer = found.filter(
                Q(submitted_at__gt=moment) | Q(submitted_at=moment, pk__gt=pk)
            )
        rows = list(newer.order_by("submitted_at", "pk")[: size + 1])
        has_previous, has_next = start is not None, len(rows) > size
        rows = rows[:size]

    target = step_target_minutes()
    queue_rows = _with_counts(rows, now, target)
    return QueuePage(
        rows=queue_rows,
        next_cursor=encode_cursor(rows[-1]) if rows and has_next else None,
        previous_cursor=encode_cursor(rows[0]) if rows and has_previous else None,
        target_minutes=target,
    )


def _with_counts(
    rows: list[Submission], now: datetime, target_minutes: int
) -> list[QueueRow]:
    by_pk = {submission.pk: QueueRow(submission) for submission in rows}
    counts = (
        Candidate.objects.filter(submission_id__in=by_pk)
        .values("submission_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in counts:
        by_pk[row["submission_id"]].counts.add(row["status"], row["count"])

    target = timedelta(minutes=target_minutes)
    for queue_row in by_pk.values():
        if queue_row.counts.waiting:
            # The candidates' step 3 began when the school sent them; a
            # candidate sent again is in the newer submission, with a new
            # start.
            queue_row.waited = now - queue_row.submission.submitted_at
            queue_row.overdue = bool(target_minutes) and queue_row.waited > target
    return list(by_pk.values())


def search(user: AnyUser, period: Period, text: str) -> list[Candidate]:
    """Candidates of the period by NIK (16 digits), NISN (10 digits) or a
    part of the name; at most SEARCH_LIMIT + 1, so a caller can say there
    are more."""
    text = " ".join(text.split())
    found = Candidate.objects.for_user(user).filter(period=period)
    if text.isdigit() and len(text) == 16:
        found = found.filter(student__nik=text)
    elif text.isdigit():
        found = found.filter(student__nisn=text)
    elif len(text) >= 3:
        found = found.filter(student__name__icontains=text)
    else:
        return []
    found = found.select_related("student", "school", "submission")
    return list(found.order_by("student__name", "pk")[: SEARCH_LIMIT + 1])
