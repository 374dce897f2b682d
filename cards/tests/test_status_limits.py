"""The status page's limits: per client address, and per NISN for failed
look-ups, the same for a NISN that exists and one that does not."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import Period
from cards.status.services import CLIENT_LIMIT, NISN_LIMIT
from students.models import School, Status

from .delivery_data import BIRTH_DATE, candidate_at, status_form

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cards.tests.urls_delivery")]

NISN = "0015000001"
URL = "cards:status"
WRONG_DATE = BIRTH_DATE - dt.timedelta(days=3)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def enrolled(school_a: School, period: Period, verifier: User) -> None:
    candidate_at(Status.DELIVERED, school_a, period, verifier, NISN)


def post(client: Client, nisn: str, birth_date: dt.date, address: str) -> str:
    answer = client.post(
        reverse(URL), status_form(nisn, birth_date), REMOTE_ADDR=address
    )
    return f"{answer.status_code} {answer.content.decode()}"


def test_one_client_is_limited_and_others_are_not(
    client: Client, enrolled: None
) -> None:
    # Different NISNs, so that only the client's own limit is reached.
    for number in range(CLIENT_LIMIT.attempts):
        assert (
            post(client, f"00990000{number:02d}", BIRTH_DATE, "10.0.0.1")[:3] == "200"
        )

    limited = post(client, NISN, BIRTH_DATE, "10.0.0.1")
    elsewhere = post(client, NISN, BIRTH_DATE, "10.0.0.2")

    assert limited.startswith("429")
    assert "Terlalu banyak pengecekan dari perangkat atau jaringan ini" in limited
    assert "Halo" not in limited
    assert elsewhere.startswith("200")
    assert "Halo, Siti!" in elsewhere


def test_wrong_sums_count_against_the_client(client: Client) -> None:
    form = status_form(NISN)
    form["captcha_answer"] = "0"
    for _ in range(CLIENT_LIMIT.attempts):
        client.post(reverse(URL), form, REMOTE_ADDR="10.0.0.3")

    answer = client.post(reverse(URL), status_form(NISN), REMOTE_ADDR="10.0.0.3")

    assert answer.status_code == 429


@pytest.mark.parametrize("nisn", [NISN, "0015999999"])
def test_a_nisn_is_limited_after_failed_attempts_from_anywhere(
    nisn: str, client: Client, enrolled: None
) -> None:
    for number in range(NISN_LIMIT.attempts):
        failed = post(client, nisn, WRONG_DATE, f"10.0.1.{number}")
        assert failed.startswith("200")
        assert "Data tidak ditemukan" in failed

    right_date = post(client, nisn, BIRTH_DATE, "10.0.2.1")
    other_nisn = post(client, "0015000002", BIRTH_DATE, "10.0.2.1")

    assert right_date.startswith("429")
    assert "NISN ini tidak dapat dicek untuk sementara" in right_date
    assert "Halo" not in right_date
    assert other_nisn.startswith("200")


def test_successful_checks_do_not_use_up_the_nisn(
    client: Client, enrolled: None
) -> None:
    for number in range(NISN_LIMIT.attempts + 2):
        answer = post(client, NISN, BIRTH_DATE, f"10.0.3.{number}")
        assert "Halo, Siti!" in answer
