"""The public status page: where the card stands at every stage, the reason
of a rejection, the same answer for every kind of wrong input, the sum."""

import datetime as dt
import re
import uuid
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from balangan_pintar.models import AuditEntry, Period
from cards.handover.models import CardArrival
from cards.models import CardState
from cards.status.services import status_of
from students.models import Candidate, School, Status
from students.services.pipeline import move_candidate
from verification.models import Decision, Outcome

from .delivery_data import (
    BIRTH_DATE,
    candidate_at,
    issue_card,
    start_day,
    status_form,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("cards.tests.urls_delivery")]

NISN = "0014000001"
URL = "cards:status"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def day(offset: int) -> dt.date:
    """The day of the ``offset``-th move made by ``candidate_at``."""
    return (start_day() + dt.timedelta(days=offset)).date()


def shown(date: dt.date) -> str:
    """A date as the page writes it."""
    with translation.override("id"):
        return date_filter(date, "j F Y")


def ask(client: Client, nisn: str = NISN, birth_date: dt.date = BIRTH_DATE) -> str:
    answer = client.post(reverse(URL), status_form(nisn, birth_date))
    assert answer.status_code == 200
    return answer.content.decode()


def ready(candidate: Candidate) -> None:
    """The candidate's card printed and arrived at the school."""
    card = issue_card(candidate)
    CardArrival.objects.create(card=card, arrived_on=day(6))
    card.state = CardState.AT_SCHOOL
    card.save()


# Per status: the state of the six steps (Done, Current, Waiting, Failed),
# and the words the page leads with.
STAGES = [
    (Status.SUBMITTED, "DCWWWW", "sedang diperiksa Dinas"),
    (Status.RETURNED, "DCWWWW", "sedang dilengkapi oleh sekolah"),
    (Status.APPROVED, "DDCWWW", "Usulan disetujui"),
    (Status.SENT_TO_BANK, "DDCWWW", "sedang dibuka oleh Bank Kalsel"),
    (Status.BANK_REJECTED, "DDCWWW", "Rekening belum dapat dibuka"),
    (Status.ACCOUNT_OPENED, "DDDCWW", "Kartu sedang dicetak"),
    (Status.CARD_PRINTED, "DDDDCW", "sedang dikirim ke sekolah"),
    (Status.UNDELIVERED, "DDDDDC", "Kartu belum dapat diserahkan"),
    (Status.DELIVERED, "DDDDDD", "sudah diterima"),
]
LETTERS = {"done": "D", "current": "C", "waiting": "W", "failed": "F"}


@pytest.mark.parametrize(("status", "states", "headline"), STAGES)
def test_every_stage_with_the_dates_reached(
    status: Status,
    states: str,
    headline: str,
    client: Client,
    school_a: School,
    period: Period,
    verifier: User,
) -> None:
    candidate = candidate_at(status, school_a, period, verifier, NISN)

    answer = status_of(candidate)
    page = ask(client)

    assert "".join(LETTERS[step.state] for step in answer.steps) == states
    reached = [step.reached_on for step in answer.steps if step.state == "done"]
    # One move a day from day 1: submitted, approved, (sent,) opened, printed,
    # then the handover; "ready" is dated by the handover when no arrival was
    # recorded.
    expected = [day(1), day(2), day(4), day(5), day(6), day(6)]
    assert reached == expected[: len(reached)]
    assert all(date and shown(date) in page for date in reached)
    assert headline in answer.headline
    assert headline in page
    assert "Halo, Siti!" in page


def test_card_ready_at_school(
    client: Client, school_a: School, period: Period, verifier: User
) -> None:
    candidate = candidate_at(Status.CARD_PRINTED, school_a, period, verifier, NISN)
    ready(candidate)

    answer = status_of(candidate)
    page = ask(client)

    assert [step.state for step in answer.steps][4:] == ["done", "current"]
    assert answer.steps[4].reached_on == day(6)
    assert "Kartu sudah siap diambil di sekolah." in page
    assert shown(day(6)) in page


def test_card_ready_with_the_dinas(
    client: Client, school_a: School, period: Period, verifier: User
) -> None:
    period.handover_by = Period.HandoverBy.DINAS
    period.save()
    ready(candidate_at(Status.CARD_PRINTED, school_a, period, verifier, NISN))

    page = ask(client)

    assert "Kartu siap diserahkan Dinas" in page
    assert "Kartu sudah siap diserahkan oleh Dinas." in page


