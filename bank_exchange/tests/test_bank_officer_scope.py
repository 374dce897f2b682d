"""What each role reaches: the bank officer only sent batches and only the
fields sent to the bank; a school operator nothing at all."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from bank_exchange.models import BankBatch, BatchState, DownloadLog, FileKind
from bank_exchange.services import store_return_file
from conftest import PASSWORD
from students.models import Candidate

from .factories import upload, xlsx_return


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def batch_urls(batch: BankBatch) -> list[str]:
    return [
        reverse("bank_exchange:batch-detail", args=[batch.pk]),
        reverse("bank_exchange:batch-download", args=[batch.pk, FileKind.XLSX]),
        reverse("bank_exchange:row-answer", args=[batch.pk, 1]),
        reverse("bank_exchange:return-upload", args=[batch.pk]),
    ]


def test_a_bank_officer_gets_404_for_a_draft(
    client: Client, draft: BankBatch, bank_officer: User
) -> None:
    login(client, bank_officer)

    for url in batch_urls(draft):
        assert client.get(url).status_code == 404


def test_a_bank_officer_lists_only_sent_batches(
    client: Client, sent: BankBatch, bank_officer: User, dinas_admin: User
) -> None:
    draft = BankBatch.objects.create(
        period=sent.period, year=sent.year, created_by=dinas_admin
    )

    page = login(client, bank_officer).get(reverse("bank_exchange:batch-list"))

    html = page.content.decode()
    assert "KBP/2026/001" in html
    assert reverse("bank_exchange:batch-detail", args=[draft.pk]) not in html
    assert reverse("bank_exchange:batch-create") not in html


def test_a_bank_officer_sees_only_the_banks_fields(
    client: Client, sent: BankBatch, candidates: list[Candidate], bank_officer: User
) -> None:
    # Row 2: rows go by kecamatan, Juai's pupil first.
    student = candidates[0].student

    page = login(client, bank_officer).get(
        reverse("bank_exchange:batch-detail", args=[sent.pk])
    )
    row_page = client.get(reverse("bank_exchange:row-answer", args=[sent.pk, 2]))

    for html in (page.content.decode(), row_page.content.decode()):
        assert student.name in html
        for hidden in (
            student.father_nik,
            student.father_name,
            student.no_kk,
            student.kip_number,
            "/siswa/",
        ):
            assert hidden not in html
    assert student.mother_name in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert "no-store" in row_page["Cache-Control"]


def test_a_bank_officer_cannot_reach_students_or_uploads(
    client: Client, sent: BankBatch, candidates: list[Candidate], bank_officer: User
) -> None:
    login(client, bank_officer)
    student = candidates[0].student

    assert client.get(reverse("students:student-list")).status_code == 403
    detail = reverse("students:student-detail", args=[student.pk])
    assert client.get(detail).status_code == 403
    assert client.get(reverse("bank_exchange:rejected-list")).status_code == 403
    assert client.get(reverse("bank_exchange:batch-create")).status_code == 403


def test_a_school_operator_gets_403_everywhere(
    client: Client, sent: BankBatch, operator_a: User
) -> None:
    login(client, operator_a)
    urls = [
        reverse("bank_exchange:batch-list"),
        reverse("bank_exchange:batch-create"),
        reverse("bank_exchange:batch-send", args=[sent.pk]),
        reverse("bank_exchange:return-preview", args=[sent.pk, 1]),
        reverse("bank_exchange:rejected-list"),
        reverse("bank_exchange:reconciliation"),
        reverse("bank_exchange:reconciliation-download"),
        *batch_urls(sent),
    ]

    for url in urls:
        assert client.get(url).status_code == 403, url
    posts = [
        reverse("bank_exchange:batch-discard", args=[sent.pk]),
        reverse("bank_exchange:return-apply", args=[sent.pk, 1]),
    ]
    for url in posts:
        assert client.post(url).status_code == 403, url


@pytest.mark.parametrize("kind", FileKind.values)
def test_every_download_is_logged_with_its_hash(
    client: Client, sent: BankBatch, bank_officer: User, kind: str
) -> None:
    url = reverse("bank_exchange:batch-download", args=[sent.pk, kind])

    response = login(client, bank_officer).get(url)

    exported = sent.files.get(kind=kind)
    with exported.file.open("rb") as handle:
        stored = handle.read()
    assert response.status_code == 200
    assert response.content == stored
    assert response["Content-Disposition"] == f'attachment; filename="{exported.name}"'
    assert "no-store" in response["Cache-Control"]
    log = DownloadLog.objects.get()
    assert (log.user, log.file, log.sha256) == (bank_officer, exported, exported.sha256)
    assert log.by_bank
    assert BankBatch.objects.get(pk=sent.pk).state == BatchState.DOWNLOADED


def test_a_dinas_download_does_not_count_as_the_banks(
    client: Client, sent: BankBatch, dinas_admin: User
) -> None:
    url = reverse("bank_exchange:batch-download", args=[sent.pk, FileKind.CSV])

    login(client, dinas_admin).get(url)

    batch = BankBatch.objects.get(pk=sent.pk)
    assert batch.state == BatchState.SENT
    assert batch.downloaded_at is None
    assert DownloadLog.objects.get().by_bank is False


def test_a_bank_officer_cannot_apply_another_batchs_upload(
    client: Client, sent: BankBatch, bank_officer: User, dinas_admin: User
) -> None:
    stored = store_return_file(sent, upload(xlsx_return([])), bank_officer)
    draft = BankBatch.objects.create(
        period=sent.period, year=sent.year, created_by=dinas_admin
    )

    response = login(client, bank_officer).post(
        reverse("bank_exchange:return-apply", args=[draft.pk, stored.pk])
    )

    assert response.status_code == 404
