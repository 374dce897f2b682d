"""A job whose worker is gone: its heartbeat goes stale, a worker finds it,
when it starts and while it runs, and sends it again exactly once; a live
worker's job never goes stale, and only one delivery runs a job."""

import datetime as dt
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from balangan_pintar import jobs
from balangan_pintar.jobs import (
    Progress,
    create_job,
    requeue_stale_jobs,
    retry_job,
    run_job,
    stale_jobs,
)
from balangan_pintar.models import Job
from balangan_pintar.tasks import check_worker
from conftest import wait_until

from .conftest import StartFaultWorker

AN_HOUR_AGO = dt.timedelta(hours=1)


def job_in(
    state: Job.State, user: User, *, beat: dt.timedelta | None, **fields: Any
) -> Job:
    """A job of the worker check in ``state`` whose last heartbeat was
    ``beat`` ago (None: never)."""
    now = timezone.now()
    values: dict[str, Any] = {
        "kind": Job.Kind.DEMO,
        "created_by": user,
        "state": state,
        "task_name": check_worker.name,
        "created_at": now - AN_HOUR_AGO,
        "heartbeat_at": None if beat is None else now - beat,
        **fields,
    }
    return Job.objects.create(**values)


class Sent(list[tuple[str, list[str]]]):
    """The tasks ``requeue_stale_jobs`` sent, in place of the broker."""

    def send_task(self, name: str, args: list[str]) -> None:
        self.append((name, args))


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    tasks = Sent()
    monkeypatch.setattr(jobs, "current_app", SimpleNamespace(send_task=tasks.send_task))
    return tasks


def test_a_job_whose_worker_stopped_beating_is_requeued_once(
    db: None, verifier: User, sent: Sent
) -> None:
    lost = job_in(Job.State.RUNNING, verifier, beat=AN_HOUR_AGO, attempts=1)
    never_picked = job_in(Job.State.QUEUED, verifier, beat=None)
    job_in(Job.State.RUNNING, verifier, beat=dt.timedelta(seconds=5))
    job_in(Job.State.SUCCEEDED, verifier, beat=AN_HOUR_AGO)
    job_in(Job.State.FAILED, verifier, beat=AN_HOUR_AGO)
    job_in(Job.State.RUNNING, verifier, beat=AN_HOUR_AGO, task_name="")

    assert set(stale_jobs()) == {lost, never_picked}
    assert requeue_stale_jobs() == 2

    assert sorted(sent) == sorted(
        [
            (check_worker.name, [str(lost.pk)]),
            (check_worker.name, [str(never_picked.pk)]),
        ]
    )
    lost.refresh_from_db()
    assert lost.state == Job.State.QUEUED
    assert lost.heartbeat_at is not None
    assert timezone.now() - lost.heartbeat_at < dt.timedelta(seconds=5)
    # Sent again, the job counts as fresh until a worker has had its time.
    assert requeue_stale_jobs() == 0
    assert len(sent) == 2


def test_of_two_workers_looking_at_once_one_sends_the_job(
    db: None, verifier: User, sent: Sent, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost = job_in(Job.State.RUNNING, verifier, beat=AN_HOUR_AGO)
    read_by_first = list(stale_jobs())

    assert requeue_stale_jobs() == 1
    # The first worker goes on with the rows it read before the second
    # worker requeued the job.
    monkeypatch.setattr(jobs, "stale_jobs", lambda: read_by_first)

    assert requeue_stale_jobs() == 0
    assert sent == [(check_worker.name, [str(lost.pk)])]


def test_only_one_delivery_runs_a_job(
    db: None, verifier: User, django_capture_on_commit_callbacks: Any
) -> None:
    runs: list[str] = []

    def work(job: Job, progress: Progress) -> dict[str, Any]:
        runs.append(str(job.pk))
        return {}

    elsewhere = job_in(Job.State.RUNNING, verifier, beat=dt.timedelta(seconds=1))
    abandoned = job_in(Job.State.RUNNING, verifier, beat=AN_HOUR_AGO, attempts=1)
    failed = job_in(Job.State.FAILED, verifier, beat=AN_HOUR_AGO, attempts=1)

    for job in (elsewhere, abandoned, failed):
        run_job(str(job.pk), work)

    assert runs == [str(abandoned.pk)]
    assert Job.objects.get(pk=abandoned.pk).attempts == 2
    assert Job.objects.get(pk=elsewhere.pk).state == Job.State.RUNNING

    # A failed job runs again once retried, and only then.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert retry_job(failed)
    assert len(callbacks) == 1
    assert Job.objects.get(pk=failed.pk).state == Job.State.QUEUED
    run_job(str(failed.pk), work)
    assert runs == [str(abandoned.pk), str(failed.pk)]
    assert Job.objects.get(pk=failed.pk).state == Job.State.SUCCEEDED
    assert not retry_job(Job.objects.get(pk=failed.pk))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_work_that_reports_no_progress_keeps_its_job_alive(
    verifier: User, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL): the heartbeat is written from a "
            "second connection while the work runs"
        )
    settings.JOB_STALE_SECONDS = 1
    job = create_job(Job.Kind.DEMO, user=verifier)
    seen: dict[str, Any] = {}

    def silent_work(job: Job, progress: Progress) -> dict[str, Any]:
        claimed = Job.objects.get(pk=job.pk).heartbeat_at
        assert claimed is not None
        # Twice the stale time without a word of progress.
        past = claimed + dt.timedelta(seconds=2)
        assert wait_until(lambda: timezone.now() > past, 10)
        seen["beat"] = Job.objects.get(pk=job.pk).heartbeat_at
        seen["stale"] = stale_jobs().filter(pk=job.pk).exists()
        seen["claimed"] = claimed
        return {}

    threads_before = threading.active_count()
    run_job(str(job.pk), silent_work)

    assert seen["beat"] > seen["claimed"] + dt.timedelta(seconds=1)
    assert seen["stale"] is False
    assert Job.objects.get(pk=job.pk).state == Job.State.SUCCEEDED
    assert threading.active_count() == threads_before


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_that_starts_requeues_the_job_a_vanished_worker_left(
    fault_worker: StartFaultWorker, verifier: User
) -> None:
    lost = job_in(Job.State.RUNNING, verifier, beat=AN_HOUR_AGO, attempts=1)

    # With a stale time of ten minutes the running worker's own check comes
    # minutes later: only the check at start can pick the job up.
    fault_worker(JOB_STALE_SECONDS="600")

    assert wait_until(lambda: Job.objects.get(pk=lost.pk).is_finished, 30), (
        Job.objects.get(pk=lost.pk).state
    )
    lost.refresh_from_db()
    assert lost.state == Job.State.SUCCEEDED, lost.message
    assert (lost.attempts, lost.done, lost.total) == (2, 10, 10)


@pytest.mark.slow
@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_running_worker_requeues_a_job_that_went_stale(
    fault_worker: StartFaultWorker, verifier: User
) -> None:
    worker = fault_worker()
    # After the worker started: only its periodic check can find the job.
    lost = job_in(Job.State.RUNNING, verifier, beat=AN_HOUR_AGO, attempts=1)

    assert wait_until(lambda: Job.objects.get(pk=lost.pk).is_finished, 30), (
        Job.objects.get(pk=lost.pk).state
    )
    lost.refresh_from_db()
    assert lost.state == Job.State.SUCCEEDED, lost.message
    assert lost.attempts == 2
    assert worker.poll() is None
