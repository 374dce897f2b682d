"""The school's student list: search, the listed filter and the DTKS column."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_student
from students.models import School, Student

URL = reverse("students:student-list")


@pytest.fixture
def pupils(school_a: School) -> list[Student]:
    return [
        make_student(school_a, "0011111111", name="Aulia Rahmah"),
        make_student(school_a, "0022222222", name="Rizky Ramadhan", nik=""),
        make_student(school_a, "0033333333", name="Dewi Lestari", is_listed=False),
    ]


def names(client: Client, **query: str) -> list[str]:
    page = client.get(URL, query).content.decode()
    return [s for s in ("Aulia", "Rizky", "Dewi") if s in page]


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_list_searches_by_name_and_nisn(
    client: Client, operator_a: User, pupils: list[Student]
) -> None:
    login(client, operator_a)

    assert names(client, q="rahmah") == ["Aulia"]
    assert names(client, q="0022222222") == ["Rizky"]
    assert names(client) == ["Aulia", "Rizky", "Dewi"]


def test_the_list_filters_listed_and_unlisted_students(
    client: Client, operator_a: User, pupils: list[Student]
) -> None:
    login(client, operator_a)

    assert names(client, listed="yes") == ["Aulia", "Rizky"]
    assert names(client, listed="no") == ["Dewi"]


def test_the_list_shows_the_dtks_status_and_filters_by_it(
    client: Client, operator_a: User, pupils: list[Student]
) -> None:
    login(client, operator_a)

    page = client.get(URL).content.decode()

    assert page.count("belum dicocokkan") == 3
    assert names(client, dtks="matched") == []
    assert names(client, dtks="unmatched") == ["Aulia", "Rizky", "Dewi"]


def test_the_operator_gets_links_to_upload_and_choose(
    client: Client, operator_a: User, verifier: User, pupils: list[Student]
) -> None:
    page = login(client, operator_a).get(URL).content.decode()
    dinas_page = login(client, verifier).get(URL).content.decode()

    assert reverse("students:selection") in page
    assert reverse("students:selection") not in dinas_page
    assert "Aulia" in dinas_page


def test_pages_keep_the_filters(
    client: Client, operator_a: User, school_a: School
) -> None:
    for n in range(55):
        make_student(school_a, f"{n:010d}", name=f"Siswa {n:02d}")

    page = login(client, operator_a).get(URL, {"listed": "yes"}).content.decode()

    assert "?listed=yes&amp;page=2" in page
