"""Sending a batch (end of SOP step 4): the files as the bank reads them,
their hashes, the candidates' moves, and the freeze."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage

from balangan_pintar.models import Period
from bank_exchange.formats import sha256_of
from bank_exchange.models import BankBatch, BatchState, ExportedFile, FileKind
from bank_exchange.services import (
    BankExchangeRefused,
    create_batch,
    discard_batch,
    record_download,
    send_batch,
)
from students.models import Candidate, School, StageEvent, Status, Student

from .factories import approved


def workbook_of(batch: BankBatch) -> openpyxl.Workbook:
    exported = batch.files.get(kind=FileKind.XLSX)
    with exported.file.open("rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read()))


def csv_lines(batch: BankBatch, kind: FileKind) -> list[list[str]]:
    with batch.files.get(kind=kind).file.open("rb") as handle:
        text = handle.read().decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_sending_writes_three_files_with_their_hashes(
    sent: BankBatch, media_root: Path
) -> None:
    files = {f.kind: f for f in sent.files.all()}

    assert set(files) == {FileKind.XLSX, FileKind.CSV, FileKind.CONTROL}
    assert files[FileKind.XLSX].name == "KBP-2026-001.xlsx"
    for exported in files.values():
        path = Path(default_storage.path(exported.file.name or ""))
        assert path.is_relative_to(media_root)
        # The stored name is made by the server, not from the batch number.
        assert "KBP" not in path.name
        assert sha256_of(path.read_bytes()) == exported.sha256
    assert sent.state == BatchState.SENT
    assert sent.number == "KBP/2026/001"


def test_export_content_and_control_totals(
    sent: BankBatch, candidates: list[Candidate]
) -> None:
    workbook = workbook_of(sent)
    data = list(workbook["Data"].iter_rows(values_only=True))
    control = dict(workbook["Kontrol"].iter_rows(min_row=2, values_only=True))

    assert data[0][:5] == ("NO", "NOMOR_BATCH", "NIK", "NISN", "NAMA")
    assert len(data) == 4
    # Rows go by kecamatan code: Juai (63.11.01) before Paringin.
    first = candidates[2].student
    assert data[1][:5] == (1, "KBP/2026/001", first.nik, first.nisn, first.name)
    assert data[1][8] == first.mother_name
    assert control["NOMOR_BATCH"] == "KBP/2026/001"
    assert control["JUMLAH_BARIS"] == 3
    assert control["JUMLAH_NOMINAL"] == 2 * 1_100_000 + 1_500_000
    assert control["JUMLAH_BARIS_SD"] == 2
    assert control["JUMLAH_NOMINAL_SMP"] == 1_500_000


def test_the_csv_files_agree_with_the_workbook(sent: BankBatch) -> None:
    data = csv_lines(sent, FileKind.CSV)
    control = dict(csv_lines(sent, FileKind.CONTROL)[1:])

    assert len(data) == 4
    assert data[1][2] == sent.rows.get(row_number=1).nik
    assert control["JUMLAH_BARIS"] == "3"
    csv_file = sent.files.get(kind=FileKind.CSV)
    assert control["SHA256_DATA_CSV"] == csv_file.sha256


def test_identifiers_stay_text(
    school_a: School, period: Period, verifier: User, dinas_admin: User
) -> None:
    candidate = approved(school_a, period, verifier, 1)[0]
    Student.objects.filter(pk=candidate.student_id).update(
        nisn="0012345678", nik="6311010101010001", rt="003"
    )

    batch = send_batch(create_batch(period, dinas_admin), dinas_admin)

    sheet = workbook_of(batch)["Data"]
    for column, expected in (("C", "6311010101010001"), ("D", "0012345678")):
        cell = sheet[f"{column}2"]
        assert cell.value == expected
        assert cell.data_type == "s"
        assert cell.number_format == "@"
    assert sheet["K2"].value == "003"
    assert sheet["O2"].value == "30304001"
    assert csv_lines(batch, FileKind.CSV)[1][3] == "0012345678"


def test_a_formula_in_a_name_is_neutralised(
    school_a: School, period: Period, verifier: User, dinas_admin: User
) -> None:
    candidate = approved(school_a, period, verifier, 1)[0]
    formula = '=HYPERLINK("http://contoh.invalid","klik")'
    Student.objects.filter(pk=candidate.student_id).update(
        name=formula, mother_name="@SUM(1+1)", address="-"
    )

    batch = send_batch(create_batch(period, dinas_admin), dinas_admin)

    sheet = workbook_of(batch)["Data"]
    assert sheet["E2"].value == "'" + formula
    assert sheet["E2"].data_type == "s"
    assert sheet["I2"].value == "'@SUM(1+1)"
    assert sheet["J2"].value == "'-"
    line = csv_lines(batch, FileKind.CSV)[1]
    assert line[4] == "'" + formula
    # The record keeps the value as it was; only the files are neutralised.
    assert batch.rows.get().name == formula


def test_sending_ends_step_4_for_every_candidate(
    sent: BankBatch, candidates: list[Candidate], dinas_admin: User
) -> None:
    statuses = set(
        Candidate.objects.filter(pk__in=[c.pk for c in candidates]).values_list(
            "status", flat=True
        )
    )
    events = StageEvent.objects.filter(step=4)

    assert statuses == {Status.SENT_TO_BANK}
    assert events.count() == 3
    assert {e.to_status for e in events} == {Status.SENT_TO_BANK}
    assert {e.actor for e in events} == {dinas_admin}
    assert {e.at for e in events} == {sent.sent_at}
    assert {e.note for e in events} == {"Batch KBP/2026/001"}


def test_sending_takes_corrections_made_after_the_draft(
    draft: BankBatch, candidates: list[Candidate], dinas_admin: User
) -> None:
    Student.objects.filter(pk=candidates[0].student_id).update(mother_name="HALIMAH")

    batch = send_batch(draft, dinas_admin)

    assert batch.rows.get(candidate=candidates[0]).mother_name == "HALIMAH"


def test_a_sent_batch_never_changes(
    sent: BankBatch, candidates: list[Candidate], dinas_admin: User
) -> None:
    before = list(sent.rows.values())
    hashes = dict(sent.files.values_list("kind", "sha256"))
    Student.objects.filter(pk=candidates[0].student_id).update(name="NAMA BARU")

    assert not sent.can_change()
    with pytest.raises(BankExchangeRefused):
        send_batch(sent, dinas_admin)
    with pytest.raises(BankExchangeRefused):
        discard_batch(sent, dinas_admin)

    assert list(sent.rows.values()) == before
    assert dict(sent.files.values_list("kind", "sha256")) == hashes
    download = record_download(sent, FileKind.XLSX, dinas_admin)
    assert download.sha256 == hashes[FileKind.XLSX]
    assert StageEvent.objects.filter(step=4).count() == 3


def test_sending_is_all_or_nothing(
    draft: BankBatch, candidates: list[Candidate], dinas_admin: User, media_root: Path
) -> None:
    # A candidate that left "approved" behind the batch's back cannot be sent,
    # and neither can the others.
    Candidate.objects.filter(pk=candidates[1].pk).update(status=Status.REJECTED)

    with pytest.raises(BankExchangeRefused):
        send_batch(draft, dinas_admin)

    draft.refresh_from_db()
    assert draft.state == BatchState.DRAFT
    assert draft.number is None
    assert not ExportedFile.objects.exists()
    assert not StageEvent.objects.filter(step=4).exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]
    assert Candidate.objects.get(pk=candidates[0].pk).status == Status.APPROVED


def test_a_download_returns_the_file_as_sent(
    sent: BankBatch, bank_officer: User
) -> None:
    exported = sent.files.get(kind=FileKind.CSV)
    path = Path(default_storage.path(exported.file.name or ""))
    path.write_bytes(path.read_bytes() + b"tampered")

    with pytest.raises(BankExchangeRefused):
        record_download(sent, FileKind.CSV, bank_officer)
