"""The audit trail end to end (issue #10): every kind of change and every
view or export of personal data writes an entry that holds no NIK; the
administrator searches the entries and reads and exports one pupil's trail;
nobody can change or delete an entry through the application.

The world is made the way the programme runs: a school's Dapodik upload, its
sending, the Dinas's decisions, a bank batch and the bank's answers, cards
printed and handed over. Entries written by services are made by calling
them; the pages are asked for through the test client, as a person would.
"""

import datetime as dt
import io
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from balangan_pintar.audit import record
from balangan_pintar.jobs import run_job
from balangan_pintar.models import AuditEntry, Job, Period
from bank_exchange.models import BankBatch, BatchRow, ReturnUpload
from bank_exchange.services import (
    apply_return_file,
    create_batch,
    requeue_bank_rejected,
    send_batch,
    store_return_file,
)
from bank_exchange.tests import factories as bank_data
from cards.handover.models import HandoverRegister
from cards.handover.register import prepare_register, store_register_scan
from cards.handover.services import mark_arrived, record_handover
from cards.models import Card, PrintLayout, PrintRun
from cards.services import confirm_print_run, issue_cards, reissue_card
from cards.tests.delivery_data import status_form
from cards.tests.test_handover_record import delivered
from conftest import make_student
from reports.services.audit_trail import (
    ACTIONS,
    SearchFilters,
    entry_page,
    search,
    trail,
)
from students.dapodik.samples import make_dapodik_workbook, make_students
from students.dtks.engine import Decision as MatchDecision
from students.dtks.engine import Method
from students.dtks.models import Snapshot
from students.models import Candidate, School, Student, Submission, Upload
from students.services.selection import send_to_dinas
from students.services.upload import run_upload_job
from verification.models import LampiranExport, Outcome, PeriodRules
from verification.models import SupportingDocument as Document
from verification.services.decisions import decide
from verification.services.documents import store_document
from verification.services.review_queue import decide_review
from verification.tests import factories as verification_data

ACCOUNT = "0012000001"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # The status page counts attempts per client in the cache.
    cache.clear()


def logged_in(user: User) -> Client:
    client = Client(REMOTE_ADDR="10.20.30.40")
    client.force_login(user)
    return client


def last_pk() -> int:
    return AuditEntry.objects.aggregate(top=Max("pk"))["top"] or 0


def written_since(mark: int, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(pk__gt=mark, action=action).order_by("pk"))


def one_entry(action: str, obj: Any = None, **fields: Any) -> AuditEntry:
    """The one entry of ``action`` (naming ``obj``, with ``fields``)."""
    found = AuditEntry.objects.filter(action=action, **fields)
    if obj is not None:
        found = found.filter(object_type=obj._meta.label, object_id=str(obj.pk))
    entries = list(found)
    assert len(entries) == 1, f"{action}: {len(entries)} entries"
    return entries[0]


@dataclass
class World:
    pupil: Student  # P: the pupil whose trail is read; account and card
    second: Student  # Q: DTKS review, returned, resent, rejected by the bank
    stranger: Student  # another school's pupil, never touched here
    candidate: Candidate
    second_candidate: Candidate
    upload: Upload
    submission: Submission
    document: Document
    batch: BankBatch
    row: BatchRow
    return_upload: ReturnUpload
    old_card: Card
    card: Card
    print_run: PrintRun
    register: HandoverRegister
    lampiran: LampiranExport
    # Every NIK (the pupils' and their parents') and family card number.
    niks: list[str]


def _upload(school: School, operator: User, tmp_path: Path) -> Upload:
    """The school's Dapodik list through the upload page, read as the
    worker reads it; one row is spoiled so that the annotated copy exists."""
    pupils = make_students(4, seed=27)
    path = tmp_path / "daftar.xlsx"
    make_dapodik_workbook(pupils, path, bad_rows=1)
    client = logged_in(operator)
    with path.open("rb") as file:
        response = client.post(reverse("students:upload"), {"file": file})
    assert response.status_code == 302
    upload = Upload.objects.get(school=school)
    assert upload.job is not None
    run_job(str(upload.job.pk), run_upload_job)
    upload.refresh_from_db()
    assert upload.annotated_path is not None and upload.annotated_path.exists()
    return upload


