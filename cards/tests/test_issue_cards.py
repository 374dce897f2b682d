"""Issuing card numbers: one valid card per candidate with an open account,
serials unique and never reused, also when officers issue at the same time;
a reissue voids the old card and keeps both."""

import threading
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import Period
from bank_exchange.models import BankBatch
from bank_exchange.services import create_batch, open_account, send_batch
from bank_exchange.tests.factories import account, approved, today
from conftest import PASSWORD
from students.models import Candidate, School, Status

from ..card_numbers import is_valid_card_number, parse_card_number
from ..models import Card, CardSerial, CardState
from ..services import CardRefused, issue_cards, reissue_card


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Files written by a test stay in its own directory."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def opened_batch(
    school: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
    count: int = 3,
    closed: int = 0,
) -> BankBatch:
    """A sent batch of ``count`` candidates of ``school`` whose accounts the
    bank opened, except the last ``closed`` of them."""
    approved(school, period, verifier, count)
    batch = send_batch(create_batch(period, dinas_admin), dinas_admin)
    for row in batch.rows.order_by("row_number")[: count - closed]:
        open_account(row, account(row.row_number), today(), bank_officer)
    return batch


@pytest.fixture
def batch(
    school_a: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
) -> BankBatch:
    return opened_batch(
        school_a, period, verifier, dinas_admin, bank_officer, count=4, closed=1
    )


def test_cards_are_issued_for_open_accounts_only(
    batch: BankBatch, bank_officer: User
) -> None:
    result = issue_cards(batch, bank_officer)

    assert len(result.issued) == 3
    assert result.not_ready == 1
    cards = Card.objects.order_by("serial")
    assert [card.serial for card in cards] == [1, 2, 3]
    assert all(card.bank_batch == batch for card in cards)
    assert all(card.state == CardState.ISSUED for card in cards)
    assert all(is_valid_card_number(card.number) for card in cards)
    assert parse_card_number(cards[0].number).serial == 1
    assert CardSerial.objects.get(year=2026).last == 3


def test_issuing_twice_gives_no_second_card(
    batch: BankBatch, bank_officer: User
) -> None:
    issue_cards(batch, bank_officer)

    again = issue_cards(batch, bank_officer)

    assert again.issued == []
    assert again.already == 3
    assert Card.objects.count() == 3


def test_issuing_by_candidate_ids_takes_the_batch_from_the_account(
    batch: BankBatch, bank_officer: User
) -> None:
    ids = list(
        Candidate.objects.filter(status=Status.ACCOUNT_OPENED).values_list(
            "pk", flat=True
        )
    )

    result = issue_cards(ids[:1], bank_officer)

    assert [card.bank_batch for card in result.issued] == [batch]


def test_a_reissue_voids_the_old_card_and_keeps_both(
    batch: BankBatch, bank_officer: User
) -> None:
    old = issue_cards(batch, bank_officer).issued[0]

    new = reissue_card(old, "kartu hilang", bank_officer)

    old.refresh_from_db()
    assert old.state == CardState.VOID
    assert old.void_reason == "kartu hilang"
    assert new.replaces == old
    assert new.candidate == old.candidate
    assert new.serial == 4
    assert new.number != old.number
    assert Card.objects.filter(candidate=old.candidate).count() == 2


def test_a_void_card_is_not_reissued(batch: BankBatch, bank_officer: User) -> None:
    old = issue_cards(batch, bank_officer).issued[0]
    reissue_card(old, "rusak", bank_officer)

    with pytest.raises(CardRefused):
        reissue_card(old, "rusak lagi", bank_officer)


def test_a_reissue_needs_a_reason(batch: BankBatch, bank_officer: User) -> None:
    old = issue_cards(batch, bank_officer).issued[0]

    with pytest.raises(CardRefused):
        reissue_card(old, "  ", bank_officer)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issuing_never_shares_a_number(
    school_a: School,
    school_b: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: SQLite serialises every writer")
    opened_batch(school_a, period, verifier, dinas_admin, bank_officer, count=12)
    ids = list(Candidate.objects.order_by("pk").values_list("pk", flat=True))
    # Overlapping slices: some candidates are asked for by two officers.
    slices = [ids[0:6], ids[3:9], ids[6:12], ids[0:12], ids[9:12], ids[1:5]]
    start = threading.Barrier(len(slices))
    errors: list[BaseException] = []

    def issue(part: list[int]) -> None:
        try:
            start.wait()
            issue_cards(part, bank_officer)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(part,)) for part in slices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    cards = list(Card.objects.all())
    assert len(cards) == 12
    assert len({card.candidate_id for card in cards}) == 12
    assert sorted(card.serial for card in cards) == list(range(1, 13))
    assert all(is_valid_card_number(card.number) for card in cards)
    assert CardSerial.objects.get(year=2026).last == 12


def test_the_bank_officer_reissues_a_card_from_the_batch_page(
    client: Client, batch: BankBatch, bank_officer: User
) -> None:
    old = issue_cards(batch, bank_officer).issued[0]
    assert client.login(username=bank_officer.username, password=PASSWORD)

    page = client.get(reverse("cards:batch-cards", kwargs={"pk": batch.pk}))
    response = client.post(
        reverse("cards:card-reissue", kwargs={"pk": old.pk}), {"reason": "rusak"}
    )

    old.refresh_from_db()
    assert page.status_code == 200
    assert old.number in page.content.decode()
    assert response.status_code == 302
    assert old.state == CardState.VOID
    assert Card.objects.valid().filter(candidate=old.candidate).count() == 1
