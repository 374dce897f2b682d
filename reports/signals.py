"""After candidates move, the worker makes the progress report again once
the burst of moves is over (``REPORTS_REFRESH_DELAY_SECONDS`` after the
first), rather than once per move."""

import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from kombu.exceptions import OperationalError

from students.signals import candidates_moved

logger = logging.getLogger(__name__)


@receiver(candidates_moved)
def schedule_refresh(sender: Any, period_ids: set[int], **kwargs: Any) -> None:
    if settings.REPORTS_CACHE_SECONDS <= 0:
        return
    for period_id in period_ids:
        transaction.on_commit(partial(_send, period_id))


def _send(period_id: int) -> None:
    from .tasks import refresh_progress_report

    delay = settings.REPORTS_REFRESH_DELAY_SECONDS
    pending = f"reports:refresh-pending:{period_id}"
    if not cache.add(pending, 1, timeout=delay):
        return
    try:
        refresh_progress_report.apply_async((period_id,), countdown=delay, retry=False)
    except OperationalError:
        # The report then stays as it was until it expires; nothing is lost.
        logger.warning("could not ask the worker to refresh period %s", period_id)
        cache.delete(pending)