@pytest.fixture
def world(
    tmp_path: Path,
    period: Period,
    school_a: School,
    school_b: School,
    operator_a: User,
    verifier: User,
    dinas_admin: User,
    bank_officer: User,
) -> World:
    upload = _upload(school_a, operator_a, tmp_path)
    pupil, second, _third = Student.objects.filter(school=school_a).order_by("pk")
    stranger = make_student(school_b, "0098765432", nik="6311011203110002")
    PeriodRules.objects.create(period=period, sktm_required=False)

    # DTKS: the pupil is found by NIK; the second pupil waits for review.
    register = verification_data.snapshot()
    verification_data.matched(pupil, register)
    person = verification_data.person_for(second, register, 2)
    review = verification_data.match(
        second,
        register,
        None,
        decision=MatchDecision.REVIEW,
        method=Method.FUZZY,
        candidates=[{"person": person.pk, "method": "fuzzy", "score": 12.0}],
    )

    # Step 2: the school sends both; step 3: the Dinas decides.
    submission = send_to_dinas(
        school_a,
        period,
        {pupil.pk: "", second.pk: "Keluarga prasejahtera"},
        actor=operator_a,
    )
    candidate = Candidate.objects.get(student=pupil)
    second_candidate = Candidate.objects.get(student=second)
    document = store_document(
        candidate,
        verification_data.upload("sktm.pdf", verification_data.pdf_bytes()),
        actor=operator_a,
    )
    decide_review(review.pk, person.pk, same_person=True, user=verifier)
    decide(
        candidate,
        Outcome.APPROVE,
        actor=verifier,
        token=uuid.uuid4(),
        submission_id=submission.pk,
    )
    decide(
        second_candidate,
        Outcome.RETURN,
        actor=verifier,
        token=uuid.uuid4(),
        note="Perbaiki nama ibu",
        submission_id=submission.pk,
    )
    response = logged_in(operator_a).post(
        reverse("verification:resend"), {"candidates": [second_candidate.pk]}
    )
    assert response.status_code == 302
    second_candidate.refresh_from_db()
    decide(
        second_candidate,
        Outcome.APPROVE,
        actor=verifier,
        token=uuid.uuid4(),
        submission_id=second_candidate.submission_id,
    )

    # Steps 4 and 5: the batch, the bank's return file, a requeue.
    batch = send_batch(create_batch(period, dinas_admin), dinas_admin)
    row = batch.rows.get(candidate=candidate)
    rejected = batch.rows.get(candidate=second_candidate)
    lines = bank_data.return_lines(batch, rejected=[rejected.row_number])
    for line in lines:
        if line[1] == row.row_number:
            line[3] = ACCOUNT
    return_upload = store_return_file(
        batch, bank_data.upload(bank_data.xlsx_return(lines)), bank_officer
    )
    apply_return_file(return_upload, bank_officer)
    requeue_bank_rejected([second_candidate.pk], dinas_admin, note="NIK diperbaiki")

    # Step 6: a card, reissued, rendered through the bank's page, printed.
    issue_cards(batch, bank_officer)
    old_card = Card.objects.get(candidate=candidate)
    card = reissue_card(old_card, "Salah cetak nama", bank_officer)
    response = logged_in(bank_officer).post(
        reverse("cards:batch-render", args=[batch.pk]),
        {"layout": PrintLayout.A4_SHEETS},
    )
    assert response.status_code == 302
    print_run = PrintRun.objects.get(bank_batch=batch)
    # What the worker would write: a PDF of the run's pages.
    print_run.file.save("kartu.pdf", ContentFile(verification_data.pdf_bytes()))
    PrintRun.objects.filter(pk=print_run.pk).update(page_count=1)
    print_run.refresh_from_db()
    confirm_print_run(print_run, 0, 0, bank_officer)

    # Step 7: arrival at school, the Berita Acara, the handover.
    mark_arrived([card.pk], timezone.localdate(), actor=operator_a)
    register_ = prepare_register(school_a, period, actor=operator_a)
    store_register_scan(
        register_,
        SimpleUploadedFile("ba.png", verification_data.png_bytes(), "image/png"),
        actor=operator_a,
    )
    card.refresh_from_db()
    record_handover(card, delivered(), actor=operator_a)

    lampiran = LampiranExport.objects.create(
        job=Job.objects.create(kind=Job.Kind.REPORT, created_by=verifier),
        period=period,
        created_by=verifier,
    )
    lampiran.file.save("lampiran.pdf", ContentFile(verification_data.pdf_bytes()))

    everyone = Student.objects.all()
    niks = [
        value
        for student in everyone
        for value in (
            student.nik,
            student.mother_nik,
            student.father_nik,
            student.no_kk,
        )
        if value
    ]
    return World(
        pupil=pupil,
        second=second,
        stranger=stranger,
        candidate=candidate,
        second_candidate=second_candidate,
        upload=upload,
        submission=submission,
        document=document,
        batch=batch,
        row=row,
        return_upload=ReturnUpload.objects.get(pk=return_upload.pk),
        old_card=old_card,
        card=card,
        print_run=print_run,
        register=HandoverRegister.objects.get(pk=register_.pk),
        lampiran=lampiran,
        niks=niks,
    )


