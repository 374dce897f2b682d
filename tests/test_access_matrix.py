"""Every URL of the URLconf, asked for by the anonymous visitor and by each
role, answers as tests/access_matrix.py says, and shows school A's pupils'
personal data to nobody who should not see it."""

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve

from balangan_pintar.models import Job, Period
from bank_exchange.models import BankBatch, BatchRow, ReturnUpload
from bank_exchange.services import create_batch, open_account, send_batch
from bank_exchange.services.returns import store_return_file
from bank_exchange.tests import factories as bank_data
from cards.handover.models import HandoverRegister
from cards.models import Card, CardState, PrintLayout, PrintRun
from cards.services import issue_cards
from cards.signing import make_token
from conftest import make_student
from students.dtks.engine import Decision as MatchDecision
from students.dtks.models import Match
from students.models import Candidate, School, Student, Submission, Upload
from students.services.pipeline import propose_student, submit_to_dinas
from verification.models import LampiranExport, SchoolQuota, SupportingDocument
from verification.tests.factories import match, pdf_bytes, png_bytes, snapshot

from .access_matrix import (
    ANONYMOUS,
    BANK_OFFICER,
    CACHEABLE_WHEN_ANONYMOUS,
    MATRIX,
    OPERATOR_B,
    ROLES,
    Const,
    Outcome,
    Row,
)

# Patterns that are not the application's pages: the admin behind its
# index, and Django's language switch. Static files (served by
# django.views.static.serve when DEBUG adds them) are left out as well.
SKIPPED = re.compile(r"^admin:(?!index$)|^set_language$")

# School A's pupil whose data the Dinas sees and nobody else outside her
# school: not sent to the bank, so the bank never has her either.
SECRET_NIK = "6311066308130007"
SECRET_MOTHER = "Rusmiati Binti Arsyad"
SECRET_BIRTH_DATE = dt.date(2013, 8, 23)


