"""A worker killed with SIGKILL part-way through a job: a new worker picks
the job up and finishes it, and every row is processed exactly once.

The killed worker never acknowledged its task, and Redis hands such a task
to another worker only after the visibility timeout (hours); what recovers
the job is its stale heartbeat, found by the new worker when it starts.
"""

import re
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from pypdf import PdfReader

from balangan_pintar.models import Job, Period
from cards.models import Card, CardSerial, PrintLayout
from cards.services import issue_cards, start_print_run
from cards.tests.test_issue_cards import opened_batch
from conftest import wait_until
from students.dtks.choices import Decision
from students.dtks.models import Match
from students.dtks.services.matching import start_district_match
from students.dtks.services.synthetic_district import store_district
from students.dtks.synthetic import make_district
from students.models import School, Student

from .conftest import StartFaultWorker, kill_9, wait_until_stale

pytestmark = [
    pytest.mark.slow,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> None:
    # The workers run with VAR_DIR=tmp_path; the test must read the same
    # files they write.
    settings.MEDIA_ROOT = tmp_path / "files"


def test_dtks_matching_finishes_after_its_worker_was_killed_matching_each_student_once(
    fault_worker: StartFaultWorker, dinas_admin: User
) -> None:
    stored = store_district(make_district(students=240, seed=7))
    snapshot = stored.snapshot
    assert snapshot is not None
    students = set(Student.objects.filter(is_listed=True).values_list("pk", flat=True))
    first = fault_worker()
    with transaction.atomic():
        job = start_district_match(user=dinas_admin)

    def parts_counted() -> int:
        return len(Job.objects.get(pk=job.pk).result.get("finished", []))

    # Killed once a part is counted and others are not: the worker is
    # within a part, its matches perhaps stored but not yet counted.
    assert wait_until(lambda: parts_counted() >= 1, 60)
    kill_9(first)
    killed = Job.objects.get(pk=job.pk)
    assert killed.state == Job.State.RUNNING
    assert 1 <= len(killed.result["finished"]) < killed.result["parts"]
    wait_until_stale(job)

    fault_worker()

    assert wait_until(lambda: Job.objects.get(pk=job.pk).is_finished, 60), (
        Job.objects.get(pk=job.pk).state
    )
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    assert (job.done, job.total) == (len(students), len(students))
    counts = job.result["counts"]
    assert counts["students"] == len(students)
    assert counts["matched"] + counts["review"] + counts["unmatched"] == len(students)
    assert sorted(job.result["finished"]) == list(range(job.result["parts"]))
    matches = Match.objects.filter(snapshot=snapshot)
    assert set(matches.values_list("student_id", flat=True)) == students
    assert not matches.values("student_id").annotate(n=Count("pk")).filter(n__gt=1)
    # The job counted each student once: its counts are those of the rows.
    decisions = Counter(matches.values_list("decision", flat=True))
    assert job.result["counts"]["matched"] == decisions[Decision.MATCHED]
    assert job.result["counts"]["review"] == decisions[Decision.REVIEW]
    assert matches.count() == len(students)


CARD_NUMBER = re.compile(r"KBP-\d{4}-\d{6}-\d")


def card_numbers_by_page(pdf: bytes) -> list[list[str]]:
    """The card numbers printed on each page of a print run's PDF."""
    reader = PdfReader(BytesIO(pdf))
    return [CARD_NUMBER.findall(page.extract_text()) for page in reader.pages]


def test_card_rendering_finishes_after_its_worker_was_killed_with_each_card_once(
    fault_worker: StartFaultWorker,
    school_a: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
) -> None:
    batch = opened_batch(school_a, period, verifier, dinas_admin, bank_officer, 30)
    issue_cards(batch, bank_officer)
    serial_before = CardSerial.objects.get(year=period.year).last
    first = fault_worker()
    run = start_print_run(batch, PrintLayout.CARD_PAGES, bank_officer)
    job_id = run.job_id
    assert job_id is not None

    # Killed with some chunks of cards rendered and others not.
    assert wait_until(lambda: Job.objects.get(pk=job_id).done >= 10, 60)
    kill_9(first)
    killed = Job.objects.get(pk=job_id)
    assert killed.state == Job.State.RUNNING
    assert 10 <= killed.done < 30
    run.refresh_from_db()
    assert not run.is_rendered
    wait_until_stale(killed)

    fault_worker()

    assert wait_until(lambda: Job.objects.get(pk=job_id).is_finished, 60), (
        Job.objects.get(pk=job_id).state
    )
    job = Job.objects.get(pk=job_id)
    assert job.state == Job.State.SUCCEEDED, job.message
    assert job.attempts == 2
    assert job.done == job.total == 30
    run.refresh_from_db()
    with run.file.open("rb") as handle:
        pdf = handle.read()
    assert len(PdfReader(BytesIO(pdf)).pages) == run.page_count == 60
    cards = list(Card.objects.filter(bank_batch=batch).values_list("number", flat=True))
    assert len(cards) == len(set(cards)) == 30
    # One page per face, front then back: each card's number on its two
    # pages and on no other.
    pages = card_numbers_by_page(pdf)
    assert all(len(numbers) == 1 for numbers in pages), pages
    fronts = [numbers[0] for numbers in pages[0::2]]
    backs = [numbers[0] for numbers in pages[1::2]]
    assert fronts == backs
    assert sorted(fronts) == sorted(cards)
    assert CardSerial.objects.get(year=period.year).last == serial_before == 30
