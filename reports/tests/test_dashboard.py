"""The SOP dashboard: what waits where, what is overdue and who holds it,
and who may see the page."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from balangan_pintar.models import SOP, Period
from conftest import PASSWORD
from reports.services.dashboard import (
    Holder,
    Measure,
    StepRow,
    build_dashboard,
    holder_of,
)
from students.models import School, Status

from .factories import candidate_with_history, wita

URL = reverse("reports:dashboard")

# Monday 24 August 2026, 08:05 WITA.
NOW = wita(2026, 8, 24, 8, 5)


@pytest.fixture
def waiting(school_a: School, school_b: School, period: Period) -> None:
    # Sent to the Dinas on Friday at 15:55: by Monday 08:05 that is 64 hours
    # but only ten working minutes, within the 15-minute target.
    candidate_with_history(
        school_a,
        period,
        wita(2026, 8, 21, 15),
        [
            (Status.DRAFT, wita(2026, 8, 21, 15, 30)),
            (Status.SUBMITTED, wita(2026, 8, 21, 15, 55)),
        ],
        name="Ahmad Fauzi",
    )
    # Sent on Thursday: overdue however it is counted.
    candidate_with_history(
        school_b,
        period,
        wita(2026, 8, 20, 9),
        [
            (Status.DRAFT, wita(2026, 8, 20, 9, 30)),
            (Status.SUBMITTED, wita(2026, 8, 20, 10)),
        ],
        name="Rina Hairani",
    )
    # Chosen by the school but not sent for two weeks.
    candidate_with_history(
        school_a,
        period,
        wita(2026, 8, 10, 9),
        [(Status.DRAFT, wita(2026, 8, 10, 10))],
        name="Nur Aminah",
    )


def dashboard_for(period: Period, measure: Measure) -> dict[int, StepRow]:
    data = build_dashboard(
        period, date(2026, 8, 1), date(2026, 8, 24), measure=measure, now=NOW
    )
    return {row.step.number: row for row in data.rows}


@pytest.mark.usefixtures("waiting")
def test_waiting_counts_and_oldest_per_step(period: Period) -> None:
    rows = dashboard_for(period, Measure.ELAPSED)

    assert rows[3].waiting.count == 2
    assert rows[3].waiting.oldest == wita(2026, 8, 20, 10)
    assert rows[2].waiting.count == 1
    assert rows[4].waiting.count == 0


@pytest.mark.usefixtures("waiting")
def test_overdue_in_elapsed_time_counts_the_weekend(period: Period) -> None:
    rows = dashboard_for(period, Measure.ELAPSED)

    overdue = rows[3].overdue
    assert overdue.count == 2
    assert [item.name for item in overdue.named] == ["Rina Hairani", "Ahmad Fauzi"]


@pytest.mark.usefixtures("waiting")
def test_overdue_in_working_time_leaves_out_the_weekend(period: Period) -> None:
    rows = dashboard_for(period, Measure.WORKING)

    overdue = rows[3].overdue
    assert overdue.count == 1
    assert overdue.named[0].name == "Rina Hairani"
    assert overdue.named[0].school == "SMPN 1 Juai"
    # Thursday 10:00–16:00, Friday's 8 hours and 5 minutes on Monday.
    assert overdue.named[0].waited == 6 * 3600 + 8 * 3600 + 5 * 60
    assert [school.school for school in overdue.schools] == ["SMPN 1 Juai"]


@pytest.mark.usefixtures("waiting")
def test_school_held_step_names_the_school(period: Period) -> None:
    rows = dashboard_for(period, Measure.WORKING)

    assert rows[2].holder == Holder.SCHOOL
    assert rows[2].overdue.schools[0].school == "SDN 1 Paringin"
    assert rows[2].oldest_missed


def test_holders_follow_the_sop_and_the_period(period: Period) -> None:
    steps = {step.number: step for step in SOP.objects.in_force().steps.all()}

    assert [holder_of(steps[n], period) for n in range(1, 8)] == [
        Holder.SCHOOL,
        Holder.SCHOOL,
        Holder.DINAS,
        Holder.DINAS,
        Holder.BANK,
        Holder.BANK,
        Holder.SCHOOL,
    ]
    period.handover_by = Period.HandoverBy.DINAS
    assert holder_of(steps[7], period) == Holder.DINAS


@pytest.mark.parametrize("who", ["kepala", "dinas_admin"])
@pytest.mark.usefixtures("waiting")
def test_dashboard_shows_steps_and_overdue_items(
    client: Client, who: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)
    client.login(username=user.username, password=PASSWORD)

    response = client.get(URL, {"dari": "2026-08-01", "sampai": "2026-08-24"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Operator Dapodik sekolah mencocokkan data siswa" in page
    assert "Rina Hairani" in page
    assert "SMPN 1 Juai" in page
    assert "Cara waktu diukur" in page
    assert reverse("sop") in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.usefixtures("waiting")
def test_dashboard_shows_no_nik(client: Client, kepala: User) -> None:
    client.login(username=kepala.username, password=PASSWORD)

    page = client.get(URL).content.decode()

    assert not re.search(r"\b6311\d{12}\b", page)


def test_kepala_dinas_cannot_post(client: Client, kepala: User) -> None:
    client.login(username=kepala.username, password=PASSWORD)

    response = client.post(URL, {"waktu": "kalender"})

    assert response.status_code == 405


@pytest.mark.usefixtures("waiting")
def test_page_offers_no_change(client: Client, kepala: User) -> None:
    client.login(username=kepala.username, password=PASSWORD)

    page = client.get(URL).content.decode()
    main = page[page.index("<main") : page.index("</main>")]

    assert 'method="post"' not in main.lower()
    assert "/admin/" not in main


@pytest.mark.parametrize("who", ["operator_a", "bank_officer", "verifier"])
def test_other_roles_are_refused(
    client: Client, db: None, who: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)
    client.login(username=user.username, password=PASSWORD)

    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client: Client, db: None) -> None:
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_dates_fall_back_to_the_default_range(
    client: Client, kepala: User, period: Period
) -> None:
    client.login(username=kepala.username, password=PASSWORD)

    response = client.get(URL, {"dari": "2026-09-01", "sampai": "2026-08-01"})

    assert response.status_code == 200
    assert "Tanggal awal harus sebelum" in response.content.decode()


def test_working_or_elapsed_time_can_be_chosen(
    client: Client, kepala: User, period: Period
) -> None:
    client.login(username=kepala.username, password=PASSWORD)

    page = client.get(URL, {"waktu": "kalender"}).content.decode()

    assert "dalam waktu kalender" in page


def test_dashboard_queries_stay_bounded(
    client: Client,
    kepala: User,
    school_a: School,
    period: Period,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for number in range(12):
        candidate_with_history(
            school_a,
            period,
            wita(2026, 8, 3, 8),
            [(Status.DRAFT, wita(2026, 8, 3, 9, number))],
        )
    client.login(username=kepala.username, password=PASSWORD)

    # On PostgreSQL three of them set up the step-time aggregate's session.
    with django_assert_max_num_queries(19):
        response = client.get(URL)

    assert response.status_code == 200