def entry_text(entry: AuditEntry) -> str:
    values = [
        entry.actor_name,
        entry.action,
        entry.object_type,
        entry.object_id,
        str(entry.student_id),
        str(entry.ip_address),
        repr(entry.details),
    ]
    return " ".join(values)


def assert_no_identifier(world: World) -> None:
    entries = list(AuditEntry.objects.all())
    assert entries
    for entry in entries:
        text = entry_text(entry)
        shown = [nik for nik in world.niks if nik in text]
        assert not shown, f"{entry.action} holds a NIK"
        assert ACCOUNT not in text, f"{entry.action} holds an account number"


# Changes -------------------------------------------------------------------


def test_every_kind_of_change_writes_an_entry_naming_the_pupil(
    world: World, operator_a: User, verifier: User, bank_officer: User
) -> None:
    pupil, second = world.pupil, world.second
    candidate, second_candidate = world.candidate, world.second_candidate

    # Students: the upload and the import, the DTKS review.
    assert one_entry("upload.create", world.upload).actor == operator_a
    assert one_entry("upload.create", world.upload).ip_address == "10.20.30.40"
    assert one_entry("students.import", world.upload).details["created"] == 3
    review = one_entry("dtks.review", student_id=second.pk)
    assert review.actor == verifier
    # Candidates: sent, resent, decided, requeued by the Dinas.
    assert one_entry("submission.send", world.submission).details["candidates"] == 2
    resent = one_entry("submission.resend")
    assert resent.object_id == str(second_candidate.submission_id)
    assert resent.actor == operator_a
    one_entry("document.upload", world.document, student_id=pupil.pk)
    one_entry("candidate.approve", candidate, student_id=pupil.pk)
    one_entry("candidate.return", second_candidate, student_id=second.pk)
    assert (
        AuditEntry.objects.filter(
            action="candidate.approve", student_id=second.pk
        ).count()
        == 1
    )
    one_entry("bank_row.requeue", second_candidate, student_id=second.pk)
    # Batches and accounts.
    one_entry("bank_batch.create", world.batch)
    one_entry("bank_batch.send", world.batch)
    one_entry("bank_return.upload", world.return_upload)
    one_entry("bank_return.apply", world.return_upload)
    opened = one_entry("bank_row.open_account", world.row, student_id=pupil.pk)
    assert opened.actor == bank_officer
    one_entry("bank_row.reject", student_id=second.pk)
    # Cards: issued, reissued, rendered, printed, arrived, handed over.
    one_entry("cards.issue", world.batch)
    reissued = one_entry("cards.reissue", world.card, student_id=pupil.pk)
    assert reissued.details["replaces"] == world.old_card.number
    one_entry("print_run.create", world.print_run)
    one_entry("print_run.confirm", world.print_run)
    one_entry("card.arrive", world.card, student_id=pupil.pk)
    one_entry("handover_register.print", world.register)
    one_entry("handover_register.scan", world.register)
    one_entry("card.handover", world.card, student_id=pupil.pk)

    assert_no_identifier(world)


# Views and exports of personal data -----------------------------------------


@dataclass(frozen=True)
class Look:
    """A page or file of personal data, asked for by a role that may."""

    role: str
    action: str
    ask: Callable[[Client, World], Any]
    # Whether the entry names the pupil by id (a page about one pupil).
    about_pupil: bool = False


def get(name: str, *args: Callable[[World], Any], **query: str) -> Any:
    def ask(client: Client, world: World) -> Any:
        url = reverse(name, args=[arg(world) for arg in args])
        return client.get(url, query)

    return ask


