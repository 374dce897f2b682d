"""The worker's part of the reports: making the progress report again after
candidates moved, so that the Kepala Dinas does not wait for it."""

import logging
import time

from celery import shared_task
from django.utils import timezone

from balangan_pintar.models import Period

from .services.progress import refresh_progress

logger = logging.getLogger(__name__)


@shared_task(name="reports.refresh_progress")
def refresh_progress_report(period_id: int) -> None:
    period = Period.objects.filter(pk=period_id).first()
    if period is None:
        return
    started = time.monotonic()
    refresh_progress(period, now=timezone.now())
    logger.info(
        "progress report of period %s made again in %.1f s",
        period_id,
        time.monotonic() - started,
    )
