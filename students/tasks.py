"""Background work of the students app; each task takes a job's id and
hands the work to a service."""

from celery import shared_task

from balangan_pintar.jobs import run_job

from .services.upload import run_upload_job


@shared_task(name="students.process_upload")
def process_upload(job_id: str) -> None:
    """Read, validate and store an uploaded pupil list (SOP step 1)."""
    run_job(job_id, run_upload_job)
