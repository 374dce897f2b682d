"""A DTKS extract imported and the district matched by a real Celery worker
on Redis, as in production."""

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from balangan_pintar.jobs import enqueue
from balangan_pintar.models import Job
from conftest import wait_until
from students.dtks.models import Match, Snapshot
from students.dtks.services.importing import receive_register
from students.dtks.services.matching import start_district_match
from students.dtks.services.synthetic_district import store_students, write_register
from students.dtks.synthetic import make_district
from students.dtks.tasks import import_register


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_imports_the_register_and_matches_the_district(
    celery_worker_process: subprocess.Popen[bytes],
    dinas_admin: User,
    settings: Any,
    tmp_path: Path,
) -> None:
    # The worker was started with VAR_DIR=tmp_path; both sides must agree
    # on where received files wait.
    settings.MEDIA_ROOT = tmp_path / "files"
    district = make_district(students=150, seed=11)
    store_students(district)
    extract = tmp_path / "dtks.csv"
    write_register(district.people, extract)

    with transaction.atomic():
        snapshot = receive_register(
            [extract.read_bytes()], "dtks.csv", user=dinas_admin
        )
        job = snapshot.job
        assert job is not None
        enqueue(job, import_register)

    assert wait_until(lambda: Job.objects.get(pk=job.pk).is_finished, 60)
    imported = Job.objects.get(pk=job.pk)
    assert imported.state == Job.State.SUCCEEDED, imported.message
    match_job = Job.objects.get(pk=imported.result["match_job"])
    assert wait_until(lambda: Job.objects.get(pk=match_job.pk).is_finished, 60)
    match_job.refresh_from_db()
    assert match_job.state == Job.State.SUCCEEDED, match_job.message
    assert (match_job.done, match_job.total) == (150, 150)
    assert Snapshot.objects.get(pk=snapshot.pk).is_complete
    assert Match.objects.filter(snapshot=snapshot).count() == 150

    # Matching again on demand changes nothing.
    before = list(Match.objects.order_by("pk").values_list("pk", "matched_at"))
    with transaction.atomic():
        again = start_district_match(user=dinas_admin)
    assert wait_until(lambda: Job.objects.get(pk=again.pk).is_finished, 60)
    assert Job.objects.get(pk=again.pk).state == Job.State.SUCCEEDED
    assert list(Match.objects.order_by("pk").values_list("pk", "matched_at")) == before