def ask_status(client: Client, world: World) -> Any:
    form = status_form(world.pupil.nisn, world.pupil.birth_date)
    return client.post(reverse("cards:status"), form)


def ask_review_queue(client: Client, world: World) -> Any:
    # A review still open, of a pupil the school has not proposed.
    pupil = Student.objects.exclude(pk__in=[world.pupil.pk, world.second.pk]).get(
        school=world.pupil.school
    )
    register = Snapshot.objects.get()
    person = verification_data.person_for(pupil, register, 3)
    verification_data.match(
        pupil,
        register,
        None,
        decision=MatchDecision.REVIEW,
        method=Method.FUZZY,
        candidates=[{"person": person.pk, "method": "fuzzy", "score": 11.0}],
    )
    url = reverse("verification:review-queue")
    return client.get(url, {"cakupan": "semua"})


def ask_person_search(client: Client, world: World) -> Any:
    url = reverse("audit:person-find")
    return client.post(url, {"q": world.pupil.nik})


PUPIL = (lambda w: w.pupil.pk,)

LOOKS = {
    "student-detail": Look(
        "verifier", "student.view", get("students:student-detail", *PUPIL), True
    ),
    "upload-detail": Look(
        "verifier", "upload.view", get("students:upload-detail", lambda w: w.upload.pk)
    ),
    "upload-annotated": Look(
        "operator_a",
        "upload.download_annotated",
        get("students:upload-annotated", lambda w: w.upload.pk),
    ),
    "submission-detail": Look(
        "verifier",
        "submission.view",
        get("verification:submission-detail", lambda w: w.submission.pk),
    ),
    "candidate-detail": Look(
        "verifier",
        "candidate.view",
        get("verification:candidate-detail", lambda w: w.candidate.pk),
        True,
    ),
    "document-file": Look(
        "verifier",
        "document.view",
        get("verification:document-file", lambda w: w.document.pk),
        True,
    ),
    "review-queue": Look("verifier", "dtks_review.view", ask_review_queue),
    "recipients-xlsx": Look(
        "kepala", "recipients.export", get("verification:recipients-xlsx")
    ),
    "lampiran-pdf": Look(
        "verifier",
        "recipients.export",
        get("verification:lampiran-download", lambda w: w.lampiran.pk),
    ),
    "batch-detail": Look(
        "dinas_admin",
        "bank_batch.view",
        get("bank_exchange:batch-detail", lambda w: w.batch.pk),
    ),
    "batch-download": Look(
        "bank_officer",
        "bank_batch.download",
        get("bank_exchange:batch-download", lambda w: w.batch.pk, lambda w: "xlsx"),
    ),
    "row-answer": Look(
        "bank_officer",
        "bank_row.view",
        get(
            "bank_exchange:row-answer",
            lambda w: w.batch.pk,
            lambda w: w.row.row_number,
        ),
        True,
    ),
    "return-preview": Look(
        "dinas_admin",
        "bank_return.view",
        get(
            "bank_exchange:return-preview",
            lambda w: w.batch.pk,
            lambda w: w.return_upload.pk,
        ),
    ),
    "reconciliation-xlsx": Look(
        "kepala",
        "reconciliation.export",
        get("bank_exchange:reconciliation-download"),
    ),
    "print-run-pdf": Look(
        "bank_officer",
        "print_run.download",
        get("cards:print-run-download", lambda w: w.print_run.pk),
    ),
    "handover-card": Look(
        "operator_a",
        "card.view",
        get("cards:handover-card", lambda w: w.card.pk),
        True,
    ),
    "berita-acara-pdf": Look(
        "operator_a",
        "handover_register.download",
        get("cards:handover-register-pdf", lambda w: w.register.pk),
    ),
    "berita-acara-scan": Look(
        "operator_a",
        "handover_register.scan_view",
        get("cards:handover-register-scan", lambda w: w.register.pk),
    ),
    "status-check": Look("anonymous", "card_status.check", ask_status, True),
    "audit-search-by-nisn": Look(
        "dinas_admin",
        "audit.search",
        lambda client, w: client.get(reverse("audit:search"), {"nisn": w.pupil.nisn}),
        True,
    ),
    "audit-person-search": Look(
        "dinas_admin", "audit.person_search", ask_person_search
    ),
    "audit-trail": Look(
        "dinas_admin", "audit.trail_view", get("audit:trail", *PUPIL), True
    ),
    "audit-trail-xlsx": Look(
        "dinas_admin", "audit.trail_export", get("audit:trail-xlsx", *PUPIL), True
    ),
    "audit-trail-pdf": Look(
        "dinas_admin", "audit.trail_export", get("audit:trail-pdf", *PUPIL), True
    ),
}


