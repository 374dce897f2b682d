"""Running background work on a Job row that the browser polls.

A Celery task receives only the job's id and hands its work to ``run_job``,
which records the state, the progress and the outcome. The work itself must
be safe to run twice: a worker that dies is replaced and the task delivered
again (late acknowledgement), and a stale job is requeued.

A job's heartbeat says that a worker is still at it: ``run_job`` beats it
from a thread while the work runs, whether or not the work reports progress.
A job whose heartbeat is older than ``JOB_STALE_SECONDS`` has lost its
worker (killed, or its task lost with the broker's data); every worker looks
for such jobs when it starts and every half of that time while it runs, and
sends them again (``requeue_stale_jobs``). Only one delivery runs a job at a
time: ``run_job`` takes a job that is queued, or running with a stale
heartbeat, and leaves it alone otherwise.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Protocol

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from .models import Job

logger = logging.getLogger(__name__)

ALIVE = (Job.State.QUEUED, Job.State.RUNNING)


class Progress(Protocol):
    def __call__(
        self, done: int, total: int | None = None, message: str = ""
    ) -> None: ...


class JobFailed(Exception):
    """Raised by a job's work with a message the user may read."""


def stale_after() -> timedelta:
    return timedelta(seconds=settings.JOB_STALE_SECONDS)


def beat_seconds() -> float:
    """How often a running job's heartbeat is written: four beats fit in the
    time after which the job counts as stale."""
    return max(0.1, settings.JOB_STALE_SECONDS / 4)


def check_seconds() -> float:
    """How often a worker looks for stale jobs."""
    return max(1.0, settings.JOB_STALE_SECONDS / 2)


def create_job(kind: Job.Kind, *, user: Any, total: int = 0) -> Job:
    return Job.objects.create(kind=kind, created_by=user, total=total)


def enqueue(job: Job, task: Any) -> None:
    """Send the task for this job once the surrounding transaction commits,
    so the worker never looks for a row it cannot see yet."""
    Job.objects.filter(pk=job.pk).update(task_name=task.name)
    job.task_name = task.name
    job_id = str(job.pk)
    transaction.on_commit(lambda: _send(job_id, task))


def _send(job_id: str, task: Any) -> None:
    """Send the task; if the broker cannot be reached the job fails with a
    message the user reads, and ``retry_job`` sends it again later. Left
    queued it would wait silently for a worker that never hears of it."""
    try:
        task.delay(job_id)
    except OperationalError:
        logger.exception("job %s could not be sent to the broker", job_id)
        Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
            state=Job.State.FAILED,
            message=_(
                "Pekerjaan tidak dapat dimulai karena antrean pekerjaan latar "
                "tidak tersedia. Silakan coba lagi."
            ),
            finished_at=timezone.now(),
        )


def retry_job(job: Job) -> bool:
    """Send a failed job again. False when the job has not failed or has no
    task to send. The task is sent once the surrounding transaction commits.

    The work starts over; like every job's work it is safe to run again.
    """
    if not job.task_name:
        return False
    retried = Job.objects.filter(pk=job.pk, state=Job.State.FAILED).update(
        state=Job.State.QUEUED,
        message="",
        done=0,
        result={},
        result_url="",
        finished_at=None,
        heartbeat_at=timezone.now(),
    )
    if not retried:
        return False
    task_name = job.task_name
    job_id = str(job.pk)
    transaction.on_commit(lambda: _send(job_id, current_app.tasks[task_name]))
    logger.info("job %s (%s) sent again after failing", job_id, job.kind)
    return True


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


@contextmanager
def keep_alive(job_id: str) -> Iterator[None]:
    """Beat the job's heartbeat from a thread while the block runs, so that
    work which reports no progress for a while is not taken for lost."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(beat_seconds()):
                try:
                    Job.objects.filter(pk=job_id, state__in=ALIVE).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:
                    # A missed beat only brings the stale time nearer; the
                    # next one tries again on a new connection.
                    logger.warning("heartbeat of job %s not written", job_id)
                    close_old_connections()
        finally:
            # The thread's own connections; the worker's stay open.
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        # A beat waiting for a row lock the caller holds ends once the
        # caller commits; the work does not wait for it.
        thread.join(timeout=2)


def _claim(job: Job) -> bool:
    """Mark the job running for this delivery, unless another delivery has
    it (running with a fresh heartbeat) or it has finished."""
    now = timezone.now()
    lost = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - stale_after())
    takeable = Q(state=Job.State.QUEUED) | (Q(state=Job.State.RUNNING) & lost)
    return bool(
        Job.objects.filter(takeable, pk=job.pk).update(
            state=Job.State.RUNNING,
            started_at=job.started_at or now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
        )
    )


def run_job(job_id: str, work: Callable[[Job, Progress], dict[str, Any]]) -> None:
    """Run ``work`` for the job, recording start, progress and outcome.

    A job that already finished is left alone, so a task delivered twice
    does the work once; so is a job another delivery is running. A failed
    job runs again only after ``retry_job``.
    """
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("job %s not found; nothing to do", job_id)
        return
    if not _claim(job):
        logger.info("job %s is %s elsewhere or finished; skipped", job_id, job.state)
        return
    job.refresh_from_db()
    started = time.monotonic()

    try:
        with keep_alive(job_id):
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


def stale_jobs() -> QuerySet[Job]:
    """Queued or running jobs with no sign of life for ``JOB_STALE_SECONDS``:
    no heartbeat since, nor, never started, since they were made. A queued
    job counts from its last requeue, so one waiting behind a long queue is
    sent again at most once per period rather than at every check.
    """
    limit = timezone.now() - stale_after()
    return (
        Job.objects.filter(state__in=ALIVE)
        .exclude(task_name="")
        .alias(last_sign=Coalesce("heartbeat_at", "created_at"))
        .filter(last_sign__lt=limit)
    )


def requeue_stale_jobs() -> int:
    """Send again the jobs whose worker stopped beating, e.g. a killed one.

    Each job is marked queued with a fresh heartbeat before its task is
    sent, and only if nobody changed it since it was read: of two workers
    checking at once, one sends it. A task that cannot be sent leaves the
    job queued; it is sent at a later check.
    """
    count = 0
    for job in stale_jobs():
        taken = Job.objects.filter(
            pk=job.pk, state=job.state, heartbeat_at=job.heartbeat_at
        ).update(state=Job.State.QUEUED, heartbeat_at=timezone.now())
        if not taken:
            continue
        try:
            current_app.send_task(job.task_name, args=[str(job.pk)])
        except OperationalError:
            logger.exception("stale job %s could not be sent again", job.pk)
            break
        count += 1
    if count:
        logger.warning("requeued %s stale jobs", count)
    return count


def check_stale_jobs() -> None:
    """The worker's periodic look for stale jobs; an error is logged and the
    next look tries again, the worker carries on."""
    close_old_connections()
    try:
        requeue_stale_jobs()
    except Exception:
        logger.exception("looking for stale jobs failed")
    finally:
        close_old_connections()