def test_rejected_shows_the_reason_in_plain_words_not_the_note(
    client: Client, school_a: School, period: Period, verifier: User
) -> None:
    candidate = candidate_at(Status.SUBMITTED, school_a, period, verifier, NISN)
    candidate = move_candidate(
        candidate,
        Status.REJECTED,
        actor=verifier,
        note="Sudah menerima KIP/PIP\nKIP atas nama kakaknya, catatan verifikator",
    )
    Decision.objects.create(
        candidate=candidate,
        outcome=Outcome.REJECT,
        reason="kip_recipient",
        note="KIP atas nama kakaknya, catatan verifikator",
        decided_by=verifier,
        request_token=uuid.uuid4(),
    )

    answer = status_of(candidate)
    page = ask(client)

    assert [step.state for step in answer.steps] == ["done", "failed"] + ["waiting"] * 4
    assert "Usulan tidak disetujui." in page
    assert "sudah menerima bantuan PIP/KIP" in page
    assert "kakaknya" not in page


def test_rejected_after_the_bank_says_so(
    client: Client, school_a: School, period: Period, verifier: User
) -> None:
    candidate = candidate_at(Status.BANK_REJECTED, school_a, period, verifier, NISN)
    candidate = move_candidate(
        candidate, Status.REJECTED, actor=verifier, note="NIK ganda"
    )

    answer = status_of(candidate)
    page = ask(client)

    assert [step.state for step in answer.steps][:3] == ["done", "done", "failed"]
    assert "Rekening tidak dapat dibuka oleh Bank Kalsel." in page
    assert "NIK ganda" not in page


def test_answer_shows_nothing_but_the_first_name(
    client: Client, school_a: School, period: Period, verifier: User
) -> None:
    candidate_at(
        Status.CARD_PRINTED, school_a, period, verifier, NISN, name="Siti Rahmawati"
    )

    page = ask(client)

    assert "Siti" in page
    assert "Rahmawati" not in page
    assert "SDN 1 Paringin" not in page
    assert NISN not in page
    assert "2014" not in page
    assert AuditEntry.objects.filter(action="card_status.check").count() == 1


def normalized(html: str) -> str:
    """The page less what differs on every rendering, the form tokens and
    the sum, and less what the visitor typed, which is shown back."""
    html = re.sub(r'name="(csrfmiddlewaretoken|captcha_token)" value="[^"]*"', "", html)
    html = re.sub(r'<span class="kbp-question">[^<]*</span>', "", html)
    return re.sub(r'name="(nisn|year)" ([^>]*)value="[0-9]*"', "", html)


def test_unknown_nisn_and_wrong_birth_date_get_the_same_answer(
    client: Client, school_a: School, period: Period, verifier: User
) -> None:
    candidate_at(Status.DELIVERED, school_a, period, verifier, NISN)
    wrong_date = BIRTH_DATE.replace(year=BIRTH_DATE.year - 1)

    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = client.post(reverse(URL), status_form("0099999999"))
    with CaptureQueriesContext(connection) as wrong_queries:
        wrong = client.post(reverse(URL), status_form(NISN, wrong_date))

    assert unknown.status_code == wrong.status_code == 200
    assert normalized(unknown.content.decode()) == normalized(wrong.content.decode())
    assert "Data tidak ditemukan" in unknown.content.decode()
    assert "Siti" not in wrong.content.decode()
    assert len(unknown_queries) == len(wrong_queries)


def test_not_yet_sent_by_the_school_is_not_found(
    client: Client, school_a: School, period: Period, verifier: User
) -> None:
    candidate_at(Status.DRAFT, school_a, period, verifier, NISN)

    assert "Data tidak ditemukan" in ask(client)


def test_wrong_sum_is_refused_before_looking(
    client: Client, school_a: School, period: Period, verifier: User
) -> None:
    candidate_at(Status.DELIVERED, school_a, period, verifier, NISN)
    form = status_form(NISN)
    form["captcha_answer"] = str(int(form["captcha_answer"]) + 1)

    page = client.post(reverse(URL), form).content.decode()

    assert "Jawaban hitungan salah" in page
    assert "Halo" not in page
    assert not AuditEntry.objects.filter(action="card_status.check").exists()


def test_a_sum_answers_once(
    client: Client, school_a: School, period: Period, verifier: User
) -> None:
    candidate_at(Status.DELIVERED, school_a, period, verifier, NISN)
    form = status_form(NISN)

    first = client.post(reverse(URL), form).content.decode()
    replayed = client.post(reverse(URL), form).content.decode()

    assert "Halo, Siti!" in first
    assert "Jawaban hitungan salah" in replayed
    assert "Halo" not in replayed


def test_page_is_post_only_and_never_cached(
    client: Client, school_a: School, period: Period, verifier: User
) -> None:
    candidate_at(Status.DELIVERED, school_a, period, verifier, NISN)

    page = client.get(reverse(URL), {"nisn": NISN, "day": "17"})
    answered = client.post(reverse(URL), status_form(NISN))

    text = page.content.decode()
    assert '<form class="card shadow-sm" method="post"' in text
    assert "Halo" not in text
    assert "no-store" in page["Cache-Control"]
    assert "no-store" in answered["Cache-Control"]
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text) == []