def walk(
    patterns: list[URLPattern | URLResolver], namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """Every pattern of the URLconf with its namespaced name, includes
    followed; an unnamed pattern comes out under its route."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from walk(entry.url_patterns, inner)
        else:
            yield f"{namespace}{entry.name or str(entry.pattern)}", entry


def url_names() -> list[str]:
    names = {
        name
        for name, pattern in walk(get_resolver().url_patterns)
        if pattern.callback is not serve and not SKIPPED.search(name)
    }
    return sorted(names)


def cases() -> list[Any]:
    params = []
    for name in url_names():
        if name not in MATRIX:
            params.append(pytest.param(name, ANONYMOUS, id=f"{name}-missing-row"))
            continue
        params.extend(pytest.param(name, role, id=f"{name}-{role}") for role in ROLES)
    return params


@dataclass
class World:
    """School A's objects, one of each kind a URL names."""

    student: Student
    candidate: Candidate
    submission: Submission
    document: SupportingDocument
    upload: Upload
    job: Job
    batch: BankBatch
    pending_row: BatchRow
    return_upload: ReturnUpload
    card: Card
    card_token: str
    print_run: PrintRun
    register: HandoverRegister
    lampiran: LampiranExport
    quota: SchoolQuota
    match: Match
    niks: list[str]
    mothers: list[str]
    birth_dates: list[dt.date]


def stored(instance: Any, field: str, name: str, content: bytes) -> None:
    getattr(instance, field).save(name, ContentFile(content), save=True)


@pytest.fixture
def world(
    settings: Any,
    tmp_path: Path,
    period: Period,
    school_a: School,
    operator_a: User,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
) -> World:
    """School A's pupils at each step from the school's submission to a
    printed card, with the files and records the pages name. School B and
    the other users come from the root conftest when a test asks for them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # The card page and the status page count visits per client in the
    # cache; earlier tests must not have used up this test's allowance.
    cache.clear()

    student = make_student(
        school_a,
        "0123400001",
        nik=SECRET_NIK,
        mother_name=SECRET_MOTHER,
        birth_date=SECRET_BIRTH_DATE,
    )
    candidate = propose_student(student, period, actor=operator_a)
    submission = submit_to_dinas([candidate], actor=operator_a)
    candidate.refresh_from_db()
    document = SupportingDocument(
        candidate=candidate,
        content_type="application/pdf",
        size=len(pdf_bytes()),
        sha256=hashlib.sha256(pdf_bytes()).hexdigest(),
        uploaded_by=operator_a,
    )
    stored(document, "file", "sktm.pdf", pdf_bytes())

    job = Job.objects.create(kind=Job.Kind.DAPODIK_UPLOAD, created_by=operator_a)
    upload = Upload.objects.create(
        school=school_a,
        uploaded_by=operator_a,
        original_name="daftar.xlsx",
        stored_name="uploads/daftar.xlsx",
        annotated_name="uploads/daftar-keterangan.xlsx",
        sha256="0" * 64,
        job=job,
    )
    annotated = upload.annotated_path
    assert annotated is not None
    annotated.parent.mkdir(parents=True)
    annotated.write_bytes(bank_data.xlsx_return([]))

    # Two approved pupils go to the bank; the first gets an account and a
    # printed card, the second's row waits for the bank's answer.
    pupils = bank_data.approved(school_a, period, verifier, 2)
    batch = send_batch(create_batch(period, dinas_admin), dinas_admin)
    rows = list(batch.rows.order_by("row_number"))
    return_upload = store_return_file(
        batch,
        bank_data.upload(bank_data.xlsx_return(bank_data.return_lines(batch))),
        bank_officer,
    )
    open_account(rows[0], "0012000001", bank_data.today(), bank_officer)
    issue_cards(batch, bank_officer)
    card = Card.objects.get(candidate=rows[0].candidate)
    Card.objects.filter(pk=card.pk).update(state=CardState.PRINTED)
    print_run = PrintRun.objects.create(
        period=period,
        bank_batch=batch,
        layout=PrintLayout.A4_SHEETS,
        card_count=1,
        page_count=1,
        created_by=bank_officer,
    )
    print_run.cards.add(card)
    stored(print_run, "file", "kartu.pdf", pdf_bytes())

    register = HandoverRegister.objects.create(
        school=school_a,
        period=period,
        sequence=1,
        generated_by=operator_a,
        scan_content_type="image/png",
    )
    register.cards.add(card)
    stored(register, "scan", "berita-acara.png", png_bytes())

    lampiran = LampiranExport.objects.create(
        job=Job.objects.create(kind=Job.Kind.REPORT, created_by=verifier),
        period=period,
        created_by=verifier,
    )
    stored(lampiran, "file", "lampiran.pdf", pdf_bytes())

    found = match(
        student,
        snapshot(),
        None,
        decision=MatchDecision.REVIEW,
        evidence={},
    )

    everyone = [student, *(pupil.student for pupil in pupils)]
    return World(
        student=student,
        candidate=candidate,
        submission=submission,
        document=document,
        upload=upload,
        job=job,
        batch=batch,
        pending_row=rows[1],
        return_upload=return_upload,
        card=card,
        card_token=make_token(card.pk),
        print_run=print_run,
        register=register,
        lampiran=lampiran,
        quota=SchoolQuota.objects.create(period=period, school=school_a, quota=5),
        match=found,
        niks=[s.nik for s in everyone],
        mothers=[s.mother_name for s in everyone],
        birth_dates=[s.birth_date for s in everyone],
    )


def url_of(name: str, row: Row, world: World) -> str:
    kwargs = {
        key: value.value if isinstance(value, Const) else attrgetter(value)(world)
        for key, value in row.kwargs
    }
    return reverse(name, kwargs=kwargs)


def outcome(response: HttpResponseBase) -> Outcome | str:
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        sign_in = (reverse("login"), reverse("admin:login"))
        if location.startswith(sign_in):
            return Outcome.LOGIN
        return Outcome.OK if location.startswith("/") else f"302 to {location}"
    known = {
        200: Outcome.OK,
        403: Outcome.FORBIDDEN,
        404: Outcome.NOT_FOUND,
        405: Outcome.NOT_ALLOWED,
    }
    return known.get(status, f"status {status}")


def body_text(response: HttpResponseBase) -> str:
    """The body as text; a workbook is unzipped so that its cells are read."""
    assert isinstance(response, HttpResponse | StreamingHttpResponse)
    content = response.getvalue()
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(item) for item in archive.namelist())
    return content.decode("utf-8", errors="replace")


def date_forms(day: dt.date) -> list[str]:
    """A birth date as the pages and files write it."""
    months = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]
    return [
        day.isoformat(),
        f"{day:%d-%m-%Y}",
        f"{day:%d/%m/%Y}",
        f"{day:%d.%m.%Y}",
        f"{day.day} {months[day.month - 1]} {day.year}",
        f"{day.day} {day:%B %Y}",
    ]


def secrets_for(role: str, world: World) -> list[str]:
    """What the role must not read: for the anonymous visitor and the other
    school, any of school A's pupils; for the bank, the pupil it was never
    sent (the batch's own pupils are the bank's to see)."""
    if role == BANK_OFFICER:
        return [SECRET_NIK, SECRET_MOTHER, *date_forms(SECRET_BIRTH_DATE)]
    dates = [form for day in world.birth_dates for form in date_forms(day)]
    return [*world.niks, *world.mothers, *dates]


def check_personal_data(
    name: str, role: str, response: HttpResponseBase, world: World
) -> None:
    location = response.get("Location", "")
    assert not any(nik in location for nik in world.niks), f"{name}: NIK in {location}"

    if role not in (ANONYMOUS, OPERATOR_B, BANK_OFFICER):
        return
    text = body_text(response)
    shown = [secret for secret in secrets_for(role, world) if secret in text]
    assert not shown, f"{name} shows {role} school A's personal data: {shown}"


def check_no_store(name: str, role: str, response: HttpResponseBase) -> None:
    if response.status_code != 200:
        return
    if role == ANONYMOUS and name in CACHEABLE_WHEN_ANONYMOUS:
        return
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control, f"{name} as {role}: {cache_control!r}"


@pytest.mark.parametrize(("name", "role"), cases())
def test_url_answers_each_role_as_the_matrix_says(
    name: str,
    role: str,
    world: World,
    client: Client,
    request: pytest.FixtureRequest,
) -> None:
    row = MATRIX.get(name)
    assert row is not None, f"{name} has no row: add a row to tests/access_matrix.py"
    if role != ANONYMOUS:
        client.force_login(request.getfixturevalue(role))
    url = url_of(name, row, world)

    asked = [("GET", row.get[role])]
    if row.post is not None:
        asked.append(("POST", row.post[role]))
    for method, expected in asked:
        response = client.get(url) if method == "GET" else client.post(url)

        got = outcome(response)
        wanted = Outcome.OK if expected == Outcome.PUBLIC else expected
        assert got == wanted, f"{method} {name} as {role}: {got}, expected {expected}"
        check_personal_data(name, role, response, world)
        check_no_store(name, role, response)


def test_every_matrix_row_names_a_url() -> None:
    stale = sorted(set(MATRIX) - set(url_names()))

    assert not stale, f"rows for URLs that no longer exist: {stale}"


def parameters(patterns: list[URLPattern | URLResolver]) -> Iterator[str]:
    """The names of every URL parameter, of includes' prefixes as well."""
    for entry in patterns:
        yield from entry.pattern.regex.groupindex
        if isinstance(entry, URLResolver):
            yield from parameters(entry.url_patterns)


def test_no_url_takes_a_nik() -> None:
    found = set(parameters(get_resolver().url_patterns))

    assert not [name for name in found if "nik" in name.lower()], found


def test_the_data_looked_for_is_written_as_the_pages_write_it(
    world: World, client: Client, verifier: User
) -> None:
    # Without this, a page could show the birth date in a form the search
    # above does not know, and the matrix would pass for the wrong reason.
    client.force_login(verifier)
    urls = [
        reverse("students:student-detail", args=[world.student.pk]),
        reverse("verification:candidate-detail", args=[world.candidate.pk]),
    ]

    text = "".join(body_text(client.get(url)) for url in urls)

    assert SECRET_NIK in text
    assert SECRET_MOTHER in text
    assert any(form in text for form in date_forms(SECRET_BIRTH_DATE))


def test_the_student_search_takes_no_nik_from_the_url(
    world: World, client: Client, operator_a: User
) -> None:
    # The verification queue posts its search so that a typed NIK never
    # lands in a URL (server logs, browser history, Referer); the student
    # list still matches ?q=<NIK>.
    client.force_login(operator_a)
    url = reverse("students:student-list")

    by_nik = body_text(client.get(url, {"q": SECRET_NIK}))
    by_nothing = body_text(client.get(url, {"q": "0000000000000000"}))

    # However the search is fixed (no NIK match, or a POST form), a NIK in
    # the query string no longer finds the pupil.
    assert (world.student.nisn in by_nik) == (world.student.nisn in by_nothing)
