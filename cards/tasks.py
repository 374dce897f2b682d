"""Background work of the cards app; each task takes a job's id and hands
the work to a service."""

from celery import shared_task

from balangan_pintar.jobs import run_job

from .services import render_print_run_job


@shared_task(name="cards.render_print_run")
def render_print_run(job_id: str) -> None:
    """Render a print run's cards to one print-ready PDF (SOP step 6)."""
    run_job(job_id, render_print_run_job)
