"""Data for the handover and status tests: candidates walked through the
pipeline to any status with dated events, and their cards."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core import signing
from django.utils import timezone

from balangan_pintar.models import Period
from conftest import make_student
from students.models import Candidate, School, Status
from students.services.pipeline import move_candidate, propose_student, submit_to_dinas

from ..card_numbers import format_card_number
from ..models import Card, CardState
from ..status.captcha import SALT, new_challenge

BIRTH_DATE = dt.date(2014, 5, 17)

# The way through the pipeline to each status, after the school's draft.
ROUTE = [
    Status.SUBMITTED,
    Status.APPROVED,
    Status.SENT_TO_BANK,
    Status.ACCOUNT_OPENED,
    Status.CARD_PRINTED,
]
DETOURS = {
    Status.REJECTED: [Status.SUBMITTED, Status.REJECTED],
    Status.RETURNED: [Status.SUBMITTED, Status.RETURNED],
    Status.BANK_REJECTED: [*ROUTE[:3], Status.BANK_REJECTED],
    Status.DELIVERED: [*ROUTE, Status.DELIVERED],
    Status.UNDELIVERED: [*ROUTE, Status.UNDELIVERED],
}


def route_to(status: Status) -> list[Status]:
    if status in DETOURS:
        return DETOURS[status]
    return ROUTE[: ROUTE.index(status) + 1] if status in ROUTE else []


def start_day() -> dt.datetime:
    """Ten days ago at nine in the morning, local time."""
    day = timezone.localdate() - dt.timedelta(days=10)
    return dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())


def candidate_at(
    status: Status,
    school: School,
    period: Period,
    actor: User,
    nisn: str,
    *,
    name: str = "Siti Rahmah",
    birth_date: dt.date = BIRTH_DATE,
) -> Candidate:
    """A candidate moved to ``status`` the way the pipeline does, one day
    per step from ``start_day()``."""
    student = make_student(
        school, nisn, name=name, birth_date=birth_date, nik="", rombel="Kelas 5A"
    )
    candidate = propose_student(student, period, actor=actor)
    at = start_day()
    for target in route_to(status):
        at += dt.timedelta(days=1)
        if target == Status.SUBMITTED and candidate.status == Status.DRAFT:
            submit_to_dinas([candidate], actor=actor, at=at)
        else:
            move_candidate(candidate, target, actor=actor, at=at)
        candidate.refresh_from_db()
    return candidate


def issue_card(
    candidate: Candidate, state: CardState = CardState.PRINTED, **fields: Any
) -> Card:
    """The candidate's card, printed when the candidate's card was."""
    serial = int(candidate.student.nisn[-6:]) + 1
    values: dict[str, Any] = {
        "candidate": candidate,
        "period": candidate.period,
        "number": format_card_number(candidate.period.year, serial),
        "year": candidate.period.year,
        "serial": serial,
        "state": state,
        "printed_at": candidate.status_changed_at,
    }
    values.update(fields)
    return Card.objects.create(**values)


def printed_card(
    school: School, period: Period, actor: User, nisn: str, **kwargs: Any
) -> Card:
    candidate = candidate_at(Status.CARD_PRINTED, school, period, actor, nisn, **kwargs)
    return issue_card(candidate)


def status_form(nisn: str, birth_date: dt.date = BIRTH_DATE) -> dict[str, str]:
    """The status page's form, filled in and with the sum answered."""
    challenge = new_challenge()
    sum_ = signing.loads(challenge.token, salt=SALT)
    return {
        "nisn": nisn,
        "day": str(birth_date.day),
        "month": str(birth_date.month),
        "year": str(birth_date.year),
        "captcha_token": challenge.token,
        "captcha_answer": str(sum_["a"] + sum_["b"]),
    }
