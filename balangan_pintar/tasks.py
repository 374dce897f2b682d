from typing import Any

from celery.signals import worker_ready

from .jobs import requeue_stale_jobs


@worker_ready.connect
def requeue_on_start(**kwargs: Any) -> None:
    """A worker that starts picks up the jobs a vanished worker left behind."""
    requeue_stale_jobs()
