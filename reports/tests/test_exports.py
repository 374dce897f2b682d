"""The progress report as .xlsx and as PDF, and the PDF renderer's refusal
of anything but the project's static files."""

from io import BytesIO

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from balangan_pintar.models import Period
from balangan_pintar.pdf import RefusedURL, StaticAssetFetcher, render_pdf
from conftest import PASSWORD
from reports.services.exports import progress_pdf, progress_workbook
from reports.services.progress import build_progress
from students.models import School, Status

from .factories import candidate_with_history, wita


@pytest.fixture
def pupils(school_a: School, school_b: School, period: Period) -> None:
    start = wita(2026, 8, 10, 8)
    for school, last in [(school_a, Status.DELIVERED), (school_b, Status.APPROVED)]:
        statuses = [
            Status.DRAFT,
            Status.SUBMITTED,
            Status.APPROVED,
            Status.SENT_TO_BANK,
            Status.ACCOUNT_OPENED,
            Status.CARD_PRINTED,
            Status.DELIVERED,
        ]
        path = statuses[: statuses.index(last) + 1]
        candidate_with_history(
            school,
            period,
            start,
            [(status, wita(2026, 8, 11, 9, n)) for n, status in enumerate(path)],
        )


@pytest.mark.usefixtures("pupils")
def test_workbook_reads_back(period: Period) -> None:
    report = build_progress(period, now=wita(2026, 12, 3, 14, 5))

    book = load_workbook(BytesIO(progress_workbook(report)))

    assert book.sheetnames == [
        "Ringkasan",
        "Kecamatan",
        "Jenjang",
        "Sekolah",
        "Mingguan",
    ]
    summary = book["Ringkasan"]
    assert summary["A1"].value == "PEMERINTAH KABUPATEN BALANGAN"
    assert summary["A2"].value == "DINAS PENDIDIKAN DAN KEBUDAYAAN"
    assert summary["A5"].value == "Dicetak: 3 Desember 2026 14.05 WITA"
    funnel = {
        row[0]: row[1]
        for row in summary.iter_rows(min_row=8, max_row=15, values_only=True)
    }
    assert funnel["Diusulkan ke Dinas"] == 2
    assert funnel["Kartu diterima siswa"] == 1
    assert funnel["Cocok dengan DTKS"] == "tidak tersedia"
    schools = list(book["Sekolah"].iter_rows(min_row=2, values_only=True))
    assert {row[1] for row in schools} == {"SDN 1 Paringin", "SMPN 1 Juai"}


@pytest.mark.usefixtures("pupils")
def test_pdf_has_the_letterhead_period_and_date(period: Period) -> None:
    report = build_progress(period, now=wita(2026, 12, 3, 14, 5))

    reader = PdfReader(BytesIO(progress_pdf(report)))
    text = "\n".join(page.extract_text() for page in reader.pages)

    assert len(reader.pages) >= 1
    assert "PEMERINTAH KABUPATEN BALANGAN" in text
    assert "DINAS PENDIDIKAN DAN KEBUDAYAAN" in text
    assert "KBP 2026" in text
    assert "3 Desember 2026" in text


@pytest.mark.usefixtures("pupils")
def test_downloads_for_the_kepala_dinas(client: Client, kepala: User) -> None:
    client.login(username=kepala.username, password=PASSWORD)

    workbook = client.get(reverse("reports:progress-xlsx"))
    pdf = client.get(reverse("reports:progress-pdf"), {"periode": "2026"})

    assert workbook.status_code == 200
    assert workbook["Content-Disposition"].startswith(
        'attachment; filename="laporan-kbp-2026-'
    )
    assert load_workbook(BytesIO(workbook.content)).sheetnames[0] == "Ringkasan"
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_fetcher_serves_static_files(db: None) -> None:
    response = StaticAssetFetcher().fetch("static:img/emblem.svg")

    assert response.content_type == "image/svg+xml"
    assert b"<svg" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/admin/",
        "https://example.com/static/img/emblem.svg",
        "data:text/css,body{}",
        "img/emblem.svg",
        "static:../settings.py",
        "static:/etc/passwd",
        "static:img\\..\\..\\conftest.py",
        "static:reports/missing.css",
        "static:js/app.js",
        "static:verification/../../conftest.py",
    ],
)
def test_fetcher_refuses_everything_else(url: str) -> None:
    with pytest.raises(RefusedURL):
        StaticAssetFetcher().fetch(url)


def test_rendering_stops_at_a_refused_url() -> None:
    with pytest.raises(FatalURLFetchingError):
        render_pdf('<img src="file:///etc/passwd">')
