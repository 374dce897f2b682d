"""The demo data of `make run`: a programme year in progress, made through the
application's services, and loaded once."""

from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from bank_exchange.models import BankBatch
from cards.models import Card
from students.models import Candidate, StageEvent, Status, Student
from verification.models import Decision


@pytest.fixture
def demo_files(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def load_small() -> str:
    out = StringIO()
    call_command("load_demo", "--small", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "students": Student.objects.count(),
        "candidates": Candidate.objects.count(),
        "events": StageEvent.objects.count(),
        "decisions": Decision.objects.count(),
        "batches": BankBatch.objects.count(),
        "cards": Card.objects.count(),
    }


@pytest.mark.django_db
def test_demo_shows_a_programme_year_in_progress(demo_files: Path) -> None:
    output = load_small()

    statuses = set(Candidate.objects.values_list("status", flat=True))
    assert len(statuses) >= 6
    assert {
        Status.REJECTED,
        Status.RETURNED,
        Status.BANK_REJECTED,
        Status.UNDELIVERED,
    } <= statuses
    steps = set(StageEvent.objects.exclude(step=None).values_list("step", flat=True))
    assert steps == {1, 2, 3, 4, 5, 6, 7}
    assert "operator.sdn1" in output

    # Spread over past weeks, each candidate's events in the order they
    # happened.
    events = StageEvent.objects.order_by("candidate_id", "pk")
    last: dict[int, datetime] = {}
    for candidate_id, at in events.values_list("candidate_id", "at"):
        assert at >= last.get(candidate_id, at)
        last[candidate_id] = at
    times = list(events.values_list("at", flat=True))
    assert max(times) < timezone.now()
    assert max(times) - min(times) > timedelta(weeks=3)


@pytest.mark.django_db
def test_demo_loaded_twice_changes_nothing(demo_files: Path) -> None:
    load_small()
    before = counts()

    output = load_small()

    assert "demo data already present" in output
    assert counts() == before