@pytest.mark.parametrize("name", LOOKS)
def test_each_view_or_export_of_personal_data_writes_an_entry(
    name: str, world: World, request: pytest.FixtureRequest
) -> None:
    look = LOOKS[name]
    client = Client(REMOTE_ADDR="10.20.30.41")
    if look.role != "anonymous":
        user = request.getfixturevalue(look.role)
        client.force_login(user)
    mark = last_pk()

    response = look.ask(client, world)

    assert response.status_code == 200, f"{name}: {response.status_code}"
    entries = written_since(mark, look.action)
    assert entries, f"{name} wrote no {look.action} entry"
    entry = entries[-1]
    assert entry.ip_address == "10.20.30.41"
    # The conftest's users are named after their roles.
    assert entry.actor_name == ("" if look.role == "anonymous" else look.role)
    if look.about_pupil:
        assert entry.student_id == world.pupil.pk
    assert_no_identifier(world)


def test_every_action_written_here_has_a_label_for_the_search(world: World) -> None:
    written = set(AuditEntry.objects.values_list("action", flat=True))
    looked = {look.action for look in LOOKS.values()}

    assert written | looked <= set(ACTIONS)


def test_a_recipient_list_export_says_its_scope(
    world: World, kepala: User, school_a: School
) -> None:
    client = logged_in(kepala)

    client.get(reverse("verification:recipients-xlsx"), {"sekolah": school_a.pk})
    client.get(
        reverse("verification:recipients-xlsx"),
        {"kecamatan": school_a.kecamatan_id},
    )

    scoped = list(AuditEntry.objects.filter(action="recipients.export").order_by("pk"))
    assert [(e.details["school"], e.details["kecamatan"]) for e in scoped] == [
        (school_a.pk, None),
        (None, school_a.kecamatan_id),
    ]


# The trail of one pupil -----------------------------------------------------


def test_the_trail_holds_the_pupils_entries_and_the_shared_ones(
    world: World, kepala: User, school_b: School
) -> None:
    client = logged_in(kepala)
    # Lists for the whole district, for another school, and for the
    # pupil's school: the pupil is in the first and the last.
    client.get(reverse("verification:recipients-xlsx"))
    client.get(reverse("verification:recipients-xlsx"), {"sekolah": school_b.pk})
    client.get(
        reverse("verification:recipients-xlsx"), {"sekolah": world.pupil.school_id}
    )

    about, entries = trail(world.pupil)
    found = list(entries)
    actions = {entry.action for entry in found}

    assert {
        "students.import",
        "submission.send",
        "document.upload",
        "candidate.approve",
        "bank_batch.create",
        "bank_batch.send",
        "bank_return.upload",
        "bank_return.apply",
        "bank_row.open_account",
        "cards.issue",
        "cards.reissue",
        "print_run.create",
        "print_run.confirm",
        "card.arrive",
        "handover_register.print",
        "handover_register.scan",
        "card.handover",
        "recipients.export",
    } <= actions
    # The second pupil's own entries are hers alone.
    assert not [e for e in found if e.student_id == world.second.pk]
    assert "candidate.return" not in actions
    assert "dtks.review" not in actions
    assert "submission.resend" not in actions
    # Two of the three lists named the pupil.
    lists = [e for e in found if e.action == "recipients.export"]
    assert [e.details.get("school") for e in lists] == [None, world.pupil.school_id]
    # Oldest first; the pupil's own records marked as such.
    assert found == sorted(found, key=lambda e: (e.at, e.pk))
    direct = {e.action for e in found if about.is_direct(e)}
    assert "card.handover" in direct
    assert "bank_batch.send" not in direct
    assert not list(trail(world.stranger)[1])


