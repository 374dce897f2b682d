"""Print runs: the render job writes a PDF of the batch's cards in either
layout, is safe to run twice, and the bank's confirmation writes step 6."""

import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from balangan_pintar.jobs import run_job
from balangan_pintar.models import AuditEntry, Job, Period
from bank_exchange.models import BankBatch
from bank_exchange.services import create_batch
from bank_exchange.tests.factories import approved
from conftest import PASSWORD, wait_until
from students.models import Candidate, School, StageEvent, Status

from ..models import Card, CardState, PrintLayout, PrintRun
from ..services import (
    CardRefused,
    confirm_print_run,
    issue_cards,
    render_print_run_job,
    start_print_run,
)
from .test_issue_cards import batch, media_root, opened_batch

__all__ = ["batch", "media_root"]

MM = 72 / 25.4
CARD_SIZE = (round(85.60 * MM, 1), round(53.98 * MM, 1))
A4_SIZE = (round(210 * MM, 1), round(297 * MM, 1))


def rendered(batch: BankBatch, user: User, layout: str) -> PrintRun:
    """A print run of the batch's cards, rendered through the job service."""
    issue_cards(batch, user)
    run = start_print_run(batch, layout, user)
    assert run.job_id is not None
    run_job(str(run.job_id), render_print_run_job)
    run.refresh_from_db()
    return run


def pages_of(run: PrintRun) -> list[tuple[float, float]]:
    with run.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return [
        (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1))
        for page in reader.pages
    ]


def test_card_pages_are_card_sized_front_and_back(
    batch: BankBatch, bank_officer: User
) -> None:
    run = rendered(batch, bank_officer, PrintLayout.CARD_PAGES)

    assert run.job is not None and run.job.state == Job.State.SUCCEEDED
    assert run.job.result_url == reverse("cards:print-run", kwargs={"pk": run.pk})
    assert run.page_count == 6
    assert pages_of(run) == [CARD_SIZE] * 6
    assert str(run.file.name).startswith("cards/print_runs/")


def test_a4_sheets_hold_ten_cards_front_and_back(
    batch: BankBatch, bank_officer: User
) -> None:
    run = rendered(batch, bank_officer, PrintLayout.A4_SHEETS)

    assert run.page_count == 2
    assert pages_of(run) == [A4_SIZE] * 2


def test_eleven_cards_take_two_a4_sheets(
    school_b: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
) -> None:
    eleven = opened_batch(school_b, period, verifier, dinas_admin, bank_officer, 11)

    run = rendered(eleven, bank_officer, PrintLayout.A4_SHEETS)

    assert run.card_count == 11
    assert pages_of(run) == [A4_SIZE] * 4


def test_the_render_job_is_safe_to_run_twice(
    batch: BankBatch, bank_officer: User
) -> None:
    run = rendered(batch, bank_officer, PrintLayout.CARD_PAGES)
    assert run.job is not None
    name = run.file.name

    result = render_print_run_job(run.job, lambda *args, **kwargs: None)

    run.refresh_from_db()
    assert run.file.name == name
    assert result["url"] == reverse("cards:print-run", kwargs={"pk": run.pk})


def test_nothing_to_print_is_refused(batch: BankBatch, bank_officer: User) -> None:
    with pytest.raises(CardRefused):
        start_print_run(batch, PrintLayout.A4_SHEETS, bank_officer)


def test_confirming_the_printing_writes_step_six(
    batch: BankBatch, bank_officer: User
) -> None:
    run = rendered(batch, bank_officer, PrintLayout.A4_SHEETS)

    moved = confirm_print_run(run, spoiled=2, reprinted=2, user=bank_officer)

    assert moved == 3
    assert (run.spoiled, run.reprinted, run.confirmed_by) == (2, 2, bank_officer)
    cards = Card.objects.all()
    assert {card.state for card in cards} == {CardState.PRINTED}
    assert all(card.printed_at == run.confirmed_at for card in cards)
    events = StageEvent.objects.filter(to_status=Status.CARD_PRINTED)
    assert events.count() == 3
    assert {event.step for event in events} == {6}
    assert {event.from_status for event in events} == {Status.ACCOUNT_OPENED}
    assert Candidate.objects.filter(status=Status.CARD_PRINTED).count() == 3
    assert AuditEntry.objects.filter(action="print_run.confirm").count() == 1


