from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.utils.translation import gettext as _

from .jobs import Progress, check_stale_jobs, run_job
from .models import Job


@worker_ready.connect
def requeue_on_start(**kwargs: Any) -> None:
    """A worker that starts picks up the jobs a vanished worker left behind."""
    check_stale_jobs()


@shared_task(name="balangan_pintar.check_worker")
def check_worker(job_id: str) -> None:
    """A small job an administrator can start to see the worker answer."""
    run_job(job_id, count_steps)


def count_steps(job: Job, progress: Progress) -> dict[str, Any]:
    steps = 10
    for done in range(1, steps + 1):
        progress(done, steps)
    return {"steps": steps, "message": _("Pekerja latar berjalan dengan baik.")}