def test_the_trail_page_shows_the_entries_and_records_its_viewing(
    world: World, dinas_admin: User
) -> None:
    client = logged_in(dinas_admin)

    page = client.get(reverse("audit:trail", args=[world.pupil.pk]))

    text = page.content.decode()
    assert world.pupil.name in text
    assert "Mencatat penyerahan kartu" in text
    assert "Bersama data siswa lain" in text
    assert world.pupil.nik not in text
    viewed = one_entry("audit.trail_view", world.pupil, student_id=world.pupil.pk)
    assert viewed.actor == dinas_admin
    # The viewing is part of the trail it shows.
    assert "Melihat jejak audit siswa" in text


def _workbook_cells(content: bytes) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]  # type: ignore[union-attr]


def test_the_trail_exports_as_a_workbook_of_text_identifiers(
    world: World, dinas_admin: User
) -> None:
    # A NISN with leading zeros and a user name that looks like a formula.
    Student.objects.filter(pk=world.pupil.pk).update(nisn="0012345678")
    world.pupil.refresh_from_db()
    hostile = User.objects.create_user("=HYPERLINK(1)")
    record(hostile, "student.view", world.pupil, student_id=world.pupil.pk)
    client = logged_in(dinas_admin)

    response = client.get(reverse("audit:trail-xlsx", args=[world.pupil.pk]))

    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in response["Content-Disposition"]
    rows = _workbook_cells(response.content)
    assert ("NISN", "0012345678") in [row[:2] for row in rows]
    table = [row for row in rows if isinstance(row[0], int)]
    assert len(table) == trail(world.pupil)[1].count()
    assert "'=HYPERLINK(1)" in [row[2] for row in table]
    assert any(row[4] == "audit.trail_export" for row in table)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist())
    assert not [nik for nik in world.niks if nik.encode() in xml]
    assert b"<f>" not in xml
    one_entry("audit.trail_export", world.pupil, details__format="xlsx")


def test_the_trail_exports_as_a_printable_pdf(world: World, dinas_admin: User) -> None:
    client = logged_in(dinas_admin)

    response = client.get(reverse("audit:trail-pdf", args=[world.pupil.pk]))

    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert world.pupil.name in text
    assert "card.handover" in text
    assert not [nik for nik in world.niks if nik in text]
    one_entry("audit.trail_export", world.pupil, details__format="pdf")


def test_a_pupil_is_found_by_nik_through_a_post_and_never_named_by_it(
    world: World, dinas_admin: User
) -> None:
    client = logged_in(dinas_admin)

    page = client.post(reverse("audit:person-find"), {"q": world.pupil.nik})

    trail_url = reverse("audit:trail", args=[world.pupil.pk])
    assert trail_url in page.content.decode()
    assert world.pupil.nik not in trail_url
    entry = one_entry("audit.person_search")
    assert entry.details == {"kind": "nik", "found": 1}
    by_name = client.post(reverse("audit:person-find"), {"q": world.pupil.name[:5]})
    assert trail_url in by_name.content.decode()


# The search -----------------------------------------------------------------


def test_the_search_filters_by_date_user_action_type_and_pupil(
    world: World, dinas_admin: User, operator_a: User
) -> None:
    client = logged_in(dinas_admin)
    url = reverse("audit:search")
    old = AuditEntry.objects.create(
        at=timezone.now() - dt.timedelta(days=40), action="student.view"
    )

    def shown(**query: str) -> list[AuditEntry]:
        response = client.get(url, query)
        assert response.status_code == 200
        return [row.entry for row in response.context["rows"]]

    everything = shown()
    assert everything == sorted(everything, key=lambda e: (e.at, e.pk), reverse=True)
    assert everything[-1] == old
    assert all(e.actor == operator_a for e in shown(pengguna="OPERATOR_A"))
    assert {e.action for e in shown(aksi="card.handover")} == {"card.handover"}
    assert {e.object_type for e in shown(jenis="cards.Card")} == {"cards.Card"}
    today = timezone.localdate()
    recent = shown(dari=str(today - dt.timedelta(days=1)), sampai=str(today))
    assert old not in recent and recent
    assert shown(sampai=str(today - dt.timedelta(days=30))) == [old]
    about = shown(nisn=world.pupil.nisn)
    assert {e.action for e in about} >= {"card.handover", "bank_batch.send"}
    assert not [e for e in about if e.student_id == world.second.pk]

    wrong = client.get(url, {"pengguna": "nobody", "dari": "2026-02-02"})
    assert wrong.context["page"] is None
    assert "Tidak ada pengguna" in wrong.content.decode()


