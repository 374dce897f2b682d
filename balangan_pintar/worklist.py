"""What is waiting for a user: the counts on each role's home page, read
from the candidates' statuses alone so that every step can show them."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min
from django.utils.translation import gettext_lazy as _

from students.models import WAITING_AT_STEP, Candidate, Status, Submission

from .models import SOP, Period
from .roles import AnyUser, Role, has_role, roles_of

# Which SOP steps each role acts on.
STEPS_OF_ROLE: dict[Role, tuple[int, ...]] = {
    Role.SCHOOL_OPERATOR: (2, 7),
    Role.VERIFIER: (3,),
    Role.DINAS_ADMIN: (4,),
    Role.BANK_OFFICER: (5, 6),
    Role.KEPALA_DINAS: (1, 2, 3, 4, 5, 6, 7),
}


@dataclass(frozen=True)
class WaitingWork:
    step: int
    activity: str
    count: int
    oldest: datetime | None
    target_minutes: int


def waiting_work(user: AnyUser, period: Period | None) -> list[WaitingWork]:
    """Per SOP step that the user's roles act on: how many candidates wait
    there now, and since when the oldest has waited."""
    steps: set[int] = set()
    for role in roles_of(user):
        steps.update(STEPS_OF_ROLE[role])
    if not steps or period is None:
        return []

    # The bank sees no candidate records, but counting what waits at its
    # steps shows nothing personal.
    if has_role(user, Role.BANK_OFFICER):
        candidates = Candidate.objects.all()
    else:
        candidates = Candidate.objects.for_user(user)
    rows = (
        candidates.filter(period=period)
        .values("status")
        .annotate(count=Count("pk"), oldest=Min("status_changed_at"))
        .order_by()
    )
    counts: dict[int, int] = dict.fromkeys(steps, 0)
    oldest: dict[int, datetime] = {}
    for row in rows:
        step = WAITING_AT_STEP.get(row["status"])
        if step not in steps:
            continue
        counts[step] += row["count"]
        if step not in oldest or row["oldest"] < oldest[step]:
            oldest[step] = row["oldest"]

    sop_steps = {s.number: s for s in SOP.objects.in_force().steps.all()}
    return [
        WaitingWork(
            step=step,
            activity=sop_steps[step].activity if step in sop_steps else "",
            count=counts[step],
            oldest=oldest.get(step),
            target_minutes=sop_steps[step].minutes if step in sop_steps else 0,
        )
        for step in sorted(steps)
    ]


def submissions_waiting(user: AnyUser, period: Period | None) -> dict[str, object]:
    """Submissions that still hold candidates waiting for the Dinas."""
    if period is None or Role.VERIFIER not in roles_of(user):
        return {}
    waiting = Submission.objects.filter(
        period=period, candidates__status=Status.SUBMITTED
    ).distinct()
    first = waiting.order_by("submitted_at").first()
    return {
        "label": _("usulan menunggu verifikasi"),
        "count": waiting.count(),
        "oldest": first.submitted_at if first else None,
    }
