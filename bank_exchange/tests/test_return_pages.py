"""The bank officer's pages: recording answers one by one, and a return file
from upload through preview to "Terapkan"."""

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from bank_exchange.formats import RowState
from bank_exchange.models import BankAccount, BankBatch, ReturnUpload
from conftest import PASSWORD

from .factories import account, return_lines, today, upload, xlsx_return


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_an_account_is_recorded_and_the_next_row_follows(
    client: Client, sent: BankBatch, bank_officer: User
) -> None:
    url = reverse("bank_exchange:row-answer", args=[sent.pk, 1])

    response = login(client, bank_officer).post(
        url,
        {"action": "open", "account_number": "0012000001", "opened_on": today()},
    )

    assert response["Location"] == reverse(
        "bank_exchange:row-answer", args=[sent.pk, 2]
    )
    assert BankAccount.objects.get().account_number == "0012000001"


def test_a_wrong_account_number_is_shown_on_the_form(
    client: Client, sent: BankBatch, bank_officer: User
) -> None:
    url = reverse("bank_exchange:row-answer", args=[sent.pk, 1])

    response = login(client, bank_officer).post(
        url, {"action": "open", "account_number": "12345", "opened_on": today()}
    )

    assert response.status_code == 200
    assert "harus 10 digit" in response.content.decode()
    assert not BankAccount.objects.exists()


def test_a_rejection_is_recorded_with_its_reason(
    client: Client, sent: BankBatch, bank_officer: User
) -> None:
    url = reverse("bank_exchange:row-answer", args=[sent.pk, 3])

    login(client, bank_officer).post(url, {"action": "reject", "reason": "KTP ganda"})

    row = sent.rows.get(row_number=3)
    assert (row.state, row.reason) == (RowState.REJECTED, "KTP ganda")


def test_a_preview_lists_every_change_and_offers_terapkan(
    client: Client, sent: BankBatch, bank_officer: User
) -> None:
    content = xlsx_return(return_lines(sent, rejected=[2]))
    login(client, bank_officer)

    response = client.post(
        reverse("bank_exchange:return-upload", args=[sent.pk]),
        {"file": upload(content)},
    )
    page = client.get(response["Location"])

    html = page.content.decode()
    stored = ReturnUpload.objects.get()
    apply_url = reverse("bank_exchange:return-apply", args=[sent.pk, stored.pk])
    assert account(1) in html and account(3) in html
    assert "NIK tidak ada" in html
    assert apply_url in html
    assert not BankAccount.objects.exists()


def test_a_preview_with_problems_shows_each_and_no_button(
    client: Client, sent: BankBatch, bank_officer: User
) -> None:
    lines = return_lines(sent)
    lines[0][3] = "12345"
    lines[1][1] = "77"
    content = xlsx_return(lines)
    login(client, bank_officer)

    response = client.post(
        reverse("bank_exchange:return-upload", args=[sent.pk]),
        {"file": upload(content)},
    )
    page = client.get(response["Location"])

    html = page.content.decode()
    stored = ReturnUpload.objects.get()
    assert "Panjang nomor rekening salah" in html
    assert "Siswa tidak ada dalam batch" in html
    assert "Baris batch tidak ada dalam berkas" in html
    assert reverse("bank_exchange:return-apply", args=[sent.pk, stored.pk]) not in html
    response = client.post(
        reverse("bank_exchange:return-apply", args=[sent.pk, stored.pk])
    )
    assert response.status_code == 302
    assert not BankAccount.objects.exists()


def test_terapkan_twice_applies_once(
    client: Client, sent: BankBatch, bank_officer: User
) -> None:
    content = xlsx_return(return_lines(sent))
    login(client, bank_officer)
    client.post(
        reverse("bank_exchange:return-upload", args=[sent.pk]),
        {"file": upload(content)},
    )
    stored = ReturnUpload.objects.get()
    apply_url = reverse("bank_exchange:return-apply", args=[sent.pk, stored.pk])

    client.post(apply_url)
    client.post(apply_url)
    client.post(
        reverse("bank_exchange:return-upload", args=[sent.pk]),
        {"file": upload(content, "lagi.xlsx")},
    )

    assert BankAccount.objects.count() == 3
    assert ReturnUpload.objects.count() == 1
    page = client.get(
        reverse("bank_exchange:return-preview", args=[sent.pk, stored.pk])
    )
    assert "sudah diterapkan" in page.content.decode()
    assert apply_url not in page.content.decode()
