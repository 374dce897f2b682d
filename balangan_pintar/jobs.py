"""Running background work on a Job row that the browser polls.

A Celery task receives only the job's id and hands its work to ``run_job``,
which records the state, the progress and the outcome. The work itself must
be safe to run twice: a worker that dies is replaced and the task delivered
again (late acknowledgement), and a stale job is requeued.
"""

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from celery import current_app
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)


class Progress(Protocol):
    def __call__(
        self, done: int, total: int | None = None, message: str = ""
    ) -> None: ...


class JobFailed(Exception):
    """Raised by a job's work with a message the user may read."""


def create_job(kind: Job.Kind, *, user: Any, total: int = 0) -> Job:
    return Job.objects.create(kind=kind, created_by=user, total=total)


def enqueue(job: Job, task: Any) -> None:
    """Send the task for this job once the surrounding transaction commits,
    so the worker never looks for a row it cannot see yet."""
    Job.objects.filter(pk=job.pk).update(task_name=task.name)
    job.task_name = task.name
    transaction.on_commit(lambda: task.delay(str(job.pk)))


def make_progress(job: Job, every_seconds: float = 0.5) -> Progress:
    """A progress callback that writes to the job row at most twice a second."""
    last_write = 0.0

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        nonlocal last_write
        now = time.monotonic()
        finished = total is not None and done >= total
        if now - last_write < every_seconds and not finished:
            return

        last_write = now
        fields: dict[str, Any] = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        if message:
            fields["message"] = message[:300]
        Job.objects.filter(pk=job.pk).update(**fields)

    return progress


def run_job(job_id: str, work: Callable[[Job, Progress], dict[str, Any]]) -> None:
    """Run ``work`` for the job, recording start, progress and outcome.

    A job that already succeeded is left alone, so a task delivered twice
    does the work once.
    """
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("job %s not found; nothing to do", job_id)
        return
    if job.state == Job.State.SUCCEEDED:
        logger.info("job %s already succeeded; skipped", job_id)
        return

    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        started_at=job.started_at or now,
        heartbeat_at=now,
        attempts=job.attempts + 1,
    )
    job.refresh_from_db()
    started = time.monotonic()

    try:
        result = work(job, make_progress(job))
    except JobFailed as error:
        _finish(job, Job.State.FAILED, str(error), {})
        logger.info("job %s (%s) refused its input", job_id, job.kind)
        return
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        message = _("Terjadi kesalahan pada sistem. Silakan coba lagi.")
        _finish(job, Job.State.FAILED, message, {})
        raise

    message = str(result.pop("message", "")) or _("Selesai.")
    _finish(job, Job.State.SUCCEEDED, message, result)
    logger.info(
        "job %s (%s) finished in %.1f s", job_id, job.kind, time.monotonic() - started
    )


def _finish(job: Job, state: str, message: str, result: dict[str, Any]) -> None:
    fields: dict[str, Any] = {
        "state": state,
        "message": message[:300],
        "finished_at": timezone.now(),
    }
    if state == Job.State.SUCCEEDED:
        fields["result"] = result
        fields["result_url"] = str(result.get("url", ""))
        job.refresh_from_db(fields=["done", "total"])
        fields["done"] = max(job.done, job.total)
    Job.objects.filter(pk=job.pk).update(**fields)


def requeue_stale_jobs() -> int:
    """Send again the jobs whose worker stopped beating, e.g. a killed one."""
    count = 0
    for job in Job.objects.stale().exclude(task_name=""):
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.QUEUED, heartbeat_at=timezone.now()
        )
        current_app.send_task(job.task_name, args=[str(job.pk)])
        count += 1
    if count:
        logger.warning("requeued %s stale jobs", count)
    return count
