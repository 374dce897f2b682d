"""The approved recipients as the Lampiran SK, in .xlsx and PDF, for the
district, a kecamatan or a school."""

import io
import subprocess
import uuid
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from balangan_pintar.jobs import run_job
from balangan_pintar.models import Job, Period
from balangan_pintar.pdf import StaticAssetFetcher
from conftest import wait_until
from students.models import Candidate, School, Status
from students.services.pipeline import move_candidate

from ..models import Outcome
from ..services import lampiran
from ..services.decisions import decide
from ..services.lampiran import (
    TITLE,
    LampiranError,
    recipients,
    render_export,
    to_pdf,
)
from . import factories


@pytest.fixture
def approved(
    school_a: School,
    school_b: School,
    period: Period,
    operator_a: User,
    operator_b: User,
    verifier: User,
) -> list[Candidate]:
    """Two SD pupils of Paringin and one SMP pupil of Juai approved, one more
    rejected."""
    at_a = factories.students(school_a, 3)
    at_b = factories.students(school_b, 1)
    _s, sent_a = factories.send(at_a, period, operator_a)
    _s, sent_b = factories.send(at_b, period, operator_b)
    for candidate in [*sent_a[:2], *sent_b]:
        move_candidate(candidate, Status.APPROVED, actor=verifier)
    decide(
        sent_a[2],
        Outcome.REJECT,
        actor=verifier,
        token=uuid.uuid4(),
        reason="not_in_dtks",
    )
    return [*sent_a[:2], *sent_b]


def test_the_workbook_lists_recipients_with_amounts_and_totals(
    approved: list[Candidate], verifier: User, client: Client
) -> None:
    factories.login(client, verifier)

    response = client.get(reverse("verification:recipients-xlsx"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == TITLE
    assert rows[1][0].startswith("NOMOR : ....")
    header = rows.index(
        [
            "No.",
            "Nama Siswa",
            "NISN",
            "Sekolah",
            "Jenjang",
            "Kecamatan",
            "Nilai Bantuan (Rp)",
        ]
    )
    listed = rows[header + 1 : header + 4]
    assert [row[0] for row in listed] == [1, 2, 3]
    assert [row[4] for row in listed] == ["SMP", "SD", "SD"]
    assert [row[6] for row in listed] == [1_500_000, 1_100_000, 1_100_000]
    assert {row[1] for row in listed} == {c.student.name for c in approved}
    totals = [row[:3] for row in rows[header + 4 :]]
    assert ["SD", 2, 2_200_000] in totals
    assert ["SMP", 1, 1_500_000] in totals
    assert ["Jumlah", 3, 3_700_000] in totals


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_pdf_is_made_by_a_job_and_is_the_annex_of_the_decree(
    approved: list[Candidate],
    verifier: User,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    factories.login(client, verifier)

    with django_capture_on_commit_callbacks() as sent:
        response = client.post(reverse("verification:recipients-pdf"))
    job = Job.objects.get()
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert len(sent) == 1
    run_job(str(job.pk), render_export)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert "3 penerima" in job.message
    download = client.get(job.result_url)

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"]
    flat = pdf_text(download.content)
    assert "LAMPIRAN KEPUTUSAN KEPALA DINAS PENDIDIKAN DAN KEBUDAYAAN" in flat
    assert "KABUPATEN BALANGAN" in flat
    assert "NOMOR" in flat
    assert "TAHUN 2026" in flat
    for candidate in approved:
        assert candidate.student.name in flat
        assert candidate.student.nisn in flat
    assert "2.200.000" in flat
    assert "3.700.000" in flat


def test_the_pdf_is_handed_only_to_who_asked_for_it(
    approved: list[Candidate],
    verifier: User,
    kepala: User,
    school_a: School,
    client: Client,
) -> None:
    factories.login(client, verifier)
    client.post(
        reverse("verification:recipients-pdf"),
        {"kecamatan": school_a.kecamatan.pk},
    )
    job = Job.objects.get()
    run_job(str(job.pk), render_export)
    job.refresh_from_db()
    assert "2 penerima" in job.message

    factories.login(client, kepala)

    assert client.get(job.result_url).status_code == 404


def test_the_list_narrows_to_a_kecamatan_or_a_school(
    approved: list[Candidate], school_a: School, period: Period
) -> None:
    by_kecamatan = recipients(period, kecamatan=school_a.kecamatan)
    by_school = recipients(period, school=approved[2].school)

    assert by_kecamatan.count == 2
    assert by_kecamatan.scope == "Kecamatan Paringin"
    assert [t.jenjang for t in by_kecamatan.totals] == ["SD"]
    assert by_school.count == 1
    assert by_school.amount == 1_500_000
    assert "NPSN 30304003" in by_school.scope


def test_the_page_offers_both_files_for_the_chosen_scope(
    approved: list[Candidate], school_a: School, kepala: User, client: Client
) -> None:
    factories.login(client, kepala)

    page = client.get(
        reverse("verification:recipients"), {"kecamatan": school_a.kecamatan.pk}
    )

    text = page.content.decode()
    assert f"lampiran-sk.xlsx?kecamatan={school_a.kecamatan.pk}" in text
    assert (
        f'<input type="hidden" name="kecamatan" value="{school_a.kecamatan.pk}">'
        in text
    )


def test_the_lampiran_stylesheet_is_served_to_the_renderer() -> None:
    fetcher = StaticAssetFetcher()

    assert b"@page" in fetcher.fetch("static:verification/lampiran.css").read()


def test_a_pdf_naming_an_outside_file_is_refused(
    period: Period, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        lampiran,
        "render_to_string",
        lambda *args, **kwargs: '<img src="file:///etc/hostname">',
    )

    with pytest.raises(LampiranError):
        to_pdf(recipients(period))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_pdf_job_runs_on_a_real_worker(
    celery_worker_process: subprocess.Popen[bytes],
    approved: list[Candidate],
    verifier: User,
    client: Client,
) -> None:
    factories.login(client, verifier)

    client.post(reverse("verification:recipients-pdf"))

    job = Job.objects.get()
    assert wait_until(lambda: Job.objects.get(pk=job.pk).is_finished, 120)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    assert "TAHUN 2026" in pdf_text(client.get(job.result_url).content)


def test_a_preview_lists_the_first_rows_and_counts_them_all(
    approved: list[Candidate], period: Period
) -> None:
    whole = recipients(period)
    preview = recipients(period, first=2)

    assert [row.nisn for row in preview.rows] == [row.nisn for row in whole.rows[:2]]
    assert len(whole.rows) == 3
    assert preview.count == whole.count == 3
    assert preview.amount == whole.amount
    assert preview.totals == whole.totals
