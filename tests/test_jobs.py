"""The Job row's life: queued, running with progress, finished; on a real
Celery worker when Redis is there."""

import subprocess
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar import celery_app
from balangan_pintar.jobs import JobFailed, Progress, create_job, enqueue, run_job
from balangan_pintar.models import Job
from balangan_pintar.tasks import check_worker
from conftest import PASSWORD, wait_until


def count_to_ten(job: Job, progress: Progress) -> dict[str, Any]:
    for i in range(1, 11):
        progress(i, 10)
    return {"counted": 10, "message": "sepuluh"}


def refuse(job: Job, progress: Progress) -> dict[str, Any]:
    raise JobFailed("Berkas tidak dapat dibaca.")


@celery_app.task(name="tests.count_job")
def count_job(job_id: str) -> None:
    run_job(job_id, count_to_ten)


def test_a_finished_job_records_its_result(db: None, verifier: User) -> None:
    job = create_job(Job.Kind.DEMO, user=verifier)

    run_job(str(job.pk), count_to_ten)

    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert (job.done, job.total, job.percent) == (10, 10, 100)
    assert job.result == {"counted": 10}
    assert job.message == "sepuluh"
    assert job.attempts == 1
    assert job.started_at is not None and job.finished_at is not None


def test_a_succeeded_job_is_not_run_twice(db: None, verifier: User) -> None:
    job = create_job(Job.Kind.DEMO, user=verifier)
    run_job(str(job.pk), count_to_ten)
    calls: list[str] = []

    def record_call(job: Job, progress: Progress) -> dict[str, Any]:
        calls.append(str(job.pk))
        return {}

    run_job(str(job.pk), record_call)

    assert calls == []
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_a_refused_input_fails_with_its_message(db: None, verifier: User) -> None:
    job = create_job(Job.Kind.DEMO, user=verifier)

    run_job(str(job.pk), refuse)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.message == "Berkas tidak dapat dibaca."


def test_an_error_fails_the_job_without_details(db: None, verifier: User) -> None:
    job = create_job(Job.Kind.DEMO, user=verifier)

    def crash(job: Job, progress: Progress) -> dict[str, Any]:
        raise RuntimeError("secret detail")

    with pytest.raises(RuntimeError):
        run_job(str(job.pk), crash)

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "secret" not in job.message


def test_the_task_is_sent_only_after_commit(
    db: None, verifier: User, django_capture_on_commit_callbacks: Any
) -> None:
    celery_app.conf.task_always_eager = True
    try:
        job = create_job(Job.Kind.DEMO, user=verifier)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            enqueue(job, count_job)
        assert Job.objects.get(pk=job.pk).state == Job.State.QUEUED

        callbacks[0]()
    finally:
        celery_app.conf.task_always_eager = False

    assert Job.objects.get(pk=job.pk).state == Job.State.SUCCEEDED


def test_job_page_is_private_to_its_owner(
    client: Client, verifier: User, operator_a: User
) -> None:
    job = create_job(Job.Kind.DEMO, user=verifier)
    url = reverse("job-detail", args=[job.pk])

    client.login(username=operator_a.username, password=PASSWORD)
    assert client.get(url).status_code == 404

    client.login(username=verifier.username, password=PASSWORD)
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_job_runs_on_a_real_worker(
    celery_worker_process: subprocess.Popen[bytes], verifier: User
) -> None:
    job = create_job(Job.Kind.DEMO, user=verifier)

    check_worker.delay(str(job.pk))

    assert wait_until(lambda: Job.objects.get(pk=job.pk).is_finished)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert (job.done, job.total) == (10, 10)
