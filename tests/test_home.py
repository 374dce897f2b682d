"""Each role's home page lists the work waiting for that role."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import Period
from conftest import PASSWORD
from students.models import Candidate, Status, Student
from students.services.pipeline import propose_student, submit_to_dinas


@pytest.mark.parametrize(
    "who", ["operator_a", "verifier", "dinas_admin", "bank_officer", "kepala"]
)
def test_home_page_greets_every_role(
    client: Client, who: str, request: pytest.FixtureRequest, period: Period
) -> None:
    user: User = request.getfixturevalue(who)
    client.login(username=user.username, password=PASSWORD)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Pekerjaan yang menunggu" in response.content.decode()


def test_verifier_sees_submissions_waiting(
    client: Client,
    verifier: User,
    operator_a: User,
    student_a: Student,
    period: Period,
) -> None:
    candidate = propose_student(student_a, period, actor=operator_a)
    submit_to_dinas([candidate], actor=operator_a)
    client.login(username=verifier.username, password=PASSWORD)

    response = client.get(reverse("home"))

    assert "1 usulan menunggu verifikasi" in response.content.decode()


def test_sop_page_shows_the_document(client: Client, db: None) -> None:
    response = client.get(reverse("sop"))

    assert "067.2/31/DIDIKBUD" in response.content.decode()


def test_deploy_check_is_clean(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-value-0123456789",
        "ALLOWED_HOSTS": "kbp.balangankab.go.id",
        "VAR_DIR": str(tmp_path),
        "DEBUG": "",
        "INSECURE_HTTP": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_pages_speak_indonesian_whatever_the_browser(client: Client, db: None) -> None:
    response = client.get(reverse("sop"), headers={"accept-language": "en-US"})

    assert response["Content-Language"] == "id"
    assert "31 Maret 2022" in response.content.decode()


def test_english_is_one_switch_away(client: Client, db: None) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/sop/"})

    response = client.get(reverse("sop"))

    assert response["Content-Language"] == "en"
    assert "31 March 2022" in response.content.decode()


def test_bank_officer_sees_what_waits_at_the_banks_steps(
    client: Client, bank_officer: User, student_a: Student, period: Period
) -> None:
    candidate = Candidate.objects.create(
        student=student_a,
        period=period,
        school=student_a.school,
        status=Status.SENT_TO_BANK,
    )
    client.login(username=bank_officer.username, password=PASSWORD)

    response = client.get(reverse("home"))

    work = {item.step: item.count for item in response.context["work"]}
    assert work == {5: 1, 6: 0}
    assert candidate.student.name not in response.content.decode()
