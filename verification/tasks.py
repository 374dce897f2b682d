from celery import shared_task

from balangan_pintar.jobs import run_job

from .services.lampiran import render_export


@shared_task(name="verification.render_lampiran_pdf")
def render_lampiran_pdf(job_id: str) -> None:
    run_job(job_id, render_export)