def test_the_search_pages_by_cursor_through_equal_times(
    db: None, verifier: User
) -> None:
    moment = timezone.now()
    made = [
        AuditEntry.objects.create(at=moment, actor=verifier, action="student.view")
        for _ in range(7)
    ]
    expected = sorted(made, key=lambda e: e.pk, reverse=True)
    found = search(SearchFilters(actor=verifier))

    seen: list[AuditEntry] = []
    page = entry_page(found, size=3)
    pages = [page]
    while page.next_cursor:
        page = entry_page(found, after=page.next_cursor, size=3)
        pages.append(page)
    for each in pages:
        seen.extend(each.entries)
    back = entry_page(found, before=pages[-1].previous_cursor, size=3)

    assert seen == expected
    assert [len(p.entries) for p in pages] == [3, 3, 1]
    assert back.entries == pages[-2].entries
    assert entry_page(found, after="not-a-cursor", size=3).entries == expected[:3]


def index_conditions(plan: str) -> str:
    return "\n".join(line for line in plan.splitlines() if "Index Cond:" in line)


@pytest.mark.postgres
def test_the_search_and_the_trail_are_answered_from_indexes(
    world: World, operator_a: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's: set DATABASE_URL")
    # Other entries, so that the planner has a table worth an index.
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=now - dt.timedelta(minutes=number),
            action=f"other.action{number % 40}",
            object_type=f"other.Type{number % 40}",
            object_id=str(number),
            student_id=900_000 + number % 3000,
        )
        for number in range(6000)
    )
    today = timezone.localdate()
    # Each filter, and the column an index must answer it by.
    shapes = {
        "dates": (SearchFilters(first_day=today, last_day=today), "(at >="),
        "user": (SearchFilters(actor=operator_a), "(actor_id ="),
        "action": (SearchFilters(action="card.handover"), "((action)::text ="),
        "type": (SearchFilters(object_type="cards.Card"), "((object_type)::text ="),
        "pupil": (SearchFilters(students=[world.pupil]), "(student_id ="),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE balangan_pintar_auditentry")
        # Priced out, a sequential scan shows only where no index serves.
        cursor.execute("SET LOCAL enable_seqscan = off")
        newest = search(SearchFilters()).order_by("-at", "-pk")[:51].explain()
        assert "Index Scan Backward using" in newest, newest
        for name, (filters, column) in shapes.items():
            plan = search(filters).order_by("-at", "-pk")[:51].explain()
            assert column in index_conditions(plan), (name, plan)
        trail_plan = trail(world.pupil)[1].explain()
        assert "Seq Scan" not in trail_plan, trail_plan
        assert "audit_object" in trail_plan, trail_plan
        assert "(student_id =" in index_conditions(trail_plan), trail_plan


# Entries cannot be changed or deleted ---------------------------------------


def test_the_admin_site_shows_entries_but_offers_no_change_or_delete(
    db: None, verifier: User
) -> None:
    entry = record(verifier, "student.view")
    admin = User.objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(admin)
    base = "/admin/balangan_pintar/auditentry/"

    listing = client.get(base)
    change = client.get(f"{base}{entry.pk}/change/")

    assert listing.status_code == 200
    assert "delete_selected" not in listing.content.decode()
    assert f"{base}add/" not in listing.content.decode()
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.post(f"{base}{entry.pk}/change/", {"action": "x"}).status_code == 403
    assert client.get(f"{base}{entry.pk}/delete/").status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    bulk = client.post(
        base, {"action": "delete_selected", "_selected_action": [entry.pk]}
    )
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.get(pk=entry.pk).action == "student.view"


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_delete_an_entry(
    db: None, verifier: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's: set DATABASE_URL")
    entry = record(verifier, "student.view")
    entries = AuditEntry.objects.filter(pk=entry.pk)

    for change in (
        lambda: entries.update(action="student.export"),
        lambda: entries.delete(),
        lambda: connection.cursor().execute(
            "DELETE FROM balangan_pintar_auditentry WHERE id = %s", [entry.pk]
        ),
    ):
        with (
            pytest.raises(DatabaseError, match="cannot be changed or deleted"),
            transaction.atomic(),
        ):
            change()

    assert AuditEntry.objects.get(pk=entry.pk).action == "student.view"
