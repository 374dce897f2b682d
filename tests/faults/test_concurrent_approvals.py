"""Fifty verifiers approving the same candidate at the same moment, each on
a connection of its own: one approval is applied, with one stage event and
one audit entry; the other forty-nine are refused in words."""

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from balangan_pintar.models import AuditEntry, Period
from balangan_pintar.roles import Role
from conftest import make_user
from students.models import Candidate, School, StageEvent, Status
from verification.models import Decision, Outcome, PeriodRules
from verification.services import decisions
from verification.services.decisions import DecisionRefused, decide
from verification.tests import factories

VERIFIERS = 50


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_simultaneous_approvals_apply_once(
    school_a: School,
    period: Period,
    operator_a: User,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL): SQLite has no concurrent writers "
            "and no row locks to test"
        )
    settings.MEDIA_ROOT = tmp_path / "files"
    PeriodRules.objects.create(period=period, sktm_required=False)
    register = factories.snapshot()
    pupil = factories.students(school_a, 1)[0]
    factories.matched(pupil, register)
    candidate = factories.send([pupil], period, operator_a)[1][0]
    verifiers = [
        make_user(f"verifier_{n:02d}", Role.VERIFIER) for n in range(VERIFIERS)
    ]

    # The approval that takes the row lock first holds it a while, so that
    # every other one certainly arrives while it is still open.
    real_record = decisions.record

    def slow_record(*args: Any, **kwargs: Any) -> Any:
        entry = real_record(*args, **kwargs)
        time.sleep(1)
        return entry

    monkeypatch.setattr(decisions, "record", slow_record)
    barrier = threading.Barrier(VERIFIERS)
    outcomes: dict[str, tuple[str, str]] = {}
    timings: dict[str, tuple[float, float]] = {}

    def approve(verifier: User) -> None:
        try:
            connection.ensure_connection()
            # As the view finds it: the candidate as the verifier's page saw it.
            seen = Candidate.objects.get(pk=candidate.pk)
            barrier.wait(timeout=60)
            started = time.monotonic()
            try:
                applied = decide(
                    seen,
                    Outcome.APPROVE,
                    actor=verifier,
                    token=uuid.uuid4(),
                    submission_id=seen.submission_id,
                )
            except DecisionRefused as refusal:
                outcomes[verifier.username] = ("refused", str(refusal))
            else:
                outcomes[verifier.username] = ("applied", str(applied.count))
            timings[verifier.username] = (started, time.monotonic())
        except Exception as error:
            outcomes[verifier.username] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(v,)) for v in verifiers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not [t for t in threads if t.is_alive()]
    errors = {name: what for name, (kind, what) in outcomes.items() if kind == "error"}
    assert errors == {}
    applied = [name for name, (kind, _what) in outcomes.items() if kind == "applied"]
    assert len(applied) == 1
    winner = applied[0]
    refusals = [what for kind, what in outcomes.values() if kind == "refused"]
    assert len(refusals) == VERIFIERS - 1
    assert all(f"oleh {winner}" in refusal for refusal in refusals)
    assert all("Keputusan Anda tidak diterapkan" in refusal for refusal in refusals)
    # Every approval was under way before the winner's transaction ended.
    assert max(start for start, _end in timings.values()) < timings[winner][1]

    candidate.refresh_from_db()
    assert candidate.status == Status.APPROVED
    assert Decision.objects.filter(candidate=candidate).count() == 1
    decided_by = Decision.objects.get(candidate=candidate).decided_by
    assert decided_by is not None and decided_by.username == winner
    moves = StageEvent.objects.filter(candidate=candidate, to_status=Status.APPROVED)
    assert moves.count() == 1
    entries = AuditEntry.objects.filter(
        action="candidate.approve", object_id=str(candidate.pk)
    )
    assert entries.count() == 1
    assert entries.get().actor_name == winner
