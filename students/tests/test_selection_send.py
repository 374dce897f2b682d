"""The school chooses its candidates and sends them to the Dinas (SOP steps
1–2): reasons for students outside the DTKS, the lock after sending, and
returned candidates sent again."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import AuditEntry, Period
from conftest import PASSWORD, make_student
from students.dtks.choices import Decision, Method
from students.dtks.models import Match, Person, Snapshot
from students.models import Candidate, StageEvent, Status, Student, Submission
from students.models.schools import School
from students.services.pipeline import move_candidate
from students.services.selection import (
    SelectionRefused,
    send_to_dinas,
)

URL = reverse("students:selection")
REASON = "Keluarga tidak mampu, memiliki SKTM dari desa"


@pytest.fixture
def pupils(school_a: School) -> list[Student]:
    return [
        make_student(school_a, f"01234567{n:02d}", name=f"Siswa {n}", nik="")
        for n in range(3)
    ]


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def choose(*students: Student, reason: str = REASON) -> dict[str, object]:
    data: dict[str, object] = {"students": [s.pk for s in students]}
    for student in students:
        data[f"reason_{student.pk}"] = reason
    return data


def test_the_page_lists_the_students_with_their_dtks_status(
    client: Client, operator_a: User, period: Period, pupils: list[Student]
) -> None:
    response = login(client, operator_a).get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    for student in pupils:
        assert f'name="students" value="{student.pk}"' in page
        assert f'name="reason_{student.pk}"' in page
    assert "belum dicocokkan" in page
    assert " checked" not in page.split("<tbody>")[1]
    assert "data-confirm=" in page
    assert "selection.js" in page


def test_sending_proposes_and_submits_in_one_go(
    client: Client, operator_a: User, period: Period, pupils: list[Student]
) -> None:
    response = login(client, operator_a).post(URL, choose(*pupils[:2]))

    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.submitted_by == operator_a
    assert submission.period == period
    chosen = Candidate.objects.order_by("student__nisn")
    assert [c.student for c in chosen] == pupils[:2]
    assert {c.status for c in chosen} == {Status.SUBMITTED}
    assert {c.submission for c in chosen} == {submission}
    assert {c.proposal_note for c in chosen} == {REASON}
    events = StageEvent.objects.filter(candidate=chosen[0]).order_by("at", "pk")
    moves = [(e.from_status, e.to_status, e.step) for e in events]
    assert moves == [
        ("", Status.LISTED, None),
        (Status.LISTED, Status.DRAFT, 1),
        (Status.DRAFT, Status.SUBMITTED, 2),
    ]
    assert AuditEntry.objects.filter(action="submission.send").count() == 1
    page = client.get(URL).content.decode()
    assert "2 calon penerima terkirim ke Dinas" in page


def test_a_student_outside_the_dtks_needs_a_reason(
    client: Client, operator_a: User, period: Period, pupils: list[Student]
) -> None:
    data = choose(*pupils[:2])
    data[f"reason_{pupils[1].pk}"] = "   "

    response = login(client, operator_a).post(URL, data)

    assert response.status_code == 200
    assert "Alasan wajib diisi" in response.content.decode()
    assert not Candidate.objects.exists()
    assert not Submission.objects.exists()


def test_a_dtks_matched_student_is_preselected_and_needs_no_reason(
    client: Client,
    operator_a: User,
    period: Period,
    pupils: list[Student],
) -> None:
    snapshot = Snapshot.objects.create(
        label="DTKS 2026", file_name="dtks.csv", sha256="0" * 64, is_complete=True
    )
    person = Person.objects.create(
        snapshot=snapshot, row_number=2, dtks_id="D-1", name=pupils[0].name, desil=2
    )
    Match.objects.create(
        student=pupils[0],
        snapshot=snapshot,
        person=person,
        method=Method.NIK,
        score=20,
        decision=Decision.MATCHED,
    )
    login(client, operator_a)

    page = client.get(URL).content.decode()
    response = client.post(URL, {"students": [pupils[0].pk]})

    row = page.split(f'name="students" value="{pupils[0].pk}"')[1].split(">")[0]
    assert "checked" in row
    assert f'name="reason_{pupils[0].pk}"' not in page
    assert response.status_code == 302
    assert Candidate.objects.get().proposal_note == ""


def test_sent_candidates_are_locked_for_the_school(
    client: Client, operator_a: User, period: Period, pupils: list[Student]
) -> None:
    login(client, operator_a).post(URL, choose(pupils[0]))
    candidate = Candidate.objects.get()

    page = client.get(URL).content.decode()
    again = client.post(URL, choose(pupils[0], pupils[1]))

    assert f'name="students" value="{pupils[0].pk}"' not in page
    assert "bi-lock" in page
    assert again.status_code == 200
    assert "sudah dikirim ke Dinas" in again.content.decode()
    assert Submission.objects.count() == 1
    assert Candidate.objects.count() == 1
    candidate.refresh_from_db()
    assert candidate.status == Status.SUBMITTED
    assert StageEvent.objects.filter(candidate=candidate).count() == 3


@pytest.mark.parametrize(
    "status",
    [Status.SUBMITTED, Status.APPROVED, Status.REJECTED, Status.SENT_TO_BANK],
)
def test_the_service_refuses_candidates_the_school_no_longer_holds(
    operator_a: User, period: Period, pupils: list[Student], status: Status
) -> None:
    candidate = Candidate.objects.create(
        student=pupils[0], period=period, school=pupils[0].school, status=status
    )

    with pytest.raises(SelectionRefused, match="kecuali Dinas mengembalikannya"):
        send_to_dinas(
            pupils[0].school, period, {pupils[0].pk: REASON}, actor=operator_a
        )

    candidate.refresh_from_db()
    assert candidate.status == status
    assert not Submission.objects.exists()


def test_a_returned_candidate_shows_the_note_and_can_be_sent_again(
    client: Client,
    operator_a: User,
    verifier: User,
    period: Period,
    pupils: list[Student],
) -> None:
    login(client, operator_a).post(URL, choose(pupils[0]))
    candidate = Candidate.objects.get()
    move_candidate(
        candidate, Status.RETURNED, actor=verifier, note="NIK ibu tidak sesuai KK"
    )

    page = client.get(URL).content.decode()
    response = client.post(URL, choose(pupils[0], reason="SKTM desa terlampir"))

    assert "NIK ibu tidak sesuai KK" in page
    row = page.split(f'name="students" value="{pupils[0].pk}"')[1].split(">")[0]
    assert "checked" in row
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == Status.SUBMITTED
    assert candidate.proposal_note == "SKTM desa terlampir"
    assert Submission.objects.count() == 2
    assert candidate.submission == Submission.objects.order_by("-pk").first()
    last = StageEvent.objects.filter(candidate=candidate).order_by("-at", "-pk")[0]
    assert (last.from_status, last.to_status, last.step) == (
        Status.RETURNED,
        Status.SUBMITTED,
        2,
    )


def test_a_withdrawn_candidate_can_be_chosen_again(
    operator_a: User, period: Period, pupils: list[Student]
) -> None:
    Candidate.objects.create(
        student=pupils[0],
        period=period,
        school=pupils[0].school,
        status=Status.WITHDRAWN,
    )

    send_to_dinas(pupils[0].school, period, {pupils[0].pk: REASON}, actor=operator_a)

    assert Candidate.objects.get().status == Status.SUBMITTED


def test_a_student_of_another_school_cannot_be_sent(
    client: Client,
    operator_a: User,
    period: Period,
    pupils: list[Student],
    student_b: Student,
) -> None:
    response = login(client, operator_a).post(URL, choose(pupils[0], student_b))

    assert response.status_code == 200
    assert not Candidate.objects.exists()
    with pytest.raises(SelectionRefused):
        send_to_dinas(
            pupils[0].school, period, {student_b.pk: REASON}, actor=operator_a
        )


def test_a_student_no_longer_listed_cannot_be_sent(
    client: Client, operator_a: User, period: Period, pupils: list[Student]
) -> None:
    Student.objects.filter(pk=pupils[0].pk).update(is_listed=False)

    page = login(client, operator_a).get(URL).content.decode()
    response = client.post(URL, choose(pupils[0]))

    assert f'name="students" value="{pupils[0].pk}"' not in page
    assert response.status_code == 200
    assert not Candidate.objects.exists()


def test_the_quota_limits_what_is_sent(
    client: Client, operator_a: User, period: Period, pupils: list[Student]
) -> None:
    Period.objects.filter(pk=period.pk).update(quota_per_school=2)
    login(client, operator_a).post(URL, choose(pupils[0]))

    response = client.post(URL, choose(pupils[1], pupils[2]))

    assert response.status_code == 200
    assert "Kuota sekolah 2 siswa" in response.content.decode()
    assert Candidate.objects.count() == 1


def test_nothing_chosen_is_refused(
    client: Client, operator_a: User, period: Period, pupils: list[Student]
) -> None:
    response = login(client, operator_a).post(URL, {})

    assert response.status_code == 200
    assert "Pilih minimal satu siswa" in response.content.decode()


def test_without_an_active_period_nothing_can_be_sent(
    client: Client, operator_a: User, pupils: list[Student]
) -> None:
    response = login(client, operator_a).get(URL)

    assert response.status_code == 200
    assert "Belum ada periode program yang aktif" in response.content.decode()


def test_the_dinas_and_the_bank_do_not_choose_for_schools(
    client: Client, verifier: User, bank_officer: User, period: Period
) -> None:
    assert login(client, verifier).get(URL).status_code == 403
    assert login(client, bank_officer).get(URL).status_code == 403


def test_ids_above_a_thousand_are_written_without_separators(
    client: Client, operator_a: User, period: Period, school_a: School
) -> None:
    student = make_student(school_a, "0123456000", pk=12345)

    page = login(client, operator_a).get(URL).content.decode()
    response = client.post(URL, choose(student))

    assert 'name="students" value="12345"' in page
    assert response.status_code == 302
    assert Candidate.objects.get().student == student


def test_large_ids_and_years_are_written_as_plain_digits(
    client: Client, operator_a: User, period: Period, school_a: School
) -> None:
    # Ids pass 1,000 in the first week; grouped as "12.345" they would come
    # back from the form as something else.
    student = make_student(school_a, "0123456799", pk=12345, nik="")

    page = login(client, operator_a).get(URL).content.decode()

    assert f'name="students" value="{student.pk}"' in page
    assert "12.345" not in page
    assert "2026" in page and "2.026" not in page
    response = client.post(URL, choose(student))
    assert response.status_code == 302
    assert Candidate.objects.filter(student=student, status=Status.SUBMITTED).exists()
