"""The SKTM a school attaches: checked by its content, kept under MEDIA_ROOT
with a server-made name, served only to that school and the Dinas."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import AuditEntry, Period
from students.models import Candidate, School

from ..models import SupportingDocument
from ..services import documents
from . import factories


@pytest.fixture
def candidate(school_a: School, period: Period, operator_a: User) -> Candidate:
    return factories.send(factories.students(school_a, 1), period, operator_a)[1][0]


def upload(client: Client, candidate: Candidate, name: str, content: bytes) -> str:
    response = client.post(
        reverse("verification:document-upload", args=[candidate.pk]),
        {"file": factories.upload(name, content)},
        follow=True,
    )
    return str(response.content.decode())


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("sktm budi.pdf", factories.pdf_bytes(), "application/pdf"),
        ("SKTM.PNG", factories.png_bytes(), "image/png"),
        ("foto.jpeg", factories.jpeg_bytes(), "image/jpeg"),
    ],
)
def test_a_pdf_or_image_is_kept_under_a_server_made_name(
    name: str,
    content: bytes,
    kind: str,
    candidate: Candidate,
    operator_a: User,
    client: Client,
) -> None:
    factories.login(client, operator_a)

    page = upload(client, candidate, name, content)

    assert "SKTM tersimpan" in page
    document = SupportingDocument.objects.get(candidate=candidate)
    assert document.content_type == kind
    stored = Path(document.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.read_bytes() == content
    assert "budi" not in stored.name.lower()
    assert stored.name != name
    assert AuditEntry.objects.filter(action="document.upload").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sktm.pdf", b"MZ\x90\x00 not a pdf at all", "Hanya PDF, JPEG atau PNG"),
        ("sktm.pdf", b"%PDF-1.4\n truncated", "tidak utuh"),
        ("sktm.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "tidak dapat dibaca"),
        ("sktm.html", b"<html><script>alert(1)</script>", "Hanya PDF, JPEG atau PNG"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(
    name: str,
    content: bytes,
    message: str,
    candidate: Candidate,
    operator_a: User,
    client: Client,
) -> None:
    factories.login(client, operator_a)

    page = upload(client, candidate, name, content)

    assert message in page
    assert not SupportingDocument.objects.exists()


def test_a_file_over_the_size_limit_is_refused(
    candidate: Candidate,
    operator_a: User,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(documents, "MAX_BYTES", 1000)
    factories.login(client, operator_a)

    page = upload(client, candidate, "besar.pdf", factories.pdf_bytes() + b" " * 2000)

    assert "lebih dari" in page
    assert not SupportingDocument.objects.exists()


def test_the_file_is_served_to_its_school_and_the_dinas_only(
    candidate: Candidate,
    operator_a: User,
    operator_b: User,
    verifier: User,
    bank_officer: User,
    client: Client,
) -> None:
    factories.login(client, operator_a)
    upload(client, candidate, "sktm.pdf", factories.pdf_bytes())
    document = SupportingDocument.objects.get()
    url = reverse("verification:document-file", args=[document.pk])

    own = client.get(url)
    factories.login(client, verifier)
    dinas = client.get(url)
    factories.login(client, operator_b)
    other_school = client.get(url)
    factories.login(client, bank_officer)
    bank = client.get(url)

    for response in (own, dinas):
        assert response.status_code == 200
        assert response.content == factories.pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Disposition"].startswith("attachment;")
    assert other_school.status_code == 404
    assert bank.status_code == 403
    assert AuditEntry.objects.filter(action="document.view").count() == 2
