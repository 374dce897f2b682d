"""Redis restarted during a job, on a Redis of the test's own (the shared
one stays up): the job completes, or fails where the user sees it and can
send it again; it never waits silently for a task Redis has lost."""

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count

from balangan_pintar.jobs import create_job, enqueue, retry_job
from balangan_pintar.models import Job
from balangan_pintar.tasks import check_worker
from conftest import wait_until
from students.dtks.choices import Decision
from students.dtks.models import Match
from students.dtks.services.matching import start_district_match
from students.dtks.services.synthetic_district import store_district
from students.dtks.synthetic import make_district
from students.models import Student

from .conftest import RedisServer, StartFaultWorker

pytestmark = [
    pytest.mark.slow,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"


def test_a_district_match_whose_queued_parts_redis_lost_still_completes(
    broker: RedisServer, fault_worker: StartFaultWorker, dinas_admin: User
) -> None:
    stored = store_district(make_district(students=240, seed=8))
    students = set(Student.objects.filter(is_listed=True).values_list("pk", flat=True))
    worker = fault_worker()
    with transaction.atomic():
        job = start_district_match(user=dinas_admin)

    def counted() -> list[int]:
        finished: list[int] = Job.objects.get(pk=job.pk).result.get("finished", [])
        return finished

    assert wait_until(lambda: len(counted()) >= 1, 60)
    # A crash without persistence: the parts still queued are gone, and so
    # is the unacknowledged part the worker is matching.
    broker.restart()
    assert len(counted()) < Job.objects.get(pk=job.pk).result["parts"]

    assert wait_until(lambda: Job.objects.get(pk=job.pk).is_finished, 60), (
        Job.objects.get(pk=job.pk).state
    )
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    assert job.result["counts"]["students"] == job.done == len(students)
    matches = Match.objects.filter(snapshot=stored.snapshot)
    assert set(matches.values_list("student_id", flat=True)) == students
    assert not matches.values("student_id").annotate(n=Count("pk")).filter(n__gt=1)
    # The job counted each student once: its counts are those of the rows.
    decisions = Counter(matches.values_list("decision", flat=True))
    assert job.result["counts"]["matched"] == decisions[Decision.MATCHED]
    assert job.result["counts"]["review"] == decisions[Decision.REVIEW]
    assert worker.poll() is None, "the worker did not survive the restart"


def test_a_job_sent_while_redis_is_down_fails_visibly_and_runs_when_retried(
    broker: RedisServer, fault_worker: StartFaultWorker, verifier: User
) -> None:
    broker.crash()
    job = create_job(Job.Kind.DEMO, user=verifier)

    with transaction.atomic():
        enqueue(job, check_worker)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "antrean pekerjaan latar tidak tersedia" in job.message

    broker.start()
    with transaction.atomic():
        assert retry_job(job)
    assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED
    with broker.client() as client:
        assert client.llen("celery") == 1
    worker = fault_worker()

    assert wait_until(lambda: Job.objects.get(pk=job.pk).is_finished, 30), (
        Job.objects.get(pk=job.pk).state
    )
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    assert (job.done, job.total) == (10, 10)
    assert worker.poll() is None
