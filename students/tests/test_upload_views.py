"""The upload pages as a school operator and the Dinas use them: upload,
progress, summary, the annotated workbook and the template, each school
seeing only its own."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from balangan_pintar import celery_app
from balangan_pintar.models import AuditEntry, Job
from balangan_pintar.roles import Role
from conftest import PASSWORD, make_user
from students.dapodik import hostile
from students.dapodik.samples import make_dapodik_workbook
from students.models import School, Student, Upload


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def eager() -> Iterator[None]:
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post_file(
    client: Client, path: Path, capture: Any, *, name: str | None = None
) -> HttpResponse:
    with capture(execute=True), path.open("rb") as handle:
        if name is not None:
            handle.name = name  # type: ignore[misc]
        return client.post(reverse("students:upload"), {"file": handle})  # type: ignore[return-value]


@pytest.fixture
def dapodik_file(tmp_path: Path) -> Path:
    path = tmp_path / "Daftar Peserta Didik SDN 1 Paringin.xlsx"
    make_dapodik_workbook(25, path, bad_rows=3, seed=5)
    return path


def test_the_upload_page_offers_the_form_and_the_template(
    client: Client, operator_a: User
) -> None:
    response = login(client, operator_a).get(reverse("students:upload"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'accept=".xlsx,.xls,.ods,.csv"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Madrasah" in page
    assert reverse("students:upload-template") in page
    assert "<script>" not in page


def test_an_upload_goes_through_the_job_to_its_summary(
    client: Client,
    operator_a: User,
    school_a: School,
    dapodik_file: Path,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, operator_a)

    response = post_file(client, dapodik_file, django_capture_on_commit_callbacks)

    upload = Upload.objects.get()
    assert upload.job is not None
    assert response.status_code == 302
    assert response["Location"] == reverse("job-detail", args=[upload.job.pk])
    progress = client.get(response["Location"], headers={"HX-Request": "true"})
    assert progress["HX-Redirect"] == upload.get_absolute_url()
    assert upload.state == Job.State.SUCCEEDED
    assert upload.uploaded_by == operator_a
    assert upload.school == school_a
    assert (upload.rows_read, upload.error_rows) == (25, 3)
    assert Student.objects.filter(school=school_a).count() == upload.stored
    assert AuditEntry.objects.filter(action="upload.create").count() == 1


def test_the_summary_lists_each_issue_with_row_column_value_and_message(
    client: Client,
    operator_a: User,
    dapodik_file: Path,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, operator_a)
    post_file(client, dapodik_file, django_capture_on_commit_callbacks)
    upload = Upload.objects.get()

    response = client.get(upload.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert dapodik_file.name in page
    assert "Baris bergalat" in page
    for issue in upload.issue_list():
        assert f">{issue.row}</td>" in page
        assert issue.message in page
    assert reverse("students:upload-annotated", args=[upload.pk]) in page
    assert reverse("students:selection") in page


def test_the_annotated_workbook_downloads_privately(
    client: Client,
    operator_a: User,
    dapodik_file: Path,
    eager: None,
    django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
) -> None:
    login(client, operator_a)
    post_file(client, dapodik_file, django_capture_on_commit_callbacks)
    upload = Upload.objects.get()

    response = client.get(reverse("students:upload-annotated", args=[upload.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    assert "SDN 1 Paringin-keterangan.xlsx" in response["Content-Disposition"]
    saved = tmp_path / "kembali.xlsx"
    saved.write_bytes(response.content)
    workbook = load_workbook(saved, read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    workbook.close()
    header = rows[6]
    assert any(str(cell).startswith("Keterangan") for cell in header if cell)
    assert AuditEntry.objects.filter(action="upload.download_annotated").exists()


def test_the_template_downloads_and_reads_back(
    client: Client, operator_a: User, tmp_path: Path
) -> None:
    response = login(client, operator_a).get(reverse("students:upload-template"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "templat-daftar-peserta-didik.xlsx" in response["Content-Disposition"]
    path = tmp_path / "templat.xlsx"
    path.write_bytes(response.content)
    workbook = load_workbook(path, read_only=True)
    workbook.close()
    assert "Petunjuk" in workbook.sheetnames


def test_a_refused_upload_shows_its_message_and_changes_nothing(
    client: Client,
    operator_a: User,
    student_a: Student,
    tmp_path: Path,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, operator_a)
    path = tmp_path / "makro.xlsm"
    hostile.make_macro_workbook(path)

    response = post_file(client, path, django_capture_on_commit_callbacks)

    upload = Upload.objects.get()
    assert upload.state == Job.State.FAILED
    job_page = client.get(response["Location"]).content.decode()
    assert "makro" in job_page
    summary = client.get(upload.get_absolute_url()).content.decode()
    assert "Berkas ditolak" in summary
    student_a.refresh_from_db()
    assert student_a.is_listed
    assert Student.objects.count() == 1


def test_a_file_over_the_limit_is_refused_by_the_form(
    client: Client,
    operator_a: User,
    tmp_path: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.UPLOAD_MAX_BYTES = 2000
    path = tmp_path / "besar.xlsx"
    make_dapodik_workbook(30, path)
    login(client, operator_a)

    response = post_file(client, path, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "terlalu besar" in response.content.decode()
    assert not Upload.objects.exists()
    assert not Job.objects.exists()


def test_the_uploads_go_to_the_operators_own_school(
    client: Client,
    operator_b: User,
    school_a: School,
    school_b: School,
    dapodik_file: Path,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, operator_b)

    post_file(client, dapodik_file, django_capture_on_commit_callbacks)

    assert Upload.objects.get().school == school_b
    assert not Student.objects.filter(school=school_a).exists()


def test_an_operator_cannot_see_another_schools_upload(
    client: Client,
    operator_a: User,
    operator_b: User,
    dapodik_file: Path,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, operator_a)
    post_file(client, dapodik_file, django_capture_on_commit_callbacks)
    upload = Upload.objects.get()
    login(client, operator_b)

    assert client.get(upload.get_absolute_url()).status_code == 404
    annotated = reverse("students:upload-annotated", args=[upload.pk])
    assert client.get(annotated).status_code == 404
    assert upload.job is not None
    assert client.get(reverse("job-detail", args=[upload.job.pk])).status_code == 404
    listing = client.get(reverse("students:upload-list")).content.decode()
    assert upload.get_absolute_url() not in listing
    students = client.get(reverse("students:student-list")).content.decode()
    assert "Belum ada data siswa" in students


def test_the_dinas_sees_the_summary_but_not_the_file_name(
    client: Client,
    operator_a: User,
    verifier: User,
    dapodik_file: Path,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    login(client, operator_a)
    post_file(client, dapodik_file, django_capture_on_commit_callbacks)
    upload = Upload.objects.get()
    login(client, verifier)

    response = client.get(upload.get_absolute_url())

    assert response.status_code == 200
    assert dapodik_file.name not in response.content.decode()
    annotated = client.get(reverse("students:upload-annotated", args=[upload.pk]))
    assert annotated.status_code == 200
    assert dapodik_file.stem not in annotated["Content-Disposition"]
    listing = client.get(reverse("students:upload-list")).content.decode()
    assert upload.get_absolute_url() in listing


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.BANK_OFFICER])
def test_only_school_operators_upload(
    client: Client, role: Role, dapodik_file: Path, db: None
) -> None:
    user = make_user("bukan_operator", role)

    with dapodik_file.open("rb") as handle:
        response = login(client, user).post(
            reverse("students:upload"), {"file": handle}
        )

    assert response.status_code == 403
    assert not Upload.objects.exists()


def test_an_operator_without_a_school_is_refused(client: Client, db: None) -> None:
    user = make_user("operator_tanpa_sekolah", Role.SCHOOL_OPERATOR)

    response = login(client, user).get(reverse("students:upload"))

    assert response.status_code == 403


def test_the_bank_sees_no_uploads(
    client: Client, bank_officer: User, operator_a: User, dapodik_file: Path
) -> None:
    response = login(client, bank_officer).get(reverse("students:upload-list"))

    assert response.status_code == 403
