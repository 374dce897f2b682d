"""The progress report: the funnel counts by kecamatan, school and jenjang,
amounts, the weekly trend, and who may read it."""

from datetime import date, datetime
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from balangan_pintar.models import Period
from conftest import PASSWORD, make_student
from reports.services.progress import (
    ProgressReport,
    Stage,
    build_progress,
    dtks_matched_by_school,
)
from students.dtks.choices import Decision, Method
from students.dtks.models import Match, Person, Snapshot
from students.models import (
    STATUS_BITS,
    Candidate,
    School,
    StageEvent,
    Status,
    Student,
)

from .factories import candidate_with_history, wita

URL = reverse("reports:progress")

PIPELINE = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.SENT_TO_BANK,
    Status.ACCOUNT_OPENED,
    Status.CARD_PRINTED,
    Status.DELIVERED,
]


def moves(*statuses: Status) -> list[tuple[Status, datetime]]:
    """The statuses at one-minute steps from Tuesday 11 August 2026, 09:00."""
    return [
        (status, wita(2026, 8, 11, 9, minute)) for minute, status in enumerate(statuses)
    ]


@pytest.fixture
def pupils(school_a: School, school_b: School, period: Period) -> None:
    listed = wita(2026, 8, 10, 8)
    # All the way to the card, at the SD in Paringin.
    candidate_with_history(school_a, period, listed, moves(*PIPELINE))
    # Returned, then withdrawn; and returned, withdrawn and chosen again.
    candidate_with_history(
        school_a,
        period,
        listed,
        moves(Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN),
    )
    candidate_with_history(
        school_a,
        period,
        listed,
        moves(
            Status.DRAFT,
            Status.SUBMITTED,
            Status.RETURNED,
            Status.WITHDRAWN,
            Status.DRAFT,
        ),
    )
    # At the SMP in Juai: refused by the bank and then rejected; refused and
    # approved again; and one never sent.
    candidate_with_history(
        school_b,
        period,
        listed,
        moves(*PIPELINE[:4], Status.BANK_REJECTED, Status.REJECTED),
    )
    candidate_with_history(
        school_b,
        period,
        listed,
        moves(*PIPELINE[:4], Status.BANK_REJECTED, Status.APPROVED),
    )
    candidate_with_history(school_b, period, listed, moves(Status.DRAFT))
    make_student(school_a, "0000009999", is_listed=False)


def report_for(period: Period) -> ProgressReport:
    return build_progress(period, now=wita(2026, 8, 24, 10))


def test_every_status_has_a_bit_of_its_own() -> None:
    assert set(STATUS_BITS) == set(Status.values)
    bits = list(STATUS_BITS.values())
    assert all(bit > 0 and bit & (bit - 1) == 0 for bit in bits)
    assert len(set(bits)) == len(bits)


@pytest.mark.usefixtures("pupils")
def test_moves_keep_every_status_held(period: Period) -> None:
    returned = Candidate.objects.get(
        status=Status.WITHDRAWN, reached__lt=STATUS_BITS[Status.APPROVED]
    )
    assert returned.reached == sum(
        STATUS_BITS[status]
        for status in (
            Status.LISTED,
            Status.DRAFT,
            Status.SUBMITTED,
            Status.RETURNED,
            Status.WITHDRAWN,
        )
    )


@pytest.mark.usefixtures("pupils")
def test_migration_fills_in_what_the_moves_keep(period: Period) -> None:
    migration = import_module("students.migrations.0006_reached_and_event_period")
    kept = dict(Candidate.objects.values_list("pk", "reached"))
    Candidate.objects.update(reached=STATUS_BITS[Status.LISTED])

    migration.fill_in(
        apps,
        SimpleNamespace(
            connection=connection, execute=lambda sql: connection.cursor().execute(sql)
        ),
    )

    assert dict(Candidate.objects.values_list("pk", "reached")) == kept
    assert set(StageEvent.objects.values_list("period", flat=True)) == {period.pk}


@pytest.mark.usefixtures("pupils")
def test_funnel_counts_every_stage_reached(period: Period) -> None:
    report = report_for(period)

    assert report.total.values == {
        Stage.LISTED: 6,
        Stage.DTKS_MATCHED: None,
        Stage.PROPOSED: 5,
        Stage.APPROVED: 3,
        Stage.SENT_TO_BANK: 3,
        Stage.ACCOUNT_OPENED: 1,
        Stage.CARD_PRINTED: 1,
        Stage.DELIVERED: 1,
    }