def test_a_print_run_is_confirmed_once(batch: BankBatch, bank_officer: User) -> None:
    run = rendered(batch, bank_officer, PrintLayout.A4_SHEETS)
    confirm_print_run(run, spoiled=0, reprinted=0, user=bank_officer)

    with pytest.raises(CardRefused):
        confirm_print_run(run, spoiled=0, reprinted=0, user=bank_officer)

    assert StageEvent.objects.filter(to_status=Status.CARD_PRINTED).count() == 3


def test_an_unrendered_run_cannot_be_confirmed(
    batch: BankBatch, bank_officer: User
) -> None:
    issue_cards(batch, bank_officer)
    run = start_print_run(batch, PrintLayout.A4_SHEETS, bank_officer)

    with pytest.raises(CardRefused):
        confirm_print_run(run, spoiled=0, reprinted=0, user=bank_officer)


def test_the_bank_officer_issues_renders_downloads_and_confirms(
    client: Client, batch: BankBatch, bank_officer: User
) -> None:
    assert client.login(username=bank_officer.username, password=PASSWORD)

    listing = client.get(reverse("cards:card-list"))
    issued = client.post(reverse("cards:batch-issue", kwargs={"pk": batch.pk}))
    started = client.post(
        reverse("cards:batch-render", kwargs={"pk": batch.pk}), {"layout": "card"}
    )

    run = PrintRun.objects.get()
    assert listing.status_code == 200
    assert batch.label in listing.content.decode()
    assert issued.status_code == 302
    assert Card.objects.filter(bank_batch=batch).count() == 3
    assert started.status_code == 302
    assert started["Location"] == reverse("job-detail", kwargs={"pk": run.job_id})

    run_job(str(run.job_id), render_print_run_job)
    page = client.get(reverse("cards:print-run", kwargs={"pk": run.pk}))
    download = client.get(reverse("cards:print-run-download", kwargs={"pk": run.pk}))
    confirmed = client.post(
        reverse("cards:print-run-confirm", kwargs={"pk": run.pk}),
        {"spoiled": "1", "reprinted": "1"},
    )

    assert page.status_code == 200
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"]
    assert download.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="print_run.download").count() == 1
    assert confirmed.status_code == 302
    assert Candidate.objects.filter(status=Status.CARD_PRINTED).count() == 3


@pytest.mark.parametrize(
    "name", ["cards:card-list", "cards:batch-cards", "cards:batch-issue"]
)
def test_a_school_operator_is_refused_the_bank_pages(
    client: Client, batch: BankBatch, operator_a: User, name: str
) -> None:
    assert client.login(username=operator_a.username, password=PASSWORD)
    kwargs = {} if name == "cards:card-list" else {"pk": batch.pk}

    response = client.post(reverse(name, kwargs=kwargs))

    assert response.status_code == 403


def test_the_bank_officer_sees_no_draft_batch(
    client: Client,
    school_b: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
) -> None:
    sent = opened_batch(school_b, period, verifier, dinas_admin, bank_officer, count=1)
    approved(school_b, period, verifier, 1, start=50)
    draft = create_batch(period, dinas_admin)
    assert client.login(username=bank_officer.username, password=PASSWORD)

    listing = client.get(reverse("cards:card-list"))
    page = client.get(reverse("cards:batch-cards", kwargs={"pk": draft.pk}))

    assert page.status_code == 404
    assert sent.label in listing.content.decode()
    assert draft.label not in listing.content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_render_job_runs_on_a_real_worker(
    celery_worker_process: subprocess.Popen[bytes],
    school_a: School,
    period: Period,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
    settings: Any,
    tmp_path: Path,
) -> None:
    # The worker was started with VAR_DIR=tmp_path; both sides must agree
    # on where the PDF lives.
    settings.MEDIA_ROOT = tmp_path / "files"
    batch = opened_batch(school_a, period, verifier, dinas_admin, bank_officer, 3)
    issue_cards(batch, bank_officer)

    run = start_print_run(batch, PrintLayout.CARD_PAGES, bank_officer)

    job_id = run.job_id
    assert job_id is not None
    assert wait_until(lambda: Job.objects.get(pk=job_id).is_finished, 60)
    job = Job.objects.get(pk=job_id)
    run.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.message
    assert job.done == job.total == 3
    assert run.page_count == 6
    assert pages_of(run) == [CARD_SIZE] * 6
