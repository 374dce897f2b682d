"""Background work of the DTKS register; each task takes ids and hands the
work to a service. The district match runs outside ``run_job`` (a planning
task and one task per part), so its tasks beat the job's heartbeat
themselves: a part matching for minutes is not taken for lost."""

from celery import shared_task

from balangan_pintar.jobs import keep_alive, run_job

from .services.importing import run_import_job
from .services.matching import plan_district_match, run_match_part


@shared_task(name="dtks.import_register")
def import_register(job_id: str) -> None:
    """Read and store a DTKS/DTSEN extract as a new snapshot."""
    run_job(job_id, run_import_job)


@shared_task(name="dtks.match_district")
def match_district(job_id: str) -> None:
    """Split the district's students into parts, one task each."""
    with keep_alive(job_id):
        plan_district_match(job_id)


@shared_task(name="dtks.match_part")
def match_part(job_id: str, plan: str, index: int, student_ids: list[int]) -> None:
    """Match one part of the district's students and count it on the job."""
    with keep_alive(job_id):
        run_match_part(job_id, plan, index, student_ids)
