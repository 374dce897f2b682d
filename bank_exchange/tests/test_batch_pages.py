"""The Dinas administrator's pages: making, checking and sending a batch,
the bank-rejected list and the reconciliation."""

import io

import openpyxl
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import Period
from bank_exchange.models import BankBatch, BatchState
from bank_exchange.services import reject_row
from conftest import PASSWORD
from students.models import Candidate, Kecamatan, Status


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_create_page_shows_how_many_candidates_wait(
    client: Client, candidates: list[Candidate], dinas_admin: User
) -> None:
    page = login(client, dinas_admin).get(reverse("bank_exchange:batch-create"))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="display-6 mb-1">3<' in html
    assert "Juai" in html and "Paringin" in html


def test_a_batch_is_created_for_one_kecamatan(
    client: Client, candidates: list[Candidate], period: Period, dinas_admin: User
) -> None:
    juai = Kecamatan.objects.get(name="Juai")

    response = login(client, dinas_admin).post(
        reverse("bank_exchange:batch-create"),
        {"period": period.pk, "kecamatan": juai.pk, "jenjang": ""},
    )

    batch = BankBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "bank_exchange:batch-detail", args=[batch.pk]
    )
    assert batch.rows.count() == 1


def test_creating_with_nothing_to_send_says_so(
    client: Client, period: Period, dinas_admin: User
) -> None:
    response = login(client, dinas_admin).post(
        reverse("bank_exchange:batch-create"), {"period": period.pk}
    )

    assert response.status_code == 200
    assert "belum masuk batch" in response.content.decode()
    assert not BankBatch.objects.exists()


def test_sending_asks_first_with_the_count(
    client: Client, draft: BankBatch, dinas_admin: User
) -> None:
    url = reverse("bank_exchange:batch-send", args=[draft.pk])

    page = login(client, dinas_admin).get(url)

    html = page.content.decode()
    assert "Kirim 3 siswa" in html
    assert "3.700.000" in html
    assert BankBatch.objects.get(pk=draft.pk).state == BatchState.DRAFT

    response = client.post(url)

    assert response.status_code == 302
    batch = BankBatch.objects.get(pk=draft.pk)
    assert (batch.state, batch.number) == (BatchState.SENT, "KBP/2026/001")
    assert client.post(url).status_code == 302
    assert BankBatch.objects.get(pk=draft.pk).sent_at == batch.sent_at


def test_the_detail_shows_rows_and_state(
    client: Client, sent: BankBatch, candidates: list[Candidate], dinas_admin: User
) -> None:
    page = login(client, dinas_admin).get(
        reverse("bank_exchange:batch-detail", args=[sent.pk])
    )

    html = page.content.decode()
    assert "Dikirim ke bank" in html
    for candidate in candidates:
        assert candidate.student.name in html
    assert sent.files.get(kind="xlsx").sha256[:12] in html


def test_a_draft_can_be_discarded_from_its_page(
    client: Client, draft: BankBatch, dinas_admin: User
) -> None:
    login(client, dinas_admin).post(
        reverse("bank_exchange:batch-discard", args=[draft.pk])
    )

    assert not BankBatch.objects.exists()


def test_rejected_candidates_are_sent_again_from_their_list(
    client: Client, sent: BankBatch, dinas_admin: User, bank_officer: User
) -> None:
    row = sent.rows.get(row_number=1)
    reject_row(row, "NIK tidak terdaftar di Dukcapil", bank_officer)
    url = reverse("bank_exchange:rejected-list")

    page = login(client, dinas_admin).get(url)
    response = client.post(url, {"candidates": [row.candidate_id], "note": "NIK ok"})

    assert "NIK tidak terdaftar di Dukcapil" in page.content.decode()
    assert response.status_code == 302
    assert Candidate.objects.get(pk=row.candidate_id).status == Status.APPROVED


def test_the_reconciliation_page_and_workbook(
    client: Client, sent: BankBatch, dinas_admin: User
) -> None:
    login(client, dinas_admin)

    page = client.get(reverse("bank_exchange:reconciliation"))
    download = client.get(reverse("bank_exchange:reconciliation-download"))

    assert "KBP/2026/001" in page.content.decode()
    assert "langkah 4 10 menit" in page.content.decode()
    assert download["Content-Disposition"].startswith("attachment;")
    workbook = openpyxl.load_workbook(io.BytesIO(download.content))
    assert workbook.worksheets[0]["A5"].value == "KBP/2026/001"


def test_the_kepala_dinas_reads_the_reconciliation_only(
    client: Client, sent: BankBatch, kepala: User
) -> None:
    login(client, kepala)

    assert client.get(reverse("bank_exchange:reconciliation")).status_code == 200
    assert client.get(reverse("bank_exchange:batch-list")).status_code == 403