@pytest.mark.usefixtures("pupils")
def test_funnel_by_school_kecamatan_and_jenjang(period: Period) -> None:
    report = report_for(period)

    schools = {group.label: group.counts for group in report.by_school}
    assert schools["SDN 1 Paringin"].get(Stage.PROPOSED) == 3
    assert schools["SDN 1 Paringin"].get(Stage.DELIVERED) == 1
    assert schools["SMPN 1 Juai"].get(Stage.APPROVED) == 2
    assert schools["SMPN 1 Juai"].get(Stage.ACCOUNT_OPENED) == 0
    kecamatan = {group.label: group.counts for group in report.by_kecamatan}
    assert kecamatan["Juai"].get(Stage.SENT_TO_BANK) == 2
    assert kecamatan["Paringin"].get(Stage.LISTED) == 3
    jenjang = {group.label: group.counts for group in report.by_jenjang}
    assert set(jenjang) == {"SD", "SMP"}
    assert jenjang["SD"].get(Stage.APPROVED) == 1


@pytest.mark.usefixtures("pupils")
def test_amounts_are_approved_candidates_times_the_amount(period: Period) -> None:
    report = report_for(period)

    amounts = {amount.jenjang: amount.total for amount in report.amounts}
    assert amounts == {"SD": 1_100_000, "SMP": 2 * 1_500_000}
    assert report.total_amount == 4_100_000


@pytest.mark.usefixtures("pupils")
def test_weekly_trend_counts_moves_into_the_stages(period: Period) -> None:
    report = report_for(period)

    assert [week.start for week in report.weeks] == [date(2026, 8, 10)]
    # Five proposals, three approvals by the Dinas (a re-approval after the
    # bank's refusal completes no step) and one card received.
    assert report.weeks[0].values == [5, 3, 1]


@pytest.mark.usefixtures("pupils")
def test_report_page_shows_funnel_charts_and_tables(
    client: Client, kepala: User
) -> None:
    client.login(username=kepala.username, password=PASSWORD)

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('role="img"') == 3
    assert '<title id="chart-funnel-title">' in page
    assert "tidak tersedia" in page
    assert "Rp4.100.000" in page
    assert "SMPN 1 Juai" in page


def test_report_queries_stay_bounded(
    client: Client,
    kepala: User,
    school_a: School,
    period: Period,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for _ in range(10):
        candidate_with_history(school_a, period, wita(2026, 8, 10, 8), moves(*PIPELINE))
    client.login(username=kepala.username, password=PASSWORD)

    # On PostgreSQL three of them set up the aggregates' session.
    with django_assert_max_num_queries(18):
        response = client.get(URL)

    assert response.status_code == 200


@pytest.mark.usefixtures("pupils")
def test_dinas_admin_may_read_the_report(client: Client, dinas_admin: User) -> None:
    client.login(username=dinas_admin.username, password=PASSWORD)

    assert client.get(URL).status_code == 200


@pytest.mark.usefixtures("pupils")
def test_report_offers_no_change(client: Client, kepala: User) -> None:
    client.login(username=kepala.username, password=PASSWORD)

    page = client.get(URL).content.decode()
    main = page[page.index("<main") : page.index("</main>")]

    assert 'method="post"' not in main.lower()
    assert "/admin/" not in main


@pytest.mark.parametrize(
    "name", ["reports:progress", "reports:progress-xlsx", "reports:progress-pdf"]
)
def test_kepala_dinas_cannot_post(
    client: Client, kepala: User, period: Period, name: str
) -> None:
    client.login(username=kepala.username, password=PASSWORD)

    assert client.post(reverse(name)).status_code == 405


@pytest.mark.parametrize("who", ["operator_a", "bank_officer"])
@pytest.mark.parametrize(
    "name", ["reports:progress", "reports:progress-xlsx", "reports:progress-pdf"]
)
def test_other_roles_are_refused(
    client: Client, db: None, who: str, name: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)
    client.login(username=user.username, password=PASSWORD)

    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "name", ["reports:progress", "reports:progress-xlsx", "reports:progress-pdf"]
)
def test_anonymous_is_sent_to_login(client: Client, db: None, name: str) -> None:
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_without_a_period_the_page_says_so(client: Client, kepala: User) -> None:
    client.login(username=kepala.username, password=PASSWORD)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Belum ada periode program" in response.content.decode()
    assert client.get(reverse("reports:progress-xlsx")).status_code == 404


@pytest.mark.usefixtures("pupils")
def test_funnel_counts_students_matched_in_dtks(period: Period) -> None:
    student = Student.objects.order_by("pk").first()
    assert student is not None
    snapshot = Snapshot.objects.create(
        label="DTKS 2026", file_name="dtks.csv", sha256="0" * 64, is_complete=True
    )
    person = Person.objects.create(snapshot=snapshot, row_number=2, name=student.name)
    Match.objects.create(
        student=student,
        snapshot=snapshot,
        person=person,
        method=Method.NIK,
        score=20,
        decision=Decision.MATCHED,
    )

    assert dtks_matched_by_school(period) == {student.school_id: 1}
