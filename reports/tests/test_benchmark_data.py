"""The benchmark data generator: histories that obey the state machine, and
a command that refuses a period that already has candidates."""

from collections import defaultdict
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command

from balangan_pintar.models import Period
from reports.synthetic import generate
from students.models import TRANSITIONS, Candidate, StageEvent, Status, Student


def test_generated_histories_follow_the_transitions(period: Period) -> None:
    made = generate(period, candidates=60, schools=8, weeks=10, seed=7)

    assert (made.schools, made.students, made.candidates) == (8, 72, 60)
    assert StageEvent.objects.count() == made.events
    history: dict[int, list[StageEvent]] = defaultdict(list)
    for event in StageEvent.objects.order_by("candidate_id", "at", "pk"):
        history[event.candidate_id].append(event)
    for candidate in Candidate.objects.all():
        events = history[candidate.pk]
        assert events[0].to_status == Status.LISTED
        for before, after in pairwise(events):
            assert (before.to_status, after.to_status) in TRANSITIONS
            assert after.from_status == before.to_status
            assert after.step == TRANSITIONS[(before.to_status, after.to_status)]
        assert candidate.status == events[-1].to_status
        assert candidate.status_changed_at == events[-1].at


def test_command_fills_an_empty_period(period: Period) -> None:
    out = StringIO()

    call_command("make_report_benchmark_data", candidates=20, stdout=out)

    assert Candidate.objects.filter(period=period).count() == 20
    assert Student.objects.count() == 24
    assert "20 candidates" in out.getvalue()


def test_command_refuses_a_period_with_candidates(period: Period) -> None:
    generate(period, candidates=5, schools=8)

    with pytest.raises(CommandError):
        call_command("make_report_benchmark_data", candidates=5, stdout=StringIO())
