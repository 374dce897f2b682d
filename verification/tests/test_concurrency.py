"""Two verifiers deciding the same candidate: exactly one decision is
applied; the other verifier is told who decided what."""

import threading
import time
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import Period
from balangan_pintar.roles import Role
from conftest import make_user
from students.dtks.models import Snapshot
from students.models import Candidate, School, StageEvent, Status

from ..models import Decision, PeriodRules
from ..services import decisions
from . import factories


def decision_form(candidate: Candidate, outcome: str, **fields: str) -> dict[str, str]:
    return {
        "token": str(uuid.uuid4()),
        "outcome": outcome,
        "submission": str(candidate.submission_id),
        **fields,
    }


def test_a_decision_on_a_candidate_already_decided_is_refused_with_who_and_what(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
    client: Client,
) -> None:
    other = make_user("verifier_2", Role.VERIFIER)
    pupil = factories.students(school_a, 1)[0]
    factories.matched(pupil, register)
    candidate = factories.send([pupil], period, operator_a)[1][0]
    url = reverse("verification:decide", args=[candidate.pk])
    first = decision_form(candidate, "approve")
    second = decision_form(candidate, "reject", reason="data_wrong")

    factories.login(client, verifier)
    client.post(url, first)
    factories.login(client, other)
    response = client.post(url, second, follow=True)

    page = response.content.decode()
    assert "sudah diputuskan" in page
    assert "Disetujui" in page
    assert "oleh verifier" in page
    assert Candidate.objects.get(pk=candidate.pk).status == Status.APPROVED
    assert Decision.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_verifiers_at_the_same_moment_apply_exactly_one_decision(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    register: Snapshot,
    rules: PeriodRules,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL): SQLite has no concurrent writers "
            "and no row locks to test"
        )
    other = make_user("verifier_2", Role.VERIFIER)
    pupil = factories.students(school_a, 1)[0]
    factories.matched(pupil, register)
    candidate = factories.send([pupil], period, operator_a)[1][0]
    url = reverse("verification:decide", args=[candidate.pk])

    # Whoever takes the row lock first holds it a while, so that the other
    # request certainly arrives while the first transaction is still open.
    real_record = decisions.record

    def slow_record(*args: Any, **kwargs: Any) -> Any:
        entry = real_record(*args, **kwargs)
        time.sleep(0.5)
        return entry

    monkeypatch.setattr(decisions, "record", slow_record)
    barrier = threading.Barrier(2)
    pages: dict[str, str] = {}
    timings: dict[str, tuple[float, float]] = {}

    def post(user: User, data: dict[str, str]) -> None:
        try:
            browser = Client()
            browser.force_login(user)
            barrier.wait()
            started = time.monotonic()
            response = browser.post(url, data, follow=True)
            timings[user.username] = (started, time.monotonic())
            pages[user.username] = response.content.decode()
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=post, args=(verifier, decision_form(candidate, "approve"))
        ),
        threading.Thread(
            target=post,
            args=(other, decision_form(candidate, "reject", reason="kip_recipient")),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert set(pages) == {"verifier", "verifier_2"}
    starts = [start for start, _end in timings.values()]
    ends = [end for _start, end in timings.values()]
    assert max(starts) < min(ends), "the two requests did not overlap"
    assert Decision.objects.filter(candidate=candidate).count() == 1
    assert StageEvent.objects.filter(candidate=candidate, step=3).count() == 1
    winner = Decision.objects.get(candidate=candidate).decided_by
    assert winner is not None
    loser = "verifier_2" if winner.username == "verifier" else "verifier"
    assert "Keputusan tercatat" in pages[winner.username]
    assert "sudah diputuskan" in pages[loser]
    assert f"oleh {winner.username}" in pages[loser]
    status = Candidate.objects.get(pk=candidate.pk).status
    assert status == (Status.APPROVED if winner == verifier else Status.REJECTED)
