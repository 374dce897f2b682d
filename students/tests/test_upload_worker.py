"""An upload read by a real Celery worker on Redis, as in production."""

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import Job
from conftest import PASSWORD, wait_until
from students.dapodik.samples import make_dapodik_workbook
from students.models import School, Student, Upload


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_upload_is_read_by_a_real_worker(
    celery_worker_process: subprocess.Popen[bytes],
    client: Client,
    operator_a: User,
    school_a: School,
    settings: Any,
    tmp_path: Path,
) -> None:
    # The worker was started with VAR_DIR=tmp_path; both sides must agree
    # on where uploads live.
    settings.MEDIA_ROOT = tmp_path / "files"
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(40, path, bad_rows=2)
    assert client.login(username=operator_a.username, password=PASSWORD)

    with path.open("rb") as handle:
        response = client.post(reverse("students:upload"), {"file": handle})

    job = Upload.objects.get().job
    assert response.status_code == 302
    assert job is not None
    assert wait_until(lambda: Job.objects.get(pk=job.pk).is_finished)
    upload = Upload.objects.get()
    assert upload.state == Job.State.SUCCEEDED
    assert (upload.rows_read, upload.error_rows) == (40, 2)
    assert Student.objects.filter(school=school_a).count() == upload.stored == 38
    assert upload.annotated_path is not None and upload.annotated_path.exists()
