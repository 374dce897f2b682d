"""The verifier's queue: filters, counts, waiting time against the SOP,
keyset pages, and the search that keeps a NIK out of every URL."""

import datetime as dt

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from balangan_pintar.models import Period
from conftest import make_student
from students.models import School

from ..services.queue import (
    QueueFilters,
    decode_cursor,
    encode_cursor,
    queue_page,
    submissions,
)
from . import factories


def test_the_queue_lists_submissions_with_counts_and_waiting_time(
    school_a: School,
    school_b: School,
    period: Period,
    operator_a: User,
    operator_b: User,
    verifier: User,
    client: Client,
) -> None:
    factories.send(factories.students(school_a, 3), period, operator_a)
    factories.send(factories.students(school_b, 2), period, operator_b)
    factories.login(client, verifier)

    page = client.get(reverse("verification:queue"))

    assert page.context["total"] == 2
    assert page.context["counts"].waiting == 5
    assert page.context["page"].target_minutes == 15
    text = page.content.decode()
    assert school_a.name in text
    assert school_b.name in text


def test_the_queue_filters_by_kecamatan_jenjang_and_school(
    school_a: School,
    school_b: School,
    period: Period,
    operator_a: User,
    operator_b: User,
    verifier: User,
    client: Client,
) -> None:
    factories.send(factories.students(school_a, 1), period, operator_a)
    factories.send(factories.students(school_b, 1), period, operator_b)
    factories.login(client, verifier)
    url = reverse("verification:queue")

    by_kecamatan = client.get(url, {"kecamatan": school_b.kecamatan.pk})
    by_jenjang = client.get(url, {"jenjang": "SD"})
    by_school = client.get(url, {"sekolah": school_b.pk})

    assert [r.submission.school for r in by_kecamatan.context["page"].rows] == [
        school_b
    ]
    assert [r.submission.school for r in by_jenjang.context["page"].rows] == [school_a]
    assert by_school.context["counts"].waiting == 1


def test_overdue_submissions_are_marked_against_the_sop_target(
    school_a: School, period: Period, operator_a: User
) -> None:
    now = factories.when(days=1)
    factories.send(
        factories.students(school_a, 1),
        period,
        operator_a,
        at=now - dt.timedelta(minutes=10),
    )
    factories.send(
        factories.students(school_a, 1, start=5),
        period,
        operator_a,
        at=now - dt.timedelta(hours=2),
    )

    rows = queue_page(submissions(QueueFilters(period=period)), now=now).rows

    assert [row.overdue for row in rows] == [True, False]
    assert rows[0].waited == dt.timedelta(hours=2)


def test_keyset_pages_walk_forward_and_back_without_gaps(
    school_a: School, period: Period, operator_a: User
) -> None:
    for number in range(7):
        factories.send(
            factories.students(school_a, 1, start=number + 1),
            period,
            operator_a,
            at=factories.when(hours=number),
        )
    found = submissions(QueueFilters(period=period))

    first = queue_page(found, size=3)
    second = queue_page(found, after=first.next_cursor, size=3)
    third = queue_page(found, after=second.next_cursor, size=3)
    back = queue_page(found, before=third.previous_cursor, size=3)

    seen = [r.submission.pk for p in (first, second, third) for r in p.rows]
    assert seen == sorted(seen, key=lambda pk: found.get(pk=pk).submitted_at)
    assert len(set(seen)) == 7
    assert third.next_cursor is None
    assert first.previous_cursor is None
    assert [r.submission.pk for r in back.rows] == [
        r.submission.pk for r in second.rows
    ]
    assert decode_cursor(encode_cursor(first.rows[0].submission)) == (
        first.rows[0].submission.submitted_at,
        first.rows[0].submission.pk,
    )
    assert decode_cursor("garbage") is None


def test_search_by_nik_is_a_post_and_finds_the_pupil(
    school_a: School,
    period: Period,
    operator_a: User,
    verifier: User,
    client: Client,
) -> None:
    pupil = make_student(
        school_a, "0055667788", name="Norhayati", nik="6311064403150099"
    )
    factories.send([pupil], period, operator_a)
    factories.login(client, verifier)
    url = reverse("verification:queue")

    by_nik = client.post(url, {"q": "6311064403150099"})
    by_nisn = client.post(url, {"q": "0055667788"})
    by_name = client.post(url, {"q": "norhaya"})
    ignored = client.get(url, {"q": "6311064403150099"})

    for response in (by_nik, by_nisn, by_name):
        assert [c.student for c in response.context["results"]] == [pupil]
    assert ignored.context["results"] is None
    assert 'method="post"' in by_nik.content.decode()
    assert "6311064403150099" not in by_nik.request["QUERY_STRING"]
