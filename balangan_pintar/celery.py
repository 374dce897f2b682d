"""The Celery application that runs the bulk work: uploads, DTKS matching and
card rendering. Start a worker with ``celery -A balangan_pintar worker``."""

import os
from typing import Any

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balangan_pintar.settings")

app = Celery("balangan_pintar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class StaleJobCheck(bootsteps.StartStopStep):
    """Every worker looks for stale jobs every few minutes while it runs,
    not only when it starts: a worker restarted at once after a crash finds
    the job still fresh, and a task lost with the broker's data has no
    worker restart to wait for (see ``balangan_pintar.jobs``).

    A step of the consumer, so that it starts again with the broker
    connection after that was lost.
    """

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.timer_entry: Any = None

    def start(self, parent: Any) -> None:
        # Imported here: the models are ready only once the worker started.
        from .jobs import check_seconds, check_stale_jobs

        self.timer_entry = parent.timer.call_repeatedly(
            check_seconds(), check_stale_jobs, priority=10
        )

    def stop(self, parent: Any) -> None:
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    def shutdown(self, parent: Any) -> None:
        self.stop(parent)


app.steps["consumer"].add(StaleJobCheck)
