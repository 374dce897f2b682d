"""Row scoping: a school operator reaches only their own school's students,
by listing or by guessing an id."""

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from students.models import Candidate, Student


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_operator_lists_only_their_school(
    client: Client, operator_a: User, student_a: Student, student_b: Student
) -> None:
    response = login(client, operator_a).get(reverse("students:student-list"))

    assert response.status_code == 200
    assert student_a.name in response.content.decode()
    assert student_b.name not in response.content.decode()


def test_operator_gets_404_for_another_schools_student(
    client: Client, operator_a: User, student_b: Student
) -> None:
    url = reverse("students:student-detail", args=[student_b.pk])

    response = login(client, operator_a).get(url)

    assert response.status_code == 404


def test_operator_sees_own_student(
    client: Client, operator_a: User, student_a: Student
) -> None:
    url = reverse("students:student-detail", args=[student_a.pk])

    response = login(client, operator_a).get(url)

    assert response.status_code == 200


def test_verifier_sees_every_school(
    verifier: User, student_a: Student, student_b: Student
) -> None:
    assert set(Student.objects.for_user(verifier)) == {student_a, student_b}


def test_bank_officer_sees_no_students_or_candidates(
    client: Client, bank_officer: User, student_a: Student
) -> None:
    assert not Student.objects.for_user(bank_officer).exists()
    assert not Candidate.objects.for_user(bank_officer).exists()

    response = login(client, bank_officer).get(reverse("students:student-list"))

    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client: Client, student_a: Student) -> None:
    response = client.get(reverse("students:student-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
